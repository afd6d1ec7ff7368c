import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Logger } from '../../core/ports';

/** Structured JSON logs (Powertools) behind core's Logger port. Never pass image bytes here. */
export function createLogger(serviceName = 'facegate'): Logger & { appendKeys(keys: Record<string, unknown>): void } {
  const logger = new PowertoolsLogger({ serviceName });
  return {
    info: (message, fields) => logger.info(message, fields ?? {}),
    warn: (message, fields) => logger.warn(message, fields ?? {}),
    error: (message, fields) => logger.error(message, fields ?? {}),
    appendKeys: (keys) => logger.appendKeys(keys),
  };
}
