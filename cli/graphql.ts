/**
 * A small AppSync client: GraphQL over HTTP (fetch) and the AppSync real-time protocol over a
 * WebSocket (`ws`; Node 20 has none built in), with API-key or Cognito-token authorization.
 *
 * Real-time: the authorization header travels in the `header-<base64url>` subprotocol next to
 * `graphql-ws`; then connection_init → connection_ack, start → start_ack, data…, stop → complete.
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

/** How a request is authorized: an API key, or a Cognito user-pool JWT (admins). */
export type Authorization = { apiKey: string } | { token: string };

export interface GraphQLErrorEntry {
  message: string;
  errorType?: string | null;
  errorInfo?: unknown;
  data?: unknown;
  path?: (string | number)[];
}

/** A GraphQL error answer, typed as AppSync reports it (errorType, errorInfo). */
export class GraphQLRequestError extends Error {
  readonly errorType: string;
  readonly errorInfo: unknown;
  constructor(readonly errors: GraphQLErrorEntry[]) {
    const first = errors[0];
    super(first?.message ?? 'GraphQL request failed');
    this.name = 'GraphQLRequestError';
    this.errorType = first?.errorType ?? 'GraphQLError';
    this.errorInfo = first?.errorInfo ?? null;
  }
}

/** The endpoint could not be reached or answered something that is not GraphQL. */
export class TransportError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransportError';
  }
}

export interface ClientOptions {
  graphqlUrl: string;
  /** Defaults to the AppSync convention (see realtimeUrlFor). */
  realtimeUrl?: string;
  fetch?: typeof fetch;
}

