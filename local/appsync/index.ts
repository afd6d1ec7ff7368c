/**
 * The local AppSync-compatible server: resolver runtime, auth and HTTP/real-time server.
 * See contract.ts for the seams.
 */
export type * from './contract';
export { createResolverRuntime } from './runtime';
export {
  createLocalAuth,
  generateCognitoKeyPair,
  isUnauthorized,
  UnauthorizedError,
  type AuthRequest,
  type CognitoKeyPair,
  type IssueTokenOptions,
  type LocalAuth,
  type LocalAuthOptions,
  type LocalCognitoOptions,
  type LocalIamOptions,
} from './auth';
export { startAppSyncServer, loadSchema, matchesFilter, type AppSyncServer, type AppSyncServerOptions } from './server';
