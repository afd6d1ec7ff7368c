/**
 * The embedded local stack: everything `npm start` runs, in this process, on 127.0.0.1.
 *
 *   dynalite (DynamoDB)     <data>/dynamodb      the single table with gsi1
 *   s3rver (S3)             <data>/s3            the image bucket, CORS for browser uploads;
 *                                                staged uploads/ expire after a day (upload-expiry.ts)
 *   local/rekognition       <data>/rekognition   the face collection
 *   local/cognito           <data>/cognito       the end users' user pool: face sign-in (the
 *                                                custom-auth trigger Lambdas in-process), tokens
 *   local/appsync           GraphQL + real-time  resolver bundles, step Lambdas in-process
 *   web (optional)          / on the same port   the built web app and its /config.json (web.ts)
 *   local/faults            (with `faults`)      a fault-injecting proxy in front of each of
 *                                                Rekognition, DynamoDB and S3 for the Lambdas
 *
 * The step Lambdas run in-process with the environment they get in AWS (TABLE_NAME, …) and
 * AWS_ENDPOINT_URL_<SERVICE> pointing at the stand-ins, set on process.env while the stack
 * runs (the SDK reads them there) and restored on close: one stack per process at a time.
 * Secrets (API key, IAM key pair, Cognito signing key, the end users' pool and client ids) persist
 * in <data>/secrets.json, so the API key, admin tokens and sign-in tokens survive restarts.
 * <data>/local.json tells clients where to connect
 * (and tools like `facegate doctor` where the table, bucket and collection are, with the key pair).
 */
import fs from 'node:fs';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { S3Client } from '@aws-sdk/client-s3';
import { accountSteps } from '../../functions/account';
import { adminSteps } from '../../functions/admin';
import { createAuthChallenge } from '../../functions/createAuthChallenge';
import { defineAuthChallenge } from '../../functions/defineAuthChallenge';
import { triggerHandler } from '../../functions/lib/trigger';
import { verifyAuthChallengeResponse } from '../../functions/verifyAuthChallengeResponse';
import { authenticateSteps } from '../../functions/authenticate';
import { ADMIN_GROUP, type StepEvent } from '../../functions/lib/contract';
import { stepHandler } from '../../functions/lib/handler';
import { registerSteps } from '../../functions/register';
import { uploadSteps } from '../../functions/uploads';
import { REQUEST_LIMITS, type LambdaName } from '../../resolvers/manifest';
import { createLocalAuth, createResolverRuntime, startAppSyncServer } from '../appsync/index';
import { startCognitoServer } from '../cognito/index';
import { createFaultProxies, type FaultControl } from '../faults/index';
import { startRekognitionServer } from '../rekognition/index';
import { setS3Client } from '../rekognition/image';
import { lockDataDir } from './lock';
import { ensureCollection, ensureTable } from './provision';
import { loadOrCreateSecrets, type LocalSecrets } from './secrets';
import { startDynamoDb, startS3 } from './services';
import { startUploadExpiry } from './upload-expiry';
import { webSite } from './web';
import type { WebConfig } from '../../web/config';

export { DataDirLockedError } from './lock';

export const LOCAL_INFO_FILE = 'local.json';
export const TABLE_NAME = 'facegate';
export const BUCKET_NAME = 'facegate-images';
export const COLLECTION_ID = 'facegate';
/**
 * The authentication threshold the local stack uses unless FACEGATE_AUTH_THRESHOLD is set.
 * The local engine is not Rekognition: at AWS's 99 a genuine selfie passes only ~3 times in 4
 * (TAR 75.3 %); at 95 it passes 89.0 % with no false accepts on the labelled pairs
 * (local/rekognition/README.md, re-measured for issue 9).
 */
export const LOCAL_AUTH_THRESHOLD = 95;
/** Admin tokens in local.json stay valid this long (and across restarts: the key persists). */
export const ADMIN_TOKEN_TTL_SECONDS = 30 * 24 * 3600;

export type StackLog = (line: string) => void;

export interface LocalStackOptions {
  dataDir: string;
  /** GraphQL port; 0 picks a free one. Default 4000. */
  port?: number;
  host?: string;
  /** Progress lines (default console.log); false silences the stack. */
  log?: StackLog | false;
  /** Face model worker threads (default: the engine's, min(2, cores)). */
  engineWorkers?: number;
  /** One line per face-engine request. */
  logEngineRequests?: boolean;
  region?: string;
  /**
   * Fault injection (local/faults/spec.ts): when given (even ''), the step Lambdas reach
   * Rekognition, DynamoDB and S3 through fault-injecting proxies applying this spec, which
   * `stack.faults.set()` can replace while the stack runs. Absent: no proxies.
   */
  faults?: string;
  /** One line per injected fault. */
  logFaults?: boolean;
  /** Serve the built web app (dist/web, see web/build.ts) at / and its /config.json. */
  web?: { root: string };
}

