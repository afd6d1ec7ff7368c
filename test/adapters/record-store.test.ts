import { ConditionalCheckFailedException, DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoRecordStore, decodeNextToken, decodeScanToken, encodeNextToken } from '../../adapters/dynamodb/record-store';
import { ConditionFailedError, FacegateError } from '../../core/errors';
import type { AuthAttempts, FaceRecordItem, RegistrationRecord, UserRecord } from '../../core/ports';
import type { RegistrationProgress } from '../../schema/generated/graphql';

const ddb = mockClient(DynamoDBDocumentClient);
const NOW = new Date('2026-03-01T12:00:00.000Z');
const NOW_S = Date.parse('2026-03-01T12:00:00.000Z') / 1000;
const store = new DynamoRecordStore({
  client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }), {
    marshallOptions: { removeUndefinedValues: true },
  }),
  tableName: 'facegate',
  registrationTtlSeconds: 86_400,
  attemptsTtlSeconds: 900,
  clock: { now: () => NOW },
});
const meta = { $metadata: {} };
const ccf = (): ConditionalCheckFailedException =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', ...meta });

const user: UserRecord = {
  userId: 'alice',
  status: 'PENDING',
  faceIds: ['f-2', 'f-1'],
  registrationId: 'reg-1',
  properties: '{"plan":"gold"}',
  createdAt: '2026-02-01T10:00:00.000Z',
  updatedAt: '2026-02-01T10:00:00.000Z',
  version: 1,
};
const userItem = {
  ...user,
  pk: 'USER#alice',
  sk: 'PROFILE',
  gsi1pk: 'STATUS#PENDING',
  gsi1sk: '2026-02-01T10:00:00.000Z#alice',
};
const face = (faceId: string): FaceRecordItem => ({
  userId: 'alice',
  faceId,
  imageKey: `faces/alice/${faceId}.jpg`,
  quality: { confidence: 99.9, brightness: 70, sharpness: 80, yaw: 1, pitch: 2, roll: 3 },
  indexedAt: '2026-02-01T10:00:01.000Z',
});
const registration: RegistrationRecord = {
  registrationId: 'reg-1',
  userId: 'alice',
  kind: 'REGISTER',
  status: 'IN_PROGRESS',
  startedAt: '2026-02-01T10:00:00.000Z',
  updatedAt: '2026-02-01T10:00:00.000Z',
};
const STARTED_S = Date.parse('2026-02-01T10:00:00.000Z') / 1000;

beforeEach(() => ddb.reset());
afterEach(() => vi.useRealTimers());

