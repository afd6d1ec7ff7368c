import { createHash, createHmac, createPublicKey } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../support/helpers';
import { API_KEY, IAM, openSocket, post, REGION, startTestServer, SUBSCRIBE, type TestServer } from './helpers';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

let server: TestServer;
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);
beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  server = await startTestServer({});
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await server.close();
});
const host = () => new URL(server.graphqlUrl).host;
const keyed = () => ['graphql-ws', `header-${b64url({ host: host(), 'x-api-key': API_KEY })}`];

const startFor = (id: string, registrationId: string, authorization: unknown = { host: host(), 'x-api-key': API_KEY }) => ({
  id,
  type: 'start',
  payload: { data: JSON.stringify({ query: SUBSCRIBE, variables: { registrationId } }), extensions: { authorization } },
});

describe('real-time: malformed input gets an answer and never an unhandled rejection', () => {
  it('answers JSON that is not an object (null, arrays, numbers) with an error message', async () => {
    const s = await openSocket(server.realtimeUrl, keyed());
    for (const text of ['null', '[1]', '7', 'not json']) {
      s.send(text);
      expect(await s.nextReal()).toMatchObject({ type: 'error', payload: { errors: [{ errorType: 'UnsupportedOperation' }] } });
    }
    s.ws.close();
  });

  it('refuses a handshake header that decodes to JSON null (was an unhandled rejection: it kills `npm start`)', async () => {
    const s = await openSocket(server.realtimeUrl, ['graphql-ws', `header-${b64url(null)}`]);
    await new Promise((r) => setTimeout(r, 50)); // the handshake's auth settles before connection_init
    s.send({ type: 'connection_init' });
    expect(await s.nextReal()).toMatchObject({ type: 'connection_error', payload: { errors: [{ errorType: 'UnauthorizedException', errorCode: 401 }] } });
    expect(unhandled).toEqual([]);
  });

  it('ignores a start authorization that is not an object (401 for that start only)', async () => {
    const s = await openSocket(server.realtimeUrl, keyed());
    s.send({ type: 'connection_init' });
    await s.nextReal();
    s.send(startFor('bad-auth', 'r', 'x-api-key'));
    expect(await s.nextReal()).toMatchObject({ type: 'error', id: 'bad-auth', payload: { errors: [{ errorType: 'UnauthorizedException' }] } });
    s.ws.close();
  });
});

describe('real-time: an unforeseen failure in a start', () => {
  it('is answered with InternalFailure, not left unanswered', async () => {
    const s = await openSocket(server.realtimeUrl, keyed());
    s.send({ type: 'connection_init' });
    await s.nextReal();
    const runtime = server.runtime as unknown as { has: (t: string, f: string) => boolean; resolve: (...a: unknown[]) => unknown };
    const [has, resolve] = [runtime.has, runtime.resolve];
    const boom = () => {
      throw new Error('boom');
    };
    runtime.has = boom;
    runtime.resolve = boom;
    try {
      s.send(startFor('explodes', 'r-explodes'));
      expect(await s.nextReal()).toMatchObject({ type: 'error', id: 'explodes', payload: { errors: [{ errorType: 'InternalFailure' }] } });
    } finally {
      runtime.has = has;
      runtime.resolve = resolve;
    }
    s.ws.close();
  });
});

describe('real-time: message size', () => {
  it('closes a socket that sends a message over the request cap (1009) instead of buffering up to ws\'s 100 MiB', async () => {
    const small = await startTestServer({ maxBodyBytes: 64 * 1024 });
    try {
      const s = await openSocket(small.realtimeUrl, ['graphql-ws', `header-${b64url({ host: new URL(small.graphqlUrl).host, 'x-api-key': API_KEY })}`]);
      const closed = new Promise<number>((r) => s.ws.once('close', (code) => r(code)));
      s.send(JSON.stringify({ type: 'connection_init', pad: 'x'.repeat(128 * 1024) }));
      expect(await closed).toBe(1009);
      await until(() => small.stats().connections === 0);
    } finally {
      await small.close();
    }
  });
});

