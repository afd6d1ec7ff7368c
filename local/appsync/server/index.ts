/**
 * An AppSync-compatible server on graphql + ws: POST /graphql and the real-time protocol at
 * /graphql/realtime on one HTTP server.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { getOperationAST } from 'graphql';
import type { LocalAuth } from '../auth';
import { isUnauthorized, lowerCaseHeaders } from '../auth';
import type { AuthMode, ResolverRuntime } from '../contract';
import { fragmentsOf, makeFieldResolver, parseRequest, rootFields, runOperation, unalias, type AppSyncError } from './execute';
import { limitErrors, resolverLimitOf, type RequestLimits } from './limits';
import { RealtimeHub } from './realtime';
import { loadSchema, type LoadedSchema } from './schema';
import { listen } from '../../listen';

export { loadSchema, DEFAULT_SCHEMA_PATH, type LoadedSchema, type AuthRule } from './schema';
export { matchesFilter, validateFilter, FILTER_OPERATORS } from './filters';
export { scalarImplementations, APPSYNC_SCALARS } from './scalars';
export { AppSyncFieldError, type AppSyncError } from './execute';

export interface AppSyncServerOptions {
  runtime: ResolverRuntime;
  auth: Pick<LocalAuth, 'authenticate'>;
  /** Default: the repository's schema/schema.graphql. */
  schemaPath?: string;
  /** Schema SDL instead of a file (AppSync scalars and directives are declared for it). */
  schemaSource?: string;
  host?: string;
  port?: number;
  region?: string;
  defaultAuthMode?: AuthMode;
  log?: (message: string) => void;
  /** Request body cap (default 5 MiB), and the real-time channel's message cap. */
  maxBodyBytes?: number;
  /** connection_ack's connectionTimeoutMs (default 300000, as AppSync). */
  connectionTimeoutMs?: number;
  /** How often `ka` is sent (default 60000). */
  keepAliveIntervalMs?: number;
  /**
   * Requests for any path but /graphql (and its OPTIONS): e.g. a static site on the same port.
   * Answer and return true, or return false for the server's 404.
   */
  otherRequests?: (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
  /** AppSync's queryDepthLimit / resolverCountLimit for this API (./limits.ts); absent: AppSync's defaults. */
  limits?: RequestLimits;
}

export interface AppSyncServer {
  graphqlUrl: string;
  realtimeUrl: string;
  port: number;
  region: string;
  loaded: LoadedSchema;
  /** Live connection and subscription counts. */
  stats(): { connections: number; subscriptions: number };
  close(): Promise<void>;
}

const GRAPHQL_PATH = '/graphql';
const REALTIME_PATH = '/graphql/realtime';

const CORS_HEADERS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers':
    'content-type, x-api-key, authorization, x-amz-date, x-amz-security-token, x-amz-user-agent, x-amz-content-sha256, x-amz-target',
  'access-control-max-age': '86400',
};

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      reject(new BodyTooLarge());
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...CORS_HEADERS, 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const requestErrors = (errors: AppSyncError[]) => ({ data: null, errors });

