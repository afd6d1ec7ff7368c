import { createRequire } from 'node:module';
import type { AuthOptions } from 'aws-appsync-auth-link';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { AppSyncProgressPublisher } from '../../../adapters/appsync/progress-publisher';
import { until } from '../../support/helpers';
import { API_KEY, IAM, openSocket, post, progress, REGION, signedHeaders, startTestServer, SUBSCRIBE, type TestServer } from './helpers';

// Node 20 has no global WebSocket; aws-appsync-subscription-link uses the global one.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

// The CommonJS builds: aws-appsync-auth-link 4.0.2's ESM build does
// `import * as crypto from "@aws-crypto/sha256-js"` on its nested sha256-js 1.2.2, whose tslib
// re-exports Node cannot see from ESM, so `crypto.Sha256` is undefined and every IAM signature
// (HTTP and real-time) throws "Sha256 is not a constructor". The CJS build works.
const require = createRequire(import.meta.url);
const { ApolloClient, ApolloLink, gql, InMemoryCache } = require('@apollo/client') as typeof import('@apollo/client');
const { createAuthLink } = require('aws-appsync-auth-link') as typeof import('aws-appsync-auth-link');
const { createSubscriptionHandshakeLink } = require('aws-appsync-subscription-link') as typeof import('aws-appsync-subscription-link');


const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

let server: TestServer;
let publisher: AppSyncProgressPublisher;
beforeAll(async () => {
  server = await startTestServer({ keepAliveIntervalMs: 100 });
  publisher = new AppSyncProgressPublisher({ graphqlUrl: server.graphqlUrl, region: REGION, credentials: IAM });
});
afterAll(() => server.close());

const host = () => new URL(server.graphqlUrl).host;
const startMessage = (id: string, registrationId: string, authorization: Record<string, string>, query = SUBSCRIBE) => {
  const data = JSON.stringify({ query, variables: { registrationId } });
  return { id, type: 'start', payload: { data, extensions: { authorization } } };
};

