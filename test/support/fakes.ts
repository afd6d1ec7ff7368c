/**
 * In-memory stand-ins for the ports, faithful to the behaviour the flows rely on: conditional
 * writes, Rekognition refusing to delete a face still associated with a user, S3 objects.
 * A fake image is a JPEG magic number followed by a JSON scene naming who is in it.
 */
import { randomUUID } from 'node:crypto';
import type { RegistrationProgress, UserStatus } from '../../schema/generated/graphql';
import { defaultConfig, type Config } from '../../core/config';
import type { Deps } from '../../core/deps';
import { ConditionFailedError, FacegateError } from '../../core/errors';
import type {
  AuthAttempts,
  CollectionFace,
  DirectoryInventory,
  FaceDetail,
  FaceEngine,
  FaceInventory,
  FaceMatch,
  FaceRecordItem,
  IdCardFields,
  IdDocumentReader,
  ImageInventory,
  ImageRef,
  ImageStore,
  IndexOutcome,
  Logger,
  ObjectSummary,
  Page,
  ProgressPublisher,
  RecordInventory,
  RecordStore,
  RegistrationRecord,
  SearchOptions,
  StoredObject,
  TableItem,
  UserDirectory,
  UserMatch,
  UserRecord,
} from '../../core/ports';

export interface SceneFace {
  /** Who this is: faces of one person match each other. */
  person: string;
  confidence?: number;
  yaw?: number;
  brightness?: number;
  sharpness?: number;
  sunglasses?: boolean;
  eyesOpen?: boolean;
  width?: number;
}

const JPEG_MAGIC = [0xff, 0xd8, 0xff, 0xe0];

export function fakeImage(...faces: SceneFace[]): Uint8Array {
  return new Uint8Array([...JPEG_MAGIC, ...Buffer.from(JSON.stringify(faces))]);
}

export const fakeImageBase64 = (...faces: SceneFace[]): string => Buffer.from(fakeImage(...faces)).toString('base64');

function readScene(bytes: Uint8Array): SceneFace[] {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new FacegateError('INVALID_IMAGE', 'not an image');
  return JSON.parse(Buffer.from(bytes.subarray(JPEG_MAGIC.length)).toString('utf8')) as SceneFace[];
}

const toDetail = (f: SceneFace): FaceDetail => ({
  boundingBox: { width: f.width ?? 0.4, height: 0.5, left: 0.3, top: 0.2 },
  confidence: f.confidence ?? 99.9,
  pose: { yaw: f.yaw ?? 2, pitch: 1, roll: 0.5 },
  quality: { brightness: f.brightness ?? 70, sharpness: f.sharpness ?? 60 },
  sunglasses: { value: f.sunglasses ?? false, confidence: 99 },
  eyesOpen: { value: f.eyesOpen ?? true, confidence: 98 },
});

export type FaceCall = keyof FaceEngine;

/** Same person → 99.6, different people → 12: far from every threshold on purpose. */
export const SAME_PERSON = 99.6;
export const OTHER_PERSON = 12;

/** Pages of `size` items, the token being the next index: listings are read page by page, as in AWS. */
export const LIST_PAGE_SIZE = 2;
function pageOf<T>(all: T[], nextToken?: string): Page<T> {
  const start = nextToken ? Number(nextToken) : 0;
  const items = all.slice(start, start + LIST_PAGE_SIZE);
  return start + LIST_PAGE_SIZE < all.length ? { items, nextToken: String(start + LIST_PAGE_SIZE) } : { items };
}

export class FakeFaceEngine implements FaceEngine, FaceInventory {
  readonly faces = new Map<string, { person: string; userId: string; detail: FaceDetail }>();
  readonly users = new Map<string, Set<string>>();
  readonly calls: FaceCall[] = [];
  /** Make a call fail: the error is thrown after the call is recorded. */
  readonly failures = new Map<FaceCall, Error>();
  /** Awaited at the start of a call: lets a test interleave two flows. */
  readonly gates = new Map<FaceCall, () => Promise<void>>();
  /** Next IndexFaces calls behave as retried after a timed-out attempt that indexed a face too (a stray). */
  straysOnIndex = 0;
  /** Next IndexFaces calls index the face but never answer (they reject, as a timed-out call does). */
  lostIndexAnswers = 0;

  constructor(private readonly images: FakeImageStore) {}

