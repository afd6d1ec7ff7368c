import type { ImageInput, RegistrationKind, RegistrationResult } from '../../schema/generated/graphql';
import type { Deps } from '../deps';
import { fail, isConditionFailed } from '../errors';
import { extensionOf, requestedStagedKeys, resolveImage, stagedKeysOf, type ResolvedImage } from '../images';
import type { FaceDetail, FaceMatch, IdCardRecord, ImageRef, IndexOutcome, UserRecord } from '../ports';
import type { ProgressReporter } from '../progress';
import { findReplay, runRegistration } from '../registration';
import { registrationPolicy, screenSingleFace, toFaceQuality, type ScreenPolicy } from '../screening';
import type { Undo } from '../undo';
import { validateProperties, validateRegistrationId, validateUserId } from '../validation';
import { settle, firstRejection, value } from './settle';

export interface RegisterCommand {
  userId: string;
  image: ImageInput;
  /** With an ID card: registerWithIdCard. */
  idCard?: ImageInput | null;
  registrationId: string;
  /** AWSJSON: AppSync passes it parsed (an object); JSON text is accepted too. */
  properties?: unknown;
}

export const faceImageKey = (userId: string, faceId: string, contentType: string): string =>
  `faces/${userId}/${faceId}.${extensionOf(contentType)}`;

/**
 * registerUser / registerWithIdCard. Two Rekognition round trips on the critical path:
 *   1. IndexFaces (its FaceDetail is the quality screen) ∥ SearchFacesByImage (duplicates)
 *      ∥ CreateUser [∥ DetectFaces(ID card) ∥ CompareFaces(selfie → card) ∥ read ID fields]
 *   2. AssociateFaces ∥ store images ∥ SearchFaces(new face) to catch a concurrent twin
 *      ∥ the user's sign-in account (UserDirectory: Cognito AdminCreateUser)
 * then the conditional record writes. The userId is reserved first (a PENDING profile), so
 * two registrations of one userId never both reach Rekognition. Any failure after the
 * reservation undoes everything created: face, Rekognition user, images, records.
 */
export async function register(deps: Deps, cmd: RegisterCommand): Promise<RegistrationResult> {
  const kind: RegistrationKind = cmd.idCard ? 'REGISTER_WITH_ID_CARD' : 'REGISTER';
  const userId = validateUserId(cmd.userId);
  const registrationId = validateRegistrationId(cmd.registrationId);
  const properties = validateProperties(cmd.properties);
  const earlier = await findReplay(deps, registrationId, userId, kind, requestedStagedKeys([cmd.image, cmd.idCard]));
  if (earlier) return earlier;
  const [selfie, card] = await Promise.all([
    resolveImage(deps, cmd.image, 'image'),
    cmd.idCard ? resolveImage(deps, cmd.idCard, 'idCard') : Promise.resolve(undefined),
  ]);

  return runRegistration(deps, { registrationId, userId, kind, stagedKeys: stagedKeysOf([selfie, card]) }, async (progress, undo, { token }) => {
    const reservation = await reserveUser(deps, userId, registrationId, properties);
    undo.push('release user reservation', () => deps.records.deleteUserIfRegistration(userId, registrationId));
    const screened = await screenAndIndex(deps, progress, undo, { userId, token, selfie, card });
    return enroll(deps, progress, undo, { userId, registrationId, token, kind, selfie, card, reservation, ...screened });
  });
}