describe('real-time protocol, hand-written client', () => {
  it('header- subprotocol with an API key: ack, ka, start_ack, filtered data, mutation-limited fields, stop → complete', async () => {
    const socket = await openSocket(server.realtimeUrl, ['graphql-ws', `header-${b64url({ host: host(), 'x-api-key': API_KEY })}`]);
    expect(socket.ws.protocol).toBe('graphql-ws');
    socket.send({ type: 'connection_init' });
    expect(await socket.next()).toEqual({ type: 'connection_ack', payload: { connectionTimeoutMs: 300000 } });
    expect(await socket.next()).toEqual({ type: 'ka' });
    expect(await socket.next()).toEqual({ type: 'ka' }); // periodic (100 ms here)

    socket.send(startMessage('s1', 'r-1', { host: host(), 'x-api-key': API_KEY }));
    expect(await socket.nextReal()).toEqual({ type: 'start_ack', id: 's1' });

    await publisher.publish(progress('r-2', 1) as never); // another registration: filtered out
    await publisher.publish(progress('r-1', 1, { message: 'hello' }) as never);
    expect(await socket.nextReal()).toEqual({
      type: 'data',
      id: 's1',
      payload: {
        data: {
          onRegistrationProgress: { registrationId: 'r-1', userId: 'alice', seq: 1, step: 'SCREENING', status: 'SUCCEEDED', message: 'hello', at: '2025-01-02T03:04:05.678Z' },
        },
      },
    });

    // A mutation that does not select `message` delivers it as null (AppSync semantics).
    const query = `mutation P($input: RegistrationProgressInput!) { publishRegistrationProgress(input: $input) { registrationId userId seq step status at } }`;
    const body = JSON.stringify({ query, variables: { input: progress('r-1', 2, { message: 'not selected' }) } });
    expect((await post(server.graphqlUrl, body, await signedHeaders(server.graphqlUrl, body))).status).toBe(200);
    const second = await socket.nextReal();
    expect(second.payload).toEqual({
      data: { onRegistrationProgress: { registrationId: 'r-1', userId: 'alice', seq: 2, step: 'SCREENING', status: 'SUCCEEDED', message: null, at: '2025-01-02T03:04:05.678Z' } },
    });

    socket.send({ type: 'stop', id: 's1' });
    expect(await socket.nextReal()).toEqual({ type: 'complete', id: 's1' });
    await publisher.publish(progress('r-1', 3) as never);
    await new Promise((r) => setTimeout(r, 50));
    expect(socket.queue.filter((m) => m.type === 'data')).toEqual([]);
    socket.ws.close();
  });

  it('?header=&payload= query form with SigV4 over /graphql/connect; each start is signed over /graphql', async () => {
    const connectHeaders = await signedHeaders(server.graphqlUrl, '{}', { path: '/graphql/connect' });
    const url = `${server.realtimeUrl}?header=${encodeURIComponent(b64(connectHeaders))}&payload=e30=`;
    const socket = await openSocket(url, ['graphql-ws']);
    socket.send({ type: 'connection_init' });
    expect(await socket.nextReal()).toMatchObject({ type: 'connection_ack' });

    const start = startMessage('iam-1', 'r-iam', {});
    start.payload.extensions.authorization = await signedHeaders(server.graphqlUrl, start.payload.data);
    socket.send(start);
    expect(await socket.nextReal()).toEqual({ type: 'start_ack', id: 'iam-1' });
    const call = server.runtime.calls.at(-1)!;
    expect(call).toMatchObject({ typeName: 'Subscription', fieldName: 'onRegistrationProgress', args: { registrationId: 'r-iam' } });
    expect(call.identity).toMatchObject({ accountId: IAM.accountId });

    // A start signed with the wrong secret is refused on its own.
    const forged = startMessage('iam-2', 'r-iam', {});
    forged.payload.extensions.authorization = await signedHeaders(server.graphqlUrl, forged.payload.data, { secretAccessKey: 'wrong' });
    socket.send(forged);
    expect(await socket.nextReal()).toMatchObject({ type: 'error', id: 'iam-2', payload: { errors: [{ errorType: 'InvalidSignatureException' }] } });

    await publisher.publish(progress('r-iam', 1) as never);
    expect(await socket.nextReal()).toMatchObject({ type: 'data', id: 'iam-1', payload: { data: { onRegistrationProgress: { registrationId: 'r-iam', seq: 1 } } } });
    socket.ws.close();
  });

  it('refuses a connection with a wrong key (connection_error 401) and bad starts with AppSync-shaped errors', async () => {
    const refused = await openSocket(server.realtimeUrl, ['graphql-ws', `header-${b64url({ host: host(), 'x-api-key': 'da2-wrong' })}`]);
    refused.send({ type: 'connection_init' });
    expect(await refused.next()).toEqual({
      type: 'connection_error',
      payload: { errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.', errorCode: 401 }] },
    });

    const socket = await openSocket(server.realtimeUrl, ['graphql-ws', `header-${b64url({ host: host(), 'x-api-key': API_KEY })}`]);
    socket.send({ type: 'connection_init' });
    await socket.nextReal();
    const auth = { host: host(), 'x-api-key': API_KEY };
    socket.send(startMessage('e1', 'forbidden', auth)); // the resolver raises util.error
    expect(await socket.nextReal()).toEqual({ type: 'error', id: 'e1', payload: { errors: [{ errorType: 'UNAUTHORIZED', message: 'Not for you' }] } });
    socket.send(startMessage('e2', 'r', auth, 'subscription { onRegistrationProgress(registrationId: "r") { nope } }'));
    expect(await socket.nextReal()).toMatchObject({ type: 'error', id: 'e2', payload: { errors: [{ message: expect.stringMatching(/^Validation error of type FieldUndefined/) }] } });
    socket.send(startMessage('e3', 'r', { host: host(), 'x-api-key': 'da2-wrong' }));
    expect(await socket.nextReal()).toMatchObject({ type: 'error', id: 'e3', payload: { errors: [{ errorType: 'UnauthorizedException' }] } });
    socket.send(startMessage('d', 'r', auth));
    expect(await socket.nextReal()).toEqual({ type: 'start_ack', id: 'd' });
    socket.send(startMessage('d', 'r', auth));
    expect(await socket.nextReal()).toMatchObject({ type: 'error', id: 'd', payload: { errors: [{ errorType: 'DuplicatedOperationError' }] } });
    socket.send({ type: 'bogus' });
    expect(await socket.nextReal()).toMatchObject({ type: 'error', payload: { errors: [{ errorType: 'UnsupportedOperation' }] } });
    socket.ws.close();
    await until(() => server.stats().subscriptions === 0);
  });
});

describe('real-time with Apollo Client 4 + aws-appsync-auth-link / aws-appsync-subscription-link', () => {
  const clientFor = (auth: AuthOptions) => {
    const config = { url: server.graphqlUrl, region: REGION, auth };
    return new ApolloClient({
      link: ApolloLink.from([createAuthLink(config), createSubscriptionHandshakeLink(config)]),
      cache: new InMemoryCache(),
      // Apollo 4 would add extensions.clientLibrary after the auth link signed the body.
      enhancedClientAwareness: { transport: false },
    });
  };

  const subscribeAndReceive = async (client: InstanceType<typeof ApolloClient>, registrationId: string) => {
    const received: unknown[] = [];
    const errors: unknown[] = [];
    const before = server.stats().subscriptions;
    const subscription = client.subscribe({ query: gql(SUBSCRIBE), variables: { registrationId } }).subscribe({
      next: (result) => received.push(result.data),
      error: (e: unknown) => errors.push(e),
    });
    await until(() => server.stats().subscriptions === before + 1 || errors.length > 0, 5000);
    expect(errors).toEqual([]);
    await publisher.publish(progress(`${registrationId}-other`, 1) as never);
    await publisher.publish(progress(registrationId, 7) as never);
    await until(() => received.length > 0 || errors.length > 0, 5000);
    await new Promise((r) => setTimeout(r, 30));
    expect(received).toEqual([
      { onRegistrationProgress: { __typename: 'RegistrationProgress', registrationId, userId: 'alice', seq: 7, step: 'SCREENING', status: 'SUCCEEDED', message: null, at: '2025-01-02T03:04:05.678Z' } },
    ]);
    subscription.unsubscribe();
    await until(() => server.stats().subscriptions === before, 5000); // the link sent stop
  };

  it('API_KEY', async () => {
    await subscribeAndReceive(clientFor({ type: 'API_KEY', apiKey: API_KEY }), 'apollo-key');
  });

  it('AWS_IAM, including a signed mutation over HTTP through the auth link', async () => {
    const client = clientFor({ type: 'AWS_IAM', credentials: { accessKeyId: IAM.accessKeyId, secretAccessKey: IAM.secretAccessKey } });
    await subscribeAndReceive(client, 'apollo-iam');
    const result = await client.mutate({
      mutation: gql`mutation P($input: RegistrationProgressInput!) { publishRegistrationProgress(input: $input) { registrationId seq } }`,
      variables: { input: progress('apollo-iam', 8) },
    });
    expect(result.data).toEqual({ publishRegistrationProgress: { __typename: 'RegistrationProgress', registrationId: 'apollo-iam', seq: 8 } });
  });

  it('AMAZON_COGNITO_USER_POOLS', async () => {
    const jwtToken = server.auth.issueCognitoToken({ username: 'dave' });
    await subscribeAndReceive(clientFor({ type: 'AMAZON_COGNITO_USER_POOLS', jwtToken }), 'apollo-jwt');
  });
});
