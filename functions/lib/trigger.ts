import { isFacegateError, type FacegateError } from '../../core/errors';
import type { Deps } from '../../core/deps';
import type { Logger } from '../../core/ports';
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
 * Dependencies are built once per container.
 */
export function triggerHandler<Event extends { triggerSource: string }>(trigger: Trigger<Event>, makeDeps: (logger: Logger) => Deps = createDeps) {
  const logger = createLogger();
  let deps: Deps | undefined;
  return async (event: Event): Promise<Event> => {
    const started = Date.now();
    try {
      deps ??= makeDeps(logger);
      await trigger(deps, event);
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

/** "LOCKED_OUT: Too many failed attempts: try again later {"retryAfter":"…"}": the errorType, the message, the errorInfo (when any). */
export function refusalMessage(error: FacegateError): string {
  return `${error.type}: ${error.message}${Object.keys(error.info).length > 0 ? ` ${JSON.stringify(error.info)}` : ''}`;
}
