import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { S3ImageStore, copySource } from '../../adapters/s3/image-store';

const s3 = mockClient(S3Client);
const client = new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 'SECRET' } });
const store = new S3ImageStore({ client, bucket: 'facegate-images' });

beforeEach(() => s3.reset());

describe('describe', () => {
  it('returns size, content type and when it was written from HeadObject', async () => {
    const lastModified = new Date('2026-11-22T10:00:01.000Z');
    s3.on(HeadObjectCommand).resolves({ ContentLength: 12345, ContentType: 'image/jpeg', LastModified: lastModified });
    expect(await store.describe('uploads/a')).toEqual({ size: 12345, contentType: 'image/jpeg', lastModified });
    expect(s3.commandCalls(HeadObjectCommand)[0]!.args[0].input).toEqual({ Bucket: 'facegate-images', Key: 'uploads/a' });
  });

  it('returns null for NotFound', async () => {
    s3.on(HeadObjectCommand).rejects(new NotFound({ message: 'NotFound', $metadata: { httpStatusCode: 404 } }));
    expect(await store.describe('uploads/missing')).toBeNull();
  });

  it('returns null for a bare 404 and rethrows other errors', async () => {
    const notFound = new S3ServiceException({ name: 'Unknown', $fault: 'client', $metadata: { httpStatusCode: 404 } });
    const denied = new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 } });
    s3.on(HeadObjectCommand).rejectsOnce(notFound).rejectsOnce(denied);
    expect(await store.describe('uploads/x')).toBeNull();
    await expect(store.describe('uploads/x')).rejects.toBe(denied);
  });
});

