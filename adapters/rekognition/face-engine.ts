/**
 * FaceEngine on Amazon Rekognition (or the local Rekognition-compatible engine: same wire
 * protocol, only the endpoint differs).
 *
 * Decisions:
 * - Search calls (SearchFacesByImage, SearchUsersByImage) send QualityFilter NONE explicitly.
 *   The flows screen image quality themselves (DetectFaces ALL) and a quality filter here would
 *   turn a poor image of an enrolled face into "no match": a duplicate check that silently
 *   passes. Indexing uses AUTO, as the design asks.
 * - Rekognition answers a search on an image without a face with InvalidParameterException
 *   "There are no faces in the image. Should be at least 1." We map any InvalidParameterException
 *   whose message says there is no face in the image to [] (and to null for CompareFaces).
 * - Ids are checked against Rekognition's patterns before the call, so a bad client userId is an
 *   INVALID_INPUT FacegateError instead of an opaque InvalidParameterException. Idempotency
 *   tokens that do not fit Rekognition's token pattern are replaced by their SHA-256 hex digest
 *   (deterministic, so retries stay idempotent).
 */
import { createHash } from 'node:crypto';
import {
  AssociateFacesCommand,
  CompareFacesCommand,
  CreateUserCommand,
  DeleteFacesCommand,
  DeleteUserCommand,
  DetectFacesCommand,
  DisassociateFacesCommand,
  IndexFacesCommand,
  ListFacesCommand,
  ListUsersCommand,
  SearchFacesByImageCommand,
  SearchFacesCommand,
  SearchUsersByImageCommand,
} from '@aws-sdk/client-rekognition';
import type {
  FaceDetail as RekFaceDetail,
  FaceMatch as RekFaceMatch,
  Image,
  RekognitionClient,
} from '@aws-sdk/client-rekognition';
import { FacegateError } from '../../core/errors';
import type {
  CollectionFace,
  FaceDetail,
  FaceEngine,
  FaceInventory,
  FaceMatch,
  ImageRef,
  IndexOutcome,
  Page,
  SearchOptions,
  UnindexedReason,
  UserMatch,
} from '../../core/ports';

export interface RekognitionFaceEngineOptions {
  client: RekognitionClient;
  collectionId: string;
  /** The bucket `{kind: 's3'}` image keys live in. */
  bucket: string;
}

/** Rekognition's UserId pattern and length (CreateUser, AssociateFaces, …). */
const USER_ID_PATTERN = /^[a-zA-Z0-9_.\-:]+$/;
const USER_ID_MAX = 128;
/** ExternalImageId: same alphabet, up to 255. */
const EXTERNAL_IMAGE_ID_MAX = 255;
/** FaceIds are UUIDs. */
const FACE_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** ClientRequestToken: ^[a-zA-Z0-9-_]+$, 1–64. */
const TOKEN_PATTERN = /^[a-zA-Z0-9\-_]{1,64}$/;
/** DeleteFaces takes at most 4096 ids per call. */
/**
 * What the quality screen reads: the default set (box, confidence, pose, quality, landmarks)
 * plus EyesOpen and Sunglasses. Asking for these alone rather than ALL spares Rekognition (and
 * the local engine) the age, gender and emotion models.
 */
export const SCREEN_ATTRIBUTES = ['DEFAULT', 'EYES_OPEN', 'SUNGLASSES'] as const;

export const DELETE_FACES_CHUNK = 4096;
/** AssociateFaces / DisassociateFaces take at most 100 ids (a user holds at most 100 faces). */
export const USER_FACES_MAX = 100;
/** The largest pages ListFaces and ListUsers give. */
export const LIST_FACES_MAX = 4096;
export const LIST_USERS_MAX = 500;

const UNINDEXED_REASONS: ReadonlySet<string> = new Set<UnindexedReason>([
  'EXCEEDS_MAX_FACES',
  'EXTREME_POSE',
  'LOW_BRIGHTNESS',
  'LOW_SHARPNESS',
  'LOW_CONFIDENCE',
  'SMALL_BOUNDING_BOX',
  'LOW_FACE_QUALITY',
]);

/** InvalidParameterException messages that mean "the image has no face". */
const NO_FACE_MESSAGE = /\bno faces?\b[^.]*\bin the (?:source |target |input )?image\b/i;

const errorName = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null && 'name' in e && typeof e.name === 'string' ? e.name : undefined;

