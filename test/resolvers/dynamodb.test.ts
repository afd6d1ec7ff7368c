/**
 * The admin reads that go straight to DynamoDB: the exact requests AppSync's DynamoDB data
 * source receives (layout of adapters/dynamodb/layout.ts), executed by the local runtime against
 * an embedded DynamoDB holding the items, and how the items become GraphQL objects.
 */
import { BatchWriteItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toWireMap } from '../../local/appsync/runtime';
import { appSyncError, buildBundles, makeCtx, runPipeline, type Bundles, type PipelineRun } from './harness';

let bundles: Bundles;
beforeAll(async () => {
  bundles = await buildBundles({ dynamodb: true });
});
afterAll(() => bundles.cleanup());

const dynamo = () => {
  if (!bundles.dynamo) throw new Error('no embedded DynamoDB');
  return bundles.dynamo;
};

/** Empties the table, then writes `items` (plain JSON, as the adapters store them). */
async function seed(...items: Record<string, unknown>[]): Promise<void> {
  const { client, tableName } = dynamo();
  const { Items = [] } = await client.send(new ScanCommand({ TableName: tableName }));
  const deletes = Items.map((i) => ({ DeleteRequest: { Key: { pk: i.pk!, sk: i.sk! } } }));
  const puts = items.map((i) => ({ PutRequest: { Item: toWireMap(marshal(i)) } }));
  for (const batch of [deletes, puts]) {
    for (let i = 0; i < batch.length; i += 25) {
      await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: batch.slice(i, i + 25) } }));
    }
  }
}

/** Plain JSON → attribute values (numbers as N strings are fine for the wire). */
function marshal(item: Record<string, unknown>): Record<string, unknown> {
  const av = (v: unknown): unknown => {
    if (v === null || v === undefined) return { NULL: true };
    if (typeof v === 'string') return { S: v };
    if (typeof v === 'number') return { N: String(v) };
    if (typeof v === 'boolean') return { BOOL: v };
    if (Array.isArray(v)) return { L: v.map(av) };
    return { M: marshal(v as Record<string, unknown>) };
  };
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, av(v)]));
}

/** The run's data source calls all went to the table data source; their requests. */
const tableRequests = (run: PipelineRun): unknown[] => {
  for (const call of run.calls) expect(call.dataSource).toEqual({ name: 'table', kind: 'AMAZON_DYNAMODB' });
  return run.calls.map((c) => c.request);
};

beforeEach(() => seed());

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


