/**
 * The flows under injected faults, over HTTP against one local stack whose step Lambdas reach
 * Rekognition, DynamoDB and S3 through the fault proxies (local/faults). Each case injects one
 * fault kind — throttling, an internal error, slowness past the time budget — on one operation
 * the flow calls, and checks the typed, retryable answer (THROTTLED / UNAVAILABLE with
 * errorInfo.retryAfter) and that nothing was left behind: the collection, the Rekognition users,
 * the table (but for the registration's own record) and the bucket are as they were, the
 * client's staged upload included (a retry needs it). Then the faults are lifted and the very
 * same request is repeated: it succeeds.
 *
 * Retry delays are shortened and the step budget is 8 s (FACEGATE_* below: short, yet roomy enough
 * for a registration on a busy machine), so slowness ends in UNAVAILABLE after 8 s rather than
 * AppSync's 30.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphQLRequestError } from '../../cli/graphql';
import * as op from '../../cli/operations';
import { applyEnv } from '../../local/stack/index';
import {
  PHOTOS,
  contents,
  haveSharedFaces,
  refusal,
  startTestStack,
  stopTestStack,
  upload,
  warnIfNoSharedFaces,
  withoutRegistrations,
  type StackContents,
  type TestStack,
} from './helpers';

warnIfNoSharedFaces('the fault-injection tests (test/e2e/faults.test.ts)');

const ENV = {
  FACEGATE_STEP_BUDGET_MS: '8000',
  FACEGATE_CLEANUP_GRACE_MS: '5000',
  FACEGATE_AWS_RETRY_BASE_MS: '5',
  FACEGATE_AWS_RETRY_MAX_DELAY_MS: '20',
  // Slowness is cut short by the budget here; the per-attempt timeout has its own test (test/adapters/resilience.test.ts).
  FACEGATE_AWS_REQUEST_TIMEOUT_MS: '30000',
  FACEGATE_RETRY_AFTER_SECONDS: '2',
};
/** Held far longer than the budget: the client gives up first, so the call never arrives. */
const SLOW = 'slow:60000';

let restoreEnv: (() => void) | undefined;
let t: TestStack;

beforeAll(async () => {
  restoreEnv = applyEnv(ENV);
  t = await startTestStack(undefined, { faults: '' });
}, 60_000);
afterAll(async () => {
  await stopTestStack(t);
  restoreEnv?.();
});

/**
 * Runs `call` with `fault` in force: the answer must be `type` with retryAfter, the fault must
 * really have been injected, and everything (bar registration records) must be as before.
 */
async function underFault(fault: string, type: 'THROTTLED' | 'UNAVAILABLE', call: () => Promise<unknown>): Promise<StackContents> {
  const before = await contents(t.stack);
  t.stack.faults!.set(fault);
  let error: GraphQLRequestError;
  try {
    error = await refusal(call());
    expect(t.stack.faults!.injected().length, `the fault ${fault} was injected`).toBeGreaterThan(0);
  } finally {
    t.stack.faults!.clear();
  }
  expect({ type: error.errorType, info: error.errorInfo }).toMatchObject({ type, info: { retryAfter: 2 } });
  expect(withoutRegistrations(await contents(t.stack))).toEqual(withoutRegistrations(before));
  return before;
}

const staged = async () => (await contents(t.stack)).objects.filter((k) => k.startsWith('uploads/'));
const deleteUser = (userId: string) => t.client.request<op.DeleteUserData>(op.DELETE_USER, { userId }, t.admin);
const registerUser = (vars: op.RegisterUserVars) => t.client.request<op.RegisterUserData>(op.REGISTER_USER, vars, t.app);

