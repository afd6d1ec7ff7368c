/**
 * RecordStore on one DynamoDB table (layout in ./layout.ts). Items carry the record fields under
 * their GraphQL names plus the key attributes (pk, sk, gsi1pk, gsi1sk, ttl), which are stripped
 * on every read.
 *
 * Only single-item conditional writes, Query and BatchWriteItem: no transactions, no PartiQL
 * (the embedded DynamoDB lacks them). A failed condition surfaces as ConditionFailedError.
 * Point reads and partition queries are strongly consistent (read-modify-write callers rely on
 * it); the status index can only be read eventually consistent.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  BatchWriteCommandInput,
  DynamoDBDocumentClient,
  PutCommandInput,
  QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConditionFailedError, FacegateError } from '../../core/errors';
import type {
  AuthAttempts,
  Clock,
  FaceRecordItem,
  Page,
  RecordInventory,
  RecordStore,
  RegistrationRecord,
  TableItem,
  UserRecord,
} from '../../core/ports';
import type { RegistrationProgress, UserStatus } from '../../schema/generated/graphql';
import {
  ATTEMPTS_SK,
  EVENT_PREFIX,
  FACE_PREFIX,
  PROFILE_SK,
  REGISTRATION_SK,
  TABLE_KEYS,
  eventSk,
  faceSk,
  registrationPk,
  statusGsiPk,
  statusGsiSk,
  userPk,
  userRegistrationsGsiPk,
  userRegistrationsGsiSk,
} from './layout';

export interface DynamoRecordStoreOptions {
  /**
   * Build it with `DynamoDBDocumentClient.from(client, {marshallOptions: {removeUndefinedValues: true}})`
   * (the store also drops undefined values itself).
   */
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Registrations and their events expire this long after they started (ttl, epoch seconds). */
  registrationTtlSeconds: number;
  /** Lockout counters expire this long after their last write. */
  attemptsTtlSeconds: number;
  /** For the attempts ttl; defaults to the system clock. */
  clock?: Clock;
}

type Item = Record<string, unknown>;

const { partitionKey: PK, sortKey: SK, ttl: TTL, usersByStatusIndex: GSI1, gsiPartitionKey: GSI_PK, gsiSortKey: GSI_SK } =
  TABLE_KEYS;
const KEY_ATTRIBUTES: readonly string[] = [PK, SK, GSI_PK, GSI_SK, TTL];

/** BatchWriteItem takes at most 25 requests. */
export const BATCH_WRITE_CHUNK = 25;
const BATCH_RETRIES = 8;
const BATCH_BACKOFF_MS = 50;
const BATCH_BACKOFF_MAX_MS = 2000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const epochSeconds = (iso: string | Date): number => {
  const ms = typeof iso === 'string' ? Date.parse(iso) : iso.getTime();
  if (!Number.isFinite(ms)) throw new Error(`not a timestamp: ${String(iso)}`);
  return Math.floor(ms / 1000);
};

/**
 * A copy without undefined values (nested too), so writes do not depend on the document
 * client's `removeUndefinedValues` setting.
 */
export function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(withoutUndefined) as T;
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Item = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = withoutUndefined(v);
    return out as T;
  }
  return value;
}

/** The record without the table's key attributes. */
function strip<T>(item: Item): T {
  const record: Item = {};
  for (const [k, v] of Object.entries(item)) if (!KEY_ATTRIBUTES.includes(k)) record[k] = v;
  return record as T;
}

const isConditionalCheckFailed = (e: unknown): boolean =>
  e instanceof ConditionalCheckFailedException ||
  (typeof e === 'object' && e !== null && 'name' in e && e.name === 'ConditionalCheckFailedException');

const toConditionFailed =
  (what: string) =>
  (e: unknown): never => {
    if (isConditionalCheckFailed(e)) throw new ConditionFailedError(what);
    throw e;
  };

const badToken = (): FacegateError =>
  new FacegateError('INVALID_INPUT', 'nextToken is not a token this listing returned', { field: 'nextToken' });

