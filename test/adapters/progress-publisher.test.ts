import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AppSyncProgressPublisher,
  NullProgressPublisher,
  PUBLISH_PROGRESS_MUTATION,
} from '../../adapters/appsync/progress-publisher';
import type { RegistrationProgress } from '../../schema/generated/graphql';

const credentials = { accessKeyId: 'AKID', secretAccessKey: 'SECRET', sessionToken: 'TOKEN' };
const event: RegistrationProgress = {
  __typename: 'RegistrationProgress',
  registrationId: 'reg-1',
  userId: 'alice',
  seq: 3,
  step: 'DUPLICATE_CHECK',
  status: 'SUCCEEDED',
  message: null,
  errorType: null,
  at: '2026-02-01T10:00:02.000Z',
};

interface Captured {
  url: string;
  init: RequestInit;
}

function stubFetch(status: number, body: unknown): { fetch: typeof fetch; calls: Captured[] } {
  const calls: Captured[] = [];
  const fn = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    calls.push({ url: String(url), init: init ?? {} });
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  };
  return { fetch: fn as typeof fetch, calls };
}

const headersOf = (c: Captured): Record<string, string> => c.init.headers as Record<string, string>;

afterEach(() => vi.useRealTimers());

describe('AppSyncProgressPublisher', () => {
  it('POSTs the mutation with all fields, signed with SigV4 for appsync', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-02-01T10:00:03.000Z'));
    const { fetch, calls } = stubFetch(200, { data: { publishRegistrationProgress: { ...event } } });
    const publisher = new AppSyncProgressPublisher({
      graphqlUrl: 'https://abc.appsync-api.eu-west-1.amazonaws.com/graphql',
      region: 'eu-west-1',
      credentials,
      fetch,
    });
    await publisher.publish({ ...event, message: 'no duplicate' });

    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.url).toBe('https://abc.appsync-api.eu-west-1.amazonaws.com/graphql');
    expect(call.init.method).toBe('POST');
    const headers = headersOf(call);
    expect(headers['content-type']).toBe('application/json');
    expect(headers.host).toBe('abc.appsync-api.eu-west-1.amazonaws.com');
    expect(headers['x-amz-date']).toBe('20260201T100003Z');
    expect(headers['x-amz-security-token']).toBe('TOKEN');
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKID\/20260201\/eu-west-1\/appsync\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    );

    const body = JSON.parse(call.init.body as string) as { query: string; variables: unknown };
    expect(body.query).toBe(PUBLISH_PROGRESS_MUTATION);
    expect(body.query).toMatch(/publishRegistrationProgress\(input: \$input\)/);
    for (const field of ['registrationId', 'userId', 'seq', 'step', 'status', 'message', 'errorType', 'at']) {
      expect(body.query).toMatch(new RegExp(`\\b${field}\\b`));
    }
    expect(body.variables).toEqual({
      input: {
        registrationId: 'reg-1',
        userId: 'alice',
        seq: 3,
        step: 'DUPLICATE_CHECK',
        status: 'SUCCEEDED',
        message: 'no duplicate',
        errorType: null,
        at: '2026-02-01T10:00:02.000Z',
      },
    });

    // The signature verifies: re-signing the same request at the same instant gives the same header.
    const signer = new SignatureV4({ service: 'appsync', region: 'eu-west-1', credentials, sha256: Sha256 });
    const expected = await signer.sign(
      new HttpRequest({
        method: 'POST',
        protocol: 'https:',
        hostname: 'abc.appsync-api.eu-west-1.amazonaws.com',
        path: '/graphql',
        headers: { 'content-type': 'application/json', host: 'abc.appsync-api.eu-west-1.amazonaws.com' },
        body: call.init.body as string,
      }),
    );
    expect(headers.authorization).toBe(expected.headers.authorization);
  });

  it('keeps the port in the host header for a local endpoint', async () => {
    const { fetch, calls } = stubFetch(200, { data: { publishRegistrationProgress: event } });
    const publisher = new AppSyncProgressPublisher({ graphqlUrl: 'http://127.0.0.1:4000/graphql', region: 'us-east-1', credentials, fetch });
    await publisher.publish(event);
    expect(calls[0]!.url).toBe('http://127.0.0.1:4000/graphql');
    expect(headersOf(calls[0]!).host).toBe('127.0.0.1:4000');
    expect(headersOf(calls[0]!).authorization).toContain('Credential=AKID/');
    expect(headersOf(calls[0]!).authorization).toContain('/us-east-1/appsync/aws4_request');
  });

  it('accepts a credentials provider', async () => {
    const { fetch, calls } = stubFetch(200, { data: { publishRegistrationProgress: event } });
    const provider = vi.fn(async () => ({ accessKeyId: 'PROVIDED', secretAccessKey: 'S' }));
    const publisher = new AppSyncProgressPublisher({
      graphqlUrl: 'https://abc.appsync-api.eu-west-1.amazonaws.com/graphql',
      region: 'eu-west-1',
      credentials: provider,
      fetch,
    });
    await publisher.publish(event);
    expect(provider).toHaveBeenCalled();
    expect(headersOf(calls[0]!).authorization).toContain('Credential=PROVIDED/');
  });

  it('throws with the GraphQL error messages', async () => {
    const { fetch } = stubFetch(200, {
      data: null,
      errors: [{ errorType: 'UnauthorizedException', message: 'Not Authorized to access publishRegistrationProgress' }],
    });
    const publisher = new AppSyncProgressPublisher({ graphqlUrl: 'https://x.example/graphql', region: 'eu-west-1', credentials, fetch });
    await expect(publisher.publish(event)).rejects.toThrow(
      'UnauthorizedException: Not Authorized to access publishRegistrationProgress',
    );
  });

  it('throws on a non-2xx status', async () => {
    const { fetch } = stubFetch(403, { errors: [{ errorType: 'InvalidSignatureException', message: 'Signature expired' }] });
    const publisher = new AppSyncProgressPublisher({ graphqlUrl: 'https://x.example/graphql', region: 'eu-west-1', credentials, fetch });
    await expect(publisher.publish(event)).rejects.toThrow(/HTTP 403.*Signature expired/);
  });

  it('throws on a non-2xx status without a JSON body', async () => {
    const { fetch } = stubFetch(502, 'Bad Gateway');
    const publisher = new AppSyncProgressPublisher({ graphqlUrl: 'https://x.example/graphql', region: 'eu-west-1', credentials, fetch });
    await expect(publisher.publish(event)).rejects.toThrow(/HTTP 502: Bad Gateway/);
  });
});

