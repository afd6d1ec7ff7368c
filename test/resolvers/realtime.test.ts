/** publishRegistrationProgress (NONE) fans progress out; onRegistrationProgress filters by registrationId. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldRequest } from '../local/runtime/support';
import { appSyncError, buildBundles, makeCtx, runPipeline, type Bundles, type PipelineRun } from './harness';

let bundles: Bundles;
beforeAll(async () => {
  bundles = await buildBundles();
});
afterAll(() => bundles.cleanup());

/** Every data source call of the run went to the NONE data source (which answers with the request's payload). */
const viaNone = (run: PipelineRun): unknown[] => {
  for (const call of run.calls) expect(call.dataSource).toEqual({ name: 'none', kind: 'NONE' });
  return run.calls.map((c) => c.request);
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
    const run = await runPipeline(bundles, 'Mutation', 'publishRegistrationProgress', { args: { input } });
    const event = { ...input, message: null, errorType: null };
    expect(viaNone(run)).toEqual([{ payload: event }]);
    expect(run.result).toEqual(event);
  });

  it('keeps message and errorType', async () => {
    const failed = { ...input, seq: 3, status: 'FAILED', message: 'No face', errorType: 'NO_FACE' };
    const run = await runPipeline(bundles, 'Mutation', 'publishRegistrationProgress', { args: { input: failed } });
    expect(viaNone(run)).toEqual([{ payload: failed }]);
    expect(run.result).toEqual(failed);
  });

  it('rejects seq < 1 and malformed ids', async () => {
    // a rejected field has made no data source call: the outcome carries data null and this one error
    for (const [bad, field] of [[{ ...input, seq: 0 }, 'input.seq'], [{ ...input, registrationId: 'a b' }, 'input.registrationId']] as const) {
      const out = await bundles.runtime.resolve(fieldRequest('Mutation', 'publishRegistrationProgress', { input: bad }));
      expect(out.data).toBeNull();
      expect(out.errors).toMatchObject([{ errorType: 'INVALID_INPUT', errorInfo: { field } }]);
      await expect(runPipeline(bundles, 'Mutation', 'publishRegistrationProgress', { args: { input: bad } })).rejects.toMatchObject({
        errorType: 'INVALID_INPUT',
        errorInfo: { field },
      });
    }
  });

  it('the NONE function passes a data source error on', async () => {
    const fn = await bundles.load('functions/passThrough');
    const e = appSyncError(() => fn.response(makeCtx({ error: { message: 'boom', type: 'NONE:Error' } })));
    expect([e.message, e.errorType]).toEqual(['boom', 'NONE:Error']);
  });
});

describe('Subscription.onRegistrationProgress', () => {
  it('sets a filter on registrationId and returns null', async () => {
    const run = await runPipeline(bundles, 'Subscription', 'onRegistrationProgress', { args: { registrationId: 'r-77' } });
    expect(run.result).toBeNull();
    expect(run.subscriptionFilter).toEqual({ filterGroup: [{ filters: [{ fieldName: 'registrationId', operator: 'eq', value: 'r-77' }] }] });
    expect(viaNone(run)).toHaveLength(1);
  });

  const userPool = (username: string, groups: string[] | null) => ({
    sub: 'sub-1',
    issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_pool',
    username,
    claims: {},
    sourceIp: ['127.0.0.1'],
    defaultAuthStrategy: 'ALLOW',
    groups,
  });

  it("gives a signed-in user only their own registrations' events: the filter also requires their userId", async () => {
    const run = await runPipeline(bundles, 'Subscription', 'onRegistrationProgress', { args: { registrationId: 'r-77' }, identity: userPool('alice', null) });
    expect(run.subscriptionFilter).toEqual({
      filterGroup: [
        {
          filters: [
            { fieldName: 'registrationId', operator: 'eq', value: 'r-77' },
            { fieldName: 'userId', operator: 'eq', value: 'alice' },
          ],
        },
      ],
    });
  });

  it('lets admins (group admins) and IAM callers follow any registration', async () => {
    const iam = { accountId: '1', cognitoIdentityPoolId: null, cognitoIdentityId: null, sourceIp: [], username: 'AIDA', userArn: 'arn:aws:iam::1:user/x' };
    for (const identity of [userPool('ops', ['admins']), iam]) {
      const run = await runPipeline(bundles, 'Subscription', 'onRegistrationProgress', { args: { registrationId: 'r-77' }, identity });
      expect(run.subscriptionFilter).toEqual({ filterGroup: [{ filters: [{ fieldName: 'registrationId', operator: 'eq', value: 'r-77' }] }] });
    }
  });

  it('sets no filter when the registrationId is malformed', async () => {
    const out = await bundles.runtime.resolve(fieldRequest('Subscription', 'onRegistrationProgress', { registrationId: 'r 1' }));
    expect(out.errors).toMatchObject([{ errorType: 'INVALID_INPUT', errorInfo: { field: 'registrationId' } }]);
    expect(out.data).toBeNull();
    expect(out.subscriptionFilter).toBeUndefined();
  });
});
