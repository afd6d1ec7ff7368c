/**
 * ImageStore on Amazon S3 (s3rver locally: same API, only the endpoint differs).
 *
 * Every write asks for SSE-S3 (`ServerSideEncryption: 'AES256'`). Staged uploads are copied,
 * never re-uploaded, so enrolled images stay server-side. A presigned upload URL signs the
 * content type and the SSE header: the client must send exactly the headers returned with it.
 */
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ImageInventory, ImageRef, ImageStore, ObjectSummary, Page, StoredObject } from '../../core/ports';

export interface S3ImageStoreOptions {
  client: S3Client;
  bucket: string;
}

/** DeleteObjects takes at most 1000 keys. */
export const DELETE_OBJECTS_CHUNK = 1000;
const SSE = 'AES256';

const isNotFound = (e: unknown): boolean => {
  if (typeof e !== 'object' || e === null) return false;
  const name = 'name' in e ? e.name : undefined;
  const status = '$metadata' in e ? (e.$metadata as { httpStatusCode?: number } | undefined)?.httpStatusCode : undefined;
  return name === 'NotFound' || name === 'NoSuchKey' || status === 404;
};

/**
 * `bucket/key` for x-amz-copy-source, each path segment URL-encoded (slashes kept), as S3 wants.
 * s3rver decodes this header with decodeURI, so locally a source key with reserved characters
 * (+ : ? # …) is not found; staged keys (uploads/<uuid>) have none.
 */
export const copySource = (bucket: string, key: string): string =>
  `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;

export class S3ImageStore implements ImageStore, ImageInventory {
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor({ client, bucket }: S3ImageStoreOptions) {
    this.client = client;
    this.bucket = bucket;
  }

  async describe(key: string): Promise<StoredObject | null> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      const stored: StoredObject = { size: out.ContentLength ?? 0 };
      if (out.ContentType !== undefined) stored.contentType = out.ContentType;
      if (out.LastModified !== undefined) stored.lastModified = out.LastModified;
      return stored;
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  async save(image: ImageRef, key: string, contentType: string): Promise<void> {
    if (image.kind === 's3') {
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: key,
          CopySource: copySource(this.bucket, image.key),
          // REPLACE: otherwise S3 keeps the source's metadata and ignores ContentType.
          MetadataDirective: 'REPLACE',
          ContentType: contentType,
          ServerSideEncryption: SSE,
        }),
      );
    } else {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: image.bytes,
          ContentType: contentType,
          ServerSideEncryption: SSE,
        }),
      );
    }
  }

  async delete(keys: string[]): Promise<void> {
    const unique = [...new Set(keys)];
    if (unique.length === 0) return;
    if (unique.length === 1) {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: unique[0] }));
      return;
    }
    for (let i = 0; i < unique.length; i += DELETE_OBJECTS_CHUNK) {
      const out = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: unique.slice(i, i + DELETE_OBJECTS_CHUNK).map((Key) => ({ Key })), Quiet: true },
        }),
      );
      const errors = out.Errors ?? [];
      if (errors.length > 0) {
        const detail = errors.map((e) => `${e.Key ?? '?'}: ${e.Code ?? 'error'}`).join(', ');
        throw new Error(`DeleteObjects failed for ${errors.length} object(s): ${detail}`);
      }
    }
  }

  async deletePrefix(prefix: string): Promise<number> {
    // An empty prefix would empty the bucket: never what a caller means.
    if (prefix === '') throw new Error('deletePrefix needs a non-empty prefix');
    let deleted = 0;
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      const keys = (page.Contents ?? []).map((o) => o.Key).filter((k): k is string => k !== undefined);
      await this.delete(keys);
      deleted += keys.length;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return deleted;
  }

  async list(prefix: string, nextToken?: string): Promise<Page<ObjectSummary>> {
    const out = await this.client.send(
      new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ...(nextToken ? { ContinuationToken: nextToken } : {}) }),
    );
    const items: ObjectSummary[] = [];
    for (const o of out.Contents ?? []) {
      if (o.Key === undefined) continue;
      items.push({ key: o.Key, size: o.Size ?? 0, ...(o.LastModified ? { lastModified: o.LastModified.toISOString() } : {}) });
    }
    return { items, ...(out.IsTruncated && out.NextContinuationToken ? { nextToken: out.NextContinuationToken } : {}) };
  }

  async presignUpload(
    key: string,
    contentType: string,
    expiresInSeconds: number,
  ): Promise<{ url: string; headers: Record<string, string> }> {
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ContentType: contentType,
      ServerSideEncryption: SSE,
    });
    // With the SDK's default checksum setting (WHEN_SUPPORTED) the presigned URL would carry
    // the CRC32 of an empty body (x-amz-checksum-crc32=AAAAAA==) and S3 would reject the real
    // upload. The client computes no checksum for a browser PUT, so drop them before signing.
    command.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers?: Record<string, string>; query?: Record<string, unknown> };
        for (const bag of [request.headers, request.query]) {
          if (!bag) continue;
          for (const name of Object.keys(bag)) {
            const lower = name.toLowerCase();
            if (lower.startsWith('x-amz-checksum-') || lower === 'x-amz-sdk-checksum-algorithm') delete bag[name];
          }
        }
        return next(args);
      },
      { step: 'build', priority: 'low', name: 'facegateDropPresignChecksum' },
    );
    const url = await getSignedUrl(this.client, command, {
      expiresIn: expiresInSeconds,
      signableHeaders: new Set(['content-type']),
    });
    return { url, headers: { 'content-type': contentType, 'x-amz-server-side-encryption': SSE } };
  }

  presignDownload(key: string, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: expiresInSeconds });
  }
}
