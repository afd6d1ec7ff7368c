/**
 * The backing services of the local stack, in-process on 127.0.0.1: dynalite (DynamoDB on
 * LevelDB) and s3rver (S3 on the filesystem), each persisting under the data directory.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import dynalite from 'dynalite';
import S3rver from 's3rver';
import { listen } from '../listen';

export interface RunningService {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** dynalite on `path` (a LevelDB directory; in memory without one). Tables leave CREATING at once. */
export async function startDynamoDb(opts: { path?: string; host: string; port?: number }): Promise<RunningService> {
  const server = dynalite({ ...(opts.path ? { path: opts.path } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const port = await listen(server, opts.port ?? 0, opts.host);
  let closing: Promise<void> | undefined;
  return {
    url: `http://${opts.host}:${port}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err?: Error) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** Lets browsers PUT to presigned URLs and read the ETag. */
export const BUCKET_CORS_XML = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * s3rver on `directory`; the bucket (with CORS) is created when missing, kept otherwise.
 * s3rver verifies SigV4 signatures against its own key registry (only S3RVER/S3RVER out of the
 * box): `credentials` are added to it, so the stack's IAM key pair signs S3 requests.
 */
export async function startS3(opts: {
  directory: string;
  host: string;
  bucket: string;
  port?: number;
  credentials?: S3Credentials[];
}): Promise<RunningService> {
  enableS3rverContinuationTokens();
  registerS3rverKeys(opts.credentials ?? []);
  const server = new S3rver({
    address: opts.host,
    port: opts.port ?? 0,
    directory: opts.directory,
    silent: true,
    configureBuckets: [{ name: opts.bucket, configs: [BUCKET_CORS_XML] }],
  });
  makeObjectWritesAtomic(server);
  const address = await server.run();
  let closing: Promise<void> | undefined;
  return {
    url: `http://${opts.host}:${address.port}`,
    port: address.port,
    close() {
      closing ??= server.close();
      return closing;
    },
  };
}

interface S3rverObject {
  bucket: string;
  key: string;
  content: Buffer | Readable;
  metadata: Record<string, string>;
}

interface S3rverFilesystemStore {
  getResourcePath(bucket: string, key: string, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5?: string): Promise<void>;
  getMetadata(bucket: string, key: string): Promise<Record<string, string>>;
  putObject(object: S3rverObject): Promise<{ size: number; md5: string }>;
  copyObject(srcBucket: string, srcKey: string, destBucket: string, destKey: string, replacementMetadata?: Record<string, string>): Promise<Record<string, string>>;
  deleteObject(bucket: string, key: string): Promise<void>;
}

/**
 * s3rver keeps an object as three files — the bytes (`…object`, whose presence is the object's
 * existence), `…object.md5` and `…metadata.json` — written one after the other, and its PutObject
 * answers before the bytes are written (it resolves when the body has passed its md5 transform).
 * A process killed in between leaves an acknowledged PUT lost, or an object without metadata that
 * every later GET/HEAD answers with InternalError. These replacements of the store's methods
 * write the bytes to a temporary name, then the md5 and metadata, and publish the object by
 * renaming the bytes into place last (a delete removes the bytes first), so a kill leaves the
 * object whole or absent. Temporary files do not end in `object` and are never listed.
 * (Written, not fsync'ed: it survives the process being killed, like dynalite's writes, not a
 * power cut.)
 */
function makeObjectWritesAtomic(server: S3rver): void {
  const store = (server as unknown as { store: S3rverFilesystemStore }).store;
  const temporary = (objectPath: string) => `${objectPath}.partial-${crypto.randomBytes(6).toString('hex')}`;
  store.putObject = async (object) => {
    const objectPath = store.getResourcePath(object.bucket, object.key, 'object');
    await fs.promises.mkdir(path.dirname(objectPath), { recursive: true });
    const md5 = crypto.createHash('md5');
    let size = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        md5.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    });
    const source = Buffer.isBuffer(object.content) ? [object.content] : object.content;
    const partial = temporary(objectPath);
    await pipeline(source, counted, fs.createWriteStream(partial));
    const digest = md5.digest('hex');
    await store.putMetadata(object.bucket, object.key, object.metadata, digest);
    await fs.promises.rename(partial, objectPath);
    return { size, md5: digest };
  };
  store.copyObject = async (srcBucket, srcKey, destBucket, destKey, replacementMetadata) => {
    const srcPath = store.getResourcePath(srcBucket, srcKey, 'object');
    const destPath = store.getResourcePath(destBucket, destKey, 'object');
    if (srcPath === destPath) {
      if (replacementMetadata) await store.putMetadata(destBucket, destKey, replacementMetadata);
      return store.getMetadata(destBucket, destKey);
    }
    await fs.promises.mkdir(path.dirname(destPath), { recursive: true });
    const partial = temporary(destPath);
    await fs.promises.copyFile(srcPath, partial);
    if (replacementMetadata) {
      await store.putMetadata(destBucket, destKey, replacementMetadata);
    } else {
      await fs.promises.copyFile(store.getResourcePath(srcBucket, srcKey, 'metadata.json'), store.getResourcePath(destBucket, destKey, 'metadata.json'));
    }
    await fs.promises.copyFile(store.getResourcePath(srcBucket, srcKey, 'object.md5'), store.getResourcePath(destBucket, destKey, 'object.md5')).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e; // s3rver recomputes a missing md5 when it reads the object
    });
    await fs.promises.rename(partial, destPath);
    return store.getMetadata(destBucket, destKey);
  };
  const deleteRest = store.deleteObject.bind(store);
  store.deleteObject = async (bucket, key) => {
    await fs.promises.unlink(store.getResourcePath(bucket, key, 'object')).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    await deleteRest(bucket, key); // the md5 and metadata, then empty directories
  };
}

