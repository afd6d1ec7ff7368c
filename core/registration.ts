import type { RegistrationKind, RegistrationResult } from '../schema/generated/graphql';
import type { Deps } from './deps';
import { FacegateError, fail, isConditionFailed, isFacegateError } from './errors';
import { discardStagedUploads, type ResolvedImage } from './images';
import type { Config } from './config';
import type { Clock, RegistrationRecord } from './ports';
import { ProgressReporter } from './progress';
import { Undo } from './undo';

/**
 * A registration's lifecycle, keyed by its registrationId (the client's idempotency token):
 * the first request creates it; a repeat of a finished one gets the same outcome again; a
 * repeat while it runs, or for another user or kind, is a CONFLICT; a repeat of one abandoned
 * longer than the pending TTL takes it over (a new attempt).
 */
export type Begun = { replay: RegistrationResult } | { record: RegistrationRecord };

/**
 * The outcome of an earlier request with this registrationId, or null when there was none (or
 * it was abandoned: see beginRegistration). Checked before anything else, so a retry does not
 * trip over inputs the first request consumed (its staged upload is deleted once enrolled).
 */
export async function findReplay(deps: Deps, registrationId: string, userId: string, kind: RegistrationKind): Promise<RegistrationResult | null> {
  const existing = await deps.records.getRegistration(registrationId);
  return existing ? replay(deps, existing, userId, kind) : null;
}

/**
 * An IN_PROGRESS registration not updated for longer than the pending TTL: the request that ran
 * it is gone (a killed process, a timed-out Lambda) and a retry may take it over.
 */
export function isAbandoned(
  deps: { clock: Clock; config: Pick<Config, 'pendingTtlSeconds'> },
  registration: Pick<RegistrationRecord, 'status' | 'updatedAt'>,
): boolean {
  return (
    registration.status === 'IN_PROGRESS' &&
    deps.clock.now().getTime() - Date.parse(registration.updatedAt) > deps.config.pendingTtlSeconds * 1000
  );
}

/** The ClientRequestToken of this attempt's Rekognition calls: a retry must not get an abandoned attempt's cached answer. */
export const attemptToken = (record: Pick<RegistrationRecord, 'registrationId' | 'attempt'>): string =>
  (record.attempt ?? 1) > 1 ? `${record.registrationId}#${record.attempt}` : record.registrationId;

