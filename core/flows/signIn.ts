/**
 * Face sign-in through a Cognito user pool's custom authentication flow: what its three Lambda
 * triggers decide, without AWS types (functions/*AuthChallenge*.ts map the trigger events).
 *
 *   Define  → the next step: another face challenge, tokens, or failure (at most
 *             FACEGATE_SIGN_IN_MAX_ANSWERS answers; a locked-out userId fails at once).
 *   Create  → a one-time challenge: a fresh nonce and a presigned PUT of `uploads/signin/<nonce>`.
 *   Verify  → the answer must be that very key, uploaded after the challenge was issued and
 *             before it expired; the selfie then goes through the same decision as the
 *             `authenticate` mutation (decideAuthentication: lockout, screening, 1:N + 1:1,
 *             the same failure counter), and the upload is deleted, so no key answers twice.
 *
 * The client's part: upload the selfie with the challenge's `uploadUrl` and `uploadHeaders`,
 * then answer with `uploadKey`. Unknown usernames run the same steps and are refused like a
 * wrong face (Cognito calls the triggers with userNotFound when PreventUserExistenceErrors is on).
 */
import type { Deps } from '../deps';
import { isFacegateError } from '../errors';
import { UPLOAD_PREFIX, discardStagedUploads, extensionOf, resolveImage } from '../images';
import { assertNotLocked } from '../lockout';
import { validateUserId } from '../validation';
import { decideAuthentication } from './authenticate';
import { issueUploadTicket } from './createUploadUrl';

/** Cognito's name for a challenge a custom-auth trigger defines. */
export const CUSTOM_CHALLENGE = 'CUSTOM_CHALLENGE';
/** Where sign-in selfies are staged: one key per challenge, named by its nonce. */
export const SIGN_IN_UPLOAD_PREFIX = `${UPLOAD_PREFIX}signin/`;
/** challengeMetadata of a face challenge: the prefix, then the nonce. */
const METADATA_PREFIX = 'FACE:';
/**
 * S3 LastModified has whole seconds and S3's clock is not the Lambda's: an upload made just
 * after the challenge may look up to this much older.
 */
export const UPLOAD_CLOCK_TOLERANCE_MS = 5000;

/** One answered challenge of this sign-in, as Cognito hands it to Define (its `session`). */
export interface AnsweredChallenge {
  challengeName: string;
  challengeResult: boolean;
  challengeMetadata?: string;
}

export type SignInStep =
  | { issueTokens: true; failAuthentication: false }
  | { issueTokens: false; failAuthentication: true }
  | { issueTokens: false; failAuthentication: false; challengeName: typeof CUSTOM_CHALLENGE };

const FAIL: SignInStep = { issueTokens: false, failAuthentication: true };

export interface SignInRequest {
  /** The username Cognito was given: the userId. */
  userId: string;
  /** Cognito found no account of that name (PreventUserExistenceErrors). */
  userNotFound: boolean;
}

/**
 * Define Auth Challenge. Tokens only right after a correct answer of an existing account;
 * failure after the last allowed answer or anything this flow did not ask; otherwise a face
 * challenge — unless the userId is locked out, which fails with LOCKED_OUT (a FacegateError: the
 * trigger throws it, Cognito answers UserLambdaValidationException with its message).
 */
export async function nextSignInStep(deps: Deps, request: SignInRequest & { answered: AnsweredChallenge[] }): Promise<SignInStep> {
  const { answered } = request;
  if (!isValidUserId(request.userId)) return FAIL;
  if (answered.some((a) => a.challengeName !== CUSTOM_CHALLENGE || !a.challengeMetadata?.startsWith(METADATA_PREFIX))) return FAIL;
  const last = answered.at(-1);
  if (last?.challengeResult) return request.userNotFound ? FAIL : { issueTokens: true, failAuthentication: false };
  if (answered.length >= deps.config.signInMaxAnswers) return FAIL;
  await assertNotLocked(deps, request.userId);
  return { issueTokens: false, failAuthentication: false, challengeName: CUSTOM_CHALLENGE };
}

