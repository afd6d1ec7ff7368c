/**
 * SigV4 verification: recompute the signature with @smithy/signature-v4 over exactly the headers
 * the client says it signed, and compare. AppSync's answers for failures are 403s with
 * InvalidSignatureException / UnrecognizedClientException (what the AWS front door returns).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { UnauthorizedError } from './errors';

export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SigV4Request {
  method: string;
  /** Canonical URI, e.g. /graphql or /graphql/connect */
  path: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
}

export interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const AUTH_PATTERN =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-f]{64})\s*$/i;

export function parseSigV4Authorization(value: string): ParsedAuthorization | undefined {
  const m = AUTH_PATTERN.exec(value.trim());
  if (!m) return undefined;
  return {
    accessKeyId: m[1]!,
    date: m[2]!,
    region: m[3]!,
    service: m[4]!,
    signedHeaders: m[5]!.toLowerCase().split(';'),
    signature: m[6]!.toLowerCase(),
  };
}

/** x-amz-date (YYYYMMDDTHHMMSSZ) → Date */
export function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}

const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

const invalidSignature = (message: string, reason: string) => new UnauthorizedError('InvalidSignatureException', message, 403, reason);

export interface VerifyOptions {
  credentials: SigV4Credentials;
  region: string;
  service?: string;
  maxSkewMs: number;
  now?: Date;
}

/** Resolves to the parsed authorization when the signature holds, else an UnauthorizedError. */
export async function verifySigV4(request: SigV4Request, options: VerifyOptions): Promise<ParsedAuthorization | UnauthorizedError> {
  const parsed = parseSigV4Authorization(request.headers.authorization ?? '');
  if (!parsed) {
    return new UnauthorizedError('IncompleteSignatureException', 'Authorization header requires Credential, SignedHeaders and Signature.', 403, 'malformed SigV4 Authorization header');
  }
  if (parsed.accessKeyId !== options.credentials.accessKeyId) {
    return new UnauthorizedError('UnrecognizedClientException', 'The security token included in the request is invalid.', 403, `unknown access key ${parsed.accessKeyId}`);
  }
  const service = options.service ?? 'appsync';
  if (parsed.service !== service || parsed.region !== options.region) {
    return invalidSignature(
      `Credential should be scoped to a valid region and service ('${options.region}', '${service}'), not ('${parsed.region}', '${parsed.service}').`,
      `credential scope ${parsed.region}/${parsed.service}, expected ${options.region}/${service}`,
    );
  }
  const amzDate = request.headers['x-amz-date'];
  const signingDate = amzDate ? parseAmzDate(amzDate) : undefined;
  if (!amzDate || !signingDate) return invalidSignature('Missing or malformed X-Amz-Date.', 'x-amz-date missing or malformed');
  if (!amzDate.startsWith(parsed.date)) return invalidSignature('Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP.', 'scope date differs from x-amz-date');
  const now = options.now ?? new Date();
  const skew = signingDate.getTime() - now.getTime();
  if (Math.abs(skew) > options.maxSkewMs) {
    const fmt = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const limit = new Date(now.getTime() + (skew < 0 ? -options.maxSkewMs : options.maxSkewMs));
    return invalidSignature(
      skew < 0
        ? `Signature expired: ${amzDate} is now earlier than ${fmt(limit)} (${fmt(now)} - ${options.maxSkewMs / 60000} min.)`
        : `Signature not yet current: ${amzDate} is still later than ${fmt(limit)} (${fmt(now)} + ${options.maxSkewMs / 60000} min.)`,
      `clock skew ${Math.round(skew / 1000)} s`,
    );
  }
  for (const required of ['host']) {
    if (!parsed.signedHeaders.includes(required)) return invalidSignature(`'${required}' must be a signed header.`, `${required} not signed`);
  }
  const headers: Record<string, string> = {};
  for (const name of parsed.signedHeaders) {
    const value = request.headers[name];
    if (value === undefined) return invalidSignature(SIGNATURE_MISMATCH, `signed header ${name} is absent`);
    headers[name] = value;
  }
  // The signer takes a present x-amz-content-sha256 as the payload hash, so it must be the body's:
  // UNSIGNED-PAYLOAD is S3's, and accepting it would let anyone holding a signature change the body.
  const contentSha = headers['x-amz-content-sha256'];
  if (contentSha !== undefined && contentSha !== createHash('sha256').update(request.body).digest('hex')) {
    return invalidSignature('The provided x-amz-content-sha256 header does not match what was computed.', 'content sha256 mismatch');
  }
  const signer = new SignatureV4({
    service,
    region: options.region,
    credentials: {
      ...options.credentials,
      ...(headers['x-amz-security-token'] ? { sessionToken: headers['x-amz-security-token'] } : {}),
    },
    sha256: Sha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    new HttpRequest({ method: request.method, protocol: 'http:', hostname: 'localhost', path: request.path, headers, body: request.body }),
    { signingDate, signableHeaders: new Set(parsed.signedHeaders) },
  );
  const ours = parseSigV4Authorization(String(signed.headers.authorization ?? ''));
  if (!ours || ours.signedHeaders.join(';') !== parsed.signedHeaders.join(';')) {
    return invalidSignature(SIGNATURE_MISMATCH, `signed header lists differ (${ours?.signedHeaders.join(';')} vs ${parsed.signedHeaders.join(';')})`);
  }
  if (!timingSafeEqual(Buffer.from(ours.signature, 'hex'), Buffer.from(parsed.signature, 'hex'))) {
    return invalidSignature(SIGNATURE_MISMATCH, 'signature mismatch');
  }
  return parsed;
}
