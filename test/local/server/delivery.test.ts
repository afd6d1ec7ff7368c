import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { FieldOutcome, FieldRequest, ResolverRuntime } from '../../../local/appsync/contract';
import { startAppSyncServer, type AppSyncServer } from '../../../local/appsync/server';
import { API_KEY, makeAuth, post, signedHeaders } from './helpers';

// A schema of its own: field-level auth inside subscription payloads, argument filters without
// a subscription resolver, and aliases in the triggering mutation.
const SCHEMA = `
type Item @aws_api_key @aws_iam {
  id: ID!
  owner: String
  secret: String @aws_iam
}
type Query { item(id: ID!): Item @aws_api_key }
type Mutation { putItem(id: ID!, owner: String, secret: String): Item @aws_iam }
type Subscription {
  onPutItem(id: ID, owner: String): Item @aws_subscribe(mutations: ["putItem"]) @aws_api_key @aws_iam
  adminsOnly: Item @aws_subscribe(mutations: ["putItem"]) @aws_cognito_user_pools(cognito_groups: ["admins"])
}`;

const runtime: ResolverRuntime = {
  has: (type, field) => type === 'Mutation' && field === 'putItem',
  resolve: async (r: FieldRequest): Promise<FieldOutcome> => ({ data: { ...r.args }, errors: [] }),
};

let server: AppSyncServer;
beforeAll(async () => {
  server = await startAppSyncServer({ runtime, auth: makeAuth(), schemaSource: SCHEMA, region: 'eu-west-1' });
});
afterAll(() => server.close());

async function subscribe(query: string, variables: Record<string, unknown> = {}) {
  const host = new URL(server.graphqlUrl).host;
  const auth = { host, 'x-api-key': API_KEY };
  const ws = new WebSocket(server.realtimeUrl, ['graphql-ws', `header-${Buffer.from(JSON.stringify(auth)).toString('base64url')}`]);
  const messages: { type: string; payload?: unknown }[] = [];
  ws.on('message', (raw) => messages.push(JSON.parse(raw.toString()) as { type: string }));
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify({ type: 'connection_init' }));
  ws.send(JSON.stringify({ id: '1', type: 'start', payload: { data: JSON.stringify({ query, variables }), extensions: { authorization: auth } } }));
  const settle = async () => {
    for (let i = 0; i < 200 && !messages.some((m) => m.type === 'start_ack' || m.type === 'error'); i += 1) await new Promise((r) => setTimeout(r, 5));
  };
  await settle();
  return { ws, messages, events: () => messages.filter((m) => m.type === 'data').map((m) => m.payload) };
}

const putItem = async (selection: string, args: string) => {
  const body = JSON.stringify({ query: `mutation { ${selection.replace('ARGS', args)} }` });
  const result = await post(server.graphqlUrl, body, await signedHeaders(server.graphqlUrl, body));
  expect(result.status).toBe(200);
};

describe('event delivery', () => {
  it('filters on non-null subscription arguments, nulls fields the subscriber may not read, follows aliases', async () => {
    const sub = await subscribe('subscription S($owner: String) { onPutItem(owner: $owner) { id owner secret } }', { owner: 'ann' });
    expect(sub.messages.map((m) => m.type)).toContain('start_ack');
    await putItem('putItem(ARGS) { id owner secret }', 'id: "1", owner: "bob", secret: "s"');
    await putItem('renamed: putItem(ARGS) { ident: id owner secret }', 'id: "2", owner: "ann", secret: "s2"');
    for (let i = 0; i < 100 && sub.events().length === 0; i += 1) await new Promise((r) => setTimeout(r, 5));
    expect(sub.events()).toEqual([
      {
        data: { onPutItem: { id: '2', owner: 'ann', secret: null } },
        errors: [
          {
            path: ['onPutItem', 'secret'],
            data: null,
            errorType: 'Unauthorized',
            errorInfo: null,
            locations: [{ line: 1, column: 70, sourceName: null }],
            message: 'Not Authorized to access secret on type Item',
          },
        ],
      },
    ]);
    sub.ws.close();
  });

  it('refuses a subscription the caller may not start (field-level Unauthorized)', async () => {
    const sub = await subscribe('subscription { adminsOnly { id } }');
    expect(sub.messages.find((m) => m.type === 'error')).toEqual({
      type: 'error',
      id: '1',
      payload: { errors: [{ errorType: 'Unauthorized', message: 'Not Authorized to access adminsOnly on type Subscription' }] },
    });
    sub.ws.close();
  });

  it('does not publish a mutation that failed', async () => {
    const sub = await subscribe('subscription { onPutItem { id } }');
    const body = JSON.stringify({ query: 'mutation { putItem(id: "3") { id } }' });
    // API key may not call putItem: field-level denial, nothing published
    await post(server.graphqlUrl, body, { 'x-api-key': API_KEY });
    await new Promise((r) => setTimeout(r, 30));
    expect(sub.events()).toEqual([]);
    sub.ws.close();
  });
});