/** Where and how to sign in with a face: what Amplify's `Auth.Cognito` configuration needs. */
export interface LocalUserPool {
  /** Amplify's `userPoolEndpoint`; the AWS SDK's `endpoint`. */
  endpoint: string;
  region: string;
  userPoolId: string;
  userPoolClientId: string;
}

/** What `<data>/local.json` holds and `npm start` prints. */
export interface LocalStackInfo {
  graphqlUrl: string;
  realtimeUrl: string;
  apiKey: string;
  adminToken: string;
  userPool: LocalUserPool;
  endpoints: { graphql: string; realtime: string; dynamodb: string; s3: string; rekognition: string; cognito: string };
  /** The web app and admin console (admin.html), when the stack serves them. */
  webUrl?: string;
  /** Where the data is, for tools that talk to the services directly (`facegate doctor`). */
  region: string;
  tableName: string;
  bucketName: string;
  collectionId: string;
  /** The IAM key pair the stack's services accept (S3 verifies signatures with it). */
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export interface LocalStack extends LocalStackInfo {
  dataDir: string;
  /** FACEGATE_AUTH_THRESHOLD in effect, and whether it is the local default. */
  authThreshold: { value: number; localDefault: boolean };
  /** The step Lambdas as the resolvers invoke them (for benchmarks: the same flows without GraphQL). */
  lambdas: Record<LambdaName, (payload: unknown) => Promise<unknown>>;
  /**
   * Start to ready, ms; and when each part was ready (ms since start). `uploadsSwept`: when the
   * first expiry sweep of staged uploads was done (it runs while the engine loads).
   */
  readyMs: number;
  timings: Record<'services' | 'uploadsSwept' | 'engine' | 'provisioned' | 'runtime' | 'server', number>;
  issueAdminToken(username?: string, expiresInSeconds?: number): string;
  /** The fault plan in force, when the stack was started with `faults`. */
  faults?: FaultControl;
  close(): Promise<void>;
}

let running: string | undefined;

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const started = performance.now();
  const since = () => Math.round(performance.now() - started);
  const timings = { services: 0, uploadsSwept: 0, engine: 0, provisioned: 0, runtime: 0, server: 0 };
  const dataDir = path.resolve(options.dataDir);
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? 'us-east-1';
  const log: StackLog = options.log === false ? () => undefined : (options.log ?? ((line) => console.log(line)));
  // The lock first: a second start on the same directory gets the clear DataDirLockedError.
  const lock = lockDataDir(dataDir);
  if (running) {
    lock.release();
    throw new Error(`A local stack is already running in this process (data ${running}); close it first`);
  }
  running = dataDir;
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanUp = async () => {
    for (const fn of cleanups.splice(0).reverse()) {
      try {
        await fn();
      } catch (e) {
        log(`[stack] while closing: ${(e as Error).message}`);
      }
    }
  };
  cleanups.push(() => {
    running = undefined;
    lock.release();
  });