async function reserveUser(deps: Deps, userId: string, registrationId: string, properties: string | undefined): Promise<UserRecord> {
  const now = deps.clock.now();
  const reservation: UserRecord = {
    userId,
    status: 'PENDING',
    faceIds: [],
    registrationId,
    ...(properties ? { properties } : {}),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    version: 0,
  };
  try {
    await deps.records.createUser(reservation);
    return reservation;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
  // A PENDING reservation whose registration died long ago may be taken over, and so may one
  // this very registration left behind in an earlier run (it is being restarted).
  const existing = await deps.records.getUser(userId);
  const abandoned =
    existing?.status === 'PENDING' &&
    (existing.registrationId === registrationId || now.getTime() - Date.parse(existing.updatedAt) > deps.config.pendingTtlSeconds * 1000);
  if (!abandoned) return fail('USER_ALREADY_EXISTS', `User ${userId} already exists`, { userId });
  const takeover = { ...reservation, version: existing!.version + 1 };
  try {
    await deps.records.replaceUser(takeover, existing!.version);
  } catch (error) {
    if (isConditionFailed(error)) fail('USER_ALREADY_EXISTS', `User ${userId} already exists`, { userId });
    throw error;
  }
  deps.logger.warn('took over an abandoned registration', { userId, previousRegistrationId: existing!.registrationId });
  return takeover;
}

interface Screened {
  faceId: string;
  face: FaceDetail;
  /** IndexFaces was retried: an earlier attempt may have left a stray face. */
  mayHaveStrays: boolean;
  idCard?: Omit<IdCardRecord, 'imageKey'>;
}

/** Round 1: index and screen the selfie, look for duplicates, create the Rekognition user, check the card. */
async function screenAndIndex(
  deps: Deps,
  progress: ProgressReporter,
  undo: Undo,
  { userId, token, selfie, card }: { userId: string; token: string; selfie: ResolvedImage; card?: ResolvedImage },
): Promise<Screened> {
  const { faces, config } = deps;
  progress.emit('SCREENING', 'STARTED');
  progress.emit('DUPLICATE_CHECK', 'STARTED');
  if (card) progress.emit('ID_CARD_MATCH', 'STARTED');

  const [indexed, duplicates, userCreated, cardFaces, cardSimilarity, cardFields] = await settle([
    faces.indexFace(selfie.ref, userId),
    faces.searchFacesByImage(selfie.ref, { threshold: config.duplicateThreshold, maxResults: 5 }),
    faces.createUser(userId, token),
    card ? faces.detectFaces(card.ref) : Promise.resolve([]),
    card ? faces.compareFaces(selfie.ref, card.ref, config.idCardThreshold) : Promise.resolve(null),
    card ? deps.idReader.read(card.ref) : Promise.resolve({}),
  ] as const);

  // Whatever was created is undone on failure, whichever call failed.
  const faceId = indexed.status === 'fulfilled' ? indexed.value.indexed?.faceId : undefined;
  if (faceId) undo.push('delete indexed face', () => faces.deleteFaces([faceId]));
  const mayHaveStrays = indexed.status === 'rejected' || indexed.value.retried === true;
  if (mayHaveStrays) undo.push('delete stray faces', () => removeStrayFaces(deps, selfie.ref, userId, faceId ? [faceId] : []));
  // Even when CreateUser found the user existing: this request holds the userId's reservation,
  // so a Rekognition user of that id can only be a leftover of an abandoned attempt.
  if (userCreated.status === 'fulfilled') undo.push('delete Rekognition user', () => faces.deleteUser(userId));
  const failure = firstRejection([indexed, duplicates, userCreated, cardFaces, cardSimilarity, cardFields]);
  if (failure) throw failure;

  const face = screenIndexed(value(indexed), registrationPolicy(config), progress);
  progress.emit('SCREENING', 'SUCCEEDED', 'One clear face');

  checkDuplicates(value(duplicates), userId, faceId!, progress);

  let idCard: Screened['idCard'];
  if (card) {
    try {
      screenSingleFace(value(cardFaces), idCardPolicy(deps), 'idCard');
    } catch (error) {
      progress.emit('ID_CARD_MATCH', 'FAILED', 'The ID card needs exactly one clear face');
      throw error;
    }
    const similarity = value(cardSimilarity);
    if (similarity === null || similarity < config.idCardThreshold) {
      progress.emit('ID_CARD_MATCH', 'FAILED', 'The selfie does not match the ID card', 'FACE_MISMATCH_ID_CARD');
      fail('FACE_MISMATCH_ID_CARD', 'The selfie does not match the face on the ID card', { threshold: config.idCardThreshold });
    }
    progress.emit('ID_CARD_MATCH', 'SUCCEEDED', `Similarity ${similarity!.toFixed(1)}`);
    idCard = { similarity: similarity!, ...value(cardFields) };
  }
  return { faceId: faceId!, face, mayHaveStrays, ...(idCard ? { idCard } : {}) };
}

/** The FaceDetail IndexFaces returns is exactly DetectFaces' ALL: screen on it. */
export function screenIndexed(outcome: IndexOutcome, policy: ScreenPolicy, progress: ProgressReporter): FaceDetail {
  const all = [...(outcome.indexed ? [outcome.indexed.detail] : []), ...outcome.unindexed.map((u) => u.detail)];
  try {
    const face = screenSingleFace(all, policy, 'image');
    if (!outcome.indexed) {
      const reasons = outcome.unindexed.flatMap((u) => u.reasons);
      fail('POOR_QUALITY', `The face in image could not be indexed: ${reasons.join(', ')}`, { field: 'image', reasons });
    }
    return face;
  } catch (error) {
    progress.emit('SCREENING', 'FAILED', error instanceof Error ? error.message : String(error));
    throw error;
  }
}

function checkDuplicates(matches: FaceMatch[], userId: string, ownFaceId: string, progress: ProgressReporter): void {
  const others = matches.filter((m) => m.userId !== userId && m.faceId !== ownFaceId);
  if (others.length > 0) {
    progress.emit('DUPLICATE_CHECK', 'FAILED', 'This face is already registered', 'FACE_ALREADY_REGISTERED');
    // The owner's userId is not disclosed.
    fail('FACE_ALREADY_REGISTERED', 'This face is already registered to another user', {});
  }
  progress.emit('DUPLICATE_CHECK', 'SUCCEEDED', 'No other user has this face');
}

/** ID card portraits are small and printed: only the face count and confidence matter. */
const idCardPolicy = ({ config }: Deps): ScreenPolicy => ({
  minConfidence: config.minFaceConfidence,
  maxPoseDegrees: config.authMaxPoseDegrees,
  minBrightness: 0,
  minSharpness: 0,
  minFaceWidthRatio: 0,
  minAttributeConfidence: 101,
});

interface EnrollInput extends Screened {
  userId: string;
  registrationId: string;
  /** This attempt's Rekognition idempotency token. */
  token: string;
  kind: RegistrationKind;
  selfie: ResolvedImage;
  card?: ResolvedImage;
  reservation: UserRecord;
}

/** Round 2 and the records: associate, store images, settle a concurrent twin, open the sign-in account, then commit. */
async function enroll(deps: Deps, progress: ProgressReporter, undo: Undo, input: EnrollInput): Promise<RegistrationResult> {
  const { faces, images, records, config, clock, ids } = deps;
  const { userId, registrationId, token, faceId, selfie, card, reservation } = input;
  progress.emit('INDEXING', 'STARTED');
  const imageKey = faceImageKey(userId, faceId, selfie.contentType);
  const cardKey = card ? `idcards/${userId}/${ids.newId()}.${extensionOf(card.contentType)}` : undefined;
  undo.push('delete stored images', () => images.delete(cardKey ? [imageKey, cardKey] : [imageKey]));

  const [associated, savedSelfie, savedCard, twins, account] = await settle([
    faces.associateFaces(userId, [faceId], token),
    images.save(selfie.ref, imageKey, selfie.contentType),
    card && cardKey ? images.save(card.ref, cardKey, card.contentType) : Promise.resolve(),
    faces.searchFaces(faceId, { threshold: config.duplicateThreshold, maxResults: 5 }),
    deps.directory.ensureUser(userId),
  ] as const);
  // An account that was there already (an operator's, or left by an interrupted erasure) is linked, not owned: only ours is undone.
  if (account.status === 'fulfilled' && account.value) undo.push('delete sign-in account', () => deps.directory.deleteUser(userId));
  const failure = firstRejection([associated, savedSelfie, savedCard, twins, account]);
  if (failure) throw failure;
  await settleTwins(deps, value(twins), userId, faceId, progress);
  progress.emit('INDEXING', 'SUCCEEDED', `Face ${faceId} indexed`);

  progress.emit('SAVING', 'STARTED');
  const now = clock.now().toISOString();
  const quality = toFaceQuality(input.face);
  await records.putFace({ userId, faceId, imageKey, quality, indexedAt: now });
  undo.push('delete face record', () => records.deleteFace(userId, faceId));
  const user: UserRecord = {
    ...reservation,
    status: 'ACTIVE',
    faceIds: [faceId],
    ...(input.idCard && cardKey ? { idCard: { imageKey: cardKey, ...input.idCard } } : {}),
    updatedAt: now,
    version: reservation.version + 1,
  };
  try {
    await records.replaceUser(user, reservation.version);
  } catch (error) {
    if (isConditionFailed(error)) fail('CONFLICT', 'The user changed while registering (deleted or taken over)', { userId });
    throw error;
  }
  undo.clear();
  progress.emit('SAVING', 'SUCCEEDED');
  if (input.mayHaveStrays) await removeStrayFaces(deps, selfie.ref, userId, [faceId]).catch((error: unknown) => deps.logger.error('stray faces not removed: possible orphans', { userId, error: String(error) }));
  return {
    registrationId,
    userId,
    kind: input.kind,
    status: 'SUCCEEDED',
    faceId,
    quality,
    idCardSimilarity: input.idCard ? input.idCard.similarity : null,
    removedFaceIds: [],
    completedAt: now,
  };
}

/**
 * IndexFaces has no idempotency token: an attempt that timed out may still have indexed a face,
 * and the retry indexed another. Faces under this userId's ExternalImageId that the flow does
 * not keep are such strays — found with the selfie itself and deleted. (The caller holds the
 * userId: a registration's reservation, or an update that keeps the user's own faces.)
 */
export async function removeStrayFaces(deps: Deps, image: ImageRef, userId: string, keep: string[]): Promise<void> {
  const matches = await deps.faces.searchFacesByImage(image, { threshold: deps.config.duplicateThreshold, maxResults: 10 });
  const strays = matches.filter((m) => m.userId === userId && !keep.includes(m.faceId)).map((m) => m.faceId);
  if (strays.length === 0) return;
  await deps.faces.deleteFaces(strays);
  deps.logger.warn('removed stray faces left by a retried IndexFaces', { userId, faceIds: strays });
}

/**
 * Two registrations of one face under different userIds may both pass the duplicate check
 * before either indexed. Each then sees the other's face; both apply the same rule, so exactly
 * one survives: an already active owner wins, else the smaller FaceId.
 */
async function settleTwins(deps: Deps, twins: FaceMatch[], userId: string, faceId: string, progress: ProgressReporter): Promise<void> {
  for (const twin of twins.filter((m) => m.userId !== userId)) {
    const owner = await deps.records.getUser(twin.userId);
    if (owner?.status === 'ACTIVE' || twin.faceId < faceId) {
      progress.emit('DUPLICATE_CHECK', 'FAILED', 'This face was registered concurrently', 'FACE_ALREADY_REGISTERED');
      fail('FACE_ALREADY_REGISTERED', 'This face is already registered to another user', {});
    }
  }
}