export async function startAppSyncServer(options: AppSyncServerOptions): Promise<AppSyncServer> {
  const { runtime, auth } = options;
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? 'us-east-1';
  const log = options.log ?? (() => {});
  const maxBodyBytes = options.maxBodyBytes ?? 5 * 1024 * 1024;
  const loaded = loadSchema({ schemaPath: options.schemaPath, schemaSource: options.schemaSource, defaultAuthMode: options.defaultAuthMode });
  const resolver = makeFieldResolver(loaded, runtime);
  const hub = new RealtimeHub({
    loaded,
    runtime,
    auth,
    graphqlPath: GRAPHQL_PATH,
    connectionTimeoutMs: options.connectionTimeoutMs ?? 300_000,
    keepAliveIntervalMs: options.keepAliveIntervalMs ?? 60_000,
    maxMessageBytes: maxBodyBytes,
    log,
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'OPTIONS' && (url.pathname === GRAPHQL_PATH || !options.otherRequests)) {
      res.writeHead(204, CORS_HEADERS);
      res.end();
      return;
    }
    if (url.pathname !== GRAPHQL_PATH) {
      if (options.otherRequests && (await options.otherRequests(req, res))) return;
      reply(res, 404, { errors: [{ errorType: 'NotFoundException', message: `No route for ${url.pathname}; GraphQL is served at ${GRAPHQL_PATH}.` }] });
      return;
    }
    if (req.method !== 'POST') {
      reply(res, 405, { errors: [{ errorType: 'MethodNotAllowedException', message: 'Only POST is supported.' }] });
      return;
    }
    let body: string;
    try {
      body = await readBody(req, maxBodyBytes);
    } catch (e) {
      if (e instanceof BodyTooLarge) {
        reply(res, 413, { errors: [{ errorType: 'PayloadTooLargeException', message: `Request body exceeds the limit of ${maxBodyBytes} bytes.` }] });
      } else reply(res, 400, { errors: [{ errorType: 'BadRequestException', message: (e as Error).message }] });
      return;
    }
    const headers = lowerCaseHeaders(req.headers);
    const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    const caller = await auth.authenticate({ headers, method: 'POST', path: url.pathname, body, sourceIp });
    if (isUnauthorized(caller)) {
      log(`http: ${caller.status} ${caller.errorType} (${caller.reason})`);
      reply(res, caller.status, caller.toBody());
      return;
    }
    let request: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      request = JSON.parse(body) as typeof request;
      if (request === null || typeof request !== 'object' || Array.isArray(request)) throw new Error('not an object');
    } catch {
      reply(res, 400, { errors: [{ errorType: 'MalformedHttpRequestException', message: 'Unable to parse JSON document' }] });
      return;
    }
    const parsed = parseRequest(loaded, request.query);
    if ('errors' in parsed) {
      reply(res, 400, requestErrors(parsed.errors));
      return;
    }
    const { document } = parsed;
    const operationName = typeof request.operationName === 'string' ? request.operationName : undefined;
    const operation = getOperationAST(document, operationName);
    if (!operation) {
      reply(res, 400, requestErrors([{ path: null, locations: null, message: operationName ? `Unknown operation named '${operationName}'.` : 'Must provide operation name if query contains multiple operations.' }]));
      return;
    }
    if (operation.operation === 'subscription') {
      reply(res, 400, requestErrors([{ path: null, locations: null, message: `Subscriptions are served over the real-time endpoint (${REALTIME_PATH}).` }]));
      return;
    }
    const rootType = operation.operation === 'mutation' ? 'Mutation' : 'Query';
    const overLimits = limitErrors(operation, fragmentsOf(document), options.limits, (fieldName) => runtime.has(rootType, fieldName));
    if (overLimits.length > 0) {
      log(`http: refused over the API's limits: ${overLimits.map((e) => e.errorType).join(', ')}`);
      reply(res, 400, requestErrors(overLimits));
      return;
    }
    const variables = (request.variables && typeof request.variables === 'object' ? request.variables : {}) as Record<string, unknown>;
    const context = { caller, headers, variables, appended: [], ...(options.limits ? { resolversLeft: resolverLimitOf(options.limits) } : {}) };
    const result = await runOperation(loaded, resolver, document, operationName, context);
    if (result.requestError) {
      reply(res, 400, requestErrors(result.errors));
      return;
    }
    if (operation.operation === 'mutation' && result.data) {
      const fragments = fragmentsOf(document);
      for (const node of rootFields(operation, fragments)) {
        const key = node.alias?.value ?? node.name.value;
        const value = result.data[key];
        if (value === null || value === undefined || result.errors.some((e) => e.path?.[0] === key)) continue;
        if (loaded.subscriptionsOf(node.name.value).length === 0) continue;
        hub.publish(node.name.value, unalias(value, node.selectionSet, fragments));
      }
    }
    reply(res, 200, result.errors.length > 0 ? { data: result.data, errors: result.errors } : { data: result.data });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      log(`http: internal error ${(e as Error).stack ?? String(e)}`);
      if (!res.headersSent) reply(res, 500, { errors: [{ errorType: 'InternalFailure', message: (e as Error).message }] });
    });
  });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== REALTIME_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
      return;
    }
    hub.wss.handleUpgrade(req, socket, head, (ws) => hub.accept(req, ws, url));
  });

  const port = await listen(server, options.port ?? 0, host);
  const authority = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    graphqlUrl: `http://${authority}${GRAPHQL_PATH}`,
    realtimeUrl: `ws://${authority}${REALTIME_PATH}`,
    port,
    region,
    loaded,
    stats: () => hub.stats,
    close: () =>
      new Promise<void>((resolve) => {
        hub.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
