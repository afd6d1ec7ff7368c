/**
 * Shared by the end-to-end tests: a local stack (the one `npm start` runs) on a temp data dir,
 * the CLI's GraphQL client against it, and the labelled photos of ../shared/faces (as they are,
 * or as portrait / landscape versions: photoVariantOf).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DetectFacesCommand, ListFacesCommand, ListUsersCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { expect } from 'vitest';
import { uploadBytes } from '../../bench/lib/upload';
import { GraphQLClient, GraphQLRequestError, type Authorization } from '../../cli/graphql';
import { runCli } from '../../cli/index';
import * as op from '../../cli/operations';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack/index';
import { photoVariant, unionBox, type Fit, type PhotoVariant, type Shape } from '../support/photo-variants';
import { sharedFaces } from '../support/shared-faces';

export { haveSharedFaces, repoRoot, sharedFaces, warnIfNoSharedFaces } from '../support/shared-faces';

/**
 * Photos picked for deterministic outcomes (local engine, measured with CompareFaces): each
 * same-person pair scores ≥ 99.7 both ways, far above the local threshold of 95; different
 * people score ≤ 77 against each other.
 */
export const PHOTOS = {
  /** deepface_id10: img13 ↔ img14 99.94 */
  alice: { enroll: 'deepface/img13.jpg', other: 'deepface/img14.jpg' },
  /** deepface_id01: img20 ↔ img21 99.93 */
  bob: { enroll: 'deepface/img20.jpg', other: 'deepface/img21.jpg' },
  /** deepface_id08: img49 ↔ img8 99.92 */
  carol: { enroll: 'deepface/img49.jpg', other: 'deepface/img8.jpg' },
  /** deepface_id02: img22 ↔ img23 99.79 (img23 stands in for an ID card's portrait) */
  dave: { enroll: 'deepface/img22.jpg', card: 'deepface/img23.jpg' },
  /** Two faces. */
  group: 'face_recognition/two_people.jpg',
} as const;

export const photoPath = (file: string): string => path.join(sharedFaces, file);

export interface TestStack {
  stack: LocalStack;
  client: GraphQLClient;
  app: Authorization;
  admin: Authorization;
  dataDir: string;
}

export async function startTestStack(
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facegate-e2e-')),
  options: Pick<LocalStackOptions, 'web' | 'faults'> = {},
): Promise<TestStack> {
  const stack = await startLocalStack({ dataDir, port: 0, log: false, engineWorkers: 1, ...options });
  return {
    stack,
    client: new GraphQLClient({ graphqlUrl: stack.graphqlUrl, realtimeUrl: stack.realtimeUrl }),
    app: { apiKey: stack.apiKey },
    admin: { token: stack.adminToken },
    dataDir,
  };
}

export async function stopTestStack(t: TestStack | undefined): Promise<void> {
  await t?.stack.close();
  if (t) fs.rmSync(t.dataDir, { recursive: true, force: true });
}

