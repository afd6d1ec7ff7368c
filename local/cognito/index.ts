/**
 * A Cognito user pool on 127.0.0.1 for face sign-in offline: `startCognitoServer(options) →
 * {url, close()}`. It speaks the Cognito Identity Provider JSON 1.1 protocol for one pool and one
 * public app client (ALLOW_CUSTOM_AUTH and refresh, PreventUserExistenceErrors on, like the CDK
 * app's end users' pool), runs the given custom-auth triggers in-process, and signs tokens with
 * the given RS256 key. Point Amplify at it with `Auth.Cognito.userPoolEndpoint: url`, the AWS SDK
 * with `endpoint` or AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER. Independent of the other local
 * servers (it only borrows local/appsync/auth's token and SigV4 code); accounts persist in
 * `<dataDir>/users.json`.
 */
import http from 'node:http';
import type { KeyInput } from '../appsync/auth';
import { CustomAuth, type CustomAuthTriggers } from './custom-auth';
import { createHandler, type AdminCredentials } from './server';
import { UserStore } from './store';
import { Tokens } from './tokens';
import { listen } from '../listen';

export type { CustomAuthTriggers } from './custom-auth';
export type { AdminCredentials } from './server';
export { USERS_FILE } from './store';

export interface CognitoServerOptions {
  userPoolId: string;
  clientId: string;
  region: string;
  /** RS256 private key (PKCS#8 PEM or JWK) that signs the pool's tokens. */
  privateKey: KeyInput;
  /** Define / Create / Verify Auth Challenge; without them CUSTOM_AUTH fails as in a pool without triggers. */
  triggers?: CustomAuthTriggers;
  /** Credentials the admin operations must be SigV4-signed with; unchecked when absent. */
  adminCredentials?: AdminCredentials;
  /** Where accounts and refresh tokens persist; in memory when absent. */
  dataDir?: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** A sign-in's Session lifetime (default 300 s, the CDK client's authSessionValidity). */
  sessionTtlSeconds?: number;
  /** ID and access tokens (default 3600 s). */
  accessTokenTtlSeconds?: number;
  /** Refresh tokens (default 30 days). */
  refreshTokenTtlSeconds?: number;
  /** One line per request; default silent. */
  log?: (line: string) => void;
  /** For tests. */
  now?: () => Date;
}

export interface CognitoServer {
  url: string;
  port: number;
  userPoolId: string;
  clientId: string;
  close(): Promise<void>;
}

export async function startCognitoServer(options: CognitoServerOptions): Promise<CognitoServer> {
  const now = options.now ?? (() => new Date());
  const { userPoolId, clientId, region } = options;
  const store = UserStore.open(options.dataDir);
  store.prune(Math.floor(now().getTime() / 1000));
  const tokens = new Tokens(
    {
      userPoolId,
      region,
      clientId,
      privateKey: options.privateKey,
      accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3600,
      refreshTokenTtlSeconds: options.refreshTokenTtlSeconds ?? 30 * 24 * 3600,
      now,
    },
    store,
  );
  const customAuth = new CustomAuth({ userPoolId, region, triggers: options.triggers, store, tokens, sessionTtlSeconds: options.sessionTtlSeconds ?? 300, now });
  const server = http.createServer(
    createHandler(
      { userPoolId, clientId, store, tokens, customAuth, now },
      { region, ...(options.adminCredentials ? { admin: options.adminCredentials } : {}), log: options.log ?? (() => undefined) },
    ),
  );
  server.keepAliveTimeout = 5000;
  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, options.port ?? 0, host);
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    userPoolId,
    clientId,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
