/**
 * Concurrent registrations over HTTP against the local stack: many registrations of one face
 * at once (under different userIds, and under one registrationId) end with exactly one user
 * enrolled and no staged upload left — every refused registration discarded the photo it was
 * given (README: staged photos are deleted once decided).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphQLRequestError } from '../../cli/graphql';
import * as op from '../../cli/operations';
import { applyEnv } from '../../local/stack/index';
import { PHOTOS, contents, haveSharedFaces, startTestStack, stopTestStack, upload, warnIfNoSharedFaces, type TestStack } from './helpers';

warnIfNoSharedFaces('the concurrent registration tests (test/e2e/concurrency.test.ts)');

// Twenty registrations queue for one face-model worker: on a busy machine the later ones would
// outlast an attempt's 10 s timeout or the step's 20 s budget and be answered UNAVAILABLE (keeping
// their uploads for a retry). This file is about races, not budgets: give each step all the time
// it needs.
const ENV = { FACEGATE_STEP_BUDGET_MS: '300000', FACEGATE_AWS_REQUEST_TIMEOUT_MS: '300000' };
let restoreEnv: (() => void) | undefined;
let t: TestStack;
beforeAll(async () => {
  restoreEnv = applyEnv(ENV);
  t = await startTestStack();
}, 60_000);
afterAll(async () => {
  await stopTestStack(t);
  restoreEnv?.();
});

const tally = (outcomes: string[]) => outcomes.reduce<Record<string, number>>((n, o) => ({ ...n, [o]: (n[o] ?? 0) + 1 }), {});

const outcome = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'SUCCEEDED',
    (e: unknown) => (e instanceof GraphQLRequestError ? String(e.errorType) : `unexpected: ${String(e)}`),
  );

const registerUser = (vars: op.RegisterUserVars) => t.client.request<op.RegisterUserData>(op.REGISTER_USER, vars, t.app);
const enrolled = async () => (await t.client.request<op.ListUsersData>(op.LIST_USERS, { limit: 100 }, t.admin)).listUsers.items;
const staged = async () => (await contents(t.stack)).objects.filter((k) => k.startsWith('uploads/'));

describe.skipIf(!haveSharedFaces)('concurrent registrations of one face (local stack, real faces)', { timeout: 120_000 }, () => {
  it('20 at once under 20 userIds: exactly one enrolled, the 19 others FACE_ALREADY_REGISTERED, no staged upload left', async () => {
    const keys = await Promise.all(Array.from({ length: 20 }, () => upload(t, PHOTOS.carol.enroll)));
    expect(await staged()).toHaveLength(20);
    const outcomes = await Promise.all(keys.map((s3Key, i) => outcome(registerUser({ input: { userId: `twin-${i}`, image: { s3Key } } }))));
    expect(tally(outcomes)).toEqual({ SUCCEEDED: 1, FACE_ALREADY_REGISTERED: 19 });
    const users = await enrolled();
    expect(users.filter((u) => u.userId.startsWith('twin-'))).toHaveLength(1);
    expect(users.find((u) => u.userId.startsWith('twin-'))).toMatchObject({ status: 'ACTIVE' });
    expect((await contents(t.stack)).faces).toHaveLength(1);
    expect(await staged()).toEqual([]);
  });

  it('6 at once under one registrationId, each with its own upload: one enrolled, the others CONFLICT, no staged upload left', async () => {
    const registrationId = randomUUID();
    const keys = await Promise.all(Array.from({ length: 6 }, () => upload(t, PHOTOS.bob.enroll)));
    const outcomes = await Promise.all(keys.map((s3Key) => outcome(registerUser({ input: { userId: 'same-registration', image: { s3Key }, registrationId } }))));
    // A request that arrives after the winner finished gets the winner's result (a replay).
    expect(outcomes.filter((o) => o !== 'SUCCEEDED' && o !== 'CONFLICT')).toEqual([]);
    expect((await enrolled()).filter((u) => u.userId === 'same-registration')).toHaveLength(1);
    expect(await staged()).toEqual([]);
  });

  it('5 at once under one userId with five faces: one enrolled, the others USER_ALREADY_EXISTS, no staged upload left', async () => {
    const faces = [PHOTOS.alice.enroll, PHOTOS.alice.other, PHOTOS.dave.enroll, PHOTOS.dave.card, PHOTOS.bob.other];
    const keys = await Promise.all(faces.map((file) => upload(t, file)));
    const outcomes = await Promise.all(keys.map((s3Key) => outcome(registerUser({ input: { userId: 'same-user', image: { s3Key } } }))));
    expect(outcomes.filter((o) => o === 'SUCCEEDED')).toHaveLength(1);
    // bob.other is bob's face, enrolled by the previous test: if it lost the race it may be refused as a duplicate instead.
    expect(outcomes.filter((o) => o !== 'SUCCEEDED' && o !== 'USER_ALREADY_EXISTS' && o !== 'FACE_ALREADY_REGISTERED')).toEqual([]);
    expect(await staged()).toEqual([]);
  });
});
