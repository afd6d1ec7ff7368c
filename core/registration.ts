import type { RegistrationKind, RegistrationResult } from '../schema/generated/graphql';
import type { Deps } from './deps';
import { FacegateError, RETRYABLE_ERRORS, fail, isConditionFailed, isFacegateError, isRetryable } from './errors';
import { discardStagedUploads } from './images';
import type { Config } from './config';
import type { Clock, RegistrationRecord } from './ports';
import { ProgressReporter } from './progress';
import { Undo } from './undo';

/**
 * A registration's lifecycle, keyed by its registrationId (the client's idempotency token):
 * the first request creates it; a repeat of a decided one gets the same outcome again; a
 * repeat while it runs, or for another user or kind, is a CONFLICT. A registration that ended
 * with a retryable error (THROTTLED, UNAVAILABLE, INTERNAL, LOCKED_OUT), or that was abandoned
 * in progress (its process died) for longer than the reservation TTL, is run again by a retry.
 *
 * A restart is a new attempt (`attempt` counts up): its Rekognition calls carry tokens of their
 * own (attemptToken), so they never get the cached answer of the attempt that failed or died.
 *
 * Staged uploads: a decided registration (success or a final refusal) discards them; one that
 * ended retryably keeps them for the retry. A request answered from an earlier registration
 * (replay, CONFLICT) discards its own — except any the earlier registration still reads.
 */
export type Begun =
  | { replay: RegistrationResult }
  | { record: RegistrationRecord; firstSeq: number; /** what the restarted attempt had come to */ previous?: RegistrationRecord['status'] };

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

/** May a retry with this registrationId run it again? (It failed retryably, or was abandoned.) */
export function isRestartable(deps: Deps, existing: RegistrationRecord): boolean {
  if (existing.status === 'FAILED') return existing.errorType === undefined || RETRYABLE_ERRORS.has(existing.errorType);
  return isAbandoned(deps, existing);
}

/** The ClientRequestToken of this attempt's Rekognition calls. */
export const attemptToken = (record: Pick<RegistrationRecord, 'registrationId' | 'attempt'>): string =>
  (record.attempt ?? 1) > 1 ? `${record.registrationId}#${record.attempt}` : record.registrationId;

/**
 * The outcome of an earlier request with this registrationId, or null when this request is to
 * run (there was none, or it may be restarted). Checked before anything else, so a retry does
 * not trip over inputs the first request consumed (its staged upload is deleted once enrolled).
 * `requestKeys`: the staged uploads this request names, discarded when it is answered from the
 * earlier registration.
 */
export async function findReplay(
  deps: Deps,
  registrationId: string,
  userId: string,
  kind: RegistrationKind,
  requestKeys: string[],
): Promise<RegistrationResult | null> {
  const existing = await deps.records.getRegistration(registrationId);
  if (!existing || isRestartable(deps, existing)) return null;
  return answerFrom(deps, existing, userId, kind, requestKeys);
}

