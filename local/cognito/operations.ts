/**
 * The operations the local user pool answers: what Amplify JS v6's signIn (CUSTOM_WITHOUT_SRP),
 * confirmSignIn, fetchAuthSession (refresh), fetchUserAttributes and signOut call, and the admin
 * calls facegate's UserDirectory makes. Shapes and error names as Cognito's API reference gives
 * them; timestamps are epoch seconds, as the JSON 1.1 protocol carries them.
 */
import type { CustomAuth } from './custom-auth';
import { CognitoError, invalidParameter, requiredString, stringMap } from './protocol';
import type { StoredUser, UserStore } from './store';
import type { Tokens } from './tokens';

export interface OperationContext {
  userPoolId: string;
  clientId: string;
  store: UserStore;
  tokens: Tokens;
  customAuth: CustomAuth;
  now: () => Date;
}

type Body = Record<string, unknown>;
export type Operation = (ctx: OperationContext, body: Body) => Promise<unknown>;

const seconds = (ctx: OperationContext) => Math.floor(ctx.now().getTime() / 1000);

function checkClient(ctx: OperationContext, body: Body): string {
  const clientId = requiredString(body, 'ClientId');
  if (clientId !== ctx.clientId) throw new CognitoError('ResourceNotFoundException', `User pool client ${clientId} does not exist.`);
  return clientId;
}

function checkPool(ctx: OperationContext, body: Body): void {
  const poolId = requiredString(body, 'UserPoolId');
  if (poolId !== ctx.userPoolId) throw new CognitoError('ResourceNotFoundException', `User pool ${poolId} does not exist.`);
}

function existing(ctx: OperationContext, body: Body): StoredUser {
  const user = ctx.store.get(requiredString(body, 'Username'));
  if (!user) throw new CognitoError('UserNotFoundException', 'User does not exist.');
  return user;
}

const attributesOf = (user: StoredUser) => [{ Name: 'sub', Value: user.sub }, ...Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value }))];

const userType = (user: StoredUser) => ({
  Username: user.username,
  Attributes: attributesOf(user),
  UserCreateDate: user.createdAt,
  UserLastModifiedDate: user.updatedAt,
  Enabled: user.enabled,
  UserStatus: user.status,
});

/** Cognito's usernames: 1–128 letters, marks, symbols, numbers, punctuation. */
const USERNAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;

/** The pool's password policy (the CDK end users' pool's): 12 characters, every class. */
function checkPassword(password: string): void {
  const missing = [
    [password.length >= 12, 'Password not long enough'],
    [/[a-z]/.test(password), 'Password must have lowercase characters'],
    [/[A-Z]/.test(password), 'Password must have uppercase characters'],
    [/\d/.test(password), 'Password must have numeric characters'],
    [/[^A-Za-z0-9]/.test(password), 'Password must have symbol characters'],
  ].find(([ok]) => !ok);
  if (missing) throw new CognitoError('InvalidPasswordException', `Password did not conform with policy: ${String(missing[1])}`);
}

const REFRESH_FLOWS = new Set(['REFRESH_TOKEN_AUTH', 'REFRESH_TOKEN']);

/** Operations any client may call (no SigV4): the app client's. */
export const PUBLIC_OPERATIONS: Record<string, Operation> = {
  async InitiateAuth(ctx, body) {
    const clientId = checkClient(ctx, body);
    const flow = requiredString(body, 'AuthFlow');
    const parameters = stringMap(body, 'AuthParameters');
    if (REFRESH_FLOWS.has(flow)) {
      const refreshToken = parameters.REFRESH_TOKEN;
      if (!refreshToken) throw invalidParameter('Missing required parameter REFRESH_TOKEN');
      return { ChallengeParameters: {}, AuthenticationResult: ctx.tokens.refresh(refreshToken, clientId) };
    }
    if (flow !== 'CUSTOM_AUTH') throw invalidParameter(`${flow} flow not enabled for this client`);
    const username = parameters.USERNAME;
    if (!username) throw invalidParameter('Missing required parameter USERNAME');
    return ctx.customAuth.initiate(clientId, username, stringMap(body, 'ClientMetadata'));
  },

  async RespondToAuthChallenge(ctx, body) {
    const clientId = checkClient(ctx, body);
    const challenge = requiredString(body, 'ChallengeName');
    if (challenge !== 'CUSTOM_CHALLENGE') throw invalidParameter(`${challenge} is not the challenge of this session (CUSTOM_CHALLENGE)`);
    const session = requiredString(body, 'Session');
    const responses = stringMap(body, 'ChallengeResponses');
    if (responses.ANSWER === undefined) throw invalidParameter('Missing required parameter ANSWER');
    return ctx.customAuth.respond(clientId, session, responses, stringMap(body, 'ClientMetadata'));
  },

  async GetTokensFromRefreshToken(ctx, body) {
    const clientId = checkClient(ctx, body);
    return { AuthenticationResult: ctx.tokens.refresh(requiredString(body, 'RefreshToken'), clientId) };
  },

  async RevokeToken(ctx, body) {
    const clientId = checkClient(ctx, body);
    ctx.tokens.revoke(requiredString(body, 'Token'), clientId);
    return {};
  },

  async GlobalSignOut(ctx, body) {
    const { username } = await ctx.tokens.verifyAccessToken(requiredString(body, 'AccessToken'));
    ctx.tokens.signOutEverywhere(username);
    return {};
  },

  async GetUser(ctx, body) {
    const { username } = await ctx.tokens.verifyAccessToken(requiredString(body, 'AccessToken'));
    const user = ctx.store.get(username)!;
    return { Username: user.username, UserAttributes: attributesOf(user) };
  },
};