export function encodeNextToken(key: Item): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** Decodes a token this store made from a key with exactly these (string) attributes. */
function decodeKey(token: string, attributes: readonly string[]): Record<string, string> {
  if (!/^[A-Za-z0-9_-]+$/.test(token) || token.length > 2048) throw badToken();
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw badToken();
  }
  if (typeof key !== 'object' || key === null || Array.isArray(key)) throw badToken();
  const entries = Object.entries(key);
  if (entries.length !== attributes.length) throw badToken();
  for (const [k, v] of entries) if (!attributes.includes(k) || typeof v !== 'string') throw badToken();
  return key as Record<string, string>;
}

/** Decodes a listUsers token and checks it is a key of the status index for this status. */
export function decodeNextToken(token: string, status: UserStatus): Item {
  const record = decodeKey(token, [PK, SK, GSI_PK, GSI_SK]);
  if (record[GSI_PK] !== statusGsiPk(status) || record[SK] !== PROFILE_SK) throw badToken();
  return record;
}

/** Decodes a scan token: a table key (pk, sk) this store's scan returned. */
export const decodeScanToken = (token: string): Item => decodeKey(token, [PK, SK]);

export class DynamoRecordStore implements RecordStore, RecordInventory {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly registrationTtlSeconds: number;
  private readonly attemptsTtlSeconds: number;
  private readonly clock: Clock;

  constructor({ client, tableName, registrationTtlSeconds, attemptsTtlSeconds, clock }: DynamoRecordStoreOptions) {
    this.client = client;
    this.tableName = tableName;
    this.registrationTtlSeconds = registrationTtlSeconds;
    this.attemptsTtlSeconds = attemptsTtlSeconds;
    this.clock = clock ?? { now: () => new Date() };
  }

  // ---- helpers ----------------------------------------------------------------------------