async function beginRegistration(deps: Deps, run: RegistrationRun, stagedKeys: string[]): Promise<Begun> {
  const { registrationId, userId, kind } = run;
  const now = deps.clock.now().toISOString();
  const record: RegistrationRecord = { registrationId, userId, kind, status: 'IN_PROGRESS', stagedKeys, startedAt: now, updatedAt: now };
  try {
    await deps.records.createRegistration(record);
    return { record, firstSeq: 1 };
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
  const existing = await deps.records.getRegistration(registrationId);
  if (existing && isRestartable(deps, existing)) {
    const restarted: RegistrationRecord = { ...record, attempt: (existing.attempt ?? 1) + 1 };
    try {
      await deps.records.restartRegistration(restarted, existing);
      deps.logger.warn('registration restarted', { registrationId, attempt: restarted.attempt, previous: existing.status, errorType: existing.errorType });
      const events = await deps.records.listEvents(registrationId);
      return { record: restarted, firstSeq: Math.max(0, ...events.map((e) => e.seq)) + 1, previous: existing.status };
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
    // Another retry restarted it first: answer from that one.
    return { replay: await answerFrom(deps, (await deps.records.getRegistration(registrationId)) ?? existing, userId, kind, stagedKeys) };
  }
  if (!existing) {
    await discardStagedUploads(deps, stagedKeys);
    return fail('CONFLICT', 'This registrationId belongs to another registration', { registrationId });
  }
  return { replay: await answerFrom(deps, existing, userId, kind, stagedKeys) };
}

/** Answers a request from the registration its registrationId names, discarding the request's own staged uploads. */
async function answerFrom(deps: Deps, existing: RegistrationRecord, userId: string, kind: RegistrationKind, requestKeys: string[]): Promise<RegistrationResult> {
  const inUse = new Set(existing.stagedKeys ?? []);
  try {
    return replay(existing, userId, kind);
  } finally {
    await discardStagedUploads(deps, requestKeys.filter((key) => !inUse.has(key)));
  }
}

function replay(existing: RegistrationRecord, userId: string, kind: RegistrationKind): RegistrationResult {
  const { registrationId } = existing;
  if (existing.userId !== userId || existing.kind !== kind) {
    fail('CONFLICT', 'This registrationId belongs to another registration', { registrationId });
  }
  if (existing.status === 'SUCCEEDED' && existing.result) return existing.result;
  if (existing.status === 'FAILED') {
    throw new FacegateError(existing.errorType ?? 'INTERNAL', existing.errorMessage ?? 'Registration failed', existing.errorInfo ?? {});
  }
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
  /** The client's staged uploads this registration reads. */
  stagedKeys: string[];
}

const STARTED: Record<RegistrationKind, string> = {
  REGISTER: 'Registration started',
  REGISTER_WITH_ID_CARD: 'Registration with ID card started',
  UPDATE_PHOTO: 'Photo update started',
};

/**
 * The frame every registration runs in: begin (restart, or replay), STARTED, the body, then
 * either SUCCEEDED with the outcome recorded, or the undo stack run in reverse, the error
 * recorded and COMPLETED/FAILED published. Progress is flushed before returning, so a
 * subscriber has every event by the time the mutation answers. Staged uploads are discarded
 * once the registration is decided, and kept when it failed retryably.
 */
export async function runRegistration(
  deps: Deps,
  run: RegistrationRun,
  body: (progress: ProgressReporter, undo: Undo, attempt: { token: string }) => Promise<RegistrationResult>,
): Promise<RegistrationResult> {
  const { registrationId, userId, kind, stagedKeys } = run;
  const begun = await beginRegistration(deps, run, stagedKeys);
  if ('replay' in begun) return begun.replay;
  const attempt = begun.record.attempt ?? 1;

  const progress = new ProgressReporter(deps, registrationId, userId, begun.firstSeq);
  const undo = new Undo();
  progress.emit('STARTED', 'SUCCEEDED', attempt > 1 ? `${STARTED[kind]} again (attempt ${attempt})` : STARTED[kind]);
  try {
    // An attempt that died (never one that failed: its rollback ran) may have committed the enrollment already.
    const committed = begun.previous === 'IN_PROGRESS' ? await committedResult(deps, begun.record) : null;
    const result = committed ?? (await body(progress, undo, { token: attemptToken(begun.record) }));
    await finishRegistration(deps, begun.record, result);
    progress.emit('COMPLETED', 'SUCCEEDED', `Face ${result.faceId} enrolled`);
    await progress.flush();
    // Staged uploads have served their purpose once copied; their lifecycle rule is the backstop.
    await discardStagedUploads(deps, stagedKeys);
    return result;
  } catch (caught) {
    const error = toFacegateError(deps, caught, { registrationId, userId, flow: kind });
    // The body may have run out of its time budget: the rollback and the record get a grace of their own.
    await deps.budget.cleanup(async () => {
      if (undo.size > 0) {
        progress.emit('ROLLBACK', 'STARTED');
        const failed = await undo.run(deps.logger, { registrationId, userId });
        progress.emit('ROLLBACK', failed.length === 0 ? 'SUCCEEDED' : 'FAILED', failed.length === 0 ? 'Nothing was kept' : `Could not undo: ${failed.join(', ')}`);
      }
      await finishRegistration(deps, begun.record, error);
      progress.emit('COMPLETED', 'FAILED', error.message, error.type);
      await progress.flush();
      // A decided refusal has no further use for the photos; a retryable failure keeps them for the retry.
      if (!isRetryable(error)) await discardStagedUploads(deps, stagedKeys);
    });
    throw error;
  }
}