  private async enter(call: FaceCall): Promise<void> {
    this.calls.push(call);
    await this.gates.get(call)?.();
    const failure = this.failures.get(call);
    if (failure) throw failure;
  }

  private scene(image: ImageRef): SceneFace[] {
    return readScene(image.kind === 'bytes' ? image.bytes : this.images.bytes(image.key));
  }

  /** The largest face, as Rekognition searches with. */
  private probe(image: ImageRef): SceneFace | undefined {
    return this.scene(image)[0];
  }

  async detectFaces(image: ImageRef): Promise<FaceDetail[]> {
    await this.enter('detectFaces');
    return this.scene(image).map(toDetail);
  }

  async indexFace(image: ImageRef, userId: string): Promise<IndexOutcome> {
    await this.enter('indexFace');
    const [first, ...rest] = this.scene(image);
    if (this.lostIndexAnswers > 0 && first) {
      this.lostIndexAnswers -= 1;
      this.faces.set(randomUUID(), { person: first.person, userId, detail: toDetail(first) });
      throw new Error('TimeoutError: IndexFaces did not answer');
    }
    const unindexed = rest.map((f) => ({ detail: toDetail(f), reasons: ['EXCEEDS_MAX_FACES' as const] }));
    if (!first) return { indexed: null, unindexed };
    if ((first.confidence ?? 99.9) < 50) return { indexed: null, unindexed: [{ detail: toDetail(first), reasons: ['LOW_CONFIDENCE'] }, ...unindexed] };
    const faceId = randomUUID();
    const detail = toDetail(first);
    const retried = this.straysOnIndex > 0;
    if (retried) {
      this.straysOnIndex -= 1;
      this.faces.set(randomUUID(), { person: first.person, userId, detail });
    }
    this.faces.set(faceId, { person: first.person, userId, detail });
    return { indexed: { faceId, detail }, unindexed, ...(retried ? { retried } : {}) };
  }

  private like(person: string, options: SearchOptions, exclude?: string): FaceMatch[] {
    return [...this.faces.entries()]
      .filter(([faceId]) => faceId !== exclude)
      .map(([faceId, f]) => ({ faceId, userId: f.userId, similarity: f.person === person ? SAME_PERSON : OTHER_PERSON }))
      .filter((m) => m.similarity >= options.threshold)
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, options.maxResults);
  }

  async searchFacesByImage(image: ImageRef, options: SearchOptions): Promise<FaceMatch[]> {
    await this.enter('searchFacesByImage');
    const probe = this.probe(image);
    return probe ? this.like(probe.person, options) : [];
  }

  async searchFaces(faceId: string, options: SearchOptions): Promise<FaceMatch[]> {
    await this.enter('searchFaces');
    const face = this.faces.get(faceId);
    if (!face) throw new Error(`ResourceNotFound: face ${faceId}`);
    return this.like(face.person, options, faceId);
  }

  async searchUsersByImage(image: ImageRef, options: SearchOptions): Promise<UserMatch[]> {
    await this.enter('searchUsersByImage');
    const probe = this.probe(image);
    if (!probe) return [];
    return [...this.users.entries()]
      .filter(([, faceIds]) => faceIds.size > 0)
      .map(([userId, faceIds]) => ({
        userId,
        similarity: Math.max(...[...faceIds].map((id) => (this.faces.get(id)?.person === probe.person ? SAME_PERSON : OTHER_PERSON))),
      }))
      .filter((m) => m.similarity >= options.threshold)
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, options.maxResults);
  }

  async compareFaces(source: ImageRef, target: ImageRef, threshold: number): Promise<number | null> {
    await this.enter('compareFaces');
    const probe = this.probe(source);
    if (!probe) throw new FacegateError('NO_FACE', 'no face in source');
    const best = Math.max(0, ...this.scene(target).map((f) => (f.person === probe.person ? SAME_PERSON : OTHER_PERSON)));
    return best >= threshold ? best : null;
  }

  async createUser(userId: string): Promise<boolean> {
    await this.enter('createUser');
    if (this.users.has(userId)) return false;
    this.users.set(userId, new Set());
    return true;
  }

  async associateFaces(userId: string, faceIds: string[]): Promise<void> {
    await this.enter('associateFaces');
    const user = this.users.get(userId);
    if (!user) throw new Error(`ResourceNotFound: user ${userId}`);
    for (const id of faceIds) {
      if (!this.faces.has(id)) throw new Error(`face ${id} not found`);
      if (this.ownerOf(id) && this.ownerOf(id) !== userId) throw new Error(`face ${id} belongs to another user`);
      user.add(id);
    }
  }

  async disassociateFaces(userId: string, faceIds: string[]): Promise<void> {
    await this.enter('disassociateFaces');
    for (const id of faceIds) this.users.get(userId)?.delete(id);
  }

  async deleteFaces(faceIds: string[]): Promise<void> {
    await this.enter('deleteFaces');
    const associated = faceIds.filter((id) => this.ownerOf(id));
    if (associated.length > 0) throw new Error(`ASSOCIATED_TO_AN_EXISTING_USER: ${associated.join(',')}`);
    for (const id of faceIds) this.faces.delete(id);
  }

  async deleteUser(userId: string): Promise<void> {
    await this.enter('deleteUser');
    this.users.delete(userId);
  }

  async listFaces(nextToken?: string): Promise<Page<CollectionFace>> {
    const all = [...this.faces.entries()].map(([faceId, f]) => {
      const owner = this.ownerOf(faceId);
      return { faceId, externalImageId: f.userId, ...(owner ? { userId: owner } : {}) };
    });
    return pageOf(all, nextToken);
  }

  async listUsers(nextToken?: string): Promise<Page<string>> {
    return pageOf([...this.users.keys()], nextToken);
  }

  private ownerOf(faceId: string): string | undefined {
    for (const [userId, ids] of this.users) if (ids.has(faceId)) return userId;
    return undefined;
  }

  facesOf(userId: string): string[] {
    return [...this.faces.entries()].filter(([, f]) => f.userId === userId).map(([id]) => id);
  }
}