describe('AppSyncProgressPublisher over real fetch', () => {
  it('sends the signed headers unchanged, so a server can verify the signature', async () => {
    const received: { headers: Record<string, string | string[] | undefined>; body: string; url: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body, url: req.url ?? '' });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ data: { publishRegistrationProgress: event } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const publisher = new AppSyncProgressPublisher({ graphqlUrl: `http://127.0.0.1:${port}/graphql`, region: 'eu-west-1', credentials });
      await publisher.publish(event);

      const got = received[0]!;
      expect(got.url).toBe('/graphql');
      const auth = String(got.headers.authorization);
      const signedHeaders = /SignedHeaders=([^,]+)/.exec(auth)![1]!.split(';');
      const date = String(got.headers['x-amz-date']);
      // Re-sign what the server received, at the instant the client signed it.
      const headers: Record<string, string> = {};
      for (const h of signedHeaders) headers[h] = String(got.headers[h]);
      const signer = new SignatureV4({ service: 'appsync', region: 'eu-west-1', credentials, sha256: Sha256 });
      const signingDate = new Date(
        Date.UTC(+date.slice(0, 4), +date.slice(4, 6) - 1, +date.slice(6, 8), +date.slice(9, 11), +date.slice(11, 13), +date.slice(13, 15)),
      );
      const expected = await signer.sign(
        new HttpRequest({ method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port, path: '/graphql', headers, body: got.body }),
        { signingDate },
      );
      expect(auth).toBe(expected.headers.authorization);
      expect(JSON.parse(got.body)).toMatchObject({ variables: { input: { registrationId: 'reg-1', seq: 3 } } });
    } finally {
      server.close();
    }
  });
});

describe('NullProgressPublisher', () => {
  it('does nothing', async () => {
    await expect(new NullProgressPublisher().publish(event)).resolves.toBeUndefined();
  });
});