const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** True when Rekognition refused the call because the image holds no face. */
export const isNoFaceError = (e: unknown): boolean =>
  errorName(e) === 'InvalidParameterException' && NO_FACE_MESSAGE.test(errorMessage(e));

/** Image errors the client can fix become FacegateErrors; anything else propagates unchanged. */
function translateImageError(e: unknown): never {
  switch (errorName(e)) {
    case 'InvalidImageFormatException':
      throw new FacegateError('INVALID_IMAGE', 'The image format is not supported (use JPEG or PNG).', {
        cause: 'InvalidImageFormatException',
      });
    case 'InvalidS3ObjectException':
      throw new FacegateError('INVALID_IMAGE', 'The uploaded image cannot be read.', { cause: 'InvalidS3ObjectException' });
    case 'ImageTooLargeException':
      throw new FacegateError('IMAGE_TOO_LARGE', 'The image is larger than the face engine accepts.', {
        cause: 'ImageTooLargeException',
      });
    default:
      throw e;
  }
}

function checkUserId(userId: string): void {
  if (userId.length > USER_ID_MAX || !USER_ID_PATTERN.test(userId)) {
    throw new FacegateError('INVALID_INPUT', 'userId must be 1–128 characters of a-z, A-Z, 0-9, _ . - :', {
      field: 'userId',
    });
  }
}

function checkExternalImageId(id: string): void {
  if (id.length > EXTERNAL_IMAGE_ID_MAX || !USER_ID_PATTERN.test(id)) {
    throw new FacegateError('INVALID_INPUT', 'userId must be 1–255 characters of a-z, A-Z, 0-9, _ . - :', {
      field: 'userId',
    });
  }
}

function checkFaceIds(faceIds: string[]): void {
  for (const id of faceIds) {
    if (!FACE_ID_PATTERN.test(id)) {
      throw new FacegateError('INVALID_INPUT', `Not a face id: ${JSON.stringify(id)}`, { field: 'faceId' });
    }
  }
}

/** A token Rekognition accepts: the token itself when it fits, else its SHA-256 hex digest. */
export function rekognitionToken(token: string): string {
  return TOKEN_PATTERN.test(token) ? token : createHash('sha256').update(token).digest('hex');
}

export function toFaceDetail(d: RekFaceDetail | undefined): FaceDetail {
  const detail: FaceDetail = {
    boundingBox: {
      width: d?.BoundingBox?.Width ?? 0,
      height: d?.BoundingBox?.Height ?? 0,
      left: d?.BoundingBox?.Left ?? 0,
      top: d?.BoundingBox?.Top ?? 0,
    },
    confidence: d?.Confidence ?? 0,
    pose: { yaw: d?.Pose?.Yaw ?? 0, pitch: d?.Pose?.Pitch ?? 0, roll: d?.Pose?.Roll ?? 0 },
    quality: { brightness: d?.Quality?.Brightness ?? 0, sharpness: d?.Quality?.Sharpness ?? 0 },
  };
  if (d?.Sunglasses?.Value !== undefined) {
    detail.sunglasses = { value: d.Sunglasses.Value, confidence: d.Sunglasses.Confidence ?? 0 };
  }
  if (d?.EyesOpen?.Value !== undefined) {
    detail.eyesOpen = { value: d.EyesOpen.Value, confidence: d.EyesOpen.Confidence ?? 0 };
  }
  return detail;
}

const toFaceMatch = (m: RekFaceMatch): FaceMatch | null => {
  const faceId = m.Face?.FaceId;
  if (!faceId) return null;
  return { faceId, userId: m.Face?.ExternalImageId ?? m.Face?.UserId ?? '', similarity: m.Similarity ?? 0 };
};

