/** publishRegistrationProgress (NONE) fans progress out; onRegistrationProgress filters by registrationId. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recorded, resetStandin } from '../support/appsync-utils-standin';
import { appSyncError, buildBundles, makeCtx, runPipeline, type Bundles, type DataSourceCall } from './harness';

let bundles: Bundles;
beforeAll(async () => {
  bundles = await buildBundles();
});
afterAll(() => bundles.cleanup());
beforeEach(() => resetStandin());

const none = (calls: DataSourceCall[]) => (call: DataSourceCall) => {
  calls.push(call);
  expect(call.dataSource).toEqual({ name: 'none', kind: 'NONE' });
  // A NONE data source answers with the payload it was given.
  return { result: (call.request as { payload: unknown }).payload };
};

const input = {
  registrationId: 'r1',
  userId: 'u1',
  seq: 2,
  step: 'SCREENING',
  status: 'STARTED',
  at: '2026-01-01T00:00:01.000Z',
};

describe('Mutation.publishRegistrationProgress', () => {
  it('returns the input as the RegistrationProgress (absent optionals as null) through the NONE data source', async () => {
    const calls: DataSourceCall[] = [];
    const run = await runPipeline(bundles, 'Mutation', 'publishRegistrationProgress', { args: { input } }, none(calls));
    const event = { ...input, message: null, errorType: null };
    expect(calls.map((c) => c.request)).toEqual([{ payload: event }]);
    expect(run.result).toEqual(event);
  });

  it('keeps message and errorType', async () => {
    const calls: DataSourceCall[] = [];
    const failed = { ...input, seq: 3, status: 'FAILED', message: 'No face', errorType: 'NO_FACE' };
    const run = await runPipeline(bundles, 'Mutation', 'publishRegistrationProgress', { args: { input: failed } }, none(calls));
    expect(run.result).toEqual(failed);
  });

  it('rejects seq < 1 and malformed ids', async () => {
    const calls: DataSourceCall[] = [];
    await expect(
      runPipeline(bundles, 'Mutation', 'publishRegistrationProgress', { args: { input: { ...input, seq: 0 } } }, none(calls)),
    ).rejects.toMatchObject({ errorType: 'INVALID_INPUT', errorInfo: { field: 'input.seq' } });
    await expect(
      runPipeline(bundles, 'Mutation', 'publishRegistrationProgress', { args: { input: { ...input, registrationId: 'a b' } } }, none(calls)),
    ).rejects.toMatchObject({ errorType: 'INVALID_INPUT', errorInfo: { field: 'input.registrationId' } });
    expect(calls).toHaveLength(0);
  });

  it('the NONE function passes a data source error on', async () => {
    const fn = await bundles.load('functions/passThrough');
    const e = appSyncError(() => fn.response(makeCtx({ error: { message: 'boom', type: 'NONE:Error' } })));
    expect([e.message, e.errorType]).toEqual(['boom', 'NONE:Error']);
  });
});

describe('Subscription.onRegistrationProgress', () => {
  it('sets a filter on registrationId and returns null', async () => {
    const calls: DataSourceCall[] = [];
    const run = await runPipeline(bundles, 'Subscription', 'onRegistrationProgress', { args: { registrationId: 'r-77' } }, none(calls));
    expect(run.result).toBeNull();
    expect(recorded.subscriptionFilters).toEqual([
      { filterGroup: [{ filters: [{ fieldName: 'registrationId', operator: 'eq', value: 'r-77' }] }] },
    ]);
    expect(calls).toHaveLength(1);
  });

  it('sets no filter when the registrationId is malformed', async () => {
    await expect(
      runPipeline(bundles, 'Subscription', 'onRegistrationProgress', { args: { registrationId: 'r 1' } }, none([])),
    ).rejects.toMatchObject({ errorType: 'INVALID_INPUT', errorInfo: { field: 'registrationId' } });
    expect(recorded.subscriptionFilters).toEqual([]);
  });
});
