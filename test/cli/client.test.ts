/** The CLI's GraphQL client against a minimal fake AppSync endpoint (HTTP + real-time protocol). */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { GraphQLClient, GraphQLRequestError, TransportError, realtimeUrlFor } from '../../cli/graphql';

interface Seen {
  protocols: string[];
  start?: { id: string; payload: { data: string; extensions: { authorization: Record<string, string> } } };
  stopped?: string;
  post?: { headers: http.IncomingHttpHeaders; body: { query: string; variables: Record<string, unknown> } };
}
const seen: Seen = { protocols: [] };
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.post = { headers: req.headers, body: JSON.parse(body) as NonNullable<Seen['post']>['body'] };
      res.setHeader('content-type', 'application/json');
      if (req.headers['x-api-key'] !== 'good') {
        res.end(JSON.stringify({ data: null, errors: [{ message: 'You are not authorized', errorType: 'UnauthorizedException' }] }));
      } else if (seen.post.body.query.includes('refuse')) {
        res.end(JSON.stringify({ data: null, errors: [{ message: 'The face does not match', errorType: 'FACE_MISMATCH', errorInfo: { attempts: 1 } }] }));
      } else {
        res.end(JSON.stringify({ data: { ok: seen.post.body.variables } }));
      }
    });
  });
  const wss = new WebSocketServer({
    server,
    path: '/graphql/realtime',
    handleProtocols: (protocols) => {
      seen.protocols = [...protocols];
      return 'graphql-ws';
    },
  });
  wss.on('connection', (socket) => {
    socket.on('message', (raw) => {
      const m = JSON.parse(raw.toString()) as { type: string; id: string; payload: NonNullable<Seen['start']>['payload'] };
      if (m.type === 'connection_init') socket.send(JSON.stringify({ type: 'connection_ack', payload: { connectionTimeoutMs: 300000 } }));
      if (m.type === 'start') {
        seen.start = m;
        const query = (JSON.parse(m.payload.data) as { query: string }).query;
        if (query.includes('forbidden')) {
          socket.send(JSON.stringify({ id: m.id, type: 'error', payload: { errors: [{ errorType: 'Unauthorized', message: 'Not Authorized' }] } }));
          return;
        }
        socket.send(JSON.stringify({ id: m.id, type: 'start_ack' }));
        socket.send(JSON.stringify({ type: 'ka' }));
        for (const seq of [1, 2]) socket.send(JSON.stringify({ id: m.id, type: 'data', payload: { data: { event: { seq } } } }));
      }
      if (m.type === 'stop') {
        seen.stopped = m.id;
        socket.send(JSON.stringify({ id: m.id, type: 'complete' }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('realtimeUrlFor', () => {
  it('follows AppSync: appsync-api → appsync-realtime-api over wss; other hosts add /realtime', () => {
    expect(realtimeUrlFor('https://abc.appsync-api.eu-west-1.amazonaws.com/graphql')).toBe('wss://abc.appsync-realtime-api.eu-west-1.amazonaws.com/graphql');
    expect(realtimeUrlFor('https://api.example.com/graphql')).toBe('wss://api.example.com/graphql/realtime');
    expect(realtimeUrlFor('http://127.0.0.1:4000/graphql')).toBe('ws://127.0.0.1:4000/graphql/realtime');
  });
});

describe('GraphQLClient', () => {
  it('posts the query with the API key, or the token as Authorization', async () => {
    const client = new GraphQLClient({ graphqlUrl: url });
    expect(await client.request('query Q { ok }', { a: 1 }, { apiKey: 'good' })).toEqual({ ok: { a: 1 } });
    expect(seen.post?.headers['x-api-key']).toBe('good');
    await expect(client.request('query Q { ok }', {}, { token: 'jwt' })).rejects.toMatchObject({ errorType: 'UnauthorizedException' });
    expect(seen.post?.headers.authorization).toBe('jwt');
  });

  it('raises typed errors with errorType and errorInfo', async () => {
    const client = new GraphQLClient({ graphqlUrl: url });
    const error = await client.request('mutation refuse { x }', {}, { apiKey: 'good' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphQLRequestError);
    expect(error).toMatchObject({ errorType: 'FACE_MISMATCH', errorInfo: { attempts: 1 }, message: 'The face does not match' });
  });

  it('reports an unreachable endpoint as a TransportError', async () => {
    const client = new GraphQLClient({ graphqlUrl: 'http://127.0.0.1:1/graphql' });
    await expect(client.request('{ x }', {}, { apiKey: 'good' })).rejects.toBeInstanceOf(TransportError);
  });

  it('subscribes with the header- subprotocol, receives data, and stops', async () => {
    const client = new GraphQLClient({ graphqlUrl: url });
    const got: unknown[] = [];
    const sub = client.subscribe<{ event: { seq: number } }>('subscription S { event }', { id: 'r' }, { apiKey: 'good' }, { next: (d) => got.push(d.event.seq) });
    await sub.ready;
    await expect.poll(() => got).toEqual([1, 2]);
    expect(seen.protocols[0]).toBe('graphql-ws');
    const header = JSON.parse(Buffer.from(seen.protocols[1]!.slice('header-'.length), 'base64url').toString()) as Record<string, string>;
    expect(header).toEqual({ host: new URL(url).host, 'x-api-key': 'good' });
    expect(seen.start?.payload.extensions.authorization).toEqual(header);
    expect(JSON.parse(seen.start!.payload.data)).toEqual({ query: 'subscription S { event }', variables: { id: 'r' } });
    await sub.close();
    await expect.poll(() => seen.stopped).toBe(seen.start?.id);
  });

  it('rejects `ready` with the typed error when the start is refused', async () => {
    const client = new GraphQLClient({ graphqlUrl: url });
    const sub = client.subscribe('subscription forbidden { x }', {}, { apiKey: 'good' }, { next: () => undefined });
    await expect(sub.ready).rejects.toMatchObject({ errorType: 'Unauthorized' });
    await sub.close();
  });
});
