/**
 * The ports the flows talk through. No AWS types here: adapters translate to and from
 * Rekognition, DynamoDB and S3, so the flows can run against in-memory fakes.
 */
import type {
  ErrorType,
  FaceQuality,
  RegistrationKind,
  RegistrationProgress,
  RegistrationResult,
  RegistrationStatus,
  UserStatus,
} from '../schema/generated/graphql';

/** An image as the face engine reads it: an object in the project's bucket, or bytes. */
export type ImageRef = { kind: 's3'; key: string } | { kind: 'bytes'; bytes: Uint8Array };

export interface BoundingBox {
  width: number;
  height: number;
  left: number;
  top: number;
}

export interface Verdict {
  value: boolean;
  confidence: number;
}

/** What Rekognition tells of one face (DetectFaces ALL / IndexFaces FaceDetail). */
export interface FaceDetail {
  boundingBox: BoundingBox;
  confidence: number;
  pose: { yaw: number; pitch: number; roll: number };
  quality: { brightness: number; sharpness: number };
  sunglasses?: Verdict;
  eyesOpen?: Verdict;
}

/** Why Rekognition declined to index a face (its UnindexedFace Reasons). */
export type UnindexedReason =
  | 'EXCEEDS_MAX_FACES'
  | 'EXTREME_POSE'
  | 'LOW_BRIGHTNESS'
  | 'LOW_SHARPNESS'
  | 'LOW_CONFIDENCE'
  | 'SMALL_BOUNDING_BOX'
  | 'LOW_FACE_QUALITY';

/** Why the quality screen (core/screening.ts) refuses a face: POOR_QUALITY's errorInfo.reasons. */
export type QualityReason =
  | 'LOW_CONFIDENCE'
  | 'EXTREME_POSE'
  | 'SUNGLASSES'
  | 'EYES_CLOSED'
  | 'LOW_BRIGHTNESS'
  | 'LOW_SHARPNESS'
  | 'FACE_TOO_SMALL';

export interface IndexOutcome {
  /** The face that was indexed (MaxFaces = 1), if any. */
  indexed: { faceId: string; detail: FaceDetail } | null;
  unindexed: { detail: FaceDetail; reasons: UnindexedReason[] }[];
  /**
   * The call was retried: IndexFaces has no idempotency token, so an earlier attempt that timed
   * out may have indexed a face too (a stray, under the same ExternalImageId).
   */
  retried?: boolean;
}

export interface FaceMatch {
  faceId: string;
  /** The ExternalImageId the face was indexed with: the owner's userId. */
  userId: string;
  similarity: number;
}

export interface UserMatch {
  userId: string;
  similarity: number;
}

export interface SearchOptions {
  threshold: number;
  maxResults: number;
}

/** The face engine: Amazon Rekognition in AWS, the local Rekognition-compatible engine offline. */
export interface FaceEngine {
  detectFaces(image: ImageRef): Promise<FaceDetail[]>;
  /** IndexFaces with MaxFaces = 1, QualityFilter AUTO, ExternalImageId = userId, all attributes. */
  indexFace(image: ImageRef, userId: string): Promise<IndexOutcome>;
  /** Faces like the largest face in the image; [] when the image has no face. */
  searchFacesByImage(image: ImageRef, options: SearchOptions): Promise<FaceMatch[]>;
  /** Faces like an indexed face (the face itself excluded). */
  searchFaces(faceId: string, options: SearchOptions): Promise<FaceMatch[]>;
  /** Rekognition users like the largest face in the image; [] when the image has no face. */
  searchUsersByImage(image: ImageRef, options: SearchOptions): Promise<UserMatch[]>;
  /** Similarity of the source's largest face to the best-matching target face, or null below the threshold. */
  compareFaces(source: ImageRef, target: ImageRef, threshold: number): Promise<number | null>;
  /** Creates the Rekognition user; idempotent for the same token. false when another request made it. */
  createUser(userId: string, token: string): Promise<boolean>;
  associateFaces(userId: string, faceIds: string[], token: string): Promise<void>;
  disassociateFaces(userId: string, faceIds: string[]): Promise<void>;
  /** Deletes faces (disassociate them first); faces already gone count as deleted. */
  deleteFaces(faceIds: string[]): Promise<void>;
  /** Deletes the user and disassociates its faces; a missing user is not an error. */
  deleteUser(userId: string): Promise<void>;
}

