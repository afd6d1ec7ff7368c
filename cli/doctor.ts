/**
 * `facegate doctor [--repair]`: checks that the face collection, the enrolled images and the
 * table agree (core/doctor), against the local stack (names, endpoints and the key pair from
 * `<data>/local.json`) or, read-only, against AWS (`--table --bucket --collection [--region]`,
 * credentials from the default chain). Exit code 0 when nothing remains to repair, 1 when
 * findings remain, 2 for bad usage, 3 when a store cannot be reached.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { InvocationBudget } from '../adapters/aws/budget';
import { CognitoUserDirectory } from '../adapters/cognito/user-directory';
import { DynamoRecordStore, NoIdDocumentReader, NullProgressPublisher, RekognitionFaceEngine, S3ImageStore } from '../adapters/index';
import { loadConfig } from '../core/config';
import { remaining, runDoctor, type DoctorDeps, type DoctorReport, type Finding } from '../core/doctor/index';
import type { Logger, UserDirectory } from '../core/ports';
import { readLocalInfo, UsageError } from './target';

export interface DoctorFlags {
  data?: string;
  table?: string;
  bucket?: string;
  collection?: string;
  /** Against AWS: the end users' pool (output EndUserPoolId), whose accounts are then checked too. */
  userPool?: string;
  region?: string;
  /** The pending TTL in seconds (default FACEGATE_PENDING_TTL_SECONDS, else the flows' default). */
  ttl?: string;
  repair: boolean;
  json: boolean;
}

export interface DoctorTarget {
  kind: 'local' | 'aws';
  region: string;
  tableName: string;
  bucketName: string;
  collectionId: string;
  /** Local only: the stand-ins' URLs and the stack's key pair. */
  endpoints?: { dynamodb: string; s3: string; rekognition: string };
  /** The end users' pool: its accounts are checked, and a repair that erases a profile closes one (no endpoint: AWS's). */
  userPool?: { endpoint?: string; userPoolId: string };
  credentials?: { accessKeyId: string; secretAccessKey: string };
  source: string;
}

interface Io {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
}

/** AWS when any of --table/--bucket/--collection (or FACEGATE_TABLE/_BUCKET/_COLLECTION) is given, else the local stack. */
export function resolveDoctorTarget(flags: DoctorFlags, env: Record<string, string | undefined>, cwd: string): DoctorTarget {
  const table = flags.table ?? env.FACEGATE_TABLE;
  const bucket = flags.bucket ?? env.FACEGATE_BUCKET;
  const collection = flags.collection ?? env.FACEGATE_COLLECTION;
  if (table || bucket || collection) {
    if (!table || !bucket || !collection) throw new UsageError('against AWS, doctor needs all of --table, --bucket and --collection (the stack outputs TableName, BucketName, CollectionId)');
    const region = flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (!region) throw new UsageError('against AWS, doctor needs --region (or AWS_REGION)');
    const userPoolId = flags.userPool ?? env.FACEGATE_USER_POOL;
    return { kind: 'aws', region, tableName: table, bucketName: bucket, collectionId: collection, ...(userPoolId ? { userPool: { userPoolId } } : {}), source: `AWS ${region}` };
  }
  const { info, file } = readLocalInfo(flags.data, env, cwd);
  const { endpoints, region, tableName, bucketName, collectionId, credentials } = info;
  if (!region || !tableName || !bucketName || !collectionId || !credentials || !endpoints.dynamodb || !endpoints.s3 || !endpoints.rekognition) {
    throw new UsageError(`${file} was written by an older stack (no table, bucket or collection in it): restart \`npm start\` once`);
  }
  return {
    kind: 'local',
    region,
    tableName,
    bucketName,
    collectionId,
    endpoints: { dynamodb: endpoints.dynamodb, s3: endpoints.s3, rekognition: endpoints.rekognition },
    ...(info.userPool ? { userPool: { endpoint: info.userPool.endpoint, userPoolId: info.userPool.userPoolId } } : {}),
    credentials,
    source: file,
  };
}