/** The GraphQL error a request must fail with. */
export async function refusal(p: Promise<unknown>): Promise<GraphQLRequestError> {
  const error = await p.then(
    () => new Error('expected a GraphQL error'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GraphQLRequestError);
  return error as GraphQLRequestError;
}

/** A labelled photo by its path under ../shared/faces, or image bytes (e.g. a photoVariantOf). */
export type Photo = string | { bytes: Buffer; contentType?: string };

/** createUploadUrl + the presigned PUT, as a browser would; returns the s3Key. */
export function upload(t: Pick<TestStack, 'client' | 'app'>, photo: Photo, purpose: 'SELFIE' | 'ID_CARD' = 'SELFIE'): Promise<string> {
  if (typeof photo === 'string') return uploadBytes(t.client, t.app, fs.readFileSync(photoPath(photo)), { purpose, contentType: photo.endsWith('.png') ? 'image/png' : 'image/jpeg' });
  return uploadBytes(t.client, t.app, photo.bytes, { purpose, contentType: photo.contentType ?? 'image/jpeg' });
}

/** Subscribes to a registration's progress; `ready` resolves on start_ack. */
export function watchProgress(t: Pick<TestStack, 'client' | 'app'>, registrationId: string) {
  const events: op.ProgressEvent[] = [];
  const errors: Error[] = [];
  const subscription = t.client.subscribe<op.OnRegistrationProgressData>(op.ON_REGISTRATION_PROGRESS, { registrationId }, t.app, {
    next: (d) => d.onRegistrationProgress && events.push(d.onRegistrationProgress),
    error: (e) => errors.push(e),
  });
  return { events, errors, ready: subscription.ready, close: () => subscription.close() };
}

export async function register(t: Pick<TestStack, 'client' | 'app'>, userId: string, photo: Photo, registrationId: string): Promise<op.RegistrationOutcome> {
  const s3Key = await upload(t, photo);
  const vars: op.RegisterUserVars = { input: { userId, image: { s3Key }, registrationId } };
  return (await t.client.request<op.RegisterUserData>(op.REGISTER_USER, vars, t.app)).registerUser;
}

export async function authenticate(t: Pick<TestStack, 'client' | 'app'>, userId: string, photo: Photo): Promise<op.AuthenticateData['authenticate']> {
  const s3Key = await upload(t, photo);
  const vars: op.AuthenticateVars = { input: { userId, image: { s3Key } } };
  return (await t.client.request<op.AuthenticateData>(op.AUTHENTICATE, vars, t.app)).authenticate;
}

/** Runs the CLI against the test stack (its data directory); output joined by lines. */
export async function runCliOn(t: Pick<TestStack, 'dataDir'>, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli([...argv, '--data', t.dataDir], { out: (l) => out.push(l), err: (l) => err.push(l), env: {}, cwd: process.cwd() });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/**
 * A portrait or landscape version of a labelled photo, as a phone would take it (see
 * test/support/photo-variants.ts): '9:16 crop', '3:4 pad', … A crop keeps the photo's faces in
 * frame; the stack's face engine finds them. Pass the result to upload / register / authenticate.
 */
export async function photoVariantOf(t: Pick<TestStack, 'stack'>, file: string, name: `${Shape} ${Fit}`): Promise<PhotoVariant> {
  const bytes = fs.readFileSync(photoPath(file));
  const rekognition = new RekognitionClient({ region: t.stack.region, credentials: t.stack.credentials, endpoint: t.stack.endpoints.rekognition });
  try {
    const { FaceDetails = [] } = await rekognition.send(new DetectFacesCommand({ Image: { Bytes: bytes } }));
    const keep = unionBox(FaceDetails.map((f) => ({ Left: f.BoundingBox?.Left ?? 0, Top: f.BoundingBox?.Top ?? 0, Width: f.BoundingBox?.Width ?? 0, Height: f.BoundingBox?.Height ?? 0 })));
    return await photoVariant(bytes, name, keep ? { keep } : {});
  } finally {
    rekognition.destroy();
  }
}

/** Everything the stack holds, read from the stand-ins directly (never through fault proxies). */
export interface StackContents {
  /** Collection faces as `faceId externalImageId userId`. */
  faces: string[];
  /** Rekognition users. */
  users: string[];
  /** Table items as JSON, sorted. */
  items: string[];
  /** Object keys. */
  objects: string[];
}

export async function contents(stack: LocalStack): Promise<StackContents> {
  const { region, credentials, endpoints } = stack;
  const rekognition = new RekognitionClient({ region, credentials, endpoint: endpoints.rekognition });
  const dynamo = new DynamoDBClient({ region, credentials, endpoint: endpoints.dynamodb });
  const s3 = new S3Client({ region, credentials, endpoint: endpoints.s3, forcePathStyle: true });
  try {
    const [faces, users, items, objects] = await Promise.all([
      rekognition.send(new ListFacesCommand({ CollectionId: stack.collectionId, MaxResults: 4096 })),
      rekognition.send(new ListUsersCommand({ CollectionId: stack.collectionId, MaxResults: 500 })),
      dynamo.send(new ScanCommand({ TableName: stack.tableName })),
      s3.send(new ListObjectsV2Command({ Bucket: stack.bucketName })),
    ]);
    return {
      faces: (faces.Faces ?? []).map((f) => `${f.FaceId} ${f.ExternalImageId ?? '-'} ${f.UserId ?? '-'}`).sort(),
      users: (users.Users ?? []).map((u) => u.UserId ?? '').sort(),
      items: (items.Items ?? []).map((i) => JSON.stringify(Object.fromEntries(Object.entries(i).sort(([a], [b]) => a.localeCompare(b))))).sort(),
      objects: (objects.Contents ?? []).map((o) => o.Key ?? '').sort(),
    };
  } finally {
    rekognition.destroy();
    dynamo.destroy();
    s3.destroy();
  }
}

/** The contents without registration records and their events (REG#…: a registration's own history, written even when it is refused). */
export const withoutRegistrations = (c: StackContents): StackContents => ({ ...c, items: c.items.filter((i) => !i.includes('"pk":{"S":"REG#')) });
