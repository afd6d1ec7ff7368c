/**
 * Resolves a request's `Image` ({Bytes} as base64 in JSON, or {S3Object: {Bucket, Name, Version}})
 * to raw bytes. S3 objects are read through the S3 API (AWS_ENDPOINT_URL_S3, path style).
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { invalidParameter, RekognitionError } from './protocol';

/** AWS: 5 MB for Bytes, 15 MB for S3 objects. */
export const MAX_BYTES = 5 * 1024 * 1024;
export const MAX_S3_BYTES = 15 * 1024 * 1024;

let s3: S3Client | undefined;
function s3Client(): S3Client {
  if (!s3) {
    const endpoint = process.env.AWS_ENDPOINT_URL_S3;
    const hasCreds = process.env.AWS_ACCESS_KEY_ID !== undefined;
    s3 = new S3Client({
      region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
      forcePathStyle: true,
      ...(endpoint ? { endpoint } : {}),
      // a local S3 stand-in checks no signatures; fall back to fake credentials there
      ...(!hasCreds && endpoint ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    });
  }
  return s3;
}

/** For tests / embedding: use this client for S3Object reads. */
export function setS3Client(client: S3Client | undefined): void {
  s3 = client;
}

export async function loadImage(image: unknown, field = 'Image'): Promise<Uint8Array> {
  if (image === null || typeof image !== 'object') throw invalidParameter(`${field} is required`);
  const img = image as { Bytes?: unknown; S3Object?: { Bucket?: unknown; Name?: unknown; Version?: unknown } };
  if (img.Bytes !== undefined && img.S3Object !== undefined) throw invalidParameter(`${field}: specify either Bytes or S3Object, not both`);
  if (typeof img.Bytes === 'string') {
    // base64 length ≈ 4/3 of the bytes: reject early without decoding huge payloads
    if ((img.Bytes.length * 3) / 4 - 2 > MAX_BYTES) throw new RekognitionError('ImageTooLargeException', 'Image size is too large.');
    const bytes = Buffer.from(img.Bytes, 'base64');
    if (bytes.length > MAX_BYTES) throw new RekognitionError('ImageTooLargeException', 'Image size is too large.');
    if (bytes.length === 0) throw new RekognitionError('InvalidImageFormatException', 'Request has invalid image format');
    return bytes;
  }
  if (img.Bytes !== undefined) throw invalidParameter(`${field}.Bytes must be base64`);
  const o = img.S3Object;
  if (o && typeof o === 'object') {
    if (typeof o.Bucket !== 'string' || typeof o.Name !== 'string' || o.Bucket === '' || o.Name === '') throw invalidParameter(`${field}.S3Object needs Bucket and Name`);
    try {
      const res = await s3Client().send(new GetObjectCommand({ Bucket: o.Bucket, Key: o.Name, ...(typeof o.Version === 'string' ? { VersionId: o.Version } : {}) }));
      if (res.ContentLength !== undefined && res.ContentLength > MAX_S3_BYTES) throw new RekognitionError('ImageTooLargeException', 'Image size is too large.');
      const bytes = await res.Body?.transformToByteArray();
      if (!bytes) throw new Error('empty body');
      if (bytes.length > MAX_S3_BYTES) throw new RekognitionError('ImageTooLargeException', 'Image size is too large.');
      return bytes;
    } catch (e) {
      if (e instanceof RekognitionError) throw e;
      throw new RekognitionError('InvalidS3ObjectException', `Unable to get object metadata from S3. Check object key, region and/or access permissions. (${(e as Error).name})`);
    }
  }
  throw invalidParameter(`${field} must have Bytes or S3Object`);
}
