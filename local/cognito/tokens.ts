/**
 * The pool's ID, access and refresh tokens. ID and access tokens are RS256 JWTs with Cognito's
 * claims, signed by local/appsync/auth's token maker with the pool's key (so the local AppSync
 * server, configured with the same pool, accepts them); they share an `origin_jti` and
 * `event_id`, as Cognito's do, which is what RevokeToken and Amplify's signOut key on.
 * Refresh tokens are opaque random strings, remembered by the store.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createLocalAuth, isUnauthorized, type KeyInput, type LocalAuth } from '../appsync/auth';
import { CognitoError, notAuthorized } from './protocol';
import type { StoredUser, UserStore } from './store';

export interface TokenOptions {
  userPoolId: string;
  region: string;
  clientId: string;
  privateKey: KeyInput;
  /** ID and access tokens, seconds (Cognito's default: an hour). */
  accessTokenTtlSeconds: number;
  /** Refresh tokens, seconds (Cognito's default: 30 days). */
  refreshTokenTtlSeconds: number;
  now: () => Date;
}

/** AuthenticationResultType as Cognito returns it. */
export interface AuthenticationResult {
  AccessToken: string;
  IdToken: string;
  RefreshToken?: string;
  ExpiresIn: number;
  TokenType: 'Bearer';
}

export interface AccessTokenClaims {
  username: string;
  originJti: string;
  iat: number;
}

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

export class Tokens {
  private readonly signer: LocalAuth;

  constructor(
    private readonly options: TokenOptions,
    private readonly store: UserStore,
  ) {
    const { userPoolId, region, clientId, privateKey, now } = options;
    this.signer = createLocalAuth({ cognito: { userPoolId, region, clientId, privateKey }, now });
  }

  /** A sign-in's tokens: ID, access and a new refresh token. */
  issue(user: StoredUser, clientId: string): AuthenticationResult {
    const originJti = randomUUID();
    const authTime = seconds(this.options.now());
    const refreshToken = randomBytes(96).toString('base64url');
    this.store.addRefreshToken(refreshToken, {
      username: user.username,
      clientId,
      originJti,
      authTime,
      expiresAt: authTime + this.options.refreshTokenTtlSeconds,
    });
    return { ...this.jwts(user, originJti, authTime), RefreshToken: refreshToken };
  }

  /** New ID and access tokens for a refresh token (REFRESH_TOKEN_AUTH, GetTokensFromRefreshToken). */
  refresh(refreshToken: string, clientId: string): AuthenticationResult {
    const record = this.store.refreshToken(refreshToken);
    if (!record || record.clientId !== clientId) throw notAuthorized('Invalid Refresh Token');
    if (record.expiresAt <= seconds(this.options.now())) throw notAuthorized('Refresh Token has expired');
    const user = this.store.get(record.username);
    if (!user) throw notAuthorized('Invalid Refresh Token');
    if (!user.enabled) throw notAuthorized('User is disabled.');
    return this.jwts(user, record.originJti, record.authTime);
  }

  /** RevokeToken: the refresh token, and the access tokens issued with it. */
  revoke(refreshToken: string, clientId: string): void {
    const record = this.store.refreshToken(refreshToken);
    if (!record || record.clientId !== clientId) return;
    this.store.revokeRefreshToken(refreshToken, seconds(this.options.now()) + this.options.accessTokenTtlSeconds);
  }

  /** The access token's user, as Cognito's token-authorized operations check it (GetUser, GlobalSignOut). */
  async verifyAccessToken(token: string): Promise<AccessTokenClaims> {
    const caller = await this.signer.authenticate({ headers: { authorization: token }, path: '/', body: '' });
    if (isUnauthorized(caller)) throw notAuthorized(/expired/.test(caller.reason) ? 'Access Token has expired' : 'Invalid Access Token');
    const claims = (caller.identity as { claims: Record<string, unknown> }).claims;
    if (claims.token_use !== 'access') throw notAuthorized('Invalid Access Token');
    const username = String(claims.username ?? '');
    const originJti = String(claims.origin_jti ?? '');
    const iat = Number(claims.iat);
    const user = this.store.get(username);
    if (!user) throw new CognitoError('UserNotFoundException', 'User does not exist.');
    if (this.store.isRevoked(originJti)) throw notAuthorized('Access Token has been revoked');
    return { username, originJti, iat };
  }

  /** GlobalSignOut: the user's refresh tokens and every token issued with them. */
  signOutEverywhere(username: string): void {
    this.store.signOutEverywhere(username, seconds(this.options.now()) + this.options.accessTokenTtlSeconds);
  }

  private jwts(user: StoredUser, originJti: string, authTime: number): AuthenticationResult {
    const ttl = this.options.accessTokenTtlSeconds;
    const shared = { origin_jti: originJti, event_id: randomUUID(), auth_time: authTime };
    const common = { username: user.username, sub: user.sub, expiresInSeconds: ttl };
    return {
      IdToken: this.signer.issueCognitoToken({ ...common, tokenUse: 'id', extraClaims: { ...shared, email_verified: undefined } }),
      AccessToken: this.signer.issueCognitoToken({ ...common, tokenUse: 'access', extraClaims: shared }),
      ExpiresIn: ttl,
      TokenType: 'Bearer',
    };
  }
}