export class FakeImageStore implements ImageStore, ImageInventory {
  readonly objects = new Map<string, { bytes: Uint8Array; contentType: string; lastModified: Date }>();
  readonly failures = new Map<'save' | 'delete', Error>();

  /** Objects are stamped with this clock's time, in whole seconds as S3 does. */
  constructor(private readonly clock: { now(): Date } = { now: () => new Date() }) {}

  private stamp(): Date {
    return new Date(Math.floor(this.clock.now().getTime() / 1000) * 1000);
  }

  put(key: string, bytes: Uint8Array, contentType = 'image/jpeg', lastModified = this.stamp()): void {
    this.objects.set(key, { bytes, contentType, lastModified });
  }

  bytes(key: string): Uint8Array {
    const object = this.objects.get(key);
    if (!object) throw new FacegateError('INVALID_IMAGE', `no object ${key}`);
    return object.bytes;
  }

  async describe(key: string): Promise<StoredObject | null> {
    const object = this.objects.get(key);
    return object ? { size: object.bytes.length, contentType: object.contentType, lastModified: object.lastModified } : null;
  }

  async save(image: ImageRef, key: string, contentType: string): Promise<void> {
    const failure = this.failures.get('save');
    if (failure) throw failure;
    this.objects.set(key, { bytes: image.kind === 'bytes' ? image.bytes : this.bytes(image.key), contentType, lastModified: this.stamp() });
  }

  async delete(keys: string[]): Promise<void> {
    const failure = this.failures.get('delete');
    if (failure) throw failure;
    for (const key of keys) this.objects.delete(key);
  }

  async deletePrefix(prefix: string): Promise<number> {
    const keys = [...this.objects.keys()].filter((k) => k.startsWith(prefix));
    for (const key of keys) this.objects.delete(key);
    return keys.length;
  }

  async presignUpload(key: string, contentType: string, expiresInSeconds: number): Promise<{ url: string; headers: Record<string, string> }> {
    return { url: `https://bucket.example/${key}?X-Amz-Expires=${expiresInSeconds}`, headers: { 'content-type': contentType } };
  }

  async presignDownload(key: string, expiresInSeconds: number): Promise<string> {
    return `https://bucket.example/${key}?X-Amz-Expires=${expiresInSeconds}&X-Amz-Signature=fake`;
  }

  async list(prefix: string, nextToken?: string): Promise<Page<ObjectSummary>> {
    return pageOf(
      this.keys(prefix).map((key) => ({ key, size: this.objects.get(key)!.bytes.length })),
      nextToken,
    );
  }