const chunk = <T>(items: T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

/** A face that is already gone counts as done; any other reason (or none given) is a failure. */
const onlyFaceNotFound = (reasons: string[] | undefined): boolean =>
  reasons !== undefined && reasons.length > 0 && reasons.every((r) => r === 'FACE_NOT_FOUND');

const describeFailures = (failed: { FaceId?: string; Reasons?: string[] }[]): string =>
  failed.map((f) => `${f.FaceId ?? '?'}: ${(f.Reasons ?? []).join('|') || 'unknown'}`).join(', ');

export class RekognitionFaceEngine implements FaceEngine, FaceInventory {
  private readonly client: RekognitionClient;
  private readonly collectionId: string;
  private readonly bucket: string;

  constructor({ client, collectionId, bucket }: RekognitionFaceEngineOptions) {
    this.client = client;
    this.collectionId = collectionId;
    this.bucket = bucket;
  }

  private image(ref: ImageRef): Image {
    return ref.kind === 's3' ? { S3Object: { Bucket: this.bucket, Name: ref.key } } : { Bytes: ref.bytes };
  }

  async detectFaces(image: ImageRef): Promise<FaceDetail[]> {
    const out = await this.client
      .send(new DetectFacesCommand({ Image: this.image(image), Attributes: [...SCREEN_ATTRIBUTES] }))
      .catch(translateImageError);
    return (out.FaceDetails ?? []).map(toFaceDetail);
  }

  async indexFace(image: ImageRef, userId: string): Promise<IndexOutcome> {
    checkExternalImageId(userId);
    const out = await this.client
      .send(
        new IndexFacesCommand({
          CollectionId: this.collectionId,
          Image: this.image(image),
          ExternalImageId: userId,
          MaxFaces: 1,
          QualityFilter: 'AUTO',
          DetectionAttributes: [...SCREEN_ATTRIBUTES],
        }),
      )
      .catch(translateImageError);
    const record = out.FaceRecords?.[0];
    const faceId = record?.Face?.FaceId;
    const retried = (out.$metadata?.attempts ?? 1) > 1;
    return {
      ...(retried ? { retried } : {}),
      indexed: faceId ? { faceId, detail: toFaceDetail(record.FaceDetail) } : null,
      unindexed: (out.UnindexedFaces ?? []).map((u) => ({
        detail: toFaceDetail(u.FaceDetail),
        reasons: (u.Reasons ?? []).filter((r): r is UnindexedReason => UNINDEXED_REASONS.has(r)),
      })),
    };
  }

  async searchFacesByImage(image: ImageRef, { threshold, maxResults }: SearchOptions): Promise<FaceMatch[]> {
    try {
      const out = await this.client.send(
        new SearchFacesByImageCommand({
          CollectionId: this.collectionId,
          Image: this.image(image),
          FaceMatchThreshold: threshold,
          MaxFaces: maxResults,
          QualityFilter: 'NONE',
        }),
      );
      return (out.FaceMatches ?? []).map(toFaceMatch).filter((m): m is FaceMatch => m !== null);
    } catch (e) {
      if (isNoFaceError(e)) return [];
      return translateImageError(e);
    }
  }

  async searchFaces(faceId: string, { threshold, maxResults }: SearchOptions): Promise<FaceMatch[]> {
    checkFaceIds([faceId]);
    const out = await this.client.send(
      new SearchFacesCommand({
        CollectionId: this.collectionId,
        FaceId: faceId,
        FaceMatchThreshold: threshold,
        MaxFaces: maxResults,
      }),
    );
    return (out.FaceMatches ?? [])
      .map(toFaceMatch)
      .filter((m): m is FaceMatch => m !== null && m.faceId !== faceId);
  }

  async searchUsersByImage(image: ImageRef, { threshold, maxResults }: SearchOptions): Promise<UserMatch[]> {
    try {
      const out = await this.client.send(
        new SearchUsersByImageCommand({
          CollectionId: this.collectionId,
          Image: this.image(image),
          UserMatchThreshold: threshold,
          MaxUsers: maxResults,
          QualityFilter: 'NONE',
        }),
      );
      const matches: UserMatch[] = [];
      for (const m of out.UserMatches ?? []) {
        const userId = m.User?.UserId;
        if (userId) matches.push({ userId, similarity: m.Similarity ?? 0 });
      }
      return matches;
    } catch (e) {
      if (isNoFaceError(e)) return [];
      return translateImageError(e);
    }
  }

  async compareFaces(source: ImageRef, target: ImageRef, threshold: number): Promise<number | null> {
    try {
      const out = await this.client.send(
        new CompareFacesCommand({
          SourceImage: this.image(source),
          TargetImage: this.image(target),
          SimilarityThreshold: threshold,
        }),
      );
      let best: number | null = null;
      for (const m of out.FaceMatches ?? []) {
        const s = m.Similarity;
        if (s !== undefined && s >= threshold && (best === null || s > best)) best = s;
      }
      return best;
    } catch (e) {
      // No face in the source image: nothing can match.
      if (isNoFaceError(e)) return null;
      return translateImageError(e);
    }
  }

  async createUser(userId: string, token: string): Promise<boolean> {
    checkUserId(userId);
    try {
      await this.client.send(
        new CreateUserCommand({
          CollectionId: this.collectionId,
          UserId: userId,
          ClientRequestToken: rekognitionToken(token),
        }),
      );
      return true;
    } catch (e) {
      // "A User with the same Id already exists within the collection": another request made it.
      if (errorName(e) === 'ConflictException') return false;
      throw e;
    }
  }

  async associateFaces(userId: string, faceIds: string[], token: string): Promise<void> {
    checkUserId(userId);
    if (faceIds.length === 0) return;
    if (faceIds.length > USER_FACES_MAX) throw new Error(`AssociateFaces takes at most ${USER_FACES_MAX} faces`);
    checkFaceIds(faceIds);
    const out = await this.client.send(
      new AssociateFacesCommand({
        CollectionId: this.collectionId,
        UserId: userId,
        FaceIds: faceIds,
        ClientRequestToken: rekognitionToken(token),
      }),
    );
    const failed = out.UnsuccessfulFaceAssociations ?? [];
    if (failed.length > 0) throw new Error(`AssociateFaces failed for user ${userId}: ${describeFailures(failed)}`);
  }

  /** FACE_NOT_FOUND and a missing user are tolerated (nothing to disassociate); other failures throw. */
  async disassociateFaces(userId: string, faceIds: string[]): Promise<void> {
    checkUserId(userId);
    if (faceIds.length === 0) return;
    if (faceIds.length > USER_FACES_MAX) throw new Error(`DisassociateFaces takes at most ${USER_FACES_MAX} faces`);
    checkFaceIds(faceIds);
    try {
      const out = await this.client.send(
        new DisassociateFacesCommand({ CollectionId: this.collectionId, UserId: userId, FaceIds: faceIds }),
      );
      const failed = (out.UnsuccessfulFaceDisassociations ?? []).filter((f) => !onlyFaceNotFound(f.Reasons));
      if (failed.length > 0) throw new Error(`DisassociateFaces failed for user ${userId}: ${describeFailures(failed)}`);
    } catch (e) {
      if (errorName(e) === 'ResourceNotFoundException') return;
      throw e;
    }
  }

  async deleteFaces(faceIds: string[]): Promise<void> {
    if (faceIds.length === 0) return;
    checkFaceIds(faceIds);
    for (const ids of chunk(faceIds, DELETE_FACES_CHUNK)) {
      const out = await this.client.send(new DeleteFacesCommand({ CollectionId: this.collectionId, FaceIds: ids }));
      const failed = (out.UnsuccessfulFaceDeletions ?? []).filter((f) => !onlyFaceNotFound(f.Reasons));
      if (failed.length > 0) throw new Error(`DeleteFaces failed: ${describeFailures(failed)}`);
    }
  }

  async deleteUser(userId: string): Promise<void> {
    checkUserId(userId);
    try {
      await this.client.send(new DeleteUserCommand({ CollectionId: this.collectionId, UserId: userId }));
    } catch (e) {
      if (errorName(e) === 'ResourceNotFoundException') return;
      throw e;
    }
  }

  async listFaces(nextToken?: string): Promise<Page<CollectionFace>> {
    const out = await this.client.send(
      new ListFacesCommand({ CollectionId: this.collectionId, MaxResults: LIST_FACES_MAX, ...(nextToken ? { NextToken: nextToken } : {}) }),
    );
    const items: CollectionFace[] = [];
    for (const f of out.Faces ?? []) {
      if (!f.FaceId) continue;
      items.push({
        faceId: f.FaceId,
        ...(f.ExternalImageId ? { externalImageId: f.ExternalImageId } : {}),
        ...(f.UserId ? { userId: f.UserId } : {}),
      });
    }
    return { items, ...(out.NextToken ? { nextToken: out.NextToken } : {}) };
  }

  async listUsers(nextToken?: string): Promise<Page<string>> {
    const out = await this.client.send(
      new ListUsersCommand({ CollectionId: this.collectionId, MaxResults: LIST_USERS_MAX, ...(nextToken ? { NextToken: nextToken } : {}) }),
    );
    const items = (out.Users ?? []).map((u) => u.UserId).filter((id): id is string => typeof id === 'string');
    return { items, ...(out.NextToken ? { nextToken: out.NextToken } : {}) };
  }
}
