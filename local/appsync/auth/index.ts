/**
 * Local AppSync auth: API key, IAM (SigV4 against local credentials) and Cognito user-pool JWTs
 * (RS256, issued and verified here). Mode selection as AppSync does it, from the headers:
 *   x-api-key                       → API_KEY
 *   Authorization: AWS4-HMAC-SHA256 → AWS_IAM
 *   any other Authorization         → AMAZON_COGNITO_USER_POOLS
 *   nothing                         → the default mode (IAM) without a signature → 401
 */
import { createHash, randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { AuthMode, Caller, CognitoIdentity, IamIdentity } from '../contract';
import { isUnauthorized, unauthorized, UnauthorizedError } from './errors';
import { kidOf, signJwt, toPrivateKey, toPublicKey, verifyJwt, type KeyInput } from './jwt';
import { verifySigV4 } from './sigv4';

export { isUnauthorized, unauthorized, UnauthorizedError, NOT_AUTHORIZED_MESSAGE } from './errors';
export { generateCognitoKeyPair, type CognitoKeyPair, type KeyInput } from './jwt';
export { parseSigV4Authorization, verifySigV4 } from './sigv4';

export interface LocalIamOptions {
  accessKeyId: string;
  secretAccessKey: string;
  accountId: string;
  /** IAM user name in ctx.identity.userArn (default "facegate-local"). */
  userName?: string;
}

export interface LocalCognitoOptions {
  userPoolId: string;
  region: string;
  /** RS256 private key (PKCS#8 PEM or JWK). Required to issue tokens. */
  privateKey?: KeyInput;
  /** Public key (SPKI PEM or JWK); derived from privateKey when absent. */
  publicKey?: KeyInput;
  /** App client id put in `aud`; when set, tokens for other clients are rejected. */
  clientId?: string;
}

export interface LocalAuthOptions {
  apiKey?: string;
  apiKeys?: string[];
  iam?: LocalIamOptions;
  /** One user pool, or several (as an AppSync API with more than one user-pool mode); a token's `iss` says which. */
  cognito?: LocalCognitoOptions | readonly LocalCognitoOptions[];
  /** SigV4 scope region (default: cognito.region, else us-east-1). */
  region?: string;
  /** Allowed SigV4 clock skew (default 5 minutes, as AWS). */
  maxClockSkewMs?: number;
  /** For tests. */
  now?: () => Date;
}

export interface AuthRequest {
  /** Header names in any case; they are matched case-insensitively. */
  headers: Record<string, string | string[] | undefined>;
  /** Default POST. */
  method?: string;
  /** Canonical URI the client signed (/graphql, or /graphql/connect for a real-time handshake). */
  path: string;
  body: string;
  sourceIp?: string;
}

export interface IssueTokenOptions {
  username: string;
  groups?: string[];
  expiresInSeconds?: number;
  /** Default "id" (an ID token carries cognito:groups, email, aud). */
  tokenUse?: 'id' | 'access';
  email?: string;
  /** Stable per username unless given. */
  sub?: string;
  extraClaims?: Record<string, unknown>;
  /** Which pool issues it (default: the first). */
  userPoolId?: string;
}

export interface LocalAuth {
  /** Which modes this deployment has configured. */
  readonly modes: AuthMode[];
  authenticate(request: AuthRequest): Promise<Caller | UnauthorizedError>;
  issueCognitoToken(options: IssueTokenOptions): string;
  /** The user pools' JWKS (what https://cognito-idp…/.well-known/jwks.json serves), every pool's key once. */
  jwks(): { keys: JsonWebKey[] };
  /** The first pool's issuer. */
  readonly issuer: string | undefined;
}

export const lowerCaseHeaders = (headers: Record<string, string | string[] | undefined>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return out;
};

const subOf = (userPoolId: string, username: string) => {
  const h = createHash('sha256').update(`${userPoolId}/${username}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

interface UserPool {
  options: LocalCognitoOptions;
  issuer: string;
  privateKey: KeyObject | undefined;
  publicKey: KeyObject;
  kid: string;
}

function userPoolOf(cognito: LocalCognitoOptions): UserPool {
  const privateKey = cognito.privateKey !== undefined ? toPrivateKey(cognito.privateKey) : undefined;
  const publicKey = cognito.publicKey !== undefined ? toPublicKey(cognito.publicKey) : privateKey ? toPublicKey(privateKey) : undefined;
  if (!publicKey) throw new Error('createLocalAuth: cognito needs privateKey or publicKey');
  return { options: cognito, issuer: `https://cognito-idp.${cognito.region}.amazonaws.com/${cognito.userPoolId}`, privateKey, publicKey, kid: kidOf(publicKey) };
}

export function createLocalAuth(options: LocalAuthOptions): LocalAuth {
  const apiKeys = new Set([...(options.apiKey ? [options.apiKey] : []), ...(options.apiKeys ?? [])]);
  const pools = (options.cognito === undefined ? [] : Array.isArray(options.cognito) ? options.cognito : [options.cognito as LocalCognitoOptions]).map(userPoolOf);
  const region = options.region ?? pools[0]?.options.region ?? 'us-east-1';
  const maxSkewMs = options.maxClockSkewMs ?? 5 * 60_000;
  const now = options.now ?? (() => new Date());
  const issuer = pools[0]?.issuer;

  const modes: AuthMode[] = [
    ...(options.iam ? ['AWS_IAM' as const] : []),
    ...(apiKeys.size > 0 ? ['API_KEY' as const] : []),
    ...(pools.length > 0 ? ['AMAZON_COGNITO_USER_POOLS' as const] : []),
  ];

  const sourceIpOf = (request: AuthRequest) => [(request.sourceIp ?? '127.0.0.1').replace(/^::ffff:/, '')];

  async function iam(request: AuthRequest, headers: Record<string, string>): Promise<Caller | UnauthorizedError> {
    const config = options.iam;
    if (!config) return unauthorized('IAM is not configured');
    const result = await verifySigV4(
      { method: request.method ?? 'POST', path: request.path, headers, body: request.body },
      { credentials: config, region, maxSkewMs, now: now() },
    );
    if (isUnauthorized(result)) return result;
    const userId = `AIDA${createHash('sha256').update(config.accessKeyId).digest('hex').slice(0, 17).toUpperCase()}`;
    const identity: IamIdentity = {
      accountId: config.accountId,
      cognitoIdentityPoolId: null,
      cognitoIdentityId: null,
      cognitoIdentityAuthType: null,
      cognitoIdentityAuthProvider: null,
      sourceIp: sourceIpOf(request),
      username: userId,
      userArn: `arn:aws:iam::${config.accountId}:user/${config.userName ?? 'facegate-local'}`,
    };
    return { mode: 'AWS_IAM', identity };
  }

  function userPool(request: AuthRequest, token: string): Caller | UnauthorizedError {
    if (pools.length === 0) return unauthorized('Cognito user pools are not configured');
    // The pool is the one the token names; its key must verify it (an unknown iss is refused either way).
    const named = pools.find((p) => p.issuer === unverifiedIssuer(token)) ?? pools[0]!;
    const checked = verifyJwt(token, named.publicKey);
    if (!checked.ok) return unauthorized(checked.reason);
    const c = checked.claims;
    if (c.iss !== named.issuer) return unauthorized(`iss ${String(c.iss)} is not ${pools.map((p) => p.issuer).join(' or ')}`);
    const cognito = named.options;
    const nowSeconds = Math.floor(now().getTime() / 1000);
    if (typeof c.exp !== 'number' || c.exp <= nowSeconds) return unauthorized('token expired');
    if (c.token_use !== 'id' && c.token_use !== 'access') return unauthorized(`token_use ${String(c.token_use)} is neither id nor access`);
    const client = c.token_use === 'id' ? c.aud : c.client_id;
    if (cognito.clientId && client !== cognito.clientId) return unauthorized(`token for client ${String(client)}, expected ${cognito.clientId}`);
    const username = String(c['cognito:username'] ?? c.username ?? c.sub ?? '');
    const groups = Array.isArray(c['cognito:groups']) ? (c['cognito:groups'] as unknown[]).map(String) : null;
    const identity: CognitoIdentity = {
      sub: String(c.sub ?? ''),
      issuer: named.issuer,
      username,
      claims: c,
      sourceIp: sourceIpOf(request),
      defaultAuthStrategy: 'ALLOW',
      groups,
    };
    return { mode: 'AMAZON_COGNITO_USER_POOLS', identity };
  }

  return {
    modes,
    issuer,
    async authenticate(request) {
      const headers = lowerCaseHeaders(request.headers);
      const apiKey = headers['x-api-key'];
      const authorization = headers.authorization;
      if (apiKey !== undefined) {
        // AppSync picks API_KEY when the header is there; a wrong key is a 401.
        if (!apiKeys.has(apiKey)) return unauthorized(apiKeys.size === 0 ? 'API key auth is not configured' : 'unknown API key');
        return { mode: 'API_KEY', identity: null };
      }
      if (authorization === undefined || authorization === '') return unauthorized('no x-api-key and no Authorization header');
      if (/^AWS4-HMAC-SHA256\s/i.test(authorization)) return iam(request, headers);
      return userPool(request, authorization);
    },
    issueCognitoToken({ username, groups, expiresInSeconds = 3600, tokenUse = 'id', email, sub, extraClaims, userPoolId }) {
      const pool = userPoolId === undefined ? pools[0] : pools.find((p) => p.options.userPoolId === userPoolId);
      if (!pool?.privateKey) throw new Error(`issueCognitoToken: cognito.privateKey is not configured${userPoolId ? ` for ${userPoolId}` : ''}`);
      const { options: cognito, privateKey, kid, issuer } = pool;
      const iat = Math.floor(now().getTime() / 1000);
      const claims: Record<string, unknown> = {
        sub: sub ?? subOf(cognito.userPoolId, username),
        ...(groups && groups.length > 0 ? { 'cognito:groups': groups } : {}),
        iss: issuer,
        ...(tokenUse === 'id'
          ? { 'cognito:username': username, aud: cognito.clientId ?? 'local-client', email_verified: email !== undefined, ...(email ? { email } : {}) }
          : { client_id: cognito.clientId ?? 'local-client', username, scope: 'aws.cognito.signin.user.admin' }),
        event_id: randomUUID(),
        token_use: tokenUse,
        auth_time: iat,
        iat,
        exp: iat + expiresInSeconds,
        jti: randomUUID(),
        ...extraClaims,
      };
      return signJwt(claims, privateKey, kid);
    },
    jwks() {
      const keys = new Map(pools.map((p) => [p.kid, { ...p.publicKey.export({ format: 'jwk' }), kid: p.kid, alg: 'RS256', use: 'sig' }]));
      return { keys: [...keys.values()] };
    },
  };
}

/** The `iss` a JWT claims, before anything is verified (only to pick the key that must verify it). */
function unverifiedIssuer(token: string): unknown {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iss?: unknown } | null;
    return claims?.iss;
  } catch {
    return undefined;
  }
}