describe('users', () => {
  it('getUser reads consistently and strips key attributes', async () => {
    ddb.on(GetCommand).resolves({ Item: userItem });
    expect(await store.getUser('alice')).toEqual(user);
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input).toEqual({
      TableName: 'facegate',
      Key: { pk: 'USER#alice', sk: 'PROFILE' },
      ConsistentRead: true,
    });
  });

  it('getUser returns null for a missing user', async () => {
    ddb.on(GetCommand).resolves({});
    expect(await store.getUser('nobody')).toBeNull();
  });

  it('createUser puts with attribute_not_exists(pk) and the status index keys', async () => {
    ddb.on(PutCommand).resolves({});
    await store.createUser(user);
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input).toEqual({
      TableName: 'facegate',
      Item: userItem,
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': 'pk' },
    });
  });

  it('drops undefined values (nested too) from written items', async () => {
    ddb.on(PutCommand).resolves({});
    await store.createUser({ ...user, properties: undefined, idCard: { imageKey: 'idcards/alice/c.jpg', similarity: 97, fullName: undefined } });
    const item = ddb.commandCalls(PutCommand)[0]!.args[0].input.Item!;
    expect(Object.keys(item)).not.toContain('properties');
    expect(item.idCard).toStrictEqual({ imageKey: 'idcards/alice/c.jpg', similarity: 97 });
  });

  it('createUser turns a failed condition into ConditionFailedError', async () => {
    ddb.on(PutCommand).rejects(ccf());
    await expect(store.createUser(user)).rejects.toBeInstanceOf(ConditionFailedError);
  });

  it('other DynamoDB errors propagate unchanged', async () => {
    const e = new ProvisionedThroughputExceededException({ message: 'slow down', ...meta });
    ddb.on(PutCommand).rejects(e);
    await expect(store.createUser(user)).rejects.toBe(e);
  });

  it('replaceUser conditions on the expected version and moves the status index keys', async () => {
    ddb.on(PutCommand).resolves({});
    const active: UserRecord = { ...user, status: 'ACTIVE', version: 2, updatedAt: '2026-02-02T00:00:00.000Z' };
    await store.replaceUser(active, 1);
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input).toEqual({
      TableName: 'facegate',
      Item: {
        ...active,
        pk: 'USER#alice',
        sk: 'PROFILE',
        gsi1pk: 'STATUS#ACTIVE',
        gsi1sk: '2026-02-01T10:00:00.000Z#alice',
      },
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':expected': 1 },
    });
    ddb.on(PutCommand).rejects(ccf());
    await expect(store.replaceUser(active, 1)).rejects.toBeInstanceOf(ConditionFailedError);
  });

  it('deleteUserIfRegistration deletes only if the registration still owns the profile', async () => {
    ddb.on(DeleteCommand).resolvesOnce({}).rejectsOnce(ccf()).rejectsOnce(new Error('boom'));
    await store.deleteUserIfRegistration('alice', 'reg-1');
    expect(ddb.commandCalls(DeleteCommand)[0]!.args[0].input).toEqual({
      TableName: 'facegate',
      Key: { pk: 'USER#alice', sk: 'PROFILE' },
      ConditionExpression: '#registrationId = :registrationId',
      ExpressionAttributeNames: { '#registrationId': 'registrationId' },
      ExpressionAttributeValues: { ':registrationId': 'reg-1' },
    });
    await expect(store.deleteUserIfRegistration('alice', 'reg-1')).resolves.toBeUndefined();
    await expect(store.deleteUserIfRegistration('alice', 'reg-1')).rejects.toThrow('boom');
  });
});

describe('deleteUserData', () => {
  const keys = (n: number, prefix: string): { pk: string; sk: string }[] =>
    Array.from({ length: n }, (_, i) => ({ pk: 'USER#alice', sk: `${prefix}${String(i).padStart(3, '0')}` }));

  it('queries every page, deletes in batches of 25 and counts face items', async () => {
    const page1 = [{ pk: 'USER#alice', sk: 'ATTEMPTS' }, ...keys(19, 'FACE#')];
    const page2 = [...keys(11, 'FACE#x'), { pk: 'USER#alice', sk: 'PROFILE' }];
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: page1, LastEvaluatedKey: { pk: 'USER#alice', sk: 'FACE#018' } })
      .resolvesOnce({ Items: page2 });
    ddb.on(BatchWriteCommand).resolves({ UnprocessedItems: {} });

    expect(await store.deleteUserData('alice')).toBe(30);

    const queries = ddb.commandCalls(QueryCommand);
    expect(queries).toHaveLength(2);
    expect(queries[0]!.args[0].input).toEqual({
      TableName: 'facegate',
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
      ExpressionAttributeValues: { ':pk': 'USER#alice' },
      ProjectionExpression: '#pk, #sk',
      ConsistentRead: true,
      ExclusiveStartKey: undefined,
    });
    expect(queries[1]!.args[0].input.ExclusiveStartKey).toEqual({ pk: 'USER#alice', sk: 'FACE#018' });

    const batches = ddb.commandCalls(BatchWriteCommand);
    expect(batches).toHaveLength(2);
    const all = [...page1, ...page2];
    expect(batches[0]!.args[0].input).toEqual({
      RequestItems: { facegate: all.slice(0, 25).map((Key) => ({ DeleteRequest: { Key } })) },
    });
    expect(batches[1]!.args[0].input).toEqual({
      RequestItems: { facegate: all.slice(25).map((Key) => ({ DeleteRequest: { Key } })) },
    });
  });

  it('retries unprocessed items', async () => {
    vi.useFakeTimers();
    const items = keys(3, 'FACE#');
    ddb.on(QueryCommand).resolves({ Items: items });
    ddb
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { facegate: [{ DeleteRequest: { Key: items[2]! } }] } })
      .resolvesOnce({});
    const result = store.deleteUserData('alice');
    await vi.runAllTimersAsync();
    expect(await result).toBe(3);
    const batches = ddb.commandCalls(BatchWriteCommand);
    expect(batches).toHaveLength(2);
    expect(batches[1]!.args[0].input).toEqual({ RequestItems: { facegate: [{ DeleteRequest: { Key: items[2] } }] } });
  });

  it('gives up when items stay unprocessed', async () => {
    vi.useFakeTimers();
    const items = keys(1, 'FACE#');
    ddb.on(QueryCommand).resolves({ Items: items });
    ddb.on(BatchWriteCommand).resolves({ UnprocessedItems: { facegate: [{ DeleteRequest: { Key: items[0]! } }] } });
    const result = store.deleteUserData('alice').catch((e: unknown) => e);
    await vi.runAllTimersAsync();
    expect(await result).toBeInstanceOf(Error);
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(9);
  });

  it('does nothing for a user without items', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    expect(await store.deleteUserData('ghost')).toBe(0);
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(0);
  });
});

