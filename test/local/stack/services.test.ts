/** The backing services on their own: dynalite + s3rver on a temp data dir, provisioning, paging. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient, DescribeTableCommand, PutItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetBucketCorsCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ImageStore } from '../../../adapters/s3/image-store';
import { ensureTable } from '../../../local/stack/provision';
import { startDynamoDb, startS3, type RunningService } from '../../../local/stack/services';

process.env.AWS_REQUEST_CHECKSUM_CALCULATION = 'WHEN_REQUIRED';
process.env.AWS_RESPONSE_CHECKSUM_VALIDATION = 'WHEN_REQUIRED';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const region = 'us-east-1';
const bucket = 'facegate-test';

let dir: string;
let dynamo: RunningService;
let s3: RunningService;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stack-services-'));
  [dynamo, s3] = await Promise.all([
    startDynamoDb({ path: path.join(dir, 'dynamodb'), host: '127.0.0.1' }),
    startS3({ directory: path.join(dir, 's3'), host: '127.0.0.1', bucket, credentials: [credentials] }),
  ]);
});

afterAll(async () => {
  await Promise.all([dynamo?.close(), s3?.close()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('dynalite', () => {
  it('creates the table with gsi1 once, and keeps items across a restart', async () => {
    let client = new DynamoDBClient({ endpoint: dynamo.url, region, credentials });
    expect(await ensureTable(client, 'facegate')).toBe(true);
    expect(await ensureTable(client, 'facegate')).toBe(false);
    const table = await client.send(new DescribeTableCommand({ TableName: 'facegate' }));
    expect(table.Table?.TableStatus).toBe('ACTIVE');
    expect(table.Table?.GlobalSecondaryIndexes?.[0]).toMatchObject({ IndexName: 'gsi1', Projection: { ProjectionType: 'ALL' } });
    await client.send(new PutItemCommand({ TableName: 'facegate', Item: { pk: { S: 'a' }, sk: { S: 'b' } } }));

    await dynamo.close();
    dynamo = await startDynamoDb({ path: path.join(dir, 'dynamodb'), host: '127.0.0.1' });
    client = new DynamoDBClient({ endpoint: dynamo.url, region, credentials });
    expect(await ensureTable(client, 'facegate')).toBe(false);
    const item = await client.send(new GetItemCommand({ TableName: 'facegate', Key: { pk: { S: 'a' }, sk: { S: 'b' } } }));
    expect(item.Item?.pk?.S).toBe('a');
  });
});

describe('s3rver', () => {
  const client = () => new S3Client({ endpoint: s3.url, region, credentials, forcePathStyle: true });

  it('has the bucket with CORS for browser uploads', async () => {
    const cors = await client().send(new GetBucketCorsCommand({ Bucket: bucket }));
    expect(cors.CORSRules?.[0]?.AllowedMethods).toContain('PUT');
  });

  it('pages ListObjectsV2 (continuation tokens work on Node ≥ 17)', async () => {
    for (let i = 0; i < 5; i++) {
      await client().send(new PutObjectCommand({ Bucket: bucket, Key: `paged/${i}.txt`, Body: `x${i}` }));
    }
    const keys: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await client().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'paged/', MaxKeys: 2, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).map((o) => o.Key!));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(keys).toEqual([0, 1, 2, 3, 4].map((i) => `paged/${i}.txt`));
  });

  it("lets the image store's deletePrefix remove a user's objects", async () => {
    const store = new S3ImageStore({ client: client(), bucket });
    for (const name of ['a.jpg', 'b.jpg', 'c.jpg']) {
      await client().send(new PutObjectCommand({ Bucket: bucket, Key: `users/u1/${name}`, Body: 'jpg' }));
    }
    await client().send(new PutObjectCommand({ Bucket: bucket, Key: 'users/u10/keep.jpg', Body: 'jpg' }));
    expect(await store.deletePrefix('users/u1/')).toBe(3);
    const left = await client().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'users/' }));
    expect((left.Contents ?? []).map((o) => o.Key)).toEqual(['users/u10/keep.jpg']);
  });
});
