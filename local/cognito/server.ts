/**
 * The HTTP front: JSON 1.1 framing, dispatch by X-Amz-Target, SigV4 on the admin operations,
 * CORS for browsers (Amplify in a web app calls it cross-origin), one log line per request.
 */
import http from 'node:http';
import { lowerCaseHeaders, verifySigV4 } from '../appsync/auth';
import { parseJsonObject, readBody, sendJson, targetOperation } from '../aws-json';
import { ADMIN_OPERATIONS, PUBLIC_OPERATIONS, type OperationContext } from './operations';
import { CONTENT_TYPE, CognitoError, errorBody, TARGET_PREFIX, type ErrorName } from './protocol';

/** Cognito's requests are small JSON documents. */
const MAX_BODY = 256 * 1024;

export interface AdminCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

const CORS_HEADERS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'content-type, x-amz-target, x-amz-user-agent, cache-control, authorization, x-amz-date, x-amz-security-token, x-amz-content-sha256, amz-sdk-invocation-id, amz-sdk-request',
  'access-control-expose-headers': 'x-amzn-requestid, x-amzn-errortype, x-amzn-errormessage',
  'access-control-max-age': '86400',
};

export function createHandler(ctx: OperationContext, options: { region: string; admin?: AdminCredentials; log: (line: string) => void }): http.RequestListener {
  return (req, res) => {
    const started = performance.now();
    const { target, op, ours } = targetOperation(req, TARGET_PREFIX);
    const send = (status: number, body: string, errorType?: string) => {
      sendJson(res, status, body, { contentType: CONTENT_TYPE, errorType, headers: CORS_HEADERS });
      options.log(`${op} ${status}${errorType ? ` ${errorType}` : ''} ${Math.round(performance.now() - started)}ms`);
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS_HEADERS);
      res.end();
      return;
    }
    (async () => {
      if (req.method !== 'POST') throw new CognitoError('UnknownOperationException', 'Only POST / is supported', 404);
      const publicOp = Object.hasOwn(PUBLIC_OPERATIONS, op) ? PUBLIC_OPERATIONS[op] : undefined;
      const adminOp = Object.hasOwn(ADMIN_OPERATIONS, op) ? ADMIN_OPERATIONS[op] : undefined;
      const handler = publicOp ?? adminOp;
      if (!ours || !handler) throw new CognitoError('UnknownOperationException', `Unknown operation ${target}`);
      const raw = await readBody(req, MAX_BODY);
      if (raw === undefined) throw new CognitoError('SerializationException', 'Request is too large.');
      const text = raw.toString('utf8');
      if (adminOp && options.admin) await checkSignature(req, text, options.region, options.admin);
      const parsed = parseJsonObject(text);
      if ('invalid' in parsed) throw new CognitoError('SerializationException', parsed.invalid);
      send(200, JSON.stringify(await handler(ctx, parsed.body)));
    })().catch((e: unknown) => {
      const err = e instanceof CognitoError ? e : new CognitoError('InternalErrorException', 'Internal server error');
      if (!(e instanceof CognitoError)) options.log(`${op} internal error: ${(e as Error).stack ?? String(e)}`);
      send(err.status, errorBody(err), err.type);
    });
  };
}

/** Admin operations need IAM credentials, as in AWS: the local stack's key pair, service cognito-idp. */
async function checkSignature(req: http.IncomingMessage, body: string, region: string, credentials: AdminCredentials): Promise<void> {
  const headers = lowerCaseHeaders(req.headers);
  if (!headers.authorization) throw new CognitoError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  const checked = await verifySigV4(
    { method: 'POST', path: new URL(req.url ?? '/', 'http://localhost').pathname, headers, body },
    { credentials, region, service: 'cognito-idp', maxSkewMs: 5 * 60_000 },
  );
  if ('errorType' in checked) throw new CognitoError(checked.errorType as ErrorName, checked.message);
}