describe('listUsers', () => {
  const lastKey = { pk: 'USER#bob', sk: 'PROFILE', gsi1pk: 'STATUS#ACTIVE', gsi1sk: '2026-01-01T00:00:00.000Z#bob' };

  it('queries the status index newest first and returns a token', async () => {
    ddb.on(QueryCommand).resolves({ Items: [{ ...userItem, status: 'ACTIVE', ttl: 5 }], LastEvaluatedKey: lastKey });
    const page = await store.listUsers('ACTIVE', 10);
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input).toEqual({
      TableName: 'facegate',
      IndexName: 'gsi1',
      KeyConditionExpression: '#gsipk = :gsipk',
      ExpressionAttributeNames: { '#gsipk': 'gsi1pk' },
      ExpressionAttributeValues: { ':gsipk': 'STATUS#ACTIVE' },
      ScanIndexForward: false,
      Limit: 10,
      ExclusiveStartKey: undefined,
    });
    expect(page.items).toEqual([{ ...user, status: 'ACTIVE' }]);
    expect(page.nextToken).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeNextToken(page.nextToken!, 'ACTIVE')).toEqual(lastKey);
  });

  it('passes a token back as ExclusiveStartKey and omits nextToken on the last page', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    const page = await store.listUsers('ACTIVE', 5, encodeNextToken(lastKey));
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input.ExclusiveStartKey).toEqual(lastKey);
    expect(page).toEqual({ items: [] });
  });

  it.each([
    ['garbage', 'not base64 json!'],
    ['not json', Buffer.from('hello').toString('base64url')],
    ['an array', encodeNextToken([1, 2] as unknown as Record<string, unknown>)],
    ['missing keys', encodeNextToken({ pk: 'USER#bob', sk: 'PROFILE' })],
    ['extra keys', encodeNextToken({ ...lastKey, admin: 'yes' })],
    ['a number value', encodeNextToken({ ...lastKey, gsi1sk: 5 })],
    ['another status', encodeNextToken({ ...lastKey, gsi1pk: 'STATUS#PENDING' })],
    ['another item type', encodeNextToken({ ...lastKey, sk: 'ATTEMPTS' })],
  ])('rejects a token that is %s with INVALID_INPUT', async (_what, token) => {
    const caught = await store.listUsers('ACTIVE', 5, token).catch((e: unknown) => e);
    expect(caught).toBeInstanceOf(FacegateError);
    expect((caught as FacegateError).type).toBe('INVALID_INPUT');
    expect(ddb.calls()).toHaveLength(0);
  });

  it('rejects a non-positive limit', async () => {
    await expect(store.listUsers('ACTIVE', 0)).rejects.toMatchObject({ type: 'INVALID_INPUT' });
  });
});