export interface FaceChallenge {
  /** What the client sees (ChallengeParameters): all strings, as Cognito requires. */
  publicParameters: {
    uploadUrl: string;
    /** JSON object of the headers the PUT must carry. */
    uploadHeaders: string;
    /** The answer, once the PUT succeeded. */
    uploadKey: string;
    expiresAt: string;
    maxBytes: string;
    /** This challenge's number, 1-based, and how many a sign-in gets. */
    attempt: string;
    maxAttempts: string;
  };
  /** What only Verify sees. */
  privateParameters: { key: string; issuedAt: string; expiresAt: string };
  metadata: string;
}

const CONTENT_TYPES = new Set(['image/jpeg', 'image/png']);

/**
 * Create Auth Challenge: a fresh nonce and the presigned PUT of the key derived from it.
 * `contentType` (the client's ClientMetadata.contentType) is image/jpeg unless it says image/png.
 */
export async function createFaceChallenge(
  deps: Deps,
  request: { answered: AnsweredChallenge[]; contentType?: string | undefined },
): Promise<FaceChallenge> {
  const asked = (request.contentType ?? '').toLowerCase();
  const contentType = CONTENT_TYPES.has(asked) ? asked : 'image/jpeg';
  const nonce = deps.ids.newId();
  const key = `${SIGN_IN_UPLOAD_PREFIX}${nonce}.${extensionOf(contentType)}`;
  const issuedAt = deps.clock.now().toISOString();
  const ticket = await issueUploadTicket(deps, key, contentType);
  return {
    publicParameters: {
      uploadUrl: ticket.url,
      uploadHeaders: ticket.headers,
      uploadKey: ticket.key,
      expiresAt: ticket.expiresAt,
      maxBytes: String(ticket.maxBytes),
      attempt: String(request.answered.length + 1),
      maxAttempts: String(deps.config.signInMaxAnswers),
    },
    privateParameters: { key, issuedAt, expiresAt: ticket.expiresAt },
    metadata: METADATA_PREFIX + nonce,
  };
}

/**
 * Verify Auth Challenge Response: true only when `answer` is this challenge's own key, the
 * object there was uploaded within the challenge's lifetime, and its face is the user's by the
 * same decision as `authenticate`. The challenge's upload is deleted whatever the outcome: a
 * challenge takes one answer.
 */
export async function verifyFaceAnswer(
  deps: Deps,
  request: SignInRequest & { answer: string; privateParameters: Partial<FaceChallenge['privateParameters']> },
): Promise<boolean> {
  const { key, issuedAt, expiresAt } = request.privateParameters;
  const refuse = (why: string) => {
    deps.logger.info('sign-in answer refused', { userId: request.userId, why });
    return false;
  };
  if (!key || !issuedAt || !expiresAt || !key.startsWith(SIGN_IN_UPLOAD_PREFIX)) return refuse('not a face challenge');
  if (request.answer.trim() !== key) return refuse("not this challenge's upload");
  try {
    const issued = Date.parse(issuedAt);
    const expires = Date.parse(expiresAt);
    if (deps.clock.now().getTime() > expires) return refuse('challenge expired');
    const image = await resolveImage(deps, { s3Key: key }, 'image');
    const uploaded = image.uploadedAt?.getTime();
    if (uploaded === undefined || uploaded < issued - UPLOAD_CLOCK_TOLERANCE_MS || uploaded > expires + UPLOAD_CLOCK_TOLERANCE_MS) {
      return refuse('not uploaded during the challenge');
    }
    if (!isValidUserId(request.userId)) return refuse('invalid userId');
    await decideAuthentication(deps, request.userId, image);
    return true;
  } catch (error) {
    if (!isFacegateError(error)) throw error;
    return refuse(error.type);
  } finally {
    await discardStagedUploads(deps, [key]);
  }
}

function isValidUserId(userId: string): boolean {
  try {
    validateUserId(userId);
    return true;
  } catch {
    return false;
  }
}
