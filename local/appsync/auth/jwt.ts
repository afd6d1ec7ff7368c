/**
 * RS256 JWTs shaped like Cognito user-pool ID tokens, signed and verified with node:crypto.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type JsonWebKey, type KeyObject } from 'node:crypto';

export type KeyInput = string | JsonWebKey;

export interface CognitoKeyPair {
  /** PKCS#8 PEM */
  privateKey: string;
  /** SPKI PEM */
  publicKey: string;
  /** Key id (put in the JWT header and the JWKS). */
  kid: string;
}

const kidOf = (publicKey: KeyObject) =>
  createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url').slice(0, 22);

/** A fresh RSA-2048 key pair for the local user pool (persist it so tokens survive restarts). */
export function generateCognitoKeyPair(): CognitoKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    kid: kidOf(publicKey),
  };
}

export const toPrivateKey = (key: KeyInput): KeyObject =>
  typeof key === 'string' ? createPrivateKey(key) : createPrivateKey({ key, format: 'jwk' });

export const toPublicKey = (key: KeyInput | KeyObject): KeyObject => {
  if (typeof key === 'string') return createPublicKey(key);
  if ('asymmetricKeyType' in key && typeof (key as KeyObject).export === 'function') return createPublicKey(key as KeyObject);
  return createPublicKey({ key: key as JsonWebKey, format: 'jwk' });
};

export { kidOf };

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function signJwt(claims: Record<string, unknown>, privateKey: KeyObject, kid: string): string {
  const head = `${b64({ kid, alg: 'RS256' })}.${b64(claims)}`;
  return `${head}.${sign('RSA-SHA256', Buffer.from(head), privateKey).toString('base64url')}`;
}

export type JwtCheck = { ok: true; header: Record<string, unknown>; claims: Record<string, unknown> } | { ok: false; reason: string };

/** Verify the RS256 signature only; claim checks are the caller's. */
export function verifyJwt(token: string, publicKey: KeyObject): JwtCheck {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'not a JWT (expected three dot-separated parts)' };
  const [h, p, s] = parts as [string, string, string];
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>;
    claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return { ok: false, reason: 'JWT header or payload is not base64url JSON' };
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return { ok: false, reason: 'JWT header is not an object' };
  if (header.alg !== 'RS256') return { ok: false, reason: `JWT alg ${String(header.alg)} is not RS256` };
  if (typeof claims !== 'object' || claims === null) return { ok: false, reason: 'JWT payload is not an object' };
  if (!verify('RSA-SHA256', Buffer.from(`${h}.${p}`), publicKey, Buffer.from(s, 'base64url'))) {
    return { ok: false, reason: 'JWT signature does not verify with the user pool key' };
  }
  return { ok: true, header, claims };
}