describe.skipIf(!haveSharedFaces)('the flows under injected faults (local stack, real faces)', { timeout: 90_000 }, () => {
  describe('registerUser', () => {
    it.each([
      ['rekognition:IndexFaces=throttle', 'THROTTLED'],
      ['rekognition:IndexFaces=ProvisionedThroughputExceededException', 'THROTTLED'],
      ['dynamodb:PutItem=ThrottlingException', 'THROTTLED'],
      ['rekognition:AssociateFaces=error', 'UNAVAILABLE'],
      ['s3:CopyObject=SlowDown', 'THROTTLED'],
      ['dynamodb:GetItem=InternalServerError', 'UNAVAILABLE'],
      [`rekognition:SearchFaces=${SLOW}`, 'UNAVAILABLE'],
    ] as const)('%s → %s, nothing left behind; the same request then succeeds', async (fault, type) => {
      const userId = `fault-reg-${randomUUID().slice(0, 8)}`;
      const vars: op.RegisterUserVars = { input: { userId, image: { s3Key: await upload(t, PHOTOS.carol.enroll) }, registrationId: randomUUID() } };
      await underFault(fault, type, () => registerUser(vars));
      expect((await registerUser(vars)).registerUser).toMatchObject({ userId, status: 'SUCCEEDED' });
      expect(await staged()).toEqual([]);
      await deleteUser(userId);
    });
  });

  describe('registerWithIdCard', () => {
    it.each([
      ['rekognition:CompareFaces=throttle', 'THROTTLED'],
      ['s3:CopyObject=InternalError', 'UNAVAILABLE'],
      [`rekognition:DetectFaces=${SLOW}`, 'UNAVAILABLE'],
    ] as const)('%s → %s, nothing left behind; the same request then succeeds', async (fault, type) => {
      const userId = `fault-card-${randomUUID().slice(0, 8)}`;
      const vars: op.RegisterWithIdCardVars = {
        input: { userId, image: { s3Key: await upload(t, PHOTOS.dave.enroll) }, idCard: { s3Key: await upload(t, PHOTOS.dave.card, 'ID_CARD') }, registrationId: randomUUID() },
      };
      const call = () => t.client.request<op.RegisterWithIdCardData>(op.REGISTER_WITH_ID_CARD, vars, t.app);
      await underFault(fault, type, call);
      expect((await call()).registerWithIdCard).toMatchObject({ userId, status: 'SUCCEEDED', kind: 'REGISTER_WITH_ID_CARD' });
      expect(await staged()).toEqual([]);
      await deleteUser(userId);
    });
  });

  describe('authenticate and updatePhoto', () => {
    const userId = 'fault-alice';
    beforeAll(async () => {
      await registerUser({ input: { userId, image: { s3Key: await upload(t, PHOTOS.alice.enroll) } } });
    }, 60_000);

    it.each([
      ['rekognition:SearchUsersByImage=throttle', 'THROTTLED'],
      ['dynamodb:GetItem=error', 'UNAVAILABLE'],
      ['s3:HeadObject=SlowDown', 'UNAVAILABLE'], // a HEAD answer has no body: the SDK sees only the 503
      [`rekognition:DetectFaces=${SLOW}`, 'UNAVAILABLE'],
    ] as const)('authenticate: %s → %s, no failure counted, the selfie kept; the same request then succeeds', async (fault, type) => {
      const vars: op.AuthenticateVars = { input: { userId, image: { s3Key: await upload(t, PHOTOS.alice.other) } } };
      const call = () => t.client.request<op.AuthenticateData>(op.AUTHENTICATE, vars, t.app);
      await underFault(fault, type, call);
      expect((await call()).authenticate).toMatchObject({ userId, authenticated: true });
      expect(await staged()).toEqual([]);
    });

    it.each([
      ['rekognition:IndexFaces=throttle', 'THROTTLED'],
      ['rekognition:AssociateFaces=InternalServerError', 'UNAVAILABLE'],
      [`s3:CopyObject=${SLOW}`, 'UNAVAILABLE'],
    ] as const)('updatePhoto: %s → %s, the profile and its faces unchanged; the same request then succeeds', async (fault, type) => {
      const vars: op.UpdatePhotoVars = { input: { userId, image: { s3Key: await upload(t, PHOTOS.alice.other) }, registrationId: randomUUID() } };
      const call = () => t.client.request<op.UpdatePhotoData>(op.UPDATE_PHOTO, vars, t.app);
      await underFault(fault, type, call);
      expect((await call()).updatePhoto).toMatchObject({ userId, status: 'SUCCEEDED', kind: 'UPDATE_PHOTO' });
      expect(await staged()).toEqual([]);
    });
  });

  describe('deleteUser', () => {
    const userId = 'fault-bob';
    beforeAll(async () => {
      await registerUser({ input: { userId, image: { s3Key: await upload(t, PHOTOS.bob.enroll) } } });
    }, 60_000);

    it.each([
      ['rekognition:DeleteUser=throttle', 'THROTTLED'],
      [`dynamodb:Query=${SLOW}`, 'UNAVAILABLE'],
    ] as const)('%s → %s before anything is erased', async (fault, type) => {
      await underFault(fault, type, () => deleteUser(userId));
    });

    it('a fault part-way (listing the images) is UNAVAILABLE; the records still name what is left, and a repeat erases everything', async () => {
      t.stack.faults!.set('s3:ListObjectsV2=error');
      const error = await refusal(deleteUser(userId)).finally(() => t.stack.faults!.clear());
      expect(error.errorType).toBe('UNAVAILABLE');
      const partway = await contents(t.stack);
      expect(partway.items.some((i) => i.includes(`"pk":{"S":"USER#${userId}"}`))).toBe(true);
      expect((await deleteUser(userId)).deleteUser).toMatchObject({ userId, deletedImages: 1 });
      const after = await contents(t.stack);
      expect(after.faces.filter((f) => f.includes(userId))).toEqual([]);
      expect(after.users).not.toContain(userId);
      expect(after.items.filter((i) => i.includes(`USER#${userId}`))).toEqual([]);
      expect(after.objects.filter((k) => k.includes(`/${userId}/`))).toEqual([]);
    });
  });

  describe('createUploadUrl', () => {
    it('makes no AWS call: it answers under any fault; the upload itself meets the S3 fault and stores nothing', async () => {
      const before = await contents(t.stack);
      t.stack.faults!.set('*=throttle');
      try {
        const { createUploadUrl: ticket } = await t.client.request<op.CreateUploadUrlData>(op.CREATE_UPLOAD_URL, { input: { purpose: 'SELFIE', contentType: 'image/jpeg' } }, t.app);
        const put = await fetch(ticket.url, { method: 'PUT', headers: JSON.parse(ticket.headers) as Record<string, string>, body: fs.readFileSync(`${t.dataDir}/secrets.json`) });
        expect(put.status).toBe(503);
        expect(await put.text()).toContain('<Code>SlowDown</Code>');

        t.stack.faults!.set(`s3:PutObject=${SLOW}`);
        const { createUploadUrl: slow } = await t.client.request<op.CreateUploadUrlData>(op.CREATE_UPLOAD_URL, { input: { purpose: 'SELFIE', contentType: 'image/jpeg' } }, t.app);
        const aborted = await fetch(slow.url, { method: 'PUT', headers: JSON.parse(slow.headers) as Record<string, string>, body: 'x', signal: AbortSignal.timeout(300) }).catch((e: Error) => e.name);
        expect(aborted).toBe('TimeoutError');
        expect(t.stack.faults!.injected().map((i) => i.operation)).toEqual(['PutObject']);
      } finally {
        t.stack.faults!.clear();
      }
      expect(await contents(t.stack)).toEqual(before);
    });
  });
});