describe('faces', () => {
  it('putFace writes USER#/FACE# unconditionally', async () => {
    ddb.on(PutCommand).resolves({});
    await store.putFace(face('f-1'));
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input).toEqual({
      TableName: 'facegate',
      Item: { ...face('f-1'), pk: 'USER#alice', sk: 'FACE#f-1' },
    });
  });

  it('deleteFace deletes the face item', async () => {
    ddb.on(DeleteCommand).resolves({});
    await store.deleteFace('alice', 'f-1');
    expect(ddb.commandCalls(DeleteCommand)[0]!.args[0].input).toEqual({
      TableName: 'facegate',
      Key: { pk: 'USER#alice', sk: 'FACE#f-1' },
    });
  });

  it('listFaces reads every page of FACE# items', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({
        Items: [{ ...face('f-1'), pk: 'USER#alice', sk: 'FACE#f-1' }],
        LastEvaluatedKey: { pk: 'USER#alice', sk: 'FACE#f-1' },
      })
      .resolvesOnce({ Items: [{ ...face('f-2'), pk: 'USER#alice', sk: 'FACE#f-2' }] });
    expect(await store.listFaces('alice')).toEqual([face('f-1'), face('f-2')]);
    const queries = ddb.commandCalls(QueryCommand);
    expect(queries).toHaveLength(2);
    expect(queries[0]!.args[0].input).toEqual({
      TableName: 'facegate',
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
      ExpressionAttributeValues: { ':pk': 'USER#alice', ':prefix': 'FACE#' },
      ConsistentRead: true,
      ExclusiveStartKey: undefined,
    });
    expect(queries[1]!.args[0].input.ExclusiveStartKey).toEqual({ pk: 'USER#alice', sk: 'FACE#f-1' });
  });
});

