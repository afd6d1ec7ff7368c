/**
 * Which API the CLI talks to: a deployed one (--endpoint, --api-key, --admin-token, or
 * FACEGATE_ENDPOINT / FACEGATE_API_KEY / FACEGATE_ADMIN_TOKEN), else the local stack described by
 * `<data>/local.json` (written by `npm start`; --data or FACEGATE_DATA, default .facegate).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { UserPoolTarget } from './signin';

/** What `npm start` writes to `<data>/local.json` (and prints). */
export interface LocalStackInfo {
  graphqlUrl: string;
  realtimeUrl: string;
  apiKey: string;
  adminToken: string;
  /** The end users' pool, for face sign-in (`login`); absent in a data directory from before it. */
  userPool?: { endpoint: string; region: string; userPoolId: string; userPoolClientId: string };
  endpoints: Record<string, string>;
  /** Written by stacks since `facegate doctor` (older local.json files lack them). */
  region?: string;
  tableName?: string;
  bucketName?: string;
  collectionId?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export const LOCAL_INFO_FILE = 'local.json';
export const DEFAULT_DATA_DIR = '.facegate';

export interface Target {
  graphqlUrl: string;
  realtimeUrl?: string;
  apiKey: string;
  adminToken?: string;
  /** Where face sign-in happens (`login`). */
  userPool?: UserPoolTarget;
  /** Where the settings came from, for messages. */
  source: string;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface TargetFlags {
  endpoint?: string;
  realtimeEndpoint?: string;
  apiKey?: string;
  adminToken?: string;
  userPoolClientId?: string;
  region?: string;
  data?: string;
}

/** Cognito's endpoint in a region. */
export const cognitoEndpoint = (region: string): string => `https://cognito-idp.${region}.amazonaws.com/`;

/** The region of an AppSync endpoint (…appsync-api.<region>.amazonaws.com), if it is one. */
const regionOf = (graphqlUrl: string): string | undefined => /\.appsync-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(new URL(graphqlUrl).hostname)?.[1];

export function resolveTarget(flags: TargetFlags, env: Record<string, string | undefined>, cwd: string): Target {
  const endpoint = flags.endpoint ?? env.FACEGATE_ENDPOINT;
  const adminToken = flags.adminToken ?? env.FACEGATE_ADMIN_TOKEN;
  const realtimeUrl = flags.realtimeEndpoint ?? env.FACEGATE_REALTIME_ENDPOINT;
  if (endpoint) {
    const apiKey = flags.apiKey ?? env.FACEGATE_API_KEY;
    if (!apiKey) throw new UsageError('--endpoint needs --api-key (or FACEGATE_API_KEY)');
    const clientId = flags.userPoolClientId ?? env.FACEGATE_USER_POOL_CLIENT_ID;
    const region = flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? regionOf(endpoint);
    return {
      graphqlUrl: endpoint,
      apiKey,
      ...(realtimeUrl ? { realtimeUrl } : {}),
      ...(adminToken ? { adminToken } : {}),
      ...(clientId && region ? { userPool: { endpoint: cognitoEndpoint(region), clientId } } : {}),
      source: endpoint,
    };
  }
  const { info, file } = readLocalInfo(flags.data, env, cwd);
  return {
    graphqlUrl: info.graphqlUrl,
    realtimeUrl: realtimeUrl ?? info.realtimeUrl,
    apiKey: flags.apiKey ?? info.apiKey,
    ...((adminToken ?? info.adminToken) ? { adminToken: adminToken ?? info.adminToken } : {}),
    ...(info.userPool ? { userPool: { endpoint: info.userPool.endpoint, clientId: flags.userPoolClientId ?? info.userPool.userPoolClientId } } : {}),
    source: file,
  };
}

/** `<data>/local.json` of the local stack (--data, FACEGATE_DATA, default .facegate). */
export function readLocalInfo(data: string | undefined, env: Record<string, string | undefined>, cwd: string): { info: LocalStackInfo; file: string } {
  const dataDir = path.resolve(cwd, data ?? env.FACEGATE_DATA ?? DEFAULT_DATA_DIR);
  const file = path.join(dataDir, LOCAL_INFO_FILE);
  try {
    return { info: JSON.parse(fs.readFileSync(file, 'utf8')) as LocalStackInfo, file };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UsageError(`No local stack found (${file} is missing). Start one with \`npm start\`, or pass --endpoint URL --api-key KEY.`);
    }
    throw new UsageError(`Cannot read ${file}: ${(e as Error).message}`);
  }
}
