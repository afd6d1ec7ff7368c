/**
 * The AppSync real-time protocol (`graphql-ws` subprotocol, not graphql-transport-ws):
 * connection_init → connection_ack{connectionTimeoutMs}, ka, start → start_ack | error, data,
 * stop → complete. Connection auth from the `header-<base64url>` subprotocol or `?header=&payload=`;
 * every start carries its own authorization block.
 * https://docs.aws.amazon.com/appsync/latest/devguide/real-time-websocket-client.html
 */
import type { IncomingMessage } from 'node:http';
import {
  getArgumentValues,
  getOperationAST,
  getVariableValues,
  type DocumentNode,
  type GraphQLFieldResolver,
} from 'graphql';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { LocalAuth } from '../auth';
import { isUnauthorized, lowerCaseHeaders, unauthorized, type UnauthorizedError } from '../auth';
import type { Caller, ResolverRuntime, SubscriptionFilter } from '../contract';
import {
  deliveryResolver,
  executeDelivery,
  fragmentsOf,
  notAuthorized,
  parseRequest,
  rootFields,
  selectionSetGraphQL,
  selectionSetList,
  type RequestContext,
} from './execute';
import { matchesFilter, sameValue, validateFilter } from './filters';
import type { LoadedSchema } from './schema';

export interface RealtimeOptions {
  loaded: LoadedSchema;
  runtime: ResolverRuntime;
  auth: Pick<LocalAuth, 'authenticate'>;
  /** The GraphQL endpoint path (/graphql): IAM signatures cover <path>/connect and <path>. */
  graphqlPath: string;
  connectionTimeoutMs: number;
  keepAliveIntervalMs: number;
  /** Largest message a client may send; a bigger one closes the socket with 1009 (ws's default would be 100 MiB). */
  maxMessageBytes: number;
  log: (message: string) => void;
}

interface Subscription {
  id: string;
  connection: Connection;
  caller: Caller;
  headers: Record<string, string>;
  document: DocumentNode;
  operationName: string | undefined;
  variables: Record<string, unknown>;
  fieldName: string;
  args: Record<string, unknown>;
  filter: SubscriptionFilter | undefined;
}

interface Connection {
  ws: WebSocket;
  sourceIp: string;
  auth: Promise<Caller | UnauthorizedError>;
  acked: boolean;
  keepAlive?: NodeJS.Timeout;
  /** Messages are handled one after another, in the order they arrived. */
  queue: Promise<void>;
  subscriptions: Map<string, Subscription>;
}

type ErrorEntry = { errorType?: string | null; message: string; errorCode?: number };

const decodeBase64 = (value: string) => Buffer.from(value, 'base64').toString('utf8');

const isPlainObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The handshake's auth headers and signed body, from the subprotocol or the query string. */
export function handshakeAuth(req: IncomingMessage, url: URL): { headers: Record<string, string>; body: string } | undefined {
  const protocols = String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim());
  const encoded = protocols.find((p) => p.startsWith('header-'))?.slice('header-'.length) ?? url.searchParams.get('header') ?? undefined;
  if (!encoded) return undefined;
  try {
    const headers: unknown = JSON.parse(decodeBase64(encoded));
    if (!isPlainObject(headers)) return undefined;
    const payload = url.searchParams.get('payload');
    return { headers: headers as Record<string, string>, body: payload ? decodeBase64(payload) : '{}' };
  } catch {
    return undefined;
  }
}

export class RealtimeHub {
  readonly wss: WebSocketServer;
  private readonly byField = new Map<string, Set<Subscription>>();
  private readonly connections = new Set<Connection>();
  private readonly deliver: GraphQLFieldResolver<unknown, RequestContext>;

