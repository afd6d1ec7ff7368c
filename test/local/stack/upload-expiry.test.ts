/**
 * The local stand-in for the bucket's lifecycle rule: staged uploads older than a day go, on a
 * real s3rver (paged listing, DeleteObjects in chunks of 1000), once at start and hourly.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BUCKET_NAME, startLocalStack } from '../../../local/stack/index';
import { startS3, type RunningService } from '../../../local/stack/services';
import { STAGED_UPLOAD_MAX_AGE_MS, expireStagedUploads, startUploadExpiry } from '../../../local/stack/upload-expiry';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const region = 'us-east-1';
const bucket = 'facegate-expiry-test';
const HOUR = 3_600_000;

let dir: string;
let s3: RunningService;
let client: S3Client;

const s3Client = (url: string, keys = credentials) =>
  new S3Client({
    endpoint: url,
    region,
    credentials: keys,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });

async function put(keys: string[], c = client, b = bucket): Promise<void> {
  // A few at a time: s3rver is in this process.
  for (let i = 0; i < keys.length; i += 25) {
    await Promise.all(keys.slice(i, i + 25).map((Key) => c.send(new PutObjectCommand({ Bucket: b, Key, Body: 'jpg' }))));
  }
}

async function listAll(c = client, b = bucket): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await c.send(new ListObjectsV2Command({ Bucket: b, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

async function emptyBucket(): Promise<void> {
  const keys = await listAll();
  for (let i = 0; i < keys.length; i += 1000) {
    await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })) } }));
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stack-expiry-'));
  s3 = await startS3({ directory: path.join(dir, 's3'), host: '127.0.0.1', bucket, credentials: [credentials] });
  client = s3Client(s3.url);
});

afterAll(async () => {
  client?.destroy();
  await s3?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(emptyBucket);

describe('expireStagedUploads', () => {
  const staged = ['uploads/registration/a.jpg', 'uploads/registration/b.png', 'uploads/authentication/c.jpg'];
  const enrolled = 'faces/u1/f1.jpg';

  it('keeps uploads younger than a day, and everything outside uploads/', async () => {
    await put([...staged, enrolled]);
    expect(await expireStagedUploads({ client, bucket })).toBe(0);
    expect(await expireStagedUploads({ client, bucket, now: () => Date.now() + 23 * HOUR })).toBe(0);
    expect(await listAll()).toEqual([enrolled, ...staged].sort());
  });

  it('deletes uploads/ objects older than a day (a clock 25 h ahead), nothing else', async () => {
    await put([...staged, enrolled, 'uploadsx/not-staged.jpg']);
    expect(STAGED_UPLOAD_MAX_AGE_MS).toBe(24 * HOUR);
    expect(await expireStagedUploads({ client, bucket, now: () => Date.now() + 25 * HOUR })).toBe(3);
    expect(await listAll()).toEqual([enrolled, 'uploadsx/not-staged.jpg']);
  });

  it('takes the age as a parameter', async () => {
    await put(staged);
    expect(await expireStagedUploads({ client, bucket, maxAgeMs: 2 * HOUR, now: () => Date.now() + HOUR })).toBe(0);
    expect(await expireStagedUploads({ client, bucket, maxAgeMs: 2 * HOUR, now: () => Date.now() + 3 * HOUR })).toBe(3);
    expect(await listAll()).toEqual([]);
  });

  it('pages the listing and deletes more than 1000 in chunks', { timeout: 60_000 }, async () => {
    const many = Array.from({ length: 1234 }, (_, i) => `uploads/registration/${String(i).padStart(4, '0')}.jpg`);
    await put([...many, enrolled]);
    expect(await expireStagedUploads({ client, bucket, now: () => Date.now() + 25 * HOUR })).toBe(1234);
    expect(await listAll()).toEqual([enrolled]);
  });
});

describe('startUploadExpiry', () => {
  it('sweeps at once and then every interval, logs what it expired, and stops on close', async () => {
    const lines: string[] = [];
    let sweeps = 0;
    await put(['uploads/registration/a.jpg', 'uploads/registration/b.jpg', 'faces/u1/f1.jpg']);
    const expiry = startUploadExpiry({
      client,
      bucket,
      intervalMs: 30,
      now: () => {
        sweeps++;
        return Date.now() + 25 * HOUR;
      },
      log: (line) => lines.push(line),
    });
    await expiry.first;
    expect(lines).toEqual(['[stack] expired 2 staged upload(s) older than 1 day']);

    await put(['uploads/authentication/c.jpg']);
    await expect.poll(() => lines.length, { timeout: 5_000, interval: 20 }).toBe(2);
    expect(lines[1]).toBe('[stack] expired 1 staged upload(s) older than 1 day');
    expect(await listAll()).toEqual(['faces/u1/f1.jpg']);

    await expiry.close();
    const after = sweeps;
    await new Promise((r) => setTimeout(r, 150));
    expect(sweeps).toBe(after);
    // Nothing expired: nothing logged.
    expect(lines).toHaveLength(2);
  });

  it('logs a failure instead of throwing, and keeps sweeping', async () => {
    const lines: string[] = [];
    const expiry = startUploadExpiry({ client, bucket: 'no-such-bucket', intervalMs: 30, log: (line) => lines.push(line) });
    await expiry.first;
    expect(lines[0]).toMatch(/^\[stack\] expiring staged uploads failed: /);
    await expect.poll(() => lines.length, { timeout: 5_000, interval: 20 }).toBeGreaterThan(1);
    await expiry.close();
  });
});

describe('startLocalStack', () => {
  it('expires staged uploads left from a day ago before it is ready', { timeout: 120_000 }, async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stack-expiry-start-'));
    try {
      // A previous run's bucket: two staged uploads (one two days old), an enrolled image.
      const before = await startS3({ directory: path.join(dataDir, 's3'), host: '127.0.0.1', bucket: BUCKET_NAME, credentials: [credentials] });
      const c = s3Client(before.url);
      await put(['uploads/registration/old.jpg', 'uploads/registration/new.jpg', 'faces/u1/f1.jpg'], c, BUCKET_NAME);
      c.destroy();
      await before.close();
      const twoDaysAgo = new Date(Date.now() - 48 * HOUR);
      fs.utimesSync(path.join(dataDir, 's3', BUCKET_NAME, 'uploads/registration/old.jpg._S3rver_object'), twoDaysAgo, twoDaysAgo);

      const lines: string[] = [];
      const stack = await startLocalStack({ dataDir, port: 0, log: (line) => lines.push(line), engineWorkers: 1 });
      try {
        expect(lines).toContain('[stack] expired 1 staged upload(s) older than 1 day');
        expect(stack.timings.uploadsSwept).toBeGreaterThan(0);
        const sc = s3Client(stack.endpoints.s3, stack.credentials);
        expect(await listAll(sc, BUCKET_NAME)).toEqual(['faces/u1/f1.jpg', 'uploads/registration/new.jpg']);
        sc.destroy();
      } finally {
        await stack.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