describe('registrations', () => {
  /** The admins' audit trail reads registrations by user through gsi1 (REGS#<userId>, newest first by startedAt). */
  const byUser = { gsi1pk: `REGS#${registration.userId}`, gsi1sk: `${registration.startedAt}#reg-1` };

  it('createRegistration is conditional, sets ttl = startedAt + registrationTtlSeconds and lists it under its user (gsi1)', async () => {
    ddb.on(PutCommand).resolvesOnce({}).rejectsOnce(ccf());
    await store.createRegistration(registration);
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input).toEqual({
      TableName: 'facegate',
      Item: { ...registration, pk: 'REG#reg-1', sk: 'META', ...byUser, ttl: STARTED_S + 86_400 },
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': 'pk' },
    });
    await expect(store.createRegistration(registration)).rejects.toBeInstanceOf(ConditionFailedError);
  });

  it('putRegistration overwrites unconditionally with the ttl', async () => {
    ddb.on(PutCommand).resolves({});
    const done: RegistrationRecord = { ...registration, status: 'FAILED', errorType: 'NO_FACE', errorMessage: 'no face' };
    await store.putRegistration(done);
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input).toEqual({
      TableName: 'facegate',
      Item: { ...done, pk: 'REG#reg-1', sk: 'META', ...byUser, ttl: STARTED_S + 86_400 },
    });
  });

  it('restartRegistration replaces it only while it is as it was read (status and updatedAt)', async () => {
    ddb.on(PutCommand).resolvesOnce({}).rejectsOnce(ccf());
    const previous = { status: 'FAILED' as const, updatedAt: '2026-03-01T11:00:00.000Z' };
    const restarted: RegistrationRecord = { ...registration, attempt: 2 };
    await store.restartRegistration(restarted, previous);
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input).toEqual({
      TableName: 'facegate',
      Item: { ...restarted, pk: 'REG#reg-1', sk: 'META', gsi1pk: 'REGS#alice', gsi1sk: `${registration.startedAt}#reg-1`, ttl: STARTED_S + 86_400 },
      ConditionExpression: '#status = :status AND #updatedAt = :updatedAt',
      ExpressionAttributeNames: { '#status': 'status', '#updatedAt': 'updatedAt' },
      ExpressionAttributeValues: { ':status': 'FAILED', ':updatedAt': '2026-03-01T11:00:00.000Z' },
    });
    await expect(store.restartRegistration(restarted, previous)).rejects.toBeInstanceOf(ConditionFailedError);
  });

  it('getRegistration strips the ttl', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...registration, pk: 'REG#reg-1', sk: 'META', ttl: 123 } });
    expect(await store.getRegistration('reg-1')).toEqual(registration);
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input.Key).toEqual({ pk: 'REG#reg-1', sk: 'META' });
  });

  const event: RegistrationProgress = {
    registrationId: 'reg-1',
    userId: 'alice',
    seq: 7,
    step: 'INDEXING',
    status: 'STARTED',
    message: null,
    errorType: null,
    at: '2026-02-01T10:00:05.000Z',
  };

  it('appendEvent writes EVENT#<zero-padded seq> once, with a ttl', async () => {
    ddb.on(PutCommand).resolvesOnce({}).rejectsOnce(ccf());
    await store.appendEvent({ ...event, __typename: 'RegistrationProgress' });
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input).toEqual({
      TableName: 'facegate',
      Item: { ...event, pk: 'REG#reg-1', sk: 'EVENT#000007', ttl: STARTED_S + 5 + 86_400 },
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': 'pk' },
    });
    await expect(store.appendEvent(event)).rejects.toBeInstanceOf(ConditionFailedError);
  });

  it('listEvents reads all pages in ascending order and fills absent nullable fields with null', async () => {
    const { message: _m, errorType: _e, ...bare } = event;
    ddb
      .on(QueryCommand)
      .resolvesOnce({
        Items: [{ ...bare, seq: 1, pk: 'REG#reg-1', sk: 'EVENT#000001', ttl: 9 }],
        LastEvaluatedKey: { pk: 'REG#reg-1', sk: 'EVENT#000001' },
      })
      .resolvesOnce({ Items: [{ ...event, seq: 2, message: 'hi', pk: 'REG#reg-1', sk: 'EVENT#000002', ttl: 9 }] });
    expect(await store.listEvents('reg-1')).toEqual([
      { ...event, seq: 1 },
      { ...event, seq: 2, message: 'hi' },
    ]);
    const queries = ddb.commandCalls(QueryCommand);
    expect(queries[0]!.args[0].input).toEqual({
      TableName: 'facegate',
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
      ExpressionAttributeValues: { ':pk': 'REG#reg-1', ':prefix': 'EVENT#' },
      ConsistentRead: true,
      ExclusiveStartKey: undefined,
    });
    expect(queries[0]!.args[0].input.ScanIndexForward).toBeUndefined();
    expect(queries[1]!.args[0].input.ExclusiveStartKey).toEqual({ pk: 'REG#reg-1', sk: 'EVENT#000001' });
  });
});

