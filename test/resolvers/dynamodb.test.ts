/**
 * The admin reads that go straight to DynamoDB: the exact requests AppSync's DynamoDB data
 * source receives (layout of adapters/dynamodb/layout.ts) and how items become GraphQL objects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appSyncError, buildBundles, makeCtx, runPipeline, type Bundles, type DataSourceCall } from './harness';

let bundles: Bundles;
beforeAll(async () => {
  bundles = await buildBundles();
});
afterAll(() => bundles.cleanup());

const quality = { confidence: 99.9, brightness: 80.1, sharpness: 60.2, yaw: 1.5, pitch: -2, roll: 0.5 };

const userItem = {
  pk: 'USER#u1',
  sk: 'PROFILE',
  gsi1pk: 'STATUS#ACTIVE',
  gsi1sk: '2026-01-01T00:00:00.000Z#u1',
  userId: 'u1',
  status: 'ACTIVE',
  faceIds: ['f2', 'f1'],
  registrationId: 'r1',
  properties: '{"plan":"gold"}',
  idCard: { imageKey: 'idcards/u1/a.jpg', similarity: 98.5, fullName: 'Ada L' },
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-02T00:00:00.000Z',
  version: 3,
};

const userOut = {
  userId: 'u1',
  status: 'ACTIVE',
  faceIds: ['f2', 'f1'],
  idCard: { imageKey: 'idcards/u1/a.jpg', similarity: 98.5, fullName: 'Ada L', documentNumber: null, dateOfBirth: null, expiresOn: null },
  properties: '{"plan":"gold"}',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-02T00:00:00.000Z',
  version: 3,
};

const faceItem = (faceId: string, indexedAt: string) => ({
  pk: 'USER#u1',
  sk: 'FACE#' + faceId,
  userId: 'u1',
  faceId,
  imageKey: `faces/u1/${faceId}.jpg`,
  quality,
  indexedAt,
});

const table = (answer: unknown) => (call: DataSourceCall) => {
  expect(call.dataSource).toEqual({ name: 'table', kind: 'AMAZON_DYNAMODB' });
  return { result: answer };
};

describe('Query.user → functions/getUser', () => {
  it('GetItem USER#<userId> / PROFILE', async () => {
    const run = await runPipeline(bundles, 'Query', 'user', { args: { userId: 'u1' } }, table(userItem));
    expect(run.calls.map((c) => c.request)).toEqual([
      { operation: 'GetItem', key: { pk: { S: 'USER#u1' }, sk: { S: 'PROFILE' } } },
    ]);
    expect(run.result).toEqual(userOut);
  });

  it('null when the user does not exist', async () => {
    const run = await runPipeline(bundles, 'Query', 'user', { args: { userId: 'nobody' } }, table(null));
    expect(run.result).toBeNull();
  });

  it('fills required fields of a sparse item and recovers userId from the key', async () => {
    const run = await runPipeline(
      bundles,
      'Query',
      'user',
      { args: { userId: 'u7' } },
      table({ pk: 'USER#u7', sk: 'PROFILE', status: 'PENDING', createdAt: '2026-02-02T00:00:00Z' }),
    );
    expect(run.result).toEqual({
      userId: 'u7',
      status: 'PENDING',
      faceIds: [],
      idCard: null,
      properties: null,
      createdAt: '2026-02-02T00:00:00Z',
      updatedAt: '2026-02-02T00:00:00Z',
      version: 0,
    });
  });

  it('a data source error becomes a GraphQL error with its type', async () => {
    const fn = await bundles.load('functions/getUser');
    const e = appSyncError(() =>
      fn.response(makeCtx({ error: { message: 'Requested resource not found', type: 'DynamoDB:ResourceNotFoundException' } })),
    );
    expect([e.message, e.errorType]).toEqual(['Requested resource not found', 'DynamoDB:ResourceNotFoundException']);
  });
});

describe('Query.listUsers → functions/queryUsers', () => {
  it('Query gsi1 on STATUS#ACTIVE, newest first, 20 by default, no nextToken', async () => {
    const run = await runPipeline(bundles, 'Query', 'listUsers', { args: {} }, table({ items: [userItem], nextToken: null }));
    expect(run.calls.map((c) => c.request)).toEqual([
      {
        operation: 'Query',
        index: 'gsi1',
        query: { expression: '#pk = :pk', expressionNames: { '#pk': 'gsi1pk' }, expressionValues: { ':pk': { S: 'STATUS#ACTIVE' } } },
        scanIndexForward: false,
        limit: 20,
      },
    ]);
    expect(run.result).toEqual({ items: [userOut], nextToken: null });
  });

  it('passes status, limit and nextToken through, and returns the data source’s nextToken', async () => {
    const run = await runPipeline(
      bundles,
      'Query',
      'listUsers',
      { args: { status: 'PENDING', limit: 2, nextToken: 'eyJ0b2tlbiI6MX0' } },
      table({ items: [userItem, { ...userItem, userId: 'u2', pk: 'USER#u2' }], nextToken: 'eyJuZXh0IjoyfQ' }),
    );
    expect(run.calls[0]?.request).toEqual({
      operation: 'Query',
      index: 'gsi1',
      query: { expression: '#pk = :pk', expressionNames: { '#pk': 'gsi1pk' }, expressionValues: { ':pk': { S: 'STATUS#PENDING' } } },
      scanIndexForward: false,
      limit: 2,
      nextToken: 'eyJ0b2tlbiI6MX0',
    });
    expect(run.result).toEqual({ items: [userOut, { ...userOut, userId: 'u2' }], nextToken: 'eyJuZXh0IjoyfQ' });
  });

  it('an empty page', async () => {
    const run = await runPipeline(bundles, 'Query', 'listUsers', { args: { limit: 5 } }, table({ items: [] }));
    expect(run.result).toEqual({ items: [], nextToken: null });
  });
});

describe('Query.faceRecords and User.faces → functions/queryFaces', () => {
  const faceRequest = (userId: string) => ({
    operation: 'Query',
    query: {
      expression: '#pk = :pk AND begins_with(#sk, :sk)',
      expressionNames: { '#pk': 'pk', '#sk': 'sk' },
      expressionValues: { ':pk': { S: 'USER#' + userId }, ':sk': { S: 'FACE#' } },
    },
  });

  it('Query USER#<userId> begins_with FACE#, newest first, keys stripped', async () => {
    const items = [faceItem('f1', '2026-01-01T00:00:00.000Z'), faceItem('f3', '2026-03-01T00:00:00.000Z'), faceItem('f2', '2026-02-01T00:00:00.000Z')];
    const run = await runPipeline(bundles, 'Query', 'faceRecords', { args: { userId: 'u1' } }, table({ items }));
    expect(run.calls.map((c) => c.request)).toEqual([faceRequest('u1')]);
    expect(run.result).toEqual(
      ['f3', 'f2', 'f1'].map((faceId) => ({
        userId: 'u1',
        faceId,
        imageKey: `faces/u1/${faceId}.jpg`,
        quality,
        indexedAt: items.find((i) => i.faceId === faceId)?.indexedAt,
      })),
    );
  });

  it('User.faces queries the parent user’s faces', async () => {
    const run = await runPipeline(bundles, 'User', 'faces', { source: userOut }, table({ items: [faceItem('f1', '2026-01-01T00:00:00.000Z')] }));
    expect(run.calls.map((c) => c.request)).toEqual([faceRequest('u1')]);
    expect(run.result).toEqual([
      { userId: 'u1', faceId: 'f1', imageKey: 'faces/u1/f1.jpg', quality, indexedAt: '2026-01-01T00:00:00.000Z' },
    ]);
  });

  it('recovers ids from the keys and answers [] for no faces', async () => {
    const sparse = { pk: 'USER#u9', sk: 'FACE#abc', imageKey: 'faces/u9/abc.jpg', quality, indexedAt: '2026-01-01T00:00:00Z' };
    const one = await runPipeline(bundles, 'Query', 'faceRecords', { args: { userId: 'u9' } }, table({ items: [sparse] }));
    expect(one.result).toEqual([{ userId: 'u9', faceId: 'abc', imageKey: 'faces/u9/abc.jpg', quality, indexedAt: '2026-01-01T00:00:00Z' }]);
    const none = await runPipeline(bundles, 'Query', 'faceRecords', { args: { userId: 'u9' } }, table({ items: [] }));
    expect(none.result).toEqual([]);
  });
});

describe('Query.registration → functions/queryRegistration', () => {
  const meta = {
    pk: 'REG#r1',
    sk: 'META',
    ttl: 1790000000,
    registrationId: 'r1',
    userId: 'u1',
    kind: 'REGISTER',
    status: 'FAILED',
    errorType: 'NO_FACE',
    errorMessage: 'No face was found',
    errorInfo: { internal: true },
    startedAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:03.000Z',
  };
  const event = (seq: number, step: string, status: string, extra: Record<string, unknown> = {}) => ({
    pk: 'REG#r1',
    sk: 'EVENT#' + String(seq).padStart(6, '0'),
    ttl: 1790000000,
    registrationId: 'r1',
    userId: 'u1',
    seq,
    step,
    status,
    at: `2026-01-01T00:00:0${seq}.000Z`,
    ...extra,
  });
  const progress = (seq: number, step: string, status: string, extra: Record<string, unknown> = {}) => ({
    registrationId: 'r1',
    userId: 'u1',
    seq,
    step,
    status,
    message: null,
    errorType: null,
    at: `2026-01-01T00:00:0${seq}.000Z`,
    ...extra,
  });

  it('Query REG#<id> (consistent) → the registration with its events in seq order', async () => {
    const items = [
      event(3, 'SCREENING', 'FAILED', { errorType: 'NO_FACE', message: 'No face was found' }),
      event(1, 'STARTED', 'SUCCEEDED'),
      meta,
      event(2, 'SCREENING', 'STARTED'),
    ];
    const run = await runPipeline(bundles, 'Query', 'registration', { args: { registrationId: 'r1' } }, table({ items }));
    expect(run.calls.map((c) => c.request)).toEqual([
      {
        operation: 'Query',
        query: { expression: '#pk = :pk', expressionNames: { '#pk': 'pk' }, expressionValues: { ':pk': { S: 'REG#r1' } } },
        consistentRead: true,
      },
    ]);
    expect(run.result).toEqual({
      registrationId: 'r1',
      userId: 'u1',
      kind: 'REGISTER',
      status: 'FAILED',
      faceId: null,
      errorType: 'NO_FACE',
      errorMessage: 'No face was found',
      events: [
        progress(1, 'STARTED', 'SUCCEEDED'),
        progress(2, 'SCREENING', 'STARTED'),
        progress(3, 'SCREENING', 'FAILED', { errorType: 'NO_FACE', message: 'No face was found' }),
      ],
      startedAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:03.000Z',
    });
  });

  it('sorts by seq as numbers, not as strings (seq 10 after 9)', async () => {
    const items = [meta, ...[10, 2, 9, 1].map((n) => ({ ...event(n, 'SCREENING', 'STARTED'), at: 'x' }))];
    const run = await runPipeline(bundles, 'Query', 'registration', { args: { registrationId: 'r1' } }, table({ items }));
    expect((run.result as { events: { seq: number }[] }).events.map((e) => e.seq)).toEqual([1, 2, 9, 10]);
  });

  it('a registration that has no events yet has events []', async () => {
    const run = await runPipeline(bundles, 'Query', 'registration', { args: { registrationId: 'r1' } }, table({ items: [meta] }));
    expect((run.result as { events: unknown[] }).events).toEqual([]);
  });

  it('null when there is no META item (missing, or only stray events)', async () => {
    const missing = await runPipeline(bundles, 'Query', 'registration', { args: { registrationId: 'r404' } }, table({ items: [] }));
    expect(missing.result).toBeNull();
    const stray = await runPipeline(bundles, 'Query', 'registration', { args: { registrationId: 'r1' } }, table({ items: [event(1, 'STARTED', 'STARTED')] }));
    expect(stray.result).toBeNull();
  });

  it('does not leak errorInfo, ttl or keys', async () => {
    const run = await runPipeline(bundles, 'Query', 'registration', { args: { registrationId: 'r1' } }, table({ items: [meta] }));
    expect(Object.keys(run.result as object).sort()).toEqual(
      ['errorMessage', 'errorType', 'events', 'faceId', 'kind', 'registrationId', 'startedAt', 'status', 'updatedAt', 'userId'],
    );
  });
});