  keys(prefix = ''): string[] {
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  }
}

const clone = <T>(value: T): T => structuredClone(value);

export class FakeRecordStore implements RecordStore, RecordInventory {
  readonly users = new Map<string, UserRecord>();
  readonly faceItems = new Map<string, FaceRecordItem>();
  readonly registrations = new Map<string, RegistrationRecord>();
  readonly events: RegistrationProgress[] = [];
  readonly attempts = new Map<string, AuthAttempts>();
  readonly failures = new Map<keyof RecordStore, Error>();

  private check(call: keyof RecordStore): void {
    const failure = this.failures.get(call);
    if (failure) throw failure;
  }

  async getUser(userId: string): Promise<UserRecord | null> {
    const user = this.users.get(userId);
    return user ? clone(user) : null;
  }

  async createUser(user: UserRecord): Promise<void> {
    this.check('createUser');
    if (this.users.has(user.userId)) throw new ConditionFailedError();
    this.users.set(user.userId, clone(user));
  }

  async replaceUser(user: UserRecord, expectedVersion: number): Promise<void> {
    this.check('replaceUser');
    if (this.users.get(user.userId)?.version !== expectedVersion) throw new ConditionFailedError();
    this.users.set(user.userId, clone(user));
  }

  async deleteUserIfRegistration(userId: string, registrationId: string): Promise<void> {
    if (this.users.get(userId)?.registrationId === registrationId) this.users.delete(userId);
  }

  async deleteUserData(userId: string): Promise<number> {
    const faces = [...this.faceItems.keys()].filter((k) => k.startsWith(userId + '/'));
    for (const key of faces) this.faceItems.delete(key);
    this.users.delete(userId);
    this.attempts.delete(userId);
    return faces.length;
  }

  async listUsers(status: UserStatus, limit: number, nextToken?: string): Promise<Page<UserRecord>> {
    const all = [...this.users.values()].filter((u) => u.status === status).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    const start = nextToken ? Number(nextToken) : 0;
    const items = all.slice(start, start + limit).map(clone);
    return start + limit < all.length ? { items, nextToken: String(start + limit) } : { items };
  }

  async putFace(face: FaceRecordItem): Promise<void> {
    this.check('putFace');
    this.faceItems.set(`${face.userId}/${face.faceId}`, clone(face));
  }

  async deleteFace(userId: string, faceId: string): Promise<void> {
    this.faceItems.delete(`${userId}/${faceId}`);
  }

  async listFaces(userId: string): Promise<FaceRecordItem[]> {
    this.check('listFaces');
    return [...this.faceItems.values()].filter((f) => f.userId === userId).map(clone);
  }

  async getRegistration(registrationId: string): Promise<RegistrationRecord | null> {
    const r = this.registrations.get(registrationId);
    return r ? clone(r) : null;
  }

  async createRegistration(registration: RegistrationRecord): Promise<void> {
    if (this.registrations.has(registration.registrationId)) throw new ConditionFailedError();
    this.registrations.set(registration.registrationId, clone(registration));
  }

  async putRegistration(registration: RegistrationRecord): Promise<void> {
    this.check('putRegistration');
    this.registrations.set(registration.registrationId, clone(registration));
  }

  async restartRegistration(registration: RegistrationRecord, previous: Pick<RegistrationRecord, 'status' | 'updatedAt'>): Promise<void> {
    const stored = this.registrations.get(registration.registrationId);
    if (stored?.status !== previous.status || stored.updatedAt !== previous.updatedAt) throw new ConditionFailedError();
    this.registrations.set(registration.registrationId, clone(registration));
  }

  async appendEvent(event: RegistrationProgress): Promise<void> {
    if (this.events.some((e) => e.registrationId === event.registrationId && e.seq === event.seq)) throw new ConditionFailedError();
    this.events.push(clone(event));
  }

  async listEvents(registrationId: string): Promise<RegistrationProgress[]> {
    return this.events.filter((e) => e.registrationId === registrationId).sort((a, b) => a.seq - b.seq).map(clone);
  }

  async scan(nextToken?: string): Promise<Page<TableItem>> {
    const all: TableItem[] = [
      ...[...this.users.values()].map((user) => ({ type: 'user' as const, user: clone(user) })),
      ...[...this.faceItems.values()].map((face) => ({ type: 'face' as const, face: clone(face) })),
      ...[...this.registrations.values()].map((registration) => ({ type: 'registration' as const, registration: clone(registration) })),
    ];
    return pageOf(all, nextToken);
  }