export interface IdCardFields {
  fullName?: string;
  documentNumber?: string;
  dateOfBirth?: string;
  expiresOn?: string;
}

/** Reads identity fields from an ID document on the server (Textract AnalyzeID in AWS). */
export interface IdDocumentReader {
  read(image: ImageRef): Promise<IdCardFields>;
}

export interface IdCardRecord extends IdCardFields {
  imageKey: string;
  similarity: number;
}

export interface UserRecord {
  userId: string;
  status: UserStatus;
  /** Newest first. */
  faceIds: string[];
  /** The registration that created or last changed this record. */
  registrationId: string;
  idCard?: IdCardRecord;
  properties?: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface FaceRecordItem {
  userId: string;
  faceId: string;
  imageKey: string;
  quality: FaceQuality;
  indexedAt: string;
}

export interface RegistrationRecord {
  registrationId: string;
  userId: string;
  kind: RegistrationKind;
  status: RegistrationStatus;
  faceId?: string;
  errorType?: ErrorType;
  errorMessage?: string;
  errorInfo?: Record<string, unknown>;
  result?: RegistrationResult;
  /** The client's staged uploads this registration reads (a concurrent request with the same registrationId must not delete them). */
  stagedKeys?: string[];
  startedAt: string;
  updatedAt: string;
  /**
   * 1 (or absent) for the first attempt; a retry that takes over an attempt abandoned past the
   * pending TTL (its process died) counts up. Rekognition idempotency tokens are per attempt.
   */
  attempt?: number;
}

export interface AuthAttempts {
  userId: string;
  failures: number;
  windowStart: string;
  lockedUntil?: string;
  version: number;
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/**
 * Face metadata, registrations and lockout counters (DynamoDB). Writes that must not race are
 * conditional and throw ConditionFailedError when the condition does not hold.
 */
export interface RecordStore {
  getUser(userId: string): Promise<UserRecord | null>;
  /** Puts a user that must not exist yet. */
  createUser(user: UserRecord): Promise<void>;
  /** Replaces a user whose stored version is `expectedVersion`. */
  replaceUser(user: UserRecord, expectedVersion: number): Promise<void>;
  /** Deletes the profile only if it still belongs to `registrationId` (rollback). */
  deleteUserIfRegistration(userId: string, registrationId: string): Promise<void>;
  /** Deletes the profile, face items and attempts of a user; returns how many face items went. */
  deleteUserData(userId: string): Promise<number>;
  listUsers(status: UserStatus, limit: number, nextToken?: string): Promise<Page<UserRecord>>;

  putFace(face: FaceRecordItem): Promise<void>;
  deleteFace(userId: string, faceId: string): Promise<void>;
  listFaces(userId: string): Promise<FaceRecordItem[]>;

  getRegistration(registrationId: string): Promise<RegistrationRecord | null>;
  /** Puts a registration that must not exist yet. */
  createRegistration(registration: RegistrationRecord): Promise<void>;
  putRegistration(registration: RegistrationRecord): Promise<void>;
  /**
   * Replaces a registration that is still as it was read (same status and updatedAt): a retry
   * taking over one that failed retryably or was abandoned (the record carries the new attempt). Two retries never both win.
   */
  restartRegistration(registration: RegistrationRecord, previous: Pick<RegistrationRecord, 'status' | 'updatedAt'>): Promise<void>;
  /** Appends a progress event; `seq` makes it unique. */
  appendEvent(event: RegistrationProgress): Promise<void>;
  listEvents(registrationId: string): Promise<RegistrationProgress[]>;