export async function beginRegistration(
  deps: Deps,
  registrationId: string,
  userId: string,
  kind: RegistrationKind,
): Promise<Begun> {
  const now = deps.clock.now().toISOString();
  const record: RegistrationRecord = { registrationId, userId, kind, status: 'IN_PROGRESS', startedAt: now, updatedAt: now };
  try {
    await deps.records.createRegistration(record);
    return { record };
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
  const existing = await deps.records.getRegistration(registrationId);
  if (!existing) return fail('CONFLICT', 'This registrationId belongs to another registration', { registrationId });
  const earlier = replay(deps, existing, userId, kind);
  if (earlier) return { replay: earlier };
  // Abandoned: take it over, conditionally, so of two retries only one goes on.
  const takeover: RegistrationRecord = { ...record, attempt: (existing.attempt ?? 1) + 1 };
  try {
    await deps.records.replaceRegistration(takeover, existing.updatedAt);
  } catch (error) {
    if (isConditionFailed(error)) fail('CONFLICT', 'This registration is still in progress', { registrationId });
    throw error;
  }
  deps.logger.warn('took over an abandoned registration attempt', { registrationId, userId, attempt: takeover.attempt, abandonedAt: existing.updatedAt });
  return { record: takeover };
}

/** The earlier outcome to answer again; null for an abandoned attempt, which a retry takes over. */
function replay(deps: Deps, existing: RegistrationRecord, userId: string, kind: RegistrationKind): RegistrationResult | null {
  const { registrationId } = existing;
  if (existing.userId !== userId || existing.kind !== kind) {
    fail('CONFLICT', 'This registrationId belongs to another registration', { registrationId });
  }
  if (existing.status === 'SUCCEEDED' && existing.result) return existing.result;
  if (existing.status === 'FAILED') {
    throw new FacegateError(existing.errorType ?? 'INTERNAL', existing.errorMessage ?? 'Registration failed', existing.errorInfo ?? {});
  }
  if (isAbandoned(deps, existing)) return null;
  return fail('CONFLICT', 'This registration is still in progress', { registrationId });
}

/**
 * An abandoned attempt may have died after it switched the profile (its last write) but before
 * it recorded the outcome: the enrollment is done, and the retry answers it instead of redoing it.
 */
async function committedResult(deps: Deps, record: RegistrationRecord): Promise<RegistrationResult | null> {
  const { registrationId, userId, kind } = record;
  const profile = await deps.records.getUser(userId);
  const faceId = profile?.faceIds[0];
  if (profile?.status !== 'ACTIVE' || profile.registrationId !== registrationId || !faceId) return null;
  const face = (await deps.records.listFaces(userId)).find((f) => f.faceId === faceId);
  if (!face) return null;
  return {
    registrationId,
    userId,
    kind,
    status: 'SUCCEEDED',
    faceId,
    quality: face.quality,
    idCardSimilarity: kind === 'REGISTER_WITH_ID_CARD' ? (profile.idCard?.similarity ?? null) : null,
    // What the attempt evicted is not known any more; `npx facegate doctor` finds faces it left.
    removedFaceIds: [],
    completedAt: profile.updatedAt,
  };
}

export async function finishRegistration(deps: Deps, record: RegistrationRecord, outcome: RegistrationResult | FacegateError): Promise<void> {
  const updatedAt = deps.clock.now().toISOString();
  const finished: RegistrationRecord = isFacegateError(outcome)
    ? { ...record, status: 'FAILED', errorType: outcome.type, errorMessage: outcome.message, errorInfo: outcome.info, updatedAt }
    : { ...record, status: 'SUCCEEDED', faceId: outcome.faceId, result: outcome, updatedAt };
  try {
    await deps.records.putRegistration(finished);
  } catch (error) {
    deps.logger.error('registration outcome not recorded', { registrationId: record.registrationId, error: String(error) });
  }
}

/** Expected failures keep their type; anything else becomes INTERNAL, logged with its cause. */
export function toFacegateError(deps: Deps, error: unknown, context: Record<string, unknown>): FacegateError {
  if (isFacegateError(error)) return error;
  deps.logger.error('unexpected failure', { ...context, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  return new FacegateError('INTERNAL', 'An unexpected error occurred; nothing was changed', {});
}

export interface RegistrationRun {
  registrationId: string;
  userId: string;
  kind: RegistrationKind;
  /** The client's staged uploads, removed once the registration succeeded. */
  staged: (ResolvedImage | undefined)[];
}

const STARTED: Record<RegistrationKind, string> = {
  REGISTER: 'Registration started',
  REGISTER_WITH_ID_CARD: 'Registration with ID card started',
  UPDATE_PHOTO: 'Photo update started',
};

/**
 * The frame every registration runs in: begin (or replay), STARTED, the body, then either
 * SUCCEEDED with the outcome recorded, or the undo stack run in reverse, the error recorded and
 * COMPLETED/FAILED published. Progress is flushed before returning, so a subscriber has every
 * event by the time the mutation answers.
 */
export async function runRegistration(
  deps: Deps,
  run: RegistrationRun,
  body: (progress: ProgressReporter, undo: Undo, attempt: { token: string }) => Promise<RegistrationResult>,
): Promise<RegistrationResult> {
  const { registrationId, userId, kind } = run;
  const begun = await beginRegistration(deps, registrationId, userId, kind);
  if ('replay' in begun) return begun.replay;
  const attempt = begun.record.attempt ?? 1;

  // A takeover continues the abandoned attempt's event history rather than colliding with it.
  const lastSeq = attempt > 1 ? Math.max(0, ...(await deps.records.listEvents(registrationId)).map((e) => e.seq)) : 0;
  const progress = new ProgressReporter(deps, registrationId, userId, lastSeq);
  const undo = new Undo();
  progress.emit('STARTED', 'SUCCEEDED', attempt > 1 ? `${STARTED[kind]} again (attempt ${attempt}; the previous one was interrupted)` : STARTED[kind]);
  try {
    const result = (attempt > 1 ? await committedResult(deps, begun.record) : null) ?? (await body(progress, undo, { token: attemptToken(begun.record) }));
    await finishRegistration(deps, begun.record, result);
    progress.emit('COMPLETED', 'SUCCEEDED', `Face ${result.faceId} enrolled`);
    await progress.flush();
    // Staged uploads have served their purpose once copied; their lifecycle rule is the backstop.
    await discardStagedUploads(deps, run.staged);
    return result;
  } catch (caught) {
    const error = toFacegateError(deps, caught, { registrationId, userId, flow: kind });
    if (undo.size > 0) {
      progress.emit('ROLLBACK', 'STARTED');
      const failed = await undo.run(deps.logger, { registrationId, userId });
      progress.emit('ROLLBACK', failed.length === 0 ? 'SUCCEEDED' : 'FAILED', failed.length === 0 ? 'Nothing was kept' : `Could not undo: ${failed.join(', ')}`);
    }
    await finishRegistration(deps, begun.record, error);
    progress.emit('COMPLETED', 'FAILED', error.message, error.type);
    await progress.flush();
    throw error;
  }
}