  try {
    // A bad fault spec is refused before anything starts.
    const faults = options.faults === undefined ? undefined : createFaultProxies({ spec: options.faults, host, ...(options.logFaults ? { log: (line: string) => log(`[faults] ${line}`) } : {}) });
    if (faults) cleanups.push(() => faults.close());
    const { secrets, created } = loadOrCreateSecrets(dataDir, region);
    if (created) log(`[stack] new data directory ${dataDir}: generated an API key, an IAM key pair and a Cognito signing key`);
    const credentials = { accessKeyId: secrets.iam.accessKeyId, secretAccessKey: secrets.iam.secretAccessKey };

    // The face models take seconds to load: start the engine first, in parallel with the rest.
    const enginePromise = startRekognitionServer({
      dataDir: path.join(dataDir, 'rekognition'),
      port: 0,
      host,
      region,
      ...(options.engineWorkers ? { workers: options.engineWorkers } : {}),
      log: options.logEngineRequests ? (line) => log(`[rekognition] ${line}`) : false,
    });
    // Handled here so a failure while the other services start is not an unhandled rejection;
    // `await enginePromise` below still throws it.
    enginePromise.catch(() => undefined);
    cleanups.push(async () => (await enginePromise.catch(() => undefined))?.close());

    const { endUsers } = secrets.cognito;
    const [dynamo, s3, cognito] = await Promise.all([
      startDynamoDb({ path: path.join(dataDir, 'dynamodb'), host }),
      startS3({ directory: path.join(dataDir, 's3'), host, bucket: BUCKET_NAME, credentials: [credentials] }),
      // The triggers are the Lambdas' handlers, fresh per stack; they build their deps from the environment below when first called.
      startCognitoServer({
        userPoolId: endUsers.userPoolId,
        clientId: endUsers.clientId,
        region,
        privateKey: secrets.cognito.privateKeyPem,
        adminCredentials: credentials,
        dataDir: path.join(dataDir, 'cognito'),
        host,
        triggers: {
          defineAuthChallenge: triggerHandler(defineAuthChallenge),
          createAuthChallenge: triggerHandler(createAuthChallenge),
          verifyAuthChallengeResponse: triggerHandler(verifyAuthChallengeResponse),
        },
        log: options.logEngineRequests ? (line) => log(`[cognito] ${line}`) : () => undefined,
      }),
    ]);
    cleanups.push(() => dynamo.close(), () => s3.close(), () => cognito.close());
    // What the step Lambdas call: the stand-ins, or the fault proxies in front of them.
    const [lambdaDynamoUrl, lambdaS3Url] = faults ? await Promise.all([faults.front('dynamodb', dynamo.url), faults.front('s3', s3.url)]) : [dynamo.url, s3.url];
    timings.services = since();

    const userThreshold = process.env.FACEGATE_AUTH_THRESHOLD;
    const localDefault = userThreshold === undefined || userThreshold === '';
    const threshold = localDefault ? String(LOCAL_AUTH_THRESHOLD) : userThreshold;
    const env: Record<string, string> = {
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: lambdaDynamoUrl,
      AWS_ENDPOINT_URL_S3: lambdaS3Url,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.url,
      // The end users' pool: sign-in accounts (UserDirectory) and who a signed-in caller is.
      USER_POOL_ID: endUsers.userPoolId,
      // s3rver stores streamed bodies with SDK default checksums corrupted.
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      TABLE_NAME,
      BUCKET_NAME,
      COLLECTION_ID,
      ID_DOCUMENT_READER: 'none',
      FACEGATE_AUTH_THRESHOLD: threshold,
    };
    cleanups.push(applyEnv(env, ['AWS_SESSION_TOKEN', 'AWS_PROFILE']));
    // The stack's own S3 client: the face engine reads S3Object images with it, the upload sweep deletes with it.
    const stackS3 = new S3Client({ region, endpoint: s3.url, forcePathStyle: true, credentials });
    setS3Client(stackS3);
    cleanups.push(() => {
      setS3Client(undefined);
      stackS3.destroy();
    });

    // The bucket's lifecycle rule for staged uploads, locally: a sweep now (in the background,
    // while the engine loads; awaited before ready) and hourly. Errors are logged, never thrown.
    const uploadExpiry = startUploadExpiry({ client: stackS3, bucket: BUCKET_NAME, log });
    const firstSweep = uploadExpiry.first.then(() => {
      timings.uploadsSwept = since();
    });
    cleanups.push(() => uploadExpiry.close());

    const dynamoClient = new DynamoDBClient({ region, endpoint: dynamo.url, credentials });
    const engine = await enginePromise;
    timings.engine = since();
    cleanups.push(applyEnv({ AWS_ENDPOINT_URL_REKOGNITION: faults ? await faults.front('rekognition', engine.url) : engine.url }));
    const rekognition = new RekognitionClient({ region, endpoint: engine.url, credentials });
    const [tableCreated, collectionCreated] = await Promise.all([ensureTable(dynamoClient, TABLE_NAME), ensureCollection(rekognition, COLLECTION_ID)]);
    timings.provisioned = since();
    if (tableCreated || collectionCreated) log(`[stack] created${tableCreated ? ` table ${TABLE_NAME}` : ''}${collectionCreated ? ` collection ${COLLECTION_ID}` : ''}`);

    // The step Lambdas, fresh per stack (each builds its deps from the environment above on its
    // first invocation), not the modules' own handlers, whose deps would outlive a restart.
    const lambdas: Record<LambdaName, (payload: unknown) => Promise<unknown>> = {
      uploads: handlerOf(stepHandler(uploadSteps)),
      register: handlerOf(stepHandler(registerSteps)),
      authenticate: handlerOf(stepHandler(authenticateSteps)),
      admin: handlerOf(stepHandler(adminSteps)),
      account: handlerOf(stepHandler(accountSteps)),
    };

    const auth = createLocalAuth(authOptions(secrets, region));
    const runtime = await createResolverRuntime({ bindings: { lambdas, dynamodb: { client: dynamoClient, tableName: TABLE_NAME } } });
    timings.runtime = since();
    // Filled in below once the server's URLs are known; the site answers nothing before.
    let webConfig: WebConfig | undefined;
    const otherRequests = options.web
      ? webSite({
          root: options.web.root,
          config: () => webConfig,
          allowedHosts: () => (webConfig ? [new URL(webConfig.graphqlUrl).host, `localhost:${new URL(webConfig.graphqlUrl).port}`] : []),
          // S3 for uploads and images, Cognito for face sign-in.
          connectOrigins: () => [s3.url, cognito.url],
        })
      : undefined;
    const server = await startAppSyncServer({
      runtime,
      auth,
      host,
      port: options.port ?? 4000,
      region,
      limits: REQUEST_LIMITS,
      log: (line: string) => log(`[appsync] ${line}`),
      ...(otherRequests ? { otherRequests } : {}),
    });
    cleanups.push(() => server.close());
    timings.server = since();
    cleanups.push(applyEnv({ GRAPHQL_URL: server.graphqlUrl }));

    const issueAdminToken = (username = 'admin', expiresInSeconds = ADMIN_TOKEN_TTL_SECONDS) =>
      auth.issueCognitoToken({ username, groups: [ADMIN_GROUP], expiresInSeconds });
    const info: LocalStackInfo = {
      graphqlUrl: server.graphqlUrl,
      realtimeUrl: server.realtimeUrl,
      apiKey: secrets.apiKey,
      adminToken: issueAdminToken(),
      userPool: { endpoint: cognito.url, region, userPoolId: endUsers.userPoolId, userPoolClientId: endUsers.clientId },
      endpoints: { graphql: server.graphqlUrl, realtime: server.realtimeUrl, dynamodb: dynamo.url, s3: s3.url, rekognition: engine.url, cognito: cognito.url },
      ...(options.web ? { webUrl: new URL('/', server.graphqlUrl).toString() } : {}),
      region,
      tableName: TABLE_NAME,
      bucketName: BUCKET_NAME,
      collectionId: COLLECTION_ID,
      credentials,
    };
    if (options.web) webConfig = localWebConfig(info, region);
    const infoFile = path.join(dataDir, LOCAL_INFO_FILE);
    await firstSweep;
    fs.writeFileSync(infoFile, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });

