import type { ErrorType, RegistrationProgress, RegistrationStep, StepStatus } from '../schema/generated/graphql';
import type { Deps } from './deps';

/**
 * Emits a registration's progress events in order: each is appended to the registration's
 * history (for late subscribers) and then published to live subscribers. Emitting does not
 * block the flow; `flush` waits for everything emitted so far. A failure to record or publish
 * is logged and never fails the registration: progress is a view, not the outcome.
 */
export class ProgressReporter {
  private seq: number;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: Pick<Deps, 'records' | 'publisher' | 'clock' | 'logger'>,
    readonly registrationId: string,
    readonly userId: string,
    /** The seq of the first event: 1, or after the events of an earlier run of a restarted registration. */
    firstSeq = 1,
  ) {
    this.seq = firstSeq - 1;
  }

  emit(step: RegistrationStep, status: StepStatus, message?: string, errorType?: ErrorType): void {
    this.seq += 1;
    const event: RegistrationProgress = {
      registrationId: this.registrationId,
      userId: this.userId,
      seq: this.seq,
      step,
      status,
      message: message ?? null,
      errorType: errorType ?? null,
      at: this.deps.clock.now().toISOString(),
    };
    this.chain = this.chain.then(() => this.deliver(event));
  }

  flush(): Promise<void> {
    return this.chain;
  }

  private async deliver(event: RegistrationProgress): Promise<void> {
    const { records, publisher, logger } = this.deps;
    const fields = { registrationId: event.registrationId, seq: event.seq, step: event.step, status: event.status };
    try {
      await records.appendEvent(event);
    } catch (error) {
      logger.warn('progress event not recorded', { ...fields, error: String(error) });
    }
    try {
      await publisher.publish(event);
    } catch (error) {
      logger.warn('progress event not published', { ...fields, error: String(error) });
    }
  }
}
