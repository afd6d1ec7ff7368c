import type { RegistrationKind, RegistrationResult } from '../schema/generated/graphql';
import type { Deps } from './deps';
import { FacegateError, fail, isConditionFailed, isFacegateError } from './errors';
import { discardStagedUploads, type ResolvedImage } from './images';
import type { RegistrationRecord } from './ports';
import { ProgressReporter } from './progress';
import { Undo } from './undo';

/**
 * A registration's lifecycle, keyed by its registrationId (the client's idempotency token):
 * the first request creates it; a repeat of a finished one gets the same outcome again; a
 * repeat while it runs, or for another user or kind, is a CONFLICT.
 */
export type Begun = { replay: RegistrationResult } | { record: RegistrationRecord };

/**
 * The outcome of an earlier request with this registrationId, or null when there was none.
 * Checked before anything else, so a retry does not trip over inputs the first request
 * consumed (its staged upload is deleted once enrolled).
 */
export async function findReplay(deps: Deps, registrationId: string, userId: string, kind: RegistrationKind): Promise<RegistrationResult | null> {
  const existing = await deps.records.getRegistration(registrationId);
  return existing ? replay(existing, userId, kind) : null;
}

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
  return { replay: replay(existing, userId, kind) };
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
  body: (progress: ProgressReporter, undo: Undo) => Promise<RegistrationResult>,
): Promise<RegistrationResult> {
  const { registrationId, userId, kind } = run;
  const begun = await beginRegistration(deps, registrationId, userId, kind);
  if ('replay' in begun) return begun.replay;

  const progress = new ProgressReporter(deps, registrationId, userId);
  const undo = new Undo();
  progress.emit('STARTED', 'SUCCEEDED', STARTED[kind]);
  try {
    const result = await body(progress, undo);
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