  async getAttempts(userId: string): Promise<AuthAttempts | null> {
    const a = this.attempts.get(userId);
    return a ? clone(a) : null;
  }

  async putAttempts(attempts: AuthAttempts, expectedVersion: number): Promise<void> {
    if ((this.attempts.get(attempts.userId)?.version ?? 0) !== expectedVersion) throw new ConditionFailedError();
    this.attempts.set(attempts.userId, clone(attempts));
  }

  async deleteAttempts(userId: string): Promise<void> {
    this.attempts.delete(userId);
  }
}

export class FakePublisher implements ProgressPublisher {
  readonly published: RegistrationProgress[] = [];
  async publish(event: RegistrationProgress): Promise<void> {
    this.published.push(clone(event));
  }
}

export class FakeIdReader implements IdDocumentReader {
  constructor(readonly fields: IdCardFields = { fullName: 'Ada Lovelace', documentNumber: 'X123' }) {}
  async read(): Promise<IdCardFields> {
    return this.fields;
  }
}

/** Sign-in accounts by userId; `calls` in order, `failures` make a call fail after it is recorded. */
export class FakeUserDirectory implements UserDirectory, DirectoryInventory {
  readonly accounts = new Set<string>();
  readonly calls: string[] = [];
  readonly failures = new Map<keyof UserDirectory, Error>();

  async ensureUser(userId: string): Promise<boolean> {
    this.calls.push(`ensureUser ${userId}`);
    const failure = this.failures.get('ensureUser');
    if (failure) throw failure;
    if (this.accounts.has(userId)) return false;
    this.accounts.add(userId);
    return true;
  }

  async deleteUser(userId: string): Promise<void> {
    this.calls.push(`deleteUser ${userId}`);
    const failure = this.failures.get('deleteUser');
    if (failure) throw failure;
    this.accounts.delete(userId);
  }

  async listAccounts(nextToken?: string): Promise<Page<string>> {
    return pageOf([...this.accounts].sort(), nextToken);
  }
}

export class MemoryLogger implements Logger {
  readonly lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  info(message: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'info', message, fields });
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'warn', message, fields });
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'error', message, fields });
  }
}

export class ManualClock {
  constructor(public time = Date.parse('2026-11-22T10:00:00.000Z')) {}
  now(): Date {
    return new Date(this.time);
  }
  advance(seconds: number): void {
    this.time += seconds * 1000;
  }
}

export interface World extends Deps {
  faces: FakeFaceEngine;
  records: FakeRecordStore;
  images: FakeImageStore;
  publisher: FakePublisher;
  directory: FakeUserDirectory;
  clock: ManualClock;
  logger: MemoryLogger;
}

export function createWorld(config: Partial<Config> = {}): World {
  const clock = new ManualClock();
  const images = new FakeImageStore(clock);
  return {
    faces: new FakeFaceEngine(images),
    records: new FakeRecordStore(),
    images,
    publisher: new FakePublisher(),
    idReader: new FakeIdReader(),
    directory: new FakeUserDirectory(),
    clock,
    ids: { newId: () => randomUUID() },
    config: { ...defaultConfig, ...config },
    logger: new MemoryLogger(),
    budget: { cleanup: (fn) => fn() },
  };
}

/** Stages an upload as a client would through createUploadUrl, returning its key. */
export function stageUpload(world: World, ...faces: SceneFace[]): string {
  const key = `uploads/selfie/${randomUUID()}.jpg`;
  world.images.put(key, fakeImage(...faces));
  return key;
}

/** Everything a user could have left behind, to assert nothing is. */
export function traces(world: World, userId: string) {
  return {
    collectionFaces: world.faces.facesOf(userId),
    rekognitionUser: world.faces.users.has(userId),
    images: [...world.images.keys(`faces/${userId}/`), ...world.images.keys(`idcards/${userId}/`)],
    profile: world.records.users.get(userId) ?? null,
    faceItems: [...world.records.faceItems.values()].filter((f) => f.userId === userId),
    account: world.directory.accounts.has(userId),
  };
}

export const noTraces = { collectionFaces: [], rekognitionUser: false, images: [], profile: null, faceItems: [], account: false };