  constructor(private readonly options: RealtimeOptions) {
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxMessageBytes,
      handleProtocols: (protocols) => (protocols.has('graphql-ws') ? 'graphql-ws' : false),
    });
    this.deliver = deliveryResolver(options.loaded);
  }

  get stats() {
    let subscriptions = 0;
    for (const set of this.byField.values()) subscriptions += set.size;
    return { connections: this.connections.size, subscriptions };
  }

  accept(req: IncomingMessage, ws: WebSocket, url: URL): void {
    const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    const handshake = handshakeAuth(req, url);
    // Settled at once, never rejected: it may wait unobserved until connection_init or the first start.
    const auth = this.options.auth
      .authenticate({ headers: handshake?.headers ?? {}, path: `${this.options.graphqlPath}/connect`, body: handshake?.body ?? '{}', sourceIp })
      .catch((e: unknown) => unauthorized(`handshake auth failed: ${(e as Error).message}`));
    const connection: Connection = { ws, sourceIp, auth, acked: false, queue: Promise.resolve(), subscriptions: new Map() };
    this.connections.add(connection);
    ws.on('message', (raw) => {
      connection.queue = connection.queue
        .then(() => this.onMessage(connection, raw))
        .catch((e: unknown) => this.options.log(`realtime: message handling failed: ${(e as Error).stack ?? String(e)}`));
    });
    ws.on('close', () => this.drop(connection));
    ws.on('error', (e) => this.options.log(`realtime: socket error ${e.message}`));
  }

  private send(connection: Connection, message: unknown) {
    if (connection.ws.readyState === WebSocket.OPEN) connection.ws.send(JSON.stringify(message));
  }

  private sendError(connection: Connection, id: string | undefined, errors: ErrorEntry[]) {
    this.send(connection, { type: 'error', ...(id !== undefined ? { id } : {}), payload: { errors } });
  }

  private async onMessage(connection: Connection, raw: RawData) {
    let message: { type?: unknown; id?: unknown; payload?: unknown };
    try {
      const parsed: unknown = JSON.parse(raw.toString());
      if (!isPlainObject(parsed)) throw new Error('not an object');
      message = parsed;
    } catch {
      this.sendError(connection, undefined, [{ errorType: 'UnsupportedOperation', message: 'Message is not a JSON object.' }]);
      return;
    }
    const id = typeof message.id === 'string' ? message.id : undefined;
    switch (message.type) {
      case 'connection_init':
        await this.connect(connection, true);
        return;
      case 'start':
        try {
          await this.start(connection, id, message.payload);
        } catch (e) {
          // A client must never wait forever on a start: an unforeseen failure still gets an answer.
          this.options.log(`realtime: start ${String(id)} failed: ${(e as Error).stack ?? String(e)}`);
          this.sendError(connection, id, [{ errorType: 'InternalFailure', message: 'The subscription could not be started.' }]);
        }
        return;
      case 'stop': {
        const sub = id !== undefined ? connection.subscriptions.get(id) : undefined;
        if (sub) this.remove(sub);
        if (id !== undefined) this.send(connection, { type: 'complete', id });
        return;
      }
      case 'connection_terminate':
        connection.ws.close(1000);
        return;
      default:
        this.sendError(connection, id, [{ errorType: 'UnsupportedOperation', message: `${String(message.type)} not supported through the realtime channel` }]);
    }
  }

  /**
   * Checks the handshake's auth: connection_error and close when it fails, else keep-alives.
   * connection_init is optional in AppSync; without it the first start connects (no connection_ack).
   */
  private async connect(connection: Connection, ack: boolean): Promise<boolean> {
    const caller = await connection.auth;
    if (isUnauthorized(caller)) {
      this.options.log(`realtime: connection refused (${caller.reason})`);
      this.send(connection, {
        type: 'connection_error',
        payload: { errors: [{ errorType: caller.errorType, message: caller.message, errorCode: caller.status }] },
      });
      connection.ws.close(1000);
      return false;
    }
    connection.acked = true;
    if (ack) this.send(connection, { type: 'connection_ack', payload: { connectionTimeoutMs: this.options.connectionTimeoutMs } });
    this.send(connection, { type: 'ka' });
    clearInterval(connection.keepAlive);
    if (connection.ws.readyState !== WebSocket.OPEN) return false;
    connection.keepAlive = setInterval(() => this.send(connection, { type: 'ka' }), this.options.keepAliveIntervalMs);
    connection.keepAlive.unref();
    return true;
  }

  private async start(connection: Connection, id: string | undefined, payload: unknown) {
    const { loaded, runtime } = this.options;
    if (id === undefined || id === '') {
      this.sendError(connection, undefined, [{ errorType: 'MissingId', message: 'A start message needs an id.' }]);
      return;
    }
    if (!connection.acked && !(await this.connect(connection, false))) return;
    if (connection.subscriptions.has(id)) {
      this.sendError(connection, id, [{ errorType: 'DuplicatedOperationError', message: `Duplicated operation with id ${id}` }]);
      return;
    }
    const p = (payload ?? {}) as { data?: unknown; extensions?: { authorization?: Record<string, string> } };
    if (typeof p.data !== 'string') {
      this.sendError(connection, id, [{ errorType: 'BadRequestException', message: 'payload.data must be a JSON string.' }]);
      return;
    }
    const authorization = isPlainObject(p.extensions?.authorization) ? p.extensions.authorization : {};
    const caller = await this.options.auth.authenticate({ headers: authorization, path: this.options.graphqlPath, body: p.data, sourceIp: connection.sourceIp });
    if (isUnauthorized(caller)) {
      this.options.log(`realtime: start ${id} refused (${caller.reason})`);
      this.sendError(connection, id, [{ errorType: caller.errorType, message: caller.message }]);
      return;
    }
    let request: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      request = JSON.parse(p.data) as typeof request;
    } catch {
      this.sendError(connection, id, [{ errorType: 'BadRequestException', message: 'payload.data is not valid JSON.' }]);
      return;
    }
    const parsed = parseRequest(loaded, request.query);
    if ('errors' in parsed) {
      this.sendError(connection, id, parsed.errors.map((e) => ({ message: e.message })));
      return;
    }
    const { document } = parsed;
    const operationName = typeof request.operationName === 'string' ? request.operationName : undefined;
    const operation = getOperationAST(document, operationName);
    if (!operation || operation.operation !== 'subscription') {
      this.sendError(connection, id, [{ errorType: 'BadRequestException', message: 'Only subscription operations can be started on the realtime channel.' }]);
      return;
    }
    const variables = (request.variables && typeof request.variables === 'object' ? request.variables : {}) as Record<string, unknown>;
    const coerced = getVariableValues(loaded.schema, operation.variableDefinitions ?? [], variables);
    if (coerced.errors) {
      this.sendError(connection, id, coerced.errors.map((e) => ({ message: e.message })));
      return;
    }
    const fragments = fragmentsOf(document);
    const [fieldNode] = rootFields(operation, fragments);
    const fieldDef = fieldNode ? loaded.schema.getSubscriptionType()?.getFields()[fieldNode.name.value] : undefined;
    if (!fieldNode || !fieldDef) {
      this.sendError(connection, id, [{ errorType: 'BadRequestException', message: 'The subscription selects no field.' }]);
      return;
    }
    const fieldName = fieldDef.name;
    let args: Record<string, unknown>;
    try {
      args = getArgumentValues(fieldDef, fieldNode, coerced.coerced);
    } catch (e) {
      this.sendError(connection, id, [{ message: (e as Error).message }]);
      return;
    }
    if (!loaded.isAllowed(caller, 'Subscription', fieldName)) {
      const denied = notAuthorized('Subscription', fieldName);
      this.sendError(connection, id, [{ errorType: denied.errorType, message: denied.message }]);
      return;
    }
    const headers = lowerCaseHeaders(authorization);
    let filter: SubscriptionFilter | undefined;
    if (runtime.has('Subscription', fieldName)) {
      let outcome;
      try {
        outcome = await runtime.resolve({
          typeName: 'Subscription',
          fieldName,
          args,
          source: null,
          identity: caller.identity,
          headers,
          variables,
          selectionSetList: selectionSetList([fieldNode], fragments),
          selectionSetGraphQL: selectionSetGraphQL([fieldNode], fragments),
        });
      } catch (e) {
        this.sendError(connection, id, [{ errorType: 'Code', message: (e as Error).message }]);
        return;
      }
      if (outcome.errors.length > 0) {
        this.sendError(connection, id, outcome.errors.map((e) => ({ errorType: e.errorType, message: e.message })));
        return;
      }
      filter = outcome.subscriptionFilter;
      const problems = filter ? validateFilter(filter) : [];
      if (problems.length > 0) {
        this.sendError(connection, id, [{ errorType: 'InvalidFilter', message: problems.join('; ') }]);
        return;
      }
    }
    if (connection.ws.readyState !== WebSocket.OPEN || connection.subscriptions.has(id)) return;
    const sub: Subscription = { id, connection, caller, headers, document, operationName, variables, fieldName, args, filter };
    connection.subscriptions.set(id, sub);
    let set = this.byField.get(fieldName);
    if (!set) this.byField.set(fieldName, (set = new Set()));
    set.add(sub);
    this.send(connection, { type: 'start_ack', id });
  }

  /** Fan a completed mutation out: `value` is the mutation's result limited to what it selected. */
  publish(mutationField: string, value: unknown): number {
    let delivered = 0;
    for (const fieldName of this.options.loaded.subscriptionsOf(mutationField)) {
      for (const sub of this.byField.get(fieldName) ?? []) {
        if (!this.argumentsMatch(sub.args, value) || !matchesFilter(sub.filter, value)) continue;
        const context: RequestContext = { caller: sub.caller, headers: sub.headers, variables: sub.variables, appended: [] };
        try {
          const result = executeDelivery(this.options.loaded, this.deliver, sub.document, sub.operationName, context, { [fieldName]: value });
          this.send(sub.connection, { type: 'data', id: sub.id, payload: { data: result.data, ...(result.errors.length > 0 ? { errors: result.errors } : {}) } });
          delivered += 1;
        } catch (e) {
          this.options.log(`realtime: delivery to ${sub.id} failed: ${(e as Error).message}`);
          this.sendError(sub.connection, sub.id, [{ errorType: 'InternalFailure', message: (e as Error).message }]);
        }
      }
    }
    return delivered;
  }

  private argumentsMatch(args: Record<string, unknown>, value: unknown): boolean {
    for (const [name, expected] of Object.entries(args)) {
      if (expected === null || expected === undefined) continue;
      const actual = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;
      if (!sameValue(actual, expected)) return false;
    }
    return true;
  }

  private remove(sub: Subscription) {
    sub.connection.subscriptions.delete(sub.id);
    this.byField.get(sub.fieldName)?.delete(sub);
  }

  private drop(connection: Connection) {
    clearInterval(connection.keepAlive);
    for (const sub of connection.subscriptions.values()) this.remove(sub);
    this.connections.delete(connection);
  }

  close(): void {
    for (const connection of this.connections) {
      clearInterval(connection.keepAlive);
      connection.ws.terminate();
    }
    this.wss.close();
  }
}