/** AppSync's real-time endpoint for a GraphQL endpoint: appsync-api → appsync-realtime-api; custom domains add /realtime. */
export function realtimeUrlFor(graphqlUrl: string): string {
  const url = new URL(graphqlUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (url.hostname.includes('.appsync-api.')) {
    url.hostname = url.hostname.replace('.appsync-api.', '.appsync-realtime-api.');
  } else {
    url.pathname = url.pathname.replace(/\/$/, '') + '/realtime';
  }
  return url.toString();
}

const authHeaders = (auth: Authorization): Record<string, string> =>
  'apiKey' in auth ? { 'x-api-key': auth.apiKey } : { Authorization: auth.token };

export interface Subscription {
  /** Resolves once the server acknowledged the subscription (start_ack). */
  ready: Promise<void>;
  /** Stops the subscription and closes the socket. */
  close(): Promise<void>;
}

export interface SubscribeHandlers<T> {
  next(data: T): void;
  error?(error: Error): void;
}

export class GraphQLClient {
  readonly graphqlUrl: string;
  readonly realtimeUrl: string;
  private readonly fetch: typeof fetch;

  constructor(opts: ClientOptions) {
    this.graphqlUrl = opts.graphqlUrl;
    this.realtimeUrl = opts.realtimeUrl ?? realtimeUrlFor(opts.graphqlUrl);
    this.fetch = opts.fetch ?? globalThis.fetch;
  }

  async request<T>(query: string, variables: Record<string, unknown>, auth: Authorization): Promise<T> {
    let response: Response;
    try {
      response = await this.fetch(this.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...authHeaders(auth) },
        body: JSON.stringify({ query, variables }),
      });
    } catch (e) {
      throw new TransportError(`cannot reach ${this.graphqlUrl}: ${causeOf(e)}`, { cause: e });
    }
    const text = await response.text();
    let body: { data?: T | null; errors?: GraphQLErrorEntry[] };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new TransportError(`${this.graphqlUrl} answered HTTP ${response.status} with no GraphQL body: ${text.slice(0, 200)}`);
    }
    if (body.errors && body.errors.length > 0) throw new GraphQLRequestError(body.errors);
    if (!response.ok || body.data == null) {
      throw new TransportError(`${this.graphqlUrl} answered HTTP ${response.status} without data`);
    }
    return body.data;
  }

  /** Opens a socket for one subscription; `ready` settles on start_ack (or the first error). */
  subscribe<T>(query: string, variables: Record<string, unknown>, auth: Authorization, handlers: SubscribeHandlers<T>): Subscription {
    const host = new URL(this.graphqlUrl).host;
    const authorization = { host, ...authHeaders(auth) };
    const header = Buffer.from(JSON.stringify(authorization)).toString('base64url');
    const id = randomUUID();
    const socket = new WebSocket(this.realtimeUrl, ['graphql-ws', `header-${header}`]);
    let acked = false;
    let settle: { resolve(): void; reject(e: Error): void } | undefined;
    const ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    // Callers that never await `ready` must not see an unhandled rejection.
    ready.catch(() => undefined);
    let keepAliveTimer: NodeJS.Timeout | undefined;
    let timeoutMs = 300_000;
    const armKeepAlive = () => {
      clearTimeout(keepAliveTimer);
      keepAliveTimer = setTimeout(() => fail(new TransportError('real-time connection timed out (no keep-alive)')), timeoutMs);
      keepAliveTimer.unref();
    };
    let closed = false;
    const fail = (error: Error) => {
      if (!acked) settle?.reject(error);
      else handlers.error?.(error);
      if (!closed) {
        closed = true;
        clearTimeout(keepAliveTimer);
        socket.terminate();
      }
    };

    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    socket.on('error', (e) => fail(new TransportError(`real-time connection to ${this.realtimeUrl} failed: ${causeOf(e)}`, { cause: e })));
    socket.on('close', (code, reason) => {
      clearTimeout(keepAliveTimer);
      if (!closed) {
        closed = true;
        const error = new TransportError(`real-time connection closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`);
        if (!acked) settle?.reject(error);
        else handlers.error?.(error);
      }
    });
    socket.on('message', (raw) => {
      let message: { type?: string; id?: string; payload?: Record<string, unknown> };
      try {
        message = JSON.parse(raw.toString()) as typeof message;
      } catch {
        return;
      }
      switch (message.type) {
        case 'connection_ack': {
          const ms = Number(message.payload?.connectionTimeoutMs);
          if (Number.isFinite(ms) && ms > 0) timeoutMs = ms;
          armKeepAlive();
          socket.send(
            JSON.stringify({
              id,
              type: 'start',
              payload: { data: JSON.stringify({ query, variables }), extensions: { authorization } },
            }),
          );
          break;
        }
        case 'ka':
          armKeepAlive();
          break;
        case 'start_ack':
          if (message.id === id) {
            acked = true;
            settle?.resolve();
          }
          break;
        case 'data':
          if (message.id === id) {
            const payload = message.payload as { data?: T; errors?: GraphQLErrorEntry[] } | undefined;
            if (payload?.errors?.length) handlers.error?.(new GraphQLRequestError(payload.errors));
            else if (payload?.data) handlers.next(payload.data);
          }
          break;
        case 'error':
        case 'connection_error': {
          const errors = (message.payload?.errors as GraphQLErrorEntry[] | undefined) ?? [{ message: 'subscription failed', errorType: 'SubscriptionError' }];
          fail(new GraphQLRequestError(errors));
          break;
        }
        case 'complete':
          if (message.id === id && !closed) {
            closed = true;
            clearTimeout(keepAliveTimer);
            socket.close();
          }
          break;
      }
    });

    return {
      ready,
      close: async () => {
        if (closed) return;
        closed = true;
        clearTimeout(keepAliveTimer);
        const done = new Promise<void>((resolve) => {
          socket.once('close', () => resolve());
          setTimeout(() => {
            socket.terminate();
            resolve();
          }, 1000).unref();
        });
        if (socket.readyState === WebSocket.OPEN) {
          if (acked) socket.send(JSON.stringify({ type: 'stop', id }));
          socket.close(1000);
        } else {
          socket.terminate();
        }
        await done;
      },
    };
  }
}

function causeOf(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as Error & { cause?: unknown }).cause;
    if (cause instanceof Error) return `${e.message} (${(cause as NodeJS.ErrnoException).code ?? cause.message})`;
    return e.message;
  }
  return String(e);
}