/** Operations that need IAM credentials (SigV4): the developer's, here the register and erasure flows'. */
export const ADMIN_OPERATIONS: Record<string, Operation> = {
  async AdminCreateUser(ctx, body) {
    checkPool(ctx, body);
    const username = requiredString(body, 'Username');
    if (!USERNAME.test(username)) throw invalidParameter(`1 validation error detected: Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+`);
    const action = body.MessageAction;
    if (action !== undefined && action !== 'SUPPRESS' && action !== 'RESEND') throw invalidParameter(`MessageAction must be SUPPRESS or RESEND`);
    const temporary = body.TemporaryPassword;
    if (typeof temporary === 'string' && temporary !== '') checkPassword(temporary);
    const known = ctx.store.get(username);
    if (action === 'RESEND') {
      if (!known) throw new CognitoError('UserNotFoundException', 'User does not exist.');
      return { User: userType(known) };
    }
    if (known) throw new CognitoError('UsernameExistsException', 'User account already exists');
    const attributes: Record<string, string> = {};
    for (const a of Array.isArray(body.UserAttributes) ? (body.UserAttributes as { Name?: unknown; Value?: unknown }[]) : []) {
      if (typeof a?.Name === 'string' && typeof a.Value === 'string' && a.Name !== 'sub') attributes[a.Name] = a.Value;
    }
    return { User: userType(ctx.store.create(username, attributes, seconds(ctx))) };
  },

  async AdminGetUser(ctx, body) {
    checkPool(ctx, body);
    const { Attributes, ...user } = userType(existing(ctx, body));
    return { ...user, UserAttributes: Attributes };
  },

  async AdminSetUserPassword(ctx, body) {
    checkPool(ctx, body);
    const user = existing(ctx, body);
    checkPassword(requiredString(body, 'Password'));
    ctx.store.update(user.username, { status: body.Permanent === true ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD' }, seconds(ctx));
    return {};
  },

  /** By username, `Limit` (1–60, default 60) at a time; the token is the last username given. Filter is not supported. */
  async ListUsers(ctx, body) {
    checkPool(ctx, body);
    if (body.Filter !== undefined && body.Filter !== '') throw invalidParameter('Filter is not supported by the local user pool');
    const limit = body.Limit === undefined ? 60 : body.Limit;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 60) throw invalidParameter(`1 validation error detected: Value '${String(limit)}' at 'limit' failed to satisfy constraint: Member must have value between 0 and 60`);
    let after: string | undefined;
    if (body.PaginationToken !== undefined) {
      if (typeof body.PaginationToken !== 'string' || body.PaginationToken === '') throw invalidParameter('Invalid pagination token');
      after = Buffer.from(body.PaginationToken, 'base64url').toString('utf8');
    }
    const users = ctx.store.list().filter((u) => after === undefined || u.username > after);
    const page = users.slice(0, limit);
    const more = users.length > limit;
    return { Users: page.map(userType), ...(more ? { PaginationToken: Buffer.from(page[page.length - 1]!.username, 'utf8').toString('base64url') } : {}) };
  },

  async AdminDeleteUser(ctx, body) {
    checkPool(ctx, body);
    ctx.store.delete(existing(ctx, body).username);
    return {};
  },
};