describe('real-time: connection_init is optional (AppSync real-time client guide, step 2)', () => {
  it('a start without connection_init subscribes with the handshake auth, keep-alives follow', async () => {
    const s = await openSocket(server.realtimeUrl, keyed());
    s.send(startFor('no-init', 'r-no-init'));
    const first = [await s.next(), await s.next()];
    expect(first).toContainEqual({ type: 'start_ack', id: 'no-init' });
    expect(first).toContainEqual({ type: 'ka' });
    expect(server.stats().subscriptions).toBe(1);
    s.ws.terminate();
    await until(() => server.stats().subscriptions === 0 && server.stats().connections === 0);
  });

  it('a start without connection_init on a handshake with a wrong key gets connection_error and the socket closes', async () => {
    const s = await openSocket(server.realtimeUrl, ['graphql-ws', `header-${b64url({ host: host(), 'x-api-key': 'da2-wrong' })}`]);
    const closed = new Promise((r) => s.ws.once('close', r));
    s.send(startFor('no-init', 'r'));
    expect(await s.nextReal()).toMatchObject({ type: 'connection_error', payload: { errors: [{ errorCode: 401 }] } });
    await closed;
    expect(server.stats().subscriptions).toBe(0);
  });
});

describe('SigV4 payload integrity', () => {
  it('refuses x-amz-content-sha256: UNSIGNED-PAYLOAD, which let a signed request carry any body', async () => {
    const body = JSON.stringify({ query: '{ __typename }' });
    const u = new URL(server.graphqlUrl);
    const signer = new SignatureV4({ service: 'appsync', region: REGION, credentials: IAM, sha256: Sha256 });
    const signed = await signer.sign(
      new HttpRequest({
        method: 'POST',
        protocol: 'http:',
        hostname: u.hostname,
        port: Number(u.port),
        path: '/graphql',
        headers: { 'content-type': 'application/json', host: u.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
        body,
      }),
    );
    const altered = JSON.stringify({ query: 'mutation { deleteUser(userId: "x") { userId } }' });
    const r = await post(server.graphqlUrl, altered, signed.headers as Record<string, string>);
    expect(r).toMatchObject({ status: 403, body: { errors: [{ errorType: 'InvalidSignatureException' }] } });
    expect(server.runtime.calls.filter((c) => c.fieldName === 'deleteUser')).toEqual([]);
  });

  it('still accepts an x-amz-content-sha256 that is the body hash', async () => {
    const body = JSON.stringify({ query: '{ __typename }' });
    const u = new URL(server.graphqlUrl);
    const signer = new SignatureV4({ service: 'appsync', region: REGION, credentials: IAM, sha256: Sha256 });
    const hash = createHash('sha256').update(body).digest('hex');
    const signed = await signer.sign(
      new HttpRequest({ method: 'POST', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: '/graphql', headers: { 'content-type': 'application/json', host: u.host, 'x-amz-content-sha256': hash }, body }),
    );
    expect((await post(server.graphqlUrl, body, signed.headers as Record<string, string>)).status).toBe(200);
  });
});

describe('user-pool tokens', () => {
  it('rejects alg none and HS256 signed with the public key as the secret', async () => {
    const [, p] = server.auth.issueCognitoToken({ username: 'a' }).split('.');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
    const pem = createPublicKey({ key: server.auth.jwks().keys[0]!, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
    const h = Buffer.from('{"alg":"HS256"}').toString('base64url');
    const hs = `${h}.${p}.${createHmac('sha256', pem).update(`${h}.${p}`).digest('base64url')}`;
    for (const token of [none, hs]) expect((await post(server.graphqlUrl, '{"query":"{__typename}"}', { authorization: token })).status).toBe(401);
  });

  it('answers a token whose header is JSON null with 401 (was a TypeError: 500 over HTTP, no answer to a start)', async () => {
    const token = `${Buffer.from('null').toString('base64url')}.e30.x`;
    expect(await post(server.graphqlUrl, '{"query":"{__typename}"}', { authorization: token })).toMatchObject({
      status: 401,
      body: { errors: [{ errorType: 'UnauthorizedException' }] },
    });
    const s = await openSocket(server.realtimeUrl, keyed());
    s.send({ type: 'connection_init' });
    await s.nextReal();
    s.send(startFor('null-header', 'r', { host: host(), Authorization: token }));
    expect(await s.nextReal()).toMatchObject({ type: 'error', id: 'null-header', payload: { errors: [{ errorType: 'UnauthorizedException' }] } });
    s.ws.close();
  });
});