describe('scan (facegate doctor)', () => {
  it('reads profiles, face records and registrations, key attributes stripped, events and counters filtered out', async () => {
    ddb.on(ScanCommand).resolvesOnce({
      Items: [userItem, { ...face('f-1'), pk: 'USER#alice', sk: 'FACE#f-1' }, { ...registration, pk: 'REG#reg-1', sk: 'META', ttl: 1 }],
      LastEvaluatedKey: { pk: 'REG#reg-1', sk: 'META' },
    });
    const page = await store.scan();
    expect(page.items).toEqual([
      { type: 'user', user },
      { type: 'face', face: face('f-1') },
      { type: 'registration', registration },
    ]);
    expect(ddb.commandCalls(ScanCommand)[0]!.args[0].input).toEqual({
      TableName: 'facegate',
      FilterExpression: '#sk = :profile OR begins_with(#sk, :face) OR #sk = :meta',
      ExpressionAttributeNames: { '#sk': 'sk' },
      ExpressionAttributeValues: { ':profile': 'PROFILE', ':face': 'FACE#', ':meta': 'META' },
      ConsistentRead: true,
    });
    expect(decodeScanToken(page.nextToken!)).toEqual({ pk: 'REG#reg-1', sk: 'META' });
  });

  it('the next page starts at the token; a page empty after filtering still carries the token on', async () => {
    ddb.on(ScanCommand).resolvesOnce({ Items: [], LastEvaluatedKey: { pk: 'USER#b', sk: 'ATTEMPTS' } }).resolvesOnce({ Items: [] });
    const first = await store.scan(encodeNextToken({ pk: 'USER#a', sk: 'PROFILE' }));
    expect(first.items).toEqual([]);
    expect(ddb.commandCalls(ScanCommand)[0]!.args[0].input.ExclusiveStartKey).toEqual({ pk: 'USER#a', sk: 'PROFILE' });
    expect(await store.scan(first.nextToken)).toEqual({ items: [] });
    expect(ddb.commandCalls(ScanCommand)[1]!.args[0].input.ExclusiveStartKey).toEqual({ pk: 'USER#b', sk: 'ATTEMPTS' });
  });

  it.each([['not base64url!'], [encodeNextToken({ pk: 'USER#a' })], [encodeNextToken({ pk: 'USER#a', sk: 1 })], [encodeNextToken({ pk: 'a', sk: 'b', x: 'c' })]])(
    'refuses a token it did not make: %s',
    (token) => {
      expect(() => decodeScanToken(token)).toThrow(FacegateError);
    },
  );
});

describe('attempts', () => {
  const attempts: AuthAttempts = { userId: 'alice', failures: 1, windowStart: '2026-03-01T11:59:00.000Z', version: 1 };

  it('putAttempts with expectedVersion 0 requires the item to be absent; ttl = now + attemptsTtlSeconds', async () => {
    ddb.on(PutCommand).resolves({});
    await store.putAttempts(attempts, 0);
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input).toEqual({
      TableName: 'facegate',
      Item: { ...attempts, pk: 'USER#alice', sk: 'ATTEMPTS', ttl: NOW_S + 900 },
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': 'pk' },
    });
  });

  it('putAttempts with a version conditions on it and reports a lost race', async () => {
    ddb.on(PutCommand).resolvesOnce({}).rejectsOnce(ccf());
    const next = { ...attempts, failures: 2, version: 4, lockedUntil: '2026-03-01T12:15:00.000Z' };
    await store.putAttempts(next, 3);
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input).toEqual({
      TableName: 'facegate',
      Item: { ...next, pk: 'USER#alice', sk: 'ATTEMPTS', ttl: NOW_S + 900 },
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':expected': 3 },
    });
    await expect(store.putAttempts(next, 3)).rejects.toBeInstanceOf(ConditionFailedError);
  });

  it('getAttempts and deleteAttempts address USER#/ATTEMPTS', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...attempts, pk: 'USER#alice', sk: 'ATTEMPTS', ttl: 1 } });
    ddb.on(DeleteCommand).resolves({});
    expect(await store.getAttempts('alice')).toEqual(attempts);
    await store.deleteAttempts('alice');
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input).toEqual({
      TableName: 'facegate',
      Key: { pk: 'USER#alice', sk: 'ATTEMPTS' },
      ConsistentRead: true,
    });
    expect(ddb.commandCalls(DeleteCommand)[0]!.args[0].input).toEqual({
      TableName: 'facegate',
      Key: { pk: 'USER#alice', sk: 'ATTEMPTS' },
    });
  });
});
