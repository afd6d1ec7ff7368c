import { runWithinBudget } from '../../adapters/aws/budget';
import { isFacegateError, type FacegateError } from '../../core/errors';
import type { Deps } from '../../core/deps';
import type { Logger } from '../../core/ports';
import type { LambdaContext } from './handler';
import { createLogger } from './logger';
import { createDeps } from './wiring';

/** What a Cognito trigger does with the event: fill in its `response`. */
export type Trigger<Event> = (deps: Deps, event: Event) => Promise<void>;

/**
 * A Cognito user-pool trigger Lambda: runs the trigger and hands the event back with its
 * response, as Cognito expects. A throw is how a trigger refuses outright: Cognito answers the
 * client UserLambdaValidationException with the message, so an expected failure keeps its
 * errorType in front and its errorInfo as JSON at the end (refusalMessage) — what a client reads
 * back, e.g. LOCKED_OUT's retryAfter — and anything else says only INTERNAL (logged here).
 * Dependencies are built once per container. Cognito waits 5 s for a trigger: its AWS calls run
 * within TRIGGER_BUDGET_MS (less when the Lambda has less left), retries included.
 */
export function triggerHandler<Event extends { triggerSource: string }>(trigger: Trigger<Event>, makeDeps: (logger: Logger) => Deps = createDeps) {
  const logger = createLogger();
  let deps: Deps | undefined;
  return async (event: Event, context?: LambdaContext): Promise<Event> => {
    const started = Date.now();
    try {
      deps ??= makeDeps(logger);
      const ready = deps;
      await runWithinBudget(triggerBudgetMs(context), () => trigger(ready, event));
      logger.info('trigger done', { trigger: event.triggerSource, ms: Date.now() - started });
      return event;
    } catch (error) {
      if (isFacegateError(error)) {
        logger.info('trigger refused', { trigger: event.triggerSource, errorType: error.type, ms: Date.now() - started });
        throw new Error(refusalMessage(error));
      }
      logger.error('trigger failed', { trigger: event.triggerSource, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
      throw new Error('INTERNAL: an unexpected error occurred');
    }
  };
}

/** Cognito's 5 s wait for a trigger, less a second for the answer to travel back. */
export const TRIGGER_BUDGET_MS = 4_000;

function triggerBudgetMs(context: LambdaContext | undefined): number {
  const remaining = context?.getRemainingTimeInMillis?.();
  return remaining === undefined ? TRIGGER_BUDGET_MS : Math.max(0, Math.min(TRIGGER_BUDGET_MS, remaining - 1_000));
}

/** "LOCKED_OUT: Too many failed attempts: try again later {"retryAfter":"…"}": the errorType, the message, the errorInfo (when any). */
export function refusalMessage(error: FacegateError): string {
  return `${error.type}: ${error.message}${Object.keys(error.info).length > 0 ? ` ${JSON.stringify(error.info)}` : ''}`;
}
