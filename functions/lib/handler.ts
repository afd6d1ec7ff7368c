import { runWithinBudget } from '../../adapters/aws/budget';
import { isFacegateError } from '../../core/errors';
import type { Deps } from '../../core/deps';
import type { Logger } from '../../core/ports';
import type { StepEvent, StepName, StepResponse } from './contract';
import { createLogger } from './logger';
import { createDeps } from './wiring';

export type Step = (deps: Deps, event: StepEvent) => Promise<unknown>;

/**
 * A step Lambda: parses the AppSync Invoke payload, runs the step's flow, and returns
 * `{result}` or `{error}`. Expected failures keep their errorType; anything else is logged
 * and answered as INTERNAL, never thrown (a throw would reach AppSync as Lambda:Unhandled).
 * Dependencies are built once per container and reused across invocations.
 *
 * Each invocation runs within a time budget (config.stepBudgetMs, less when the Lambda has less
 * time left, keeping the cleanup grace and a second of margin): past it no AWS call starts or
 * retries, so a slow dependency ends in UNAVAILABLE instead of AppSync's 30 s timeout.
 */
export function stepHandler(steps: Partial<Record<StepName, Step>>, makeDeps: (logger: Logger) => Deps = createDeps) {
  const logger = createLogger();
  let deps: Deps | undefined;
  return async (event: StepEvent, context?: LambdaContext): Promise<StepResponse> => {
    const started = Date.now();
    const step = event && typeof event === 'object' ? event.step : undefined;
    const run = step ? steps[step] : undefined;
    if (!run || typeof event.args !== 'object' || event.args === null) {
      logger.error('unknown step or malformed event', { step: String(step) });
      return { error: { type: 'INTERNAL', message: `This function does not serve step ${String(step)}`, info: {} } };
    }
    try {
      deps ??= makeDeps(logger);
      const ready = deps;
      const result = await runWithinBudget(budgetOf(ready.config, context), () => run(ready, { ...event, stash: event.stash ?? {} }));
      logger.info('step succeeded', { step, ms: Date.now() - started });
      return { result };
    } catch (error) {
      if (isFacegateError(error)) {
        logger.info('step refused', { step, errorType: error.type, ms: Date.now() - started });
        return { error: { type: error.type, message: error.message, info: error.info } };
      }
      logger.error('step failed', { step, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error), ms: Date.now() - started });
      return { error: { type: 'INTERNAL', message: 'An unexpected error occurred', info: {} } };
    }
  };
}

/** What the handler reads of the Lambda context (absent when invoked in-process). */
export interface LambdaContext {
  getRemainingTimeInMillis?(): number;
}

function budgetOf(config: Deps['config'], context: LambdaContext | undefined): number {
  const remaining = context?.getRemainingTimeInMillis?.();
  if (remaining === undefined) return config.stepBudgetMs;
  return Math.max(0, Math.min(config.stepBudgetMs, remaining - config.cleanupGraceMs - 1_000));
}

/** The registrationId the pipeline's before step stashed (the client's token or a fresh id). */
export function registrationIdOf(event: StepEvent): string {
  const stashed = event.stash.registrationId;
  if (typeof stashed !== 'string' || stashed === '') throw new Error('registrationId missing from the stash: invoke through the pipeline resolver');
  return stashed;
}
