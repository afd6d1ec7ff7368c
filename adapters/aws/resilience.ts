/**
 * How the adapters' AWS SDK clients behave under throttling, failures and slowness:
 *
 * - Retries: throttling (ThrottlingException, ProvisionedThroughputExceededException, SlowDown…)
 *   and transient errors (5xx, timeouts, dropped connections) are retried with exponential
 *   backoff and jitter, at most `maxAttempts` attempts, and never past the invocation's time
 *   budget (./budget.ts). No client-wide retry quota: the attempt cap and the budget bound the
 *   extra load a retry can add, and a quota shared by a long-lived process would make one
 *   request's luck depend on the failures of others.
 * - Each attempt gives up after `requestTimeoutMs` without an answer; a call still running when
 *   the budget ends is aborted.
 * - When the retries could not help, the error becomes a typed, retryable FacegateError:
 *   THROTTLED or UNAVAILABLE, with errorInfo.retryAfter (seconds). Every other error (a
 *   condition that failed, a missing object, a bad image…) reaches the adapter unchanged.
 */
import type { Config } from '../../core/config';
import { FacegateError, isFacegateError } from '../../core/errors';
import { budgetLeftMs } from './budget';

export interface RetrySettings {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  requestTimeoutMs: number;
  /** errorInfo.retryAfter, seconds. */
  retryAfterSeconds: number;
}

export const retrySettings = (config: Config): RetrySettings => ({
  maxAttempts: Math.max(1, Math.floor(config.awsMaxAttempts)),
  baseDelayMs: config.awsRetryBaseMs,
  maxDelayMs: config.awsRetryMaxDelayMs,
  requestTimeoutMs: config.awsRequestTimeoutMs,
  retryAfterSeconds: config.retryAfterSeconds,
});

/** The SDK's RetryToken / RetryErrorInfo (@smithy/types), as much of them as is read here. */
interface RetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
}
interface RetryErrorInfo {
  errorType: 'THROTTLING' | 'TRANSIENT' | 'SERVER_ERROR' | 'CLIENT_ERROR';
}

const token = (retries: number, delay: number): RetryToken => ({ getRetryCount: () => retries, getRetryDelay: () => delay });

/** The SDK's RetryStrategyV2: the retry middleware asks it before each retry and sleeps the token's delay. */
export class BudgetedRetryStrategy {
  readonly mode = 'standard';

  constructor(private readonly settings: Pick<RetrySettings, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs'>) {}

  async acquireInitialRetryToken(): Promise<RetryToken> {
    return token(0, 0);
  }

  async refreshRetryTokenForRetry(previous: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    if (info.errorType !== 'THROTTLING' && info.errorType !== 'TRANSIENT') throw new Error('not retryable');
    const retries = previous.getRetryCount() + 1;
    if (retries >= this.settings.maxAttempts) throw new Error('no attempts left');
    const delay = this.delay(retries);
    const left = budgetLeftMs();
    if (left !== undefined && delay >= left) throw new Error('no time left in the budget');
    return token(retries, delay);
  }

  recordSuccess(): void {}

  /** Equal jitter: half the capped exponential delay, plus up to as much again at random. */
  delay(retry: number): number {
    const ceiling = Math.min(this.settings.maxDelayMs, this.settings.baseDelayMs * 2 ** (retry - 1));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }
}

/** Client configuration for every adapter's SDK client. */
export function sdkClientOptions(settings: RetrySettings) {
  return {
    maxAttempts: settings.maxAttempts,
    retryStrategy: new BudgetedRetryStrategy(settings),
    // throwOnRequestTimeout: without it the SDK only warns when an attempt overruns its timeout.
    requestHandler: { requestTimeout: settings.requestTimeoutMs, connectionTimeout: Math.min(settings.requestTimeoutMs, 3_000), throwOnRequestTimeout: true },
  };
}

/** Error names the services use for throttling (the SDK retries them as THROTTLING). */
const THROTTLING = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'SlowDown',
  'TooManyRequestsException',
  'Throttling',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
]);
/** A slow or lost answer: the attempt's timeout, the budget's abort, a dropped connection. */
const NO_ANSWER = new Set(['TimeoutError', 'AbortError', 'RequestTimeout', 'RequestTimeoutException']);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

interface SdkErrorLike {
  name?: string;
  code?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

/** A throttling or unavailability error as a typed FacegateError; anything else unchanged. */
export function toServiceFailure(error: unknown, service: string, retryAfterSeconds: number): unknown {
  if (isFacegateError(error) || typeof error !== 'object' || error === null) return error;
  const e = error as SdkErrorLike;
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode ?? 0;
  const info = { retryAfter: retryAfterSeconds, service };
  if (THROTTLING.has(name) || status === 429 || e.$retryable?.throttling === true) {
    return new FacegateError('THROTTLED', `${service} is throttling requests (${name}); nothing was changed, try again in ${retryAfterSeconds} s`, info);
  }
  if (NO_ANSWER.has(name) || NETWORK_CODES.has(e.code ?? '') || status >= 500 || (e.$fault === 'server' && status === 0)) {
    return new FacegateError('UNAVAILABLE', `${service} failed or did not answer in time (${name}); nothing was changed, try again in ${retryAfterSeconds} s`, info);
  }
  return error;
}

interface SendingClient {
  // The SDK clients' send is overloaded and generic; any command in, its output out.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  send(command: any, options?: any): Promise<any>;
}

/**
 * Makes a client's `send` keep to the invocation's budget (a call still running at its end is
 * aborted; none starts after it) and answer throttling and unavailability as typed errors.
 */
export function budgeted<C extends SendingClient>(client: C, service: string, settings: Pick<RetrySettings, 'retryAfterSeconds'>): C {
  const send = client.send.bind(client);
  const sendWithinBudget = async (command: unknown, options?: Record<string, unknown>): Promise<unknown> => {
    const left = budgetLeftMs();
    if (left !== undefined && left <= 0) {
      throw new FacegateError('UNAVAILABLE', `The request ran out of time before calling ${service}; nothing was changed, try again in ${settings.retryAfterSeconds} s`, {
        retryAfter: settings.retryAfterSeconds,
        service,
      });
    }
    try {
      return await send(command, left === undefined ? options : { ...options, abortSignal: AbortSignal.timeout(left) });
    } catch (error) {
      throw toServiceFailure(error, service, settings.retryAfterSeconds);
    }
  };
  client.send = sendWithinBudget as C['send'];
  return client;
}