  getAttempts(userId: string): Promise<AuthAttempts | null>;
  /** Writes attempts whose stored version is `expectedVersion` (0 = must not exist). */
  putAttempts(attempts: AuthAttempts, expectedVersion: number): Promise<void>;
  deleteAttempts(userId: string): Promise<void>;
}

export interface StoredObject {
  size: number;
  contentType?: string;
  /** When the object was written (S3 LastModified: whole seconds). */
  lastModified?: Date;
}

/** Images in S3: staged uploads under uploads/, enrolled faces under faces/<userId>/. */
export interface ImageStore {
  describe(key: string): Promise<StoredObject | null>;
  /** Stores an image under `key`: a copy of a staged object, or the bytes. */
  save(image: ImageRef, key: string, contentType: string): Promise<void>;
  delete(keys: string[]): Promise<void>;
  /** Deletes everything under a prefix; returns how many objects went. */
  deletePrefix(prefix: string): Promise<number>;
  presignUpload(key: string, contentType: string, expiresInSeconds: number): Promise<{ url: string; headers: Record<string, string> }>;
  /** A presigned GET of `key` (the bucket is private: this is how a browser may show an image). */
  presignDownload(key: string, expiresInSeconds: number): Promise<string>;
}

/**
 * The sign-in accounts of enrolled users (the end users' Cognito user pool in AWS, the local
 * Cognito-compatible endpoint offline). An account is named by the userId and has no usable
 * password: users sign in with their face (the pool's custom authentication triggers).
 */
export interface UserDirectory {
  /** Creates the account, or links the one that exists; true when this call created it. */
  ensureUser(userId: string): Promise<boolean>;
  /** Deletes the account; a missing one is not an error. */
  deleteUser(userId: string): Promise<void>;
}

/** Fans progress out to subscribers (AppSync publishRegistrationProgress in AWS). */
export interface ProgressPublisher {
  publish(event: RegistrationProgress): Promise<void>;
}

/** A face as ListFaces shows it: its owner's userId as ExternalImageId, and the user it is associated with. */
export interface CollectionFace {
  faceId: string;
  externalImageId?: string;
  userId?: string;
}

export interface ObjectSummary {
  key: string;
  size: number;
  lastModified?: string;
}

/** A table item as the doctor reads it (progress events and lockout counters are left out). */
export type TableItem =
  | { type: 'user'; user: UserRecord }
  | { type: 'face'; face: FaceRecordItem }
  | { type: 'registration'; registration: RegistrationRecord };

/**
 * Listing everything a store holds, page by page: what `facegate doctor` compares. The flows
 * never list; these are separate from the flows' ports so that the flows cannot.
 */
export interface FaceInventory {
  /** ListFaces of the whole collection. */
  listFaces(nextToken?: string): Promise<Page<CollectionFace>>;
  /** ListUsers: the Rekognition users' ids. */
  listUsers(nextToken?: string): Promise<Page<string>>;
}

export interface RecordInventory {
  /** A Scan of the table: profiles, face records and registrations. */
  scan(nextToken?: string): Promise<Page<TableItem>>;
}

export interface DirectoryInventory {
  /** ListUsers of the end users' pool: the accounts' usernames (= userIds). */
  listAccounts(nextToken?: string): Promise<Page<string>>;
}

export interface ImageInventory {
  /** ListObjectsV2 under `prefix`. */
  list(prefix: string, nextToken?: string): Promise<Page<ObjectSummary>>;
}

export interface Clock {
  now(): Date;
}

/**
 * The time budget a flow runs in (one step Lambda invocation: no AWS call starts or retries
 * past it). A rollback, and the recording of an outcome, must finish even when the flow ran out
 * of it: `cleanup` runs them with a short grace of their own.
 */
export interface TimeBudget {
  cleanup<T>(fn: () => Promise<T>): Promise<T>;
}

export interface IdGenerator {
  newId(): string;
}

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}