interface S3rverAccount {
  createKeyPair(accessKeyId: string, secretAccessKey: string): void;
}

function registerS3rverKeys(credentials: S3Credentials[]): void {
  if (credentials.length === 0) return;
  const require = createRequire(import.meta.url);
  const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account') as { DUMMY_ACCOUNT: S3rverAccount };
  for (const c of credentials) DUMMY_ACCOUNT.createKeyPair(c.accessKeyId, c.secretAccessKey);
}

let continuationTokensEnabled = false;

/**
 * s3rver encrypts ListObjectsV2 continuation tokens with single DES ('des', i.e. des-cbc), which
 * OpenSSL 3 (Node ≥ 17) only has in its legacy provider: every truncated listing — a paged
 * deletePrefix — fails with "digital envelope routines::unsupported". Triple DES (EDE) with one
 * key repeated three times is single DES, and it is in the default provider: s3rver's own
 * `crypto` module gets 'des' answered that way. Only the algorithm name 'des', which otherwise
 * throws on this Node, is affected; tokens stay byte-compatible with s3rver's format.
 */
export function enableS3rverContinuationTokens(): void {
  if (continuationTokensEnabled) return;
  continuationTokensEnabled = true;
  const require = createRequire(import.meta.url);
  const cryptoOfS3rver = require('node:crypto') as typeof crypto;
  const tripled = (key: crypto.CipherKey): Buffer => {
    const k = Buffer.from(key as Buffer);
    return Buffer.concat([k, k, k]);
  };
  const createCipheriv = cryptoOfS3rver.createCipheriv;
  const createDecipheriv = cryptoOfS3rver.createDecipheriv;
  const isSingleDes = (algorithm: string, key: crypto.CipherKey): boolean =>
    algorithm.toLowerCase() === 'des' && Buffer.isBuffer(key) && key.length === 8;
  Object.assign(cryptoOfS3rver, {
    createCipheriv(algorithm: string, key: crypto.CipherKey, iv: crypto.BinaryLike | null, options?: unknown) {
      if (isSingleDes(algorithm, key)) return createCipheriv('des-ede3-cbc', tripled(key), iv);
      return (createCipheriv as (...a: unknown[]) => crypto.Cipher)(algorithm, key, iv, options);
    },
    createDecipheriv(algorithm: string, key: crypto.CipherKey, iv: crypto.BinaryLike | null, options?: unknown) {
      if (isSingleDes(algorithm, key)) return createDecipheriv('des-ede3-cbc', tripled(key), iv);
      return (createDecipheriv as (...a: unknown[]) => crypto.Decipher)(algorithm, key, iv, options);
    },
  });
}