    let closing: Promise<void> | undefined;
    return {
      ...info,
      dataDir,
      authThreshold: { value: Number(threshold), localDefault },
      lambdas,
      readyMs: since(),
      timings,
      issueAdminToken,
      ...(faults ? { faults: faults.control } : {}),
      close() {
        closing ??= cleanUp();
        return closing;
      },
    };
  } catch (e) {
    await cleanUp();
    throw e;
  }
}

/** The web app's config.json on this machine: local.json's URLs and keys, the end users' pool, and the admin token (local only). */
export function localWebConfig(info: LocalStackInfo, region: string): WebConfig {
  const { endpoint, userPoolId, userPoolClientId } = info.userPool;
  return {
    stage: 'local',
    region,
    graphqlUrl: info.graphqlUrl,
    realtimeUrl: info.realtimeUrl,
    apiKey: info.apiKey,
    userPool: { userPoolId, userPoolClientId, endpoint },
    adminToken: info.adminToken,
  };
}

/** The two user pools, as the AWS API has them: the admins' (admin tokens) and the end users' (face sign-in, its one client). */
function authOptions(secrets: LocalSecrets, region: string) {
  const key = { privateKey: secrets.cognito.privateKeyPem, publicKey: secrets.cognito.publicKeyPem };
  return {
    apiKey: secrets.apiKey,
    iam: { ...secrets.iam },
    cognito: [
      { userPoolId: secrets.cognito.userPoolId, region, ...key },
      { userPoolId: secrets.cognito.endUsers.userPoolId, region, clientId: secrets.cognito.endUsers.clientId, ...key },
    ],
    region,
  };
}

const handlerOf =
  (handler: (event: StepEvent) => Promise<unknown>) =>
  (payload: unknown): Promise<unknown> =>
    handler(payload as StepEvent);

/** Sets variables on process.env (and removes `unset`); returns the undo. */
/** Sets environment variables (and unsets `unset`); returns what puts them back as they were. */
export function applyEnv(values: Record<string, string>, unset: string[] = []): () => void {
  const previous = new Map<string, string | undefined>();
  for (const name of [...Object.keys(values), ...unset]) previous.set(name, process.env[name]);
  for (const name of unset) delete process.env[name];
  Object.assign(process.env, values);
  return () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
