/** The HTTP front: JSON 1.1 framing, dispatch by X-Amz-Target, one log line per request. */
import http from 'node:http';
import { OPERATIONS, type Ctx } from './operations/index';
import { CONTENT_TYPE, errorBody, RekognitionError, TARGET_PREFIX } from './protocol';

/** Request bodies above this are refused before parsing (5 MB image as base64 + JSON overhead). */
const MAX_BODY = 8 * 1024 * 1024;

export type Logger = (line: string) => void;

function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) tooBig = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(tooBig ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function createHandler(ctx: Ctx, log: Logger): http.RequestListener {
  return (req, res) => {
    const started = performance.now();
    const target = String(req.headers['x-amz-target'] ?? '');
    const op = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target || '-';
    const send = (status: number, body: string, errorType?: string) => {
      res.writeHead(status, {
        'content-type': CONTENT_TYPE,
        'content-length': Buffer.byteLength(body),
        'x-amzn-requestid': crypto.randomUUID(),
        ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
      });
      res.end(body);
      log(`${op} ${status}${errorType ? ` ${errorType}` : ''} ${Math.round(performance.now() - started)}ms`);
    };
    const fail = (e: unknown) => {
      const err = e instanceof RekognitionError ? e : new RekognitionError('InternalServerError', 'Internal server error');
      if (!(e instanceof RekognitionError)) log(`${op} internal error: ${(e as Error).stack ?? String(e)}`);
      send(err.status, errorBody(err), err.type);
    };
    (async () => {
      if (req.method !== 'POST') throw new RekognitionError('UnknownOperationException', 'Only POST / is supported', 404);
      const handler = Object.hasOwn(OPERATIONS, op) ? OPERATIONS[op] : undefined;
      if (!target.startsWith(TARGET_PREFIX) || !handler) throw new RekognitionError('UnknownOperationException', `Unknown operation ${target}`);
      const raw = await readBody(req);
      if (raw === undefined) throw new RekognitionError('ImageTooLargeException', 'Request is too large.');
      let body: unknown;
      try {
        body = raw.length ? JSON.parse(raw.toString('utf8')) : {};
      } catch {
        throw new RekognitionError('SerializationException', 'Request body is not valid JSON');
      }
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new RekognitionError('SerializationException', 'Request body must be a JSON object');
      const out = await handler(ctx, body as Record<string, unknown>);
      send(200, JSON.stringify(out));
    })().catch(fail);
  };
}

