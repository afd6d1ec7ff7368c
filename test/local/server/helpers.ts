import { WebSocket } from 'ws';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { createLocalAuth, generateCognitoKeyPair, type LocalAuth } from '../../../local/appsync/auth';
import type { FieldOutcome, FieldRequest, ResolverRuntime } from '../../../local/appsync/contract';
import { startAppSyncServer, type AppSyncServer, type AppSyncServerOptions } from '../../../local/appsync/server';
import type { RequestLimits } from '../../../local/appsync/server/limits';

export const API_KEY = 'da2-localtestkey000000000000';
export const IAM = { accessKeyId: 'AKIALOCALTEST0000001', secretAccessKey: 'local-secret-key/for+tests', accountId: '123456789012' };
export const REGION = 'eu-west-1';
export const USER_POOL = { userPoolId: 'eu-west-1_LocalPool', region: REGION };

// One key pair for the whole run (2048-bit generation takes ~50 ms).
const keys = generateCognitoKeyPair();

export const makeAuth = (now?: () => Date): LocalAuth =>
  createLocalAuth({ apiKey: API_KEY, iam: IAM, cognito: { ...USER_POOL, privateKey: keys.privateKey }, region: REGION, now });

export const progress = (registrationId: string, seq: number, extra: Record<string, unknown> = {}) => ({
  registrationId,
  userId: 'alice',
  seq,
  step: 'SCREENING',
  status: 'SUCCEEDED',
  message: null,
  errorType: null,
  at: '2025-01-02T03:04:05.678Z',
  ...extra,
});

/** Close enough to the project's resolvers for the server's purposes. */
export class FakeRuntime implements ResolverRuntime {
  readonly calls: FieldRequest[] = [];
  protected readonly handlers: Record<string, (r: FieldRequest) => FieldOutcome | Promise<FieldOutcome>> = {
    'Mutation.publishRegistrationProgress': (r) => ({ data: { ...(r.args.input as object) }, errors: [] }),
    'Subscription.onRegistrationProgress': (r) =>
      r.args.registrationId === 'forbidden'
        ? { data: null, errors: [{ message: 'Not for you', errorType: 'UNAUTHORIZED', data: null, errorInfo: null }] }
        : {
            data: null,
            errors: [],
            subscriptionFilter: { filterGroup: [{ filters: [{ fieldName: 'registrationId', operator: 'eq', value: r.args.registrationId }] }] },
          },
    'Mutation.registerUser': (r) => {
      const input = r.args.input as { userId: string; properties?: unknown };
      if (input.userId === 'noface') {
        return { data: null, errors: [{ message: 'No face in the image', errorType: 'NO_FACE', data: null, errorInfo: { faces: 0 } }] };
      }
      return {
        data: {
          registrationId: 'r-1',
          userId: input.userId,
          kind: 'REGISTER',
          status: 'SUCCEEDED',
          faceId: 'f-1',
          quality: { confidence: 99, brightness: 80, sharpness: 70, yaw: 1, pitch: 2, roll: 3 },
          idCardSimilarity: null,
          removedFaceIds: [],
          completedAt: '2025-01-02T03:04:05Z',
        },
        errors: input.userId === 'warn' ? [{ message: 'appended', errorType: 'WARNING', data: { a: 1 }, errorInfo: { b: 2 } }] : [],
      };
    },
    'Query.registration': (r) => ({
      data: {
        registrationId: r.args.registrationId,
        userId: 'alice',
        kind: 'REGISTER',
        status: 'IN_PROGRESS',
        events: [progress(String(r.args.registrationId), 1)],
        startedAt: '2025-01-02T03:04:05Z',
        updatedAt: '2025-01-02T03:04:05Z',
      },
      errors: [],
    }),
    'Query.user': (r) => ({
      data: {
        userId: r.args.userId,
        status: 'ACTIVE',
        faceIds: ['f-1'],
        faces: [{ userId: r.args.userId, faceId: 'f-1', imageKey: 'k', quality: { confidence: 1, brightness: 2, sharpness: 3, yaw: 0, pitch: 0, roll: 0 }, indexedAt: '2025-01-02T03:04:05Z' }],
        idCard: null,
        properties: { tier: 'gold' },
        createdAt: '2025-01-02T03:04:05Z',
        updatedAt: '2025-01-02T03:04:05Z',
        version: 1,
      },
      errors: [],
    }),
    'Mutation.deleteUser': (r) => ({ data: { userId: r.args.userId, deletedFaces: 1, deletedImages: 2, deletedAt: '2025-01-02T03:04:05Z' }, errors: [] }),
  };

