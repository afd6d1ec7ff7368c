/**
 * What the web app needs to know at run time, fetched as `config.json` beside index.html — so
 * one static build serves any port and any deployment:
 *
 * - the local stack (`npm start`) serves it at /config.json, derived from `<data>/local.json`;
 * - a deployment writes it from the CDK outputs (`npm run web:config`, web/config-from-outputs.ts).
 *
 * Plain data and a parser, no DOM and no Node: the browser app, the local stack and the outputs
 * script share it.
 */

/** A Cognito user pool as Amplify's `Auth.Cognito` configuration wants it. */
export interface WebUserPool {
  userPoolId: string;
  userPoolClientId: string;
  /** A Cognito-compatible endpoint instead of AWS's (the local stack's). */
  endpoint?: string;
}

export interface WebConfig {
  /** `local`: the stack `npm start` runs on this machine; `aws`: a deployment. */
  stage: 'local' | 'aws';
  region: string;
  graphqlUrl: string;
  /** ws:// on the local stack, wss:// in AWS. */
  realtimeUrl: string;
  /** The API key the app's calls send (x-api-key). */
  apiKey: string;
  /** The end users' pool: face sign-in (Cognito custom authentication), then me, updateMyPhoto, deleteMe. */
  userPool: WebUserPool;
  /**
   * Local stack only: the stack's admin token (a Cognito-style JWT of group "admins"), so the
   * admin console opens without a sign-in on this machine. Never part of a deployed config:
   * config-from-outputs.ts has no way to write it, and the console ignores it unless stage is local.
   */
  adminToken?: string;
  /** Where admins sign in (invite-only, TOTP MFA) when there is no local admin token. */
  adminPool?: WebUserPool;
}

export class WebConfigError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(o: Record<string, unknown>, key: string, where = ''): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length === 0) throw new WebConfigError(`config.json: ${where}${key} must be a non-empty string`);
  return v;
}

function url(o: Record<string, unknown>, key: string, protocols: string[]): string {
  const v = text(o, key);
  let parsed: URL;
  try {
    parsed = new URL(v);
  } catch {
    throw new WebConfigError(`config.json: ${key} is not a URL: ${v}`);
  }
  if (!protocols.includes(parsed.protocol)) throw new WebConfigError(`config.json: ${key} must be ${protocols.join(' or ')} (got ${v})`);
  return v;
}

function userPool(v: unknown, key: string): WebUserPool {
  if (!isObject(v)) throw new WebConfigError(`config.json: ${key} must be an object`);
  const pool: WebUserPool = { userPoolId: text(v, 'userPoolId', key + '.'), userPoolClientId: text(v, 'userPoolClientId', key + '.') };
  if (v.endpoint !== undefined) pool.endpoint = text(v, 'endpoint', key + '.');
  return pool;
}

/** Checks a config.json value; throws WebConfigError naming what is wrong. */
export function parseWebConfig(value: unknown): WebConfig {
  if (!isObject(value)) throw new WebConfigError('config.json must be a JSON object');
  const stage = value.stage;
  if (stage !== 'local' && stage !== 'aws') throw new WebConfigError('config.json: stage must be "local" or "aws"');
  const config: WebConfig = {
    stage,
    region: text(value, 'region'),
    graphqlUrl: url(value, 'graphqlUrl', stage === 'local' ? ['http:', 'https:'] : ['https:']),
    realtimeUrl: url(value, 'realtimeUrl', stage === 'local' ? ['ws:', 'wss:'] : ['wss:']),
    apiKey: text(value, 'apiKey'),
    userPool: userPool(value.userPool, 'userPool'),
  };
  if (value.adminToken !== undefined) {
    if (stage !== 'local') throw new WebConfigError('config.json: adminToken belongs to the local stack only; remove it');
    config.adminToken = text(value, 'adminToken');
  }
  if (value.adminPool !== undefined) config.adminPool = userPool(value.adminPool, 'adminPool');
  return config;
}
