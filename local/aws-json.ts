/**
 * The framing of Amazon's JSON 1.1 protocol that the local Rekognition and Cognito endpoints share:
 * `POST /` with `X-Amz-Target: <Service>.<Operation>`, a JSON object as the body, and a JSON
 * answer carrying a request ID (and, for an error, its name in `x-amzn-errortype`).
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';

/** The operation an `X-Amz-Target` names (`-` when there is none), and whether it is this service's. */
export function targetOperation(req: http.IncomingMessage, prefix: string): { target: string; op: string; ours: boolean } {
  const target = String(req.headers['x-amz-target'] ?? '');
  const ours = target.startsWith(prefix);
  return { target, op: ours ? target.slice(prefix.length) : target || '-', ours };
}

/** The request body, or undefined when it is larger than `maxBytes` (read to the end either way). */
export function readBody(req: http.IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= maxBytes) chunks.push(c);
    });
    req.on('end', () => resolve(size > maxBytes ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The body as a JSON object (empty means `{}`), or the SerializationException message saying why it is not one. */
export function parseJsonObject(text: string): { body: Record<string, unknown> } | { invalid: string } {
  let body: unknown;
  try {
    body = text.length ? JSON.parse(text) : {};
  } catch {
    return { invalid: 'Request body is not valid JSON' };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { invalid: 'Request body must be a JSON object' };
  return { body: body as Record<string, unknown> };
}

/** Writes a JSON 1.1 answer: `contentType`, a fresh request ID, the error's name when there is one. */
export function sendJson(res: http.ServerResponse, status: number, body: string, opts: { contentType: string; errorType?: string | undefined; headers?: Record<string, string> }): void {
  res.writeHead(status, {
    ...opts.headers,
    'content-type': opts.contentType,
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': randomUUID(),
    ...(opts.errorType ? { 'x-amzn-errortype': opts.errorType } : {}),
  });
  res.end(body);
}
