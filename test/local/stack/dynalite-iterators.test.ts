/**
 * dynalite 4 never closed its LevelDB iterators (its streams call `iterator.return()`, which
 * abstract-level 3 iterators do not have, and nothing closes them at the end either), so every
 * Query and Scan kept a native iterator, its snapshot and its read-ahead buffer alive: the local
 * stack's RSS grew ~25 MB/min under load (bench:load --soak). patches/dynalite+4.0.0.patch closes
 * them. The test counts iterators opened and closed on the LevelDB binding dynalite itself loads.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { BatchWriteItemCommand, DynamoDBClient, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { ensureTable } from '../../../local/stack/provision';
import { startDynamoDb, type RunningService } from '../../../local/stack/services';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const TABLE = 'facegate';
const ITEMS = 25;

let dir: string;
let dynamo: RunningService;
let client: DynamoDBClient;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dynalite-iterators-'));
  dynamo = await startDynamoDb({ path: path.join(dir, 'dynamodb'), host: '127.0.0.1' });
  client = new DynamoDBClient({ endpoint: dynamo.url, region: 'us-east-1', credentials });
  await ensureTable(client, TABLE);
  await client.send(
    new BatchWriteItemCommand({
      RequestItems: {
        [TABLE]: Array.from({ length: ITEMS }, (_, i) => ({
          PutRequest: { Item: { pk: { S: 'USER#x' }, sk: { S: `ITEM#${String(i).padStart(3, '0')}` }, gsi1pk: { S: 'ALL' }, gsi1sk: { S: `x#${i}` } } },
        })),
      },
    }),
  );
});

afterAll(async () => {
  client?.destroy();
  await dynamo?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** classic-level as dynalite resolves it (dynalite → level → classic-level): the same module instance. */
const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
const { ClassicLevel } = createRequire(fromDynalite.resolve('level'))('classic-level') as {
  ClassicLevel: { prototype: { _iterator(options: unknown): { _close(): Promise<void> } } };
};
const iterators = { opened: 0, closed: 0 };
const openIterator = ClassicLevel.prototype._iterator;
ClassicLevel.prototype._iterator = function (options) {
  const it = openIterator.call(this, options);
  iterators.opened++;
  const close = it._close.bind(it);
  it._close = async () => {
    iterators.closed++;
    await close();
  };
  return it;
};

/** Queries as the flows make them: a partial read (Limit), a whole partition, the index, a scan. */
async function readMany(rounds: number): Promise<void> {
  const one = (i: number) => {
    switch (i % 4) {
      case 0: return client.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'USER#x' } }, Limit: 1 }));
      case 1: return client.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'USER#x' } } }));
      case 2: return client.send(new QueryCommand({ TableName: TABLE, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': { S: 'ALL' } }, Limit: 2 }));
      default: return client.send(new ScanCommand({ TableName: TABLE, Limit: 3 }));
    }
  };
  const CONCURRENCY = 8;
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < rounds) await one(next++);
  }));
}

it('closes every LevelDB iterator a Query or Scan opens (partial and whole reads, table and index)', async () => {
  const before = { ...iterators };
  await readMany(400);
  expect(iterators.opened - before.opened).toBeGreaterThanOrEqual(400);
  // A stream's close completes just after its answer is sent.
  await vi.waitFor(() => expect(iterators.closed - before.closed).toBe(iterators.opened - before.opened), { timeout: 2000 });
}, 60_000);