  private async get<T>(pk: string, sk: string): Promise<T | null> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { [PK]: pk, [SK]: sk }, ConsistentRead: true }),
    );
    return out.Item ? strip<T>(out.Item) : null;
  }

  /**
   * A conditional put: `'absent'` — the item must not exist yet; a number — the stored item must
   * be at that version. A failed condition becomes ConditionFailedError(`failure`).
   */
  private async putIf(item: Item, expected: 'absent' | number, failure: string): Promise<void> {
    const condition: Pick<PutCommandInput, 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> =
      expected === 'absent'
        ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': PK } }
        : {
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': expected },
          };
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: item, ...condition })).catch(toConditionFailed(failure));
  }

  private async delete(pk: string, sk: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { [PK]: pk, [SK]: sk } }));
  }

  /** All items of a partition whose sort key starts with `prefix` (every page), in sort order. */
  private async queryAll(pk: string, { prefix, keysOnly = false }: { prefix?: string; keysOnly?: boolean } = {}): Promise<Item[]> {
    const items: Item[] = [];
    const input: QueryCommandInput = {
      TableName: this.tableName,
      KeyConditionExpression: prefix === undefined ? '#pk = :pk' : '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: prefix === undefined && !keysOnly ? { '#pk': PK } : { '#pk': PK, '#sk': SK },
      ExpressionAttributeValues: prefix === undefined ? { ':pk': pk } : { ':pk': pk, ':prefix': prefix },
      ...(keysOnly ? { ProjectionExpression: '#pk, #sk' } : {}),
      ConsistentRead: true,
    };
    let startKey: Item | undefined;
    do {
      const out = await this.client.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
      items.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  /** Deletes keys with BatchWriteItem, 25 at a time, retrying unprocessed items with backoff. */
  private async batchDelete(keys: Item[]): Promise<void> {
    for (let i = 0; i < keys.length; i += BATCH_WRITE_CHUNK) {
      let requests: NonNullable<BatchWriteCommandInput['RequestItems']>[string] = keys
        .slice(i, i + BATCH_WRITE_CHUNK)
        .map((Key) => ({ DeleteRequest: { Key } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 0) {
          if (attempt > BATCH_RETRIES) throw new Error(`BatchWriteItem left ${requests.length} items unprocessed`);
          await sleep(Math.min(BATCH_BACKOFF_MAX_MS, BATCH_BACKOFF_MS * 2 ** (attempt - 1)));
        }
        const out = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
        requests = out.UnprocessedItems?.[this.tableName] ?? [];
      }
    }
  }

  private userItem(user: UserRecord): Item {
    return withoutUndefined({
      ...user,
      [PK]: userPk(user.userId),
      [SK]: PROFILE_SK,
      [GSI_PK]: statusGsiPk(user.status),
      [GSI_SK]: statusGsiSk(user.createdAt, user.userId),
    });
  }

  private registrationItem(registration: RegistrationRecord): Item {
    return withoutUndefined({
      ...registration,
      [PK]: registrationPk(registration.registrationId),
      [SK]: REGISTRATION_SK,
      [GSI_PK]: userRegistrationsGsiPk(registration.userId),
      [GSI_SK]: userRegistrationsGsiSk(registration.startedAt, registration.registrationId),
      [TTL]: epochSeconds(registration.startedAt) + this.registrationTtlSeconds,
    });
  }

  // ---- users ------------------------------------------------------------------------------

  getUser(userId: string): Promise<UserRecord | null> {
    return this.get<UserRecord>(userPk(userId), PROFILE_SK);
  }

  createUser(user: UserRecord): Promise<void> {
    return this.putIf(this.userItem(user), 'absent', `user ${user.userId} already exists`);
  }

  replaceUser(user: UserRecord, expectedVersion: number): Promise<void> {
    return this.putIf(this.userItem(user), expectedVersion, `user ${user.userId} is not at version ${expectedVersion}`);
  }

  async deleteUserIfRegistration(userId: string, registrationId: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { [PK]: userPk(userId), [SK]: PROFILE_SK },
          ConditionExpression: '#registrationId = :registrationId',
          ExpressionAttributeNames: { '#registrationId': 'registrationId' },
          ExpressionAttributeValues: { ':registrationId': registrationId },
        }),
      );
    } catch (e) {
      // Gone already, or another registration owns it now: not ours to delete.
      if (isConditionalCheckFailed(e)) return;
      throw e;
    }
  }

  async deleteUserData(userId: string): Promise<number> {
    const items = await this.queryAll(userPk(userId), { keysOnly: true });
    await this.batchDelete(items.map((item) => ({ [PK]: item[PK], [SK]: item[SK] })));
    return items.filter((item) => typeof item[SK] === 'string' && item[SK].startsWith(FACE_PREFIX)).length;
  }

  async listUsers(status: UserStatus, limit: number, nextToken?: string): Promise<Page<UserRecord>> {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new FacegateError('INVALID_INPUT', 'limit must be a positive integer', { field: 'limit' });
    }
    const startKey = nextToken === undefined || nextToken === '' ? undefined : decodeNextToken(nextToken, status);
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: GSI1,
        KeyConditionExpression: '#gsipk = :gsipk',
        ExpressionAttributeNames: { '#gsipk': GSI_PK },
        ExpressionAttributeValues: { ':gsipk': statusGsiPk(status) },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: startKey,
      }),
    );
    const page: Page<UserRecord> = { items: (out.Items ?? []).map((item) => strip<UserRecord>(item)) };
    if (out.LastEvaluatedKey) page.nextToken = encodeNextToken(out.LastEvaluatedKey);
    return page;
  }

  // ---- faces ------------------------------------------------------------------------------

  async putFace(face: FaceRecordItem): Promise<void> {
    await this.client.send(
      new PutCommand({ TableName: this.tableName, Item: withoutUndefined({ ...face, [PK]: userPk(face.userId), [SK]: faceSk(face.faceId) }) }),
    );
  }

  deleteFace(userId: string, faceId: string): Promise<void> {
    return this.delete(userPk(userId), faceSk(faceId));
  }

  async listFaces(userId: string): Promise<FaceRecordItem[]> {
    return (await this.queryAll(userPk(userId), { prefix: FACE_PREFIX })).map((item) => strip<FaceRecordItem>(item));
  }

  // ---- registrations ----------------------------------------------------------------------

  getRegistration(registrationId: string): Promise<RegistrationRecord | null> {
    return this.get<RegistrationRecord>(registrationPk(registrationId), REGISTRATION_SK);
  }

  createRegistration(registration: RegistrationRecord): Promise<void> {
    return this.putIf(this.registrationItem(registration), 'absent', `registration ${registration.registrationId} already exists`);
  }

  async putRegistration(registration: RegistrationRecord): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: this.registrationItem(registration) }));
  }

  async restartRegistration(registration: RegistrationRecord, previous: Pick<RegistrationRecord, 'status' | 'updatedAt'>): Promise<void> {
    await this.client
      .send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.registrationItem(registration),
          ConditionExpression: '#status = :status AND #updatedAt = :updatedAt',
          ExpressionAttributeNames: { '#status': 'status', '#updatedAt': 'updatedAt' },
          ExpressionAttributeValues: { ':status': previous.status, ':updatedAt': previous.updatedAt },
        }),
      )
      .catch(toConditionFailed(`registration ${registration.registrationId} changed since it was read`));
  }

  async appendEvent(event: RegistrationProgress): Promise<void> {
    const { __typename: _typename, ...fields } = event;
    const item = withoutUndefined({
      ...fields,
      [PK]: registrationPk(event.registrationId),
      [SK]: eventSk(event.seq),
      [TTL]: epochSeconds(event.at) + this.registrationTtlSeconds,
    });
    await this.putIf(item, 'absent', `event ${event.seq} of registration ${event.registrationId} already exists`);
  }

  async listEvents(registrationId: string): Promise<RegistrationProgress[]> {
    const items = await this.queryAll(registrationPk(registrationId), { prefix: EVENT_PREFIX });
    return items.map((item) => {
      const event = strip<RegistrationProgress>(item);
      return { ...event, message: event.message ?? null, errorType: event.errorType ?? null };
    });
  }

  // ---- inventory ---------------------------------------------------------------------------

  /** One page of a consistent Scan; progress events and lockout counters are filtered out. */
  async scan(nextToken?: string): Promise<Page<TableItem>> {
    const out = await this.client.send(
      new ScanCommand({
        TableName: this.tableName,
        FilterExpression: '#sk = :profile OR begins_with(#sk, :face) OR #sk = :meta',
        ExpressionAttributeNames: { '#sk': SK },
        ExpressionAttributeValues: { ':profile': PROFILE_SK, ':face': FACE_PREFIX, ':meta': REGISTRATION_SK },
        ConsistentRead: true,
        ...(nextToken ? { ExclusiveStartKey: decodeScanToken(nextToken) } : {}),
      }),
    );
    const items: TableItem[] = [];
    for (const item of out.Items ?? []) {
      const sk = item[SK];
      if (sk === PROFILE_SK) items.push({ type: 'user', user: strip<UserRecord>(item) });
      else if (sk === REGISTRATION_SK) items.push({ type: 'registration', registration: strip<RegistrationRecord>(item) });
      else if (typeof sk === 'string' && sk.startsWith(FACE_PREFIX)) items.push({ type: 'face', face: strip<FaceRecordItem>(item) });
    }
    const page: Page<TableItem> = { items };
    if (out.LastEvaluatedKey) page.nextToken = encodeNextToken({ [PK]: out.LastEvaluatedKey[PK], [SK]: out.LastEvaluatedKey[SK] });
    return page;
  }

  // ---- lockout counters -------------------------------------------------------------------

  getAttempts(userId: string): Promise<AuthAttempts | null> {
    return this.get<AuthAttempts>(userPk(userId), ATTEMPTS_SK);
  }

  async putAttempts(attempts: AuthAttempts, expectedVersion: number): Promise<void> {
    const item = withoutUndefined({
      ...attempts,
      [PK]: userPk(attempts.userId),
      [SK]: ATTEMPTS_SK,
      [TTL]: epochSeconds(this.clock.now()) + this.attemptsTtlSeconds,
    });
    await this.putIf(item, expectedVersion === 0 ? 'absent' : expectedVersion, `attempts of ${attempts.userId} are not at version ${expectedVersion}`);
  }

  deleteAttempts(userId: string): Promise<void> {
    return this.delete(userPk(userId), ATTEMPTS_SK);
  }
}