/** Without a user pool there are no accounts to check or close. */
const noDirectory: UserDirectory = {
  ensureUser: () => Promise.reject(new Error('no user pool given: the doctor cannot open sign-in accounts')),
  deleteUser: () => Promise.reject(new Error('no user pool given: the doctor cannot close sign-in accounts')),
};

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The adapters on SDK clients for the target, and a way to close the clients. */
export function doctorDeps(target: DoctorTarget, env: Record<string, string | undefined>, pendingTtlSeconds?: number): { deps: DoctorDeps; close(): void } {
  const config = { ...loadConfig(env), ...(pendingTtlSeconds !== undefined ? { pendingTtlSeconds } : {}) };
  const { region, credentials, endpoints } = target;
  const common = { region, ...(credentials ? { credentials } : {}) };
  const rekognition = new RekognitionClient({ ...common, ...(endpoints ? { endpoint: endpoints.rekognition } : {}) });
  const dynamodb = new DynamoDBClient({ ...common, ...(endpoints ? { endpoint: endpoints.dynamodb } : {}) });
  const s3 = new S3Client({
    ...common,
    // s3rver: path-style, and no default checksums (it stores such bodies corrupted).
    ...(endpoints ? { endpoint: endpoints.s3, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } : {}),
  });
  const cognito = target.userPool ? new CognitoIdentityProviderClient({ ...common, ...(target.userPool.endpoint ? { endpoint: target.userPool.endpoint } : {}) }) : undefined;
  const clock = { now: () => new Date() };
  const deps: DoctorDeps = {
    faces: new RekognitionFaceEngine({ client: rekognition, collectionId: target.collectionId, bucket: target.bucketName }),
    records: new DynamoRecordStore({
      client: DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } }),
      tableName: target.tableName,
      registrationTtlSeconds: config.registrationTtlSeconds,
      attemptsTtlSeconds: config.lockoutWindowSeconds * 2,
      clock,
    }),
    images: new S3ImageStore({ client: s3, bucket: target.bucketName }),
    publisher: new NullProgressPublisher(),
    idReader: new NoIdDocumentReader(),
    clock,
    ids: { newId: () => randomUUID() },
    config,
    logger: silent,
    // No invocation budget around the doctor: its calls are not limited, repairs included.
    budget: new InvocationBudget(config.cleanupGraceMs),
    directory: cognito && target.userPool ? new CognitoUserDirectory({ client: cognito, userPoolId: target.userPool.userPoolId }) : noDirectory,
  };
  return {
    deps,
    close() {
      cognito?.destroy();
      rekognition.destroy();
      dynamodb.destroy();
      s3.destroy();
    },
  };
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT']);
const isUnreachable = (e: unknown): boolean => {
  const code = (e as { code?: unknown } | null)?.code;
  return (typeof code === 'string' && UNREACHABLE.has(code)) || (e as Error | null)?.name === 'TimeoutError';
};

export async function doctorCommand(flags: DoctorFlags, io: Io): Promise<number> {
  const target = resolveDoctorTarget(flags, io.env, io.cwd);
  if (flags.repair && target.kind === 'aws') throw new UsageError('against AWS the doctor is read-only: --repair works on the local stack only');
  let ttl: number | undefined;
  if (flags.ttl !== undefined) {
    ttl = Number(flags.ttl);
    if (!Number.isFinite(ttl) || ttl < 0) throw new UsageError('--ttl is a number of seconds');
  }
  const { deps, close } = doctorDeps(target, io.env, ttl);
  let report: DoctorReport;
  try {
    report = await runDoctor(deps, { repair: flags.repair });
  } catch (e) {
    if (!isUnreachable(e)) throw e;
    io.err(`error: cannot reach the ${target.kind === 'local' ? 'local stack (is `npm start` running?)' : 'AWS services'}: ${(e as Error).message}`);
    return 3;
  } finally {
    close();
  }
  if (flags.json) io.out(JSON.stringify({ target: { kind: target.kind, region: target.region, tableName: target.tableName, bucketName: target.bucketName, collectionId: target.collectionId }, ...report }, null, 2));
  else printReport(report, target, deps.config.pendingTtlSeconds, io);
  return remaining(report).findings.length === 0 ? 0 : 1;
}

function printReport(report: DoctorReport, target: DoctorTarget, ttl: number, io: Io): void {
  const { census: c, found } = report;
  io.out(`facegate doctor: ${target.kind === 'local' ? `local stack (${target.source})` : target.source}: table ${target.tableName}, bucket ${target.bucketName}, collection ${target.collectionId}`);
  io.out(`  collection: ${c.faces} faces, ${c.rekognitionUsers} users · bucket: ${c.images} enrolled images · table: ${c.profiles} profiles, ${c.faceRecords} face records, ${c.registrations} registrations${c.accounts !== undefined ? ` · user pool: ${c.accounts} accounts` : ' · user pool: not checked'}`);
  for (const r of found.inFlight) io.out(`  in flight, left alone (pending TTL ${ttl} s): ${r.userId} (registration ${r.registrationId}, since ${r.since})`);
  for (const f of found.findings) io.out(describe(f));
  if (report.repairs) {
    io.out('');
    for (const r of report.repairs) io.out(`  ${r.outcome.padEnd(8)} ${label(r.finding)}${r.note ? ` (${r.note})` : ''}`);
    const after = report.after!.findings;
    io.out(after.length === 0 ? 'after the repair: no findings' : `after the repair, ${after.length} finding(s) remain:`);
    for (const f of after) io.out(describe(f));
    return;
  }
  if (found.findings.length === 0) io.out('no findings');
  else io.out(`${found.findings.length} finding(s).${target.kind === 'local' ? ' `npx facegate doctor --repair` repairs them.' : ''}`);
}

const label = (f: Finding): string =>
  `${f.kind.padEnd(33)} ${[f.userId && `user ${f.userId}`, f.faceId && `face ${f.faceId}`, f.key && `object ${f.key}`, f.registrationId && `registration ${f.registrationId}`].filter(Boolean).join(', ')}`;

const describe = (f: Finding): string => `  ✗ ${label(f)}\n      ${f.detail}\n      repair: ${f.repair}`;
