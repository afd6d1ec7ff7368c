/**
 * The adapters' SDK clients under faults: which errors become THROTTLED / UNAVAILABLE, the retry
 * strategy's backoff and limits, and — with a real SDK client behind a fault proxy — retries that
 * recover, retries that give up, and a budget that ends a slow call instead of waiting for it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvocationBudget, budgetLeftMs, runWithinBudget } from '../../adapters/aws/budget';
import { BudgetedRetryStrategy, budgeted, retrySettings, sdkClientOptions, toServiceFailure } from '../../adapters/aws/resilience';
import { defaultConfig } from '../../core/config';
import { FacegateError } from '../../core/errors';
import { createFaultProxies, type FaultProxies } from '../../local/faults/index';

const sdkError = (name: string, status: number, extra: Record<string, unknown> = {}) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status }, ...extra });

describe('toServiceFailure', () => {
  it.each([
    ['ThrottlingException', 400],
    ['ProvisionedThroughputExceededException', 400],
    ['SlowDown', 503],
    ['TooManyRequestsException', 429],
    ['Anything', 429],
  ])('%s (%i) is THROTTLED with retryAfter', (name, status) => {
    const e = toServiceFailure(sdkError(name, status), 'DynamoDB', 3);
    expect(e).toBeInstanceOf(FacegateError);
    expect(e).toMatchObject({ type: 'THROTTLED', info: { retryAfter: 3, service: 'DynamoDB' } });
  });

  it.each([
    ['InternalServerError', 500],
    ['InternalError', 500],
    ['ServiceUnavailable', 503],
    ['TimeoutError', 0],
    ['AbortError', 0],
  ])('%s (%i) is UNAVAILABLE with retryAfter', (name, status) => {
    expect(toServiceFailure(sdkError(name, status), 'S3', 2)).toMatchObject({ type: 'UNAVAILABLE', info: { retryAfter: 2, service: 'S3' } });
  });

  it('a dropped connection is UNAVAILABLE', () => {
    expect(toServiceFailure(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'Rekognition', 2)).toMatchObject({ type: 'UNAVAILABLE' });
  });

  it('client errors and FacegateErrors pass unchanged', () => {
    const conditional = sdkError('ConditionalCheckFailedException', 400);
    expect(toServiceFailure(conditional, 'DynamoDB', 2)).toBe(conditional);
    const invalid = sdkError('InvalidParameterException', 400);
    expect(toServiceFailure(invalid, 'Rekognition', 2)).toBe(invalid);
    const typed = new FacegateError('NO_FACE', 'no face');
    expect(toServiceFailure(typed, 'Rekognition', 2)).toBe(typed);
  });
});

describe('BudgetedRetryStrategy', () => {
  const strategy = new BudgetedRetryStrategy({ maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 300 });

  it('backs off exponentially with equal jitter, capped', () => {
    for (let i = 0; i < 50; i += 1) {
      expect(strategy.delay(1)).toBeGreaterThanOrEqual(50);
      expect(strategy.delay(1)).toBeLessThanOrEqual(100);
      expect(strategy.delay(2)).toBeGreaterThanOrEqual(100);
      expect(strategy.delay(2)).toBeLessThanOrEqual(200);
      expect(strategy.delay(5)).toBeLessThanOrEqual(300);
    }
  });

  it('retries throttling and transient errors up to the attempt cap, nothing else', async () => {
    let token = await strategy.acquireInitialRetryToken();
    for (const retry of [1, 2, 3]) {
      token = await strategy.refreshRetryTokenForRetry(token, { errorType: retry === 2 ? 'TRANSIENT' : 'THROTTLING' });
      expect(token.getRetryCount()).toBe(retry);
    }
    await expect(strategy.refreshRetryTokenForRetry(token, { errorType: 'THROTTLING' })).rejects.toThrow(/no attempts left/);
    await expect(strategy.refreshRetryTokenForRetry(await strategy.acquireInitialRetryToken(), { errorType: 'CLIENT_ERROR' })).rejects.toThrow(/not retryable/);
  });

  it('does not retry when the delay would outlast the budget', async () => {
    await runWithinBudget(40, async () => {
      await expect(strategy.refreshRetryTokenForRetry(await strategy.acquireInitialRetryToken(), { errorType: 'THROTTLING' })).rejects.toThrow(/no time left/);
    });
  });
});

describe('the time budget', () => {
  it('is carried through async calls, and cleanup gets at least the grace', async () => {
    expect(budgetLeftMs()).toBeUndefined();
    await runWithinBudget(1000, async () => {
      await new Promise((r) => setTimeout(r, 5));
      expect(budgetLeftMs()).toBeLessThanOrEqual(1000);
      expect(budgetLeftMs()).toBeGreaterThan(900);
      expect(await new InvocationBudget(5000).cleanup(async () => budgetLeftMs())).toBeGreaterThan(4900);
    });
    await runWithinBudget(0, async () => {
      expect(await new InvocationBudget(2000).cleanup(async () => budgetLeftMs())).toBeGreaterThan(1900);
    });
  });
});

describe('an SDK client behind a fault proxy', () => {
  let upstream: http.Server;
  let calls = 0;
  let faults: FaultProxies;
  let url: string;
  const settings = { ...retrySettings({ ...defaultConfig, awsRetryBaseMs: 5, awsRetryMaxDelayMs: 20, awsRequestTimeoutMs: 2000 }) };
  const client = () =>
    budgeted(new DynamoDBClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, ...sdkClientOptions(settings) }), 'DynamoDB', settings);

  beforeAll(async () => {
    upstream = http.createServer((req, res) => {
      calls += 1;
      req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{"TableNames":["t"]}'));
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    faults = createFaultProxies({ spec: '', host: '127.0.0.1' });
    url = await faults.front('dynamodb', `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
  });
  afterAll(async () => {
    await faults?.close();
    await new Promise((r) => upstream?.close(r));
  });

  it('retries throttling with backoff and succeeds when it passes', async () => {
    faults.control.set('dynamodb=throttle@first:2');
    const out = await client().send(new ListTablesCommand({}));
    expect(out.TableNames).toEqual(['t']);
    expect(out.$metadata.attempts).toBe(3);
    expect(faults.control.injected()).toHaveLength(2);
  });

  it.each([
    ['throttle', 'THROTTLED'],
    ['ThrottlingException', 'THROTTLED'],
    ['error', 'UNAVAILABLE'],
  ])('gives up after the attempt cap: %s → %s', async (effect, type) => {
    faults.control.set(`dynamodb=${effect}`);
    const error = await client()
      .send(new ListTablesCommand({}))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ type, info: { retryAfter: 2, service: 'DynamoDB' } });
    expect(faults.control.injected()).toHaveLength(3);
  });

  it('slowness past the attempt timeout: retried, then UNAVAILABLE; the held calls never arrive', async () => {
    const quick = { ...settings, requestTimeoutMs: 150 };
    const impatient = budgeted(new DynamoDBClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, ...sdkClientOptions(quick) }), 'DynamoDB', quick);
    faults.control.set('dynamodb=slow:1000');
    const before = calls;
    const error = await impatient.send(new ListTablesCommand({})).catch((e: unknown) => e);
    expect(error).toMatchObject({ type: 'UNAVAILABLE' });
    expect(faults.control.injected()).toHaveLength(3);
    await new Promise((r) => setTimeout(r, 1100));
    expect(calls).toBe(before);
  });

  it('a call still running when the budget ends is aborted: UNAVAILABLE at the budget, not after the slowness', async () => {
    faults.control.set('dynamodb=slow:5000');
    const started = Date.now();
    const error = await runWithinBudget(300, () => client().send(new ListTablesCommand({}))).catch((e: unknown) => e);
    expect(error).toMatchObject({ type: 'UNAVAILABLE' });
    expect(Date.now() - started).toBeLessThan(2000);
    // and past the budget no call starts
    faults.control.clear();
    const late = await runWithinBudget(0, () => client().send(new ListTablesCommand({}))).catch((e: unknown) => e);
    expect(late).toMatchObject({ type: 'UNAVAILABLE', message: expect.stringMatching(/ran out of time/) });
  });
});
