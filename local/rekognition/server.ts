/** The HTTP front: JSON 1.1 framing, dispatch by X-Amz-Target, one log line per request. */
import http from 'node:http';
import { parseJsonObject, readBody, sendJson, targetOperation } from '../aws-json';
import { OPERATIONS, type Ctx } from './operations/index';
import { CONTENT_TYPE, errorBody, RekognitionError, TARGET_PREFIX } from './protocol';

/** Request bodies above this are refused before parsing (5 MB image as base64 + JSON overhead). */
const MAX_BODY = 8 * 1024 * 1024;

export type Logger = (line: string) => void;

export function createHandler(ctx: Ctx, log: Logger): http.RequestListener {
  return (req, res) => {
    const started = performance.now();
    const { target, op, ours } = targetOperation(req, TARGET_PREFIX);
    const send = (status: number, body: string, errorType?: string) => {
      sendJson(res, status, body, { contentType: CONTENT_TYPE, errorType });
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
      if (!ours || !handler) throw new RekognitionError('UnknownOperationException', `Unknown operation ${target}`);
      const raw = await readBody(req, MAX_BODY);
      if (raw === undefined) throw new RekognitionError('ImageTooLargeException', 'Request is too large.');
      const parsed = parseJsonObject(raw.toString('utf8'));
      if ('invalid' in parsed) throw new RekognitionError('SerializationException', parsed.invalid);
      send(200, JSON.stringify(await handler(ctx, parsed.body)));
    })().catch(fail);
  };
}