describe('save', () => {
  it('copies a staged object within the bucket with SSE and the content type', async () => {
    s3.on(CopyObjectCommand).resolves({});
    await store.save({ kind: 's3', key: 'uploads/ä b+c.jpg' }, 'faces/alice/f-1.jpg', 'image/jpeg');
    expect(s3.commandCalls(CopyObjectCommand)[0]!.args[0].input).toEqual({
      Bucket: 'facegate-images',
      Key: 'faces/alice/f-1.jpg',
      CopySource: 'facegate-images/uploads/%C3%A4%20b%2Bc.jpg',
      MetadataDirective: 'REPLACE',
      ContentType: 'image/jpeg',
      ServerSideEncryption: 'AES256',
    });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('puts bytes with SSE and the content type', async () => {
    s3.on(PutObjectCommand).resolves({});
    const bytes = new Uint8Array([1, 2, 3]);
    await store.save({ kind: 'bytes', bytes }, 'faces/alice/f-2.jpg', 'image/png');
    expect(s3.commandCalls(PutObjectCommand)[0]!.args[0].input).toEqual({
      Bucket: 'facegate-images',
      Key: 'faces/alice/f-2.jpg',
      Body: bytes,
      ContentType: 'image/png',
      ServerSideEncryption: 'AES256',
    });
  });

  it('copySource keeps slashes and encodes the rest', () => {
    expect(copySource('b', 'a/b c/d?.jpg')).toBe('b/a/b%20c/d%3F.jpg');
  });
});

describe('delete', () => {
  it('uses DeleteObject for a single key', async () => {
    s3.on(DeleteObjectCommand).resolves({});
    await store.delete(['faces/alice/f-1.jpg', 'faces/alice/f-1.jpg']);
    expect(s3.commandCalls(DeleteObjectCommand)[0]!.args[0].input).toEqual({
      Bucket: 'facegate-images',
      Key: 'faces/alice/f-1.jpg',
    });
    expect(s3.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
  });

  it('does nothing for no keys', async () => {
    await store.delete([]);
    expect(s3.calls()).toHaveLength(0);
  });

  it('uses DeleteObjects in chunks of 1000', async () => {
    s3.on(DeleteObjectsCommand).resolves({});
    const keys = Array.from({ length: 2001 }, (_, i) => `faces/u/${i}.jpg`);
    await store.delete(keys);
    const calls = s3.commandCalls(DeleteObjectsCommand);
    expect(calls.map((c) => c.args[0].input.Delete!.Objects!.length)).toEqual([1000, 1000, 1]);
    expect(calls[0]!.args[0].input).toEqual({
      Bucket: 'facegate-images',
      Delete: { Objects: keys.slice(0, 1000).map((Key) => ({ Key })), Quiet: true },
    });
    expect(calls[2]!.args[0].input.Delete!.Objects).toEqual([{ Key: 'faces/u/2000.jpg' }]);
  });

  it('throws when S3 reports per-key errors', async () => {
    s3.on(DeleteObjectsCommand).resolves({ Errors: [{ Key: 'faces/u/1.jpg', Code: 'AccessDenied' }] });
    await expect(store.delete(['faces/u/0.jpg', 'faces/u/1.jpg'])).rejects.toThrow(/faces\/u\/1\.jpg: AccessDenied/);
  });
});

describe('deletePrefix', () => {
  it('follows ContinuationToken through every page and deletes what it lists', async () => {
    s3.on(ListObjectsV2Command)
      .resolvesOnce({
        Contents: [{ Key: 'faces/alice/1.jpg' }, { Key: 'faces/alice/2.jpg' }],
        IsTruncated: true,
        NextContinuationToken: 'page-2',
      })
      .resolvesOnce({ Contents: [{ Key: 'faces/alice/3.jpg' }], IsTruncated: false });
    s3.on(DeleteObjectsCommand).resolves({});
    s3.on(DeleteObjectCommand).resolves({});

    expect(await store.deletePrefix('faces/alice/')).toBe(3);

    const lists = s3.commandCalls(ListObjectsV2Command);
    expect(lists).toHaveLength(2);
    expect(lists[0]!.args[0].input).toEqual({ Bucket: 'facegate-images', Prefix: 'faces/alice/' });
    expect(lists[1]!.args[0].input).toEqual({
      Bucket: 'facegate-images',
      Prefix: 'faces/alice/',
      ContinuationToken: 'page-2',
    });
    expect(s3.commandCalls(DeleteObjectsCommand)[0]!.args[0].input.Delete!.Objects).toEqual([
      { Key: 'faces/alice/1.jpg' },
      { Key: 'faces/alice/2.jpg' },
    ]);
    expect(s3.commandCalls(DeleteObjectCommand)[0]!.args[0].input.Key).toBe('faces/alice/3.jpg');
  });

  it('returns 0 for an empty prefix listing', async () => {
    s3.on(ListObjectsV2Command).resolves({ KeyCount: 0 });
    expect(await store.deletePrefix('idcards/nobody/')).toBe(0);
    expect(s3.commandCalls(ListObjectsV2Command)).toHaveLength(1);
  });

  it('refuses the empty prefix', async () => {
    await expect(store.deletePrefix('')).rejects.toThrow();
    expect(s3.calls()).toHaveLength(0);
  });
});

describe('list (facegate doctor)', () => {
  it('one page of keys under a prefix with size and last-modified, and the continuation token', async () => {
    s3.on(ListObjectsV2Command)
      .resolvesOnce({
        Contents: [{ Key: 'faces/alice/f1.jpg', Size: 1200, LastModified: new Date('2026-03-01T12:00:00.000Z') }, { Size: 3 }, { Key: 'faces/bob/f2.png' }],
        IsTruncated: true,
        NextContinuationToken: 'next-1',
      })
      .resolvesOnce({ IsTruncated: false });
    expect(await store.list('faces/')).toEqual({
      items: [{ key: 'faces/alice/f1.jpg', size: 1200, lastModified: '2026-03-01T12:00:00.000Z' }, { key: 'faces/bob/f2.png', size: 0 }],
      nextToken: 'next-1',
    });
    expect(await store.list('faces/', 'next-1')).toEqual({ items: [] });
    expect(s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input)).toEqual([
      { Bucket: 'facegate-images', Prefix: 'faces/' },
      { Bucket: 'facegate-images', Prefix: 'faces/', ContinuationToken: 'next-1' },
    ]);
  });
});

describe('presignUpload', () => {
  it('signs a PUT with content type and SSE, without a checksum of the empty body', async () => {
    const { url, headers } = await store.presignUpload('uploads/abc', 'image/jpeg', 300);
    const parsed = new URL(url);
    expect(parsed.hostname).toBe('facegate-images.s3.eu-west-1.amazonaws.com');
    expect(parsed.pathname).toBe('/uploads/abc');
    const q = parsed.searchParams;
    expect(q.get('X-Amz-Expires')).toBe('300');
    expect(q.get('X-Amz-Credential')).toMatch(/^AKID\/\d{8}\/eu-west-1\/s3\/aws4_request$/);
    expect(q.get('X-Amz-SignedHeaders')).toBe('content-type;host;x-amz-server-side-encryption');
    expect([...q.keys()].filter((k) => k.toLowerCase().includes('checksum'))).toEqual([]);
    expect(headers).toEqual({ 'content-type': 'image/jpeg', 'x-amz-server-side-encryption': 'AES256' });
    // Presigning calls no S3 API.
    expect(s3.calls()).toHaveLength(0);
  });
});

describe('presignDownload', () => {
  it('signs a GET of the key that expires, calling no S3 API', async () => {
    const url = new URL(await store.presignDownload('faces/u1/f1.jpg', 120));
    expect(url.hostname).toBe('facegate-images.s3.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/faces/u1/f1.jpg');
    const q = url.searchParams;
    expect(q.get('X-Amz-Expires')).toBe('120');
    expect(q.get('X-Amz-Credential')).toMatch(/^AKID\/\d{8}\/eu-west-1\/s3\/aws4_request$/);
    expect(q.get('X-Amz-SignedHeaders')).toBe('host');
    expect(q.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(s3.calls()).toHaveLength(0);
  });
});