describe('Query.user → functions/getUser', () => {
  it('GetItem USER#<userId> / PROFILE', async () => {
    await seed(userItem);
    const run = await runPipeline(bundles, 'Query', 'user', { args: { userId: 'u1' } });
    expect(tableRequests(run)).toEqual([
      { operation: 'GetItem', key: { pk: { S: 'USER#u1' }, sk: { S: 'PROFILE' } } },
    ]);
    expect(run.result).toEqual(userOut);
  });

  it('null when the user does not exist', async () => {
    await seed(userItem);
    const run = await runPipeline(bundles, 'Query', 'user', { args: { userId: 'nobody' } });
    expect(run.result).toBeNull();
  });

  it('fills required fields of a sparse item and recovers userId from the key', async () => {
    await seed({ pk: 'USER#u7', sk: 'PROFILE', status: 'PENDING', createdAt: '2026-02-02T00:00:00Z' });
    const run = await runPipeline(bundles, 'Query', 'user', { args: { userId: 'u7' } });
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
    await seed(userItem, { ...userItem, pk: 'USER#p1', userId: 'p1', status: 'PENDING', gsi1pk: 'STATUS#PENDING' });
    const run = await runPipeline(bundles, 'Query', 'listUsers', { args: {} });
    expect(tableRequests(run)).toEqual([
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
    const pending = (id: string, createdAt: string) => ({ ...userItem, pk: 'USER#' + id, userId: id, status: 'PENDING', gsi1pk: 'STATUS#PENDING', gsi1sk: createdAt + '#' + id, createdAt });
    await seed(pending('p1', '2026-01-01T00:00:00.000Z'), pending('p2', '2026-01-03T00:00:00.000Z'), pending('p3', '2026-01-02T00:00:00.000Z'), userItem);
    const request = (nextToken?: string) => ({
      operation: 'Query',
      index: 'gsi1',
      query: { expression: '#pk = :pk', expressionNames: { '#pk': 'gsi1pk' }, expressionValues: { ':pk': { S: 'STATUS#PENDING' } } },
      scanIndexForward: false,
      limit: 2,
      ...(nextToken ? { nextToken } : {}),
    });
    const first = await runPipeline(bundles, 'Query', 'listUsers', { args: { status: 'PENDING', limit: 2 } });
    expect(tableRequests(first)).toEqual([request()]);
    const page1 = first.result as { items: { userId: string; createdAt: string }[]; nextToken: string | null };
    expect(page1.items.map((u) => u.userId)).toEqual(['p2', 'p3']);
    expect(page1.items[0]).toEqual({ ...userOut, userId: 'p2', status: 'PENDING', createdAt: '2026-01-03T00:00:00.000Z' });
    expect(typeof page1.nextToken).toBe('string');
    const second = await runPipeline(bundles, 'Query', 'listUsers', { args: { status: 'PENDING', limit: 2, nextToken: page1.nextToken } });
    expect(tableRequests(second)).toEqual([request(page1.nextToken as string)]);
    expect(second.result).toEqual({ items: [{ ...userOut, userId: 'p1', status: 'PENDING', createdAt: '2026-01-01T00:00:00.000Z' }], nextToken: null });
  });

  it('a nextToken the data source did not issue is an error', async () => {
    await expect(runPipeline(bundles, 'Query', 'listUsers', { args: { nextToken: 'not-a-token' } })).rejects.toMatchObject({ message: expect.stringContaining('nextToken') });
  });

  it('an empty page', async () => {
    const run = await runPipeline(bundles, 'Query', 'listUsers', { args: { limit: 5 } });
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
    await seed(userItem, ...items, { ...faceItem('x9', '2026-04-01T00:00:00.000Z'), pk: 'USER#u2', userId: 'u2' });
    const run = await runPipeline(bundles, 'Query', 'faceRecords', { args: { userId: 'u1' } });
    expect(tableRequests(run)).toEqual([faceRequest('u1')]);
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
    await seed(userItem, faceItem('f1', '2026-01-01T00:00:00.000Z'));
    const run = await runPipeline(bundles, 'User', 'faces', { source: userOut });
    expect(tableRequests(run)).toEqual([faceRequest('u1')]);
    expect(run.result).toEqual([
      { userId: 'u1', faceId: 'f1', imageKey: 'faces/u1/f1.jpg', quality, indexedAt: '2026-01-01T00:00:00.000Z' },
    ]);
  });

  it('recovers ids from the keys and answers [] for no faces', async () => {
    const sparse = { pk: 'USER#u9', sk: 'FACE#abc', imageKey: 'faces/u9/abc.jpg', quality, indexedAt: '2026-01-01T00:00:00Z' };
    await seed(sparse);
    const one = await runPipeline(bundles, 'Query', 'faceRecords', { args: { userId: 'u9' } });
    expect(one.result).toEqual([{ userId: 'u9', faceId: 'abc', imageKey: 'faces/u9/abc.jpg', quality, indexedAt: '2026-01-01T00:00:00Z' }]);
    await seed();
    const none = await runPipeline(bundles, 'Query', 'faceRecords', { args: { userId: 'u9' } });
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
    await seed(...items, { ...meta, pk: 'REG#r2', registrationId: 'r2' });
    const run = await runPipeline(bundles, 'Query', 'registration', { args: { registrationId: 'r1' } });
    expect(tableRequests(run)).toEqual([
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
    // EVENT#<seq> keys sort as strings; give the events keys that sort wrongly so the order must come from seq
    const items = [meta, ...[10, 2, 9, 1].map((n, i) => ({ ...event(n, 'SCREENING', 'STARTED'), sk: 'EVENT#' + 'dcba'[i], at: 'x' }))];
    await seed(...items);
    const run = await runPipeline(bundles, 'Query', 'registration', { args: { registrationId: 'r1' } });
    expect((run.result as { events: { seq: number }[] }).events.map((e) => e.seq)).toEqual([1, 2, 9, 10]);
  });

  it('a registration that has no events yet has events []', async () => {
    await seed(meta);
    const run = await runPipeline(bundles, 'Query', 'registration', { args: { registrationId: 'r1' } });
    expect((run.result as { events: unknown[] }).events).toEqual([]);
  });

  it('null when there is no META item (missing, or only stray events)', async () => {
    await seed(meta);
    const missing = await runPipeline(bundles, 'Query', 'registration', { args: { registrationId: 'r404' } });
    expect(missing.result).toBeNull();
    await seed(event(1, 'STARTED', 'STARTED'));
    const stray = await runPipeline(bundles, 'Query', 'registration', { args: { registrationId: 'r1' } });
    expect(stray.result).toBeNull();
  });

  it('does not leak errorInfo, ttl or keys', async () => {
    await seed(meta);
    const run = await runPipeline(bundles, 'Query', 'registration', { args: { registrationId: 'r1' } });
    expect(Object.keys(run.result as object).sort()).toEqual(
      ['errorMessage', 'errorType', 'events', 'faceId', 'kind', 'registrationId', 'startedAt', 'status', 'updatedAt', 'userId'],
    );
  });
});

describe('Query.registrations → functions/queryUserRegistrations (the audit trail)', () => {
  /** A REG#<id>/META item as the record store writes it: listed under its user in gsi1. */
  const regMeta = (registrationId: string, userId: string, startedAt: string, extra: Record<string, unknown> = {}) => ({
    pk: 'REG#' + registrationId,
    sk: 'META',
    gsi1pk: 'REGS#' + userId,
    gsi1sk: startedAt + '#' + registrationId,
    ttl: 1790000000,
    registrationId,
    userId,
    kind: 'REGISTER',
    status: 'SUCCEEDED',
    faceId: 'f-' + registrationId,
    errorInfo: { internal: true },
    startedAt,
    updatedAt: startedAt,
    ...extra,
  });
  const summary = (registrationId: string, startedAt: string, extra: Record<string, unknown> = {}) => ({
    registrationId,
    userId: 'u1',
    kind: 'REGISTER',
    status: 'SUCCEEDED',
    faceId: 'f-' + registrationId,
    errorType: null,
    errorMessage: null,
    startedAt,
    updatedAt: startedAt,
    ...extra,
  });
  const request = (userId: string, limit: number, nextToken?: string) => ({
    operation: 'Query',
    index: 'gsi1',
    query: { expression: '#pk = :pk', expressionNames: { '#pk': 'gsi1pk' }, expressionValues: { ':pk': { S: 'REGS#' + userId } } },
    scanIndexForward: false,
    limit,
    ...(nextToken ? { nextToken } : {}),
  });

  it('Query gsi1 on REGS#<userId>, newest first, without events, other users and user profiles', async () => {
    await seed(
      regMeta('r1', 'u1', '2026-01-01T00:00:00.000Z'),
      regMeta('r3', 'u1', '2026-01-03T00:00:00.000Z', { kind: 'UPDATE_PHOTO' }),
      regMeta('r2', 'u1', '2026-01-02T00:00:00.000Z', { status: 'FAILED', faceId: null, errorType: 'FACE_MISMATCH', errorMessage: 'no match' }),
      regMeta('x1', 'u2', '2026-01-04T00:00:00.000Z'),
      { pk: 'REG#r1', sk: 'EVENT#000001', registrationId: 'r1', userId: 'u1', seq: 1, step: 'STARTED', status: 'SUCCEEDED', at: '2026-01-01T00:00:00.000Z' },
      userItem,
    );
    const run = await runPipeline(bundles, 'Query', 'registrations', { args: { userId: 'u1' } });
    expect(tableRequests(run)).toEqual([request('u1', 20)]);
    expect(run.result).toEqual({
      items: [
        summary('r3', '2026-01-03T00:00:00.000Z', { kind: 'UPDATE_PHOTO' }),
        summary('r2', '2026-01-02T00:00:00.000Z', { status: 'FAILED', faceId: null, errorType: 'FACE_MISMATCH', errorMessage: 'no match' }),
        summary('r1', '2026-01-01T00:00:00.000Z'),
      ],
      nextToken: null,
    });
  });

  it('pages with limit and the data source’s nextToken', async () => {
    await seed(...['01', '02', '03'].map((d) => regMeta('r' + d, 'u1', `2026-01-${d}T00:00:00.000Z`)));
    const first = await runPipeline(bundles, 'Query', 'registrations', { args: { userId: 'u1', limit: 2 } });
    expect(tableRequests(first)).toEqual([request('u1', 2)]);
    const page1 = first.result as { items: { registrationId: string }[]; nextToken: string | null };
    expect(page1.items.map((r) => r.registrationId)).toEqual(['r03', 'r02']);
    expect(typeof page1.nextToken).toBe('string');
    const second = await runPipeline(bundles, 'Query', 'registrations', { args: { userId: 'u1', limit: 2, nextToken: page1.nextToken } });
    expect(tableRequests(second)).toEqual([request('u1', 2, page1.nextToken as string)]);
    expect(second.result).toEqual({ items: [summary('r01', '2026-01-01T00:00:00.000Z')], nextToken: null });
  });

  it('checks userId, limit and nextToken before reading', async () => {
    for (const args of [{ userId: 'bad id' }, { userId: 'u1', limit: 0 }, { userId: 'u1', limit: 101 }, { userId: 'u1', nextToken: '' }]) {
      await expect(runPipeline(bundles, 'Query', 'registrations', { args })).rejects.toMatchObject({ errorType: 'INVALID_INPUT' });
    }
  });
});