  has(typeName: string, fieldName: string) {
    return `${typeName}.${fieldName}` in this.handlers;
  }

  async resolve(request: FieldRequest): Promise<FieldOutcome> {
    this.calls.push(request);
    return this.handlers[`${request.typeName}.${request.fieldName}`]!(request);
  }
}

export interface TestServer extends AppSyncServer {
  runtime: FakeRuntime;
  auth: LocalAuth;
  logs: string[];
}

export async function startTestServer(
  options: { now?: () => Date; keepAliveIntervalMs?: number; maxBodyBytes?: number; limits?: RequestLimits; runtime?: FakeRuntime } & Pick<AppSyncServerOptions, 'otherRequests'> = {},
): Promise<TestServer> {
  const runtime = options.runtime ?? new FakeRuntime();
  const auth = makeAuth(options.now);
  const logs: string[] = [];
  const server = await startAppSyncServer({
    runtime,
    auth,
    region: REGION,
    log: (m) => logs.push(m),
    keepAliveIntervalMs: options.keepAliveIntervalMs,
    maxBodyBytes: options.maxBodyBytes,
    ...(options.otherRequests ? { otherRequests: options.otherRequests } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  return { ...server, runtime, auth, logs };
}

export interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: Record<string, unknown>[];
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: GraphQLBody; headers: Headers }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as GraphQLBody, headers: response.headers };
}

/** SigV4-signs a POST like AppSyncProgressPublisher / the clients do. */
export async function signedHeaders(
  url: string,
  body: string,
  options: { secretAccessKey?: string; signingDate?: Date; path?: string; sessionToken?: string } = {},
): Promise<Record<string, string>> {
  const u = new URL(url);
  const signer = new SignatureV4({
    service: 'appsync',
    region: REGION,
    credentials: { accessKeyId: IAM.accessKeyId, secretAccessKey: options.secretAccessKey ?? IAM.secretAccessKey, ...(options.sessionToken ? { sessionToken: options.sessionToken } : {}) },
    sha256: Sha256,
  });
  const signed = await signer.sign(
    new HttpRequest({ method: 'POST', protocol: u.protocol, hostname: u.hostname, port: Number(u.port), path: options.path ?? u.pathname, headers: { 'content-type': 'application/json', host: u.host }, body }),
    { signingDate: options.signingDate },
  );
  return signed.headers as Record<string, string>;
}

export const PUBLISH = `mutation P($input: RegistrationProgressInput!) {
  publishRegistrationProgress(input: $input) { registrationId userId seq step status message errorType at }
}`;

export const SUBSCRIBE = `subscription S($registrationId: ID!) {
  onRegistrationProgress(registrationId: $registrationId) { registrationId userId seq step status message at }
}`;

export type Message = { type: string; id?: string; payload?: Record<string, unknown> };

/** A hand-written AppSync real-time client: a queue of parsed messages. */
export async function openSocket(url: string, protocols: string[]) {
  const ws = new WebSocket(url, protocols);
  const queue: Message[] = [];
  const waiters: ((m: Message) => void)[] = [];
  ws.on('message', (raw) => {
    const message = JSON.parse(raw.toString()) as Message;
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else queue.push(message);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const next = (timeoutMs = 2000): Promise<Message> =>
    queue.length > 0
      ? Promise.resolve(queue.shift()!)
      : new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no message')), timeoutMs);
          waiters.push((m) => {
            clearTimeout(timer);
            resolve(m);
          });
        });
  /** Next message that is not a keep-alive. */
  const nextReal = async () => {
    for (;;) {
      const m = await next();
      if (m.type !== 'ka') return m;
    }
  };
  /** Objects are sent as JSON, strings as they are (to send malformed frames). */
  const send = (m: unknown) => ws.send(typeof m === 'string' ? m : JSON.stringify(m));
  return { ws, next, nextReal, send, queue };
}
