/**
 * Face sign-in's three decisions (core/flows/signIn.ts) against the fakes: Define's every
 * branch, the one-time challenge Create issues, and Verify — the challenge's own fresh upload
 * only, then the authenticate decision with its lockout counter.
 */
import { describe, expect, it, vi } from 'vitest';
import { register } from '../../core/flows/register';
import {
  CUSTOM_CHALLENGE,
  SIGN_IN_UPLOAD_PREFIX,
  UPLOAD_CLOCK_TOLERANCE_MS,
  createFaceChallenge,
  nextSignInStep,
  verifyFaceAnswer,
  type AnsweredChallenge,
  type FaceChallenge,
} from '../../core/flows/signIn';
import { createWorld, fakeImage, stageUpload, type SceneFace, type World } from '../support/fakes';
import { expectError } from '../support/helpers';

const alice: SceneFace = { person: 'alice' };
const bob: SceneFace = { person: 'bob' };

async function enrolled(world: World, userId: string, face: SceneFace) {
  return register(world, { userId, image: { s3Key: stageUpload(world, face) }, registrationId: `reg-${userId}-${Math.random()}` });
}

const answered = (...results: boolean[]): AnsweredChallenge[] =>
  results.map((challengeResult, i) => ({ challengeName: CUSTOM_CHALLENGE, challengeResult, challengeMetadata: `FACE:n${i}` }));

const CHALLENGE = { issueTokens: false, failAuthentication: false, challengeName: CUSTOM_CHALLENGE };
const TOKENS = { issueTokens: true, failAuthentication: false };
const FAIL = { issueTokens: false, failAuthentication: true };

/** The client's part: PUT the selfie to the ticket (here: straight into the fake bucket). */
function uploadTo(world: World, challenge: FaceChallenge, ...faces: SceneFace[]): string {
  world.images.put(challenge.publicParameters.uploadKey, fakeImage(...faces));
  return challenge.publicParameters.uploadKey;
}

const verify = (world: World, userId: string, challenge: FaceChallenge, answer: string, userNotFound = false) =>
  verifyFaceAnswer(world, { userId, userNotFound, answer, privateParameters: challenge.privateParameters });

describe('Define Auth Challenge (nextSignInStep)', () => {
  it('asks for a face first, and again after a wrong answer while answers remain', async () => {
    const world = createWorld();
    expect(await nextSignInStep(world, { userId: 'u1', userNotFound: false, answered: [] })).toEqual(CHALLENGE);
    expect(await nextSignInStep(world, { userId: 'u1', userNotFound: false, answered: answered(false) })).toEqual(CHALLENGE);
    expect(await nextSignInStep(world, { userId: 'u1', userNotFound: false, answered: answered(false, false) })).toEqual(CHALLENGE);
  });

  it('fails after the third wrong answer (FACEGATE_SIGN_IN_MAX_ANSWERS)', async () => {
    expect(await nextSignInStep(createWorld(), { userId: 'u1', userNotFound: false, answered: answered(false, false, false) })).toEqual(FAIL);
    expect(await nextSignInStep(createWorld({ signInMaxAnswers: 1 }), { userId: 'u1', userNotFound: false, answered: answered(false) })).toEqual(FAIL);
  });

  it('issues tokens right after a correct answer, even the third', async () => {
    const world = createWorld();
    expect(await nextSignInStep(world, { userId: 'u1', userNotFound: false, answered: answered(true) })).toEqual(TOKENS);
    expect(await nextSignInStep(world, { userId: 'u1', userNotFound: false, answered: answered(false, false, true) })).toEqual(TOKENS);
  });

  it('never issues tokens for an account Cognito did not find, but asks for its face like any other', async () => {
    const world = createWorld();
    expect(await nextSignInStep(world, { userId: 'ghost', userNotFound: true, answered: [] })).toEqual(CHALLENGE);
    expect(await nextSignInStep(world, { userId: 'ghost', userNotFound: true, answered: answered(false) })).toEqual(CHALLENGE);
    expect(await nextSignInStep(world, { userId: 'ghost', userNotFound: true, answered: answered(true) })).toEqual(FAIL);
  });

  it('fails a sign-in with a challenge this flow did not ask (another name, no face metadata)', async () => {
    const world = createWorld();
    const srp: AnsweredChallenge = { challengeName: 'SRP_A', challengeResult: true };
    const foreign: AnsweredChallenge = { challengeName: CUSTOM_CHALLENGE, challengeResult: true, challengeMetadata: 'CAPTCHA' };
    expect(await nextSignInStep(world, { userId: 'u1', userNotFound: false, answered: [srp] })).toEqual(FAIL);
    expect(await nextSignInStep(world, { userId: 'u1', userNotFound: false, answered: [foreign] })).toEqual(FAIL);
  });

  it('fails a username that can never be a userId', async () => {
    expect(await nextSignInStep(createWorld(), { userId: 'a b', userNotFound: true, answered: [] })).toEqual(FAIL);
  });

  it('refuses a locked-out userId with LOCKED_OUT, known or not, and costs no face call', async () => {
    const world = createWorld();
    for (const userId of ['u1', 'ghost']) {
      world.records.attempts.set(userId, {
        userId,
        failures: world.config.lockoutMaxFailures,
        windowStart: world.clock.now().toISOString(),
        lockedUntil: new Date(world.clock.now().getTime() + 60_000).toISOString(),
        version: 1,
      });
      const locked = await expectError(nextSignInStep(world, { userId, userNotFound: userId === 'ghost', answered: [] }), 'LOCKED_OUT');
      expect(locked.info.retryAfter).toBeDefined();
    }
    expect(world.faces.calls).toEqual([]);
  });
});

describe('Create Auth Challenge (createFaceChallenge)', () => {
  it('issues a presigned PUT of a key derived from a fresh nonce, valid FACEGATE_UPLOAD_URL_TTL_SECONDS', async () => {
    const world = createWorld();
    const challenge = await createFaceChallenge(world, { answered: [] });
    const { uploadKey, uploadUrl, uploadHeaders, expiresAt, maxBytes, attempt, maxAttempts } = challenge.publicParameters;
    const nonce = challenge.metadata.replace(/^FACE:/, '');
    expect(nonce).toMatch(/^[0-9a-f-]{36}$/);
    expect(uploadKey).toBe(`${SIGN_IN_UPLOAD_PREFIX}${nonce}.jpg`);
    expect(uploadUrl).toBe(`https://bucket.example/${uploadKey}?X-Amz-Expires=${world.config.uploadUrlTtlSeconds}`);
    expect(JSON.parse(uploadHeaders)).toEqual({ 'content-type': 'image/jpeg' });
    expect(Date.parse(expiresAt)).toBe(world.clock.now().getTime() + world.config.uploadUrlTtlSeconds * 1000);
    expect({ maxBytes, attempt, maxAttempts }).toEqual({ maxBytes: String(world.config.maxUploadBytes), attempt: '1', maxAttempts: '3' });
    expect(challenge.privateParameters).toEqual({ key: uploadKey, issuedAt: world.clock.now().toISOString(), expiresAt });
    // Every value Cognito passes on must be a string.
    for (const v of [...Object.values(challenge.publicParameters), ...Object.values(challenge.privateParameters)]) expect(typeof v).toBe('string');
  });

  it('gives every challenge its own key, numbers the attempts, and takes PNG when the client asks', async () => {
    const world = createWorld();
    const first = await createFaceChallenge(world, { answered: [] });
    const second = await createFaceChallenge(world, { answered: answered(false), contentType: 'IMAGE/PNG' });
    expect(second.publicParameters.uploadKey).not.toBe(first.publicParameters.uploadKey);
    expect(second.publicParameters.uploadKey).toMatch(/\.png$/);
    expect(JSON.parse(second.publicParameters.uploadHeaders)).toEqual({ 'content-type': 'image/png' });
    expect(second.publicParameters.attempt).toBe('2');
    expect((await createFaceChallenge(world, { answered: [], contentType: 'image/gif' })).publicParameters.uploadKey).toMatch(/\.jpg$/);
  });
});

describe('Verify Auth Challenge Response (verifyFaceAnswer)', () => {
  it('accepts the enrolled face uploaded to the challenge, clears failures, and deletes the upload', async () => {
    const world = createWorld();
    await enrolled(world, 'u1', alice);
    world.records.attempts.set('u1', { userId: 'u1', failures: 2, windowStart: world.clock.now().toISOString(), version: 2 });
    const challenge = await createFaceChallenge(world, { answered: [] });
    expect(await verify(world, 'u1', challenge, uploadTo(world, challenge, alice))).toBe(true);
    expect(world.records.attempts.get('u1')).toBeUndefined();
    expect(world.images.keys(SIGN_IN_UPLOAD_PREFIX)).toEqual([]);
  });

  it("refuses someone else's face and counts it in authenticate's lockout counter", async () => {
    const world = createWorld();
    await enrolled(world, 'u1', alice);
    const challenge = await createFaceChallenge(world, { answered: [] });
    expect(await verify(world, 'u1', challenge, uploadTo(world, challenge, bob))).toBe(false);
    expect(world.records.attempts.get('u1')?.failures).toBe(1);
    expect(world.images.keys(SIGN_IN_UPLOAD_PREFIX)).toEqual([]);
  });

  it('refuses an unknown username like a wrong face: counted, upload deleted', async () => {
    const world = createWorld();
    await enrolled(world, 'u1', alice);
    const challenge = await createFaceChallenge(world, { answered: [] });
    expect(await verify(world, 'ghost', challenge, uploadTo(world, challenge, alice), true)).toBe(false);
    expect(world.records.attempts.get('ghost')?.failures).toBe(1);
    expect(world.images.keys(SIGN_IN_UPLOAD_PREFIX)).toEqual([]);
  });

  it('refuses a key that is not this challenge\'s: an earlier challenge\'s upload, a staged selfie, an enrolled image', async () => {
    const world = createWorld();
    const { faceId } = await enrolled(world, 'u1', alice);
    const earlier = await createFaceChallenge(world, { answered: [] });
    const earlierKey = uploadTo(world, earlier, alice);
    const challenge = await createFaceChallenge(world, { answered: [] });
    const ownKey = uploadTo(world, challenge, alice); // even with a genuine upload waiting at the right key
    const calls = world.faces.calls.length;
    for (const answer of [earlierKey, stageUpload(world, alice), `faces/u1/${faceId}.jpg`, '', `${ownKey}x`]) {
      expect(await verify(world, 'u1', challenge, answer), answer).toBe(false);
    }
    expect(world.faces.calls.length).toBe(calls); // nothing was even looked at
    expect(world.records.attempts.get('u1')).toBeUndefined();
    expect(world.images.objects.has(earlierKey)).toBe(true); // another challenge's upload is not this one's to delete
  });

  it('refuses a replay: the same answer to the same challenge again, after it succeeded', async () => {
    const world = createWorld();
    await enrolled(world, 'u1', alice);
    const challenge = await createFaceChallenge(world, { answered: [] });
    const key = uploadTo(world, challenge, alice);
    expect(await verify(world, 'u1', challenge, key)).toBe(true);
    expect(await verify(world, 'u1', challenge, key)).toBe(false);
  });

  it('refuses an object at the key that is older than the challenge', async () => {
    const world = createWorld();
    await enrolled(world, 'u1', alice);
    const challenge = await createFaceChallenge(world, { answered: [] });
    const key = challenge.publicParameters.uploadKey;
    const before = new Date(Date.parse(challenge.privateParameters.issuedAt) - UPLOAD_CLOCK_TOLERANCE_MS - 1000);
    world.images.put(key, fakeImage(alice), 'image/jpeg', before);
    expect(await verify(world, 'u1', challenge, key)).toBe(false);
    // …while S3's whole seconds and a little clock skew are tolerated.
    const challenge2 = await createFaceChallenge(world, { answered: [] });
    world.images.put(challenge2.publicParameters.uploadKey, fakeImage(alice), 'image/jpeg', new Date(world.clock.now().getTime() - 999));
    expect(await verify(world, 'u1', challenge2, challenge2.publicParameters.uploadKey)).toBe(true);
  });

  it('refuses an answer after the challenge expired, and one with nothing uploaded', async () => {
    const world = createWorld();
    await enrolled(world, 'u1', alice);
    const late = await createFaceChallenge(world, { answered: [] });
    const key = uploadTo(world, late, alice);
    world.clock.advance(world.config.uploadUrlTtlSeconds + 1);
    expect(await verify(world, 'u1', late, key)).toBe(false);
    expect(world.images.objects.has(key)).toBe(false);
    const empty = await createFaceChallenge(world, { answered: [] });
    expect(await verify(world, 'u1', empty, empty.publicParameters.uploadKey)).toBe(false);
    expect(world.records.attempts.get('u1')).toBeUndefined();
  });

  it('refuses a photo that fails screening without counting it, and deletes it', async () => {
    const world = createWorld();
    await enrolled(world, 'u1', alice);
    for (const faces of [[], [alice, bob]]) {
      const challenge = await createFaceChallenge(world, { answered: [] });
      expect(await verify(world, 'u1', challenge, uploadTo(world, challenge, ...faces))).toBe(false);
    }
    expect(world.records.attempts.get('u1')).toBeUndefined();
    expect(world.images.keys(SIGN_IN_UPLOAD_PREFIX)).toEqual([]);
  });

  it('refuses a locked-out user even with the right face', async () => {
    const world = createWorld();
    await enrolled(world, 'u1', alice);
    for (let i = 0; i < world.config.lockoutMaxFailures; i += 1) {
      const challenge = await createFaceChallenge(world, { answered: [] });
      expect(await verify(world, 'u1', challenge, uploadTo(world, challenge, bob))).toBe(false);
    }
    const challenge = await createFaceChallenge(world, { answered: [] });
    expect(await verify(world, 'u1', challenge, uploadTo(world, challenge, alice))).toBe(false);
    await expectError(nextSignInStep(world, { userId: 'u1', userNotFound: false, answered: [] }), 'LOCKED_OUT');
  });

  it('refuses private parameters that are not a face challenge', async () => {
    const world = createWorld();
    expect(await verifyFaceAnswer(world, { userId: 'u1', userNotFound: false, answer: 'uploads/selfie/x.jpg', privateParameters: { key: 'uploads/selfie/x.jpg' } })).toBe(false);
    expect(await verifyFaceAnswer(world, { userId: 'u1', userNotFound: false, answer: '', privateParameters: {} })).toBe(false);
  });

  it('lets an unexpected failure through (the trigger reports it), and still deletes the upload', async () => {
    const world = createWorld();
    await enrolled(world, 'u1', alice);
    const challenge = await createFaceChallenge(world, { answered: [] });
    const key = uploadTo(world, challenge, alice);
    world.faces.failures.set('detectFaces', new Error('Rekognition throttled'));
    await expect(verify(world, 'u1', challenge, key)).rejects.toThrow('Rekognition throttled');
    expect(world.images.objects.has(key)).toBe(false);
  });

  it('makes exactly the decision authenticate makes (one implementation)', async () => {
    const world = createWorld();
    await enrolled(world, 'u1', alice);
    const authenticateModule = await import('../../core/flows/authenticate');
    const decide = vi.spyOn(authenticateModule, 'decideAuthentication');
    const challenge = await createFaceChallenge(world, { answered: [] });
    await verify(world, 'u1', challenge, uploadTo(world, challenge, alice));
    expect(decide).toHaveBeenCalledWith(world, 'u1', expect.objectContaining({ stagedKey: challenge.publicParameters.uploadKey }));
  });
});

describe('a whole sign-in, the way Cognito runs the triggers', () => {
  /** Define → Create → (client uploads, answers) → Verify → Define … as Cognito sequences them. */
  async function signIn(world: World, userId: string, selfies: SceneFace[][], userNotFound = false): Promise<'tokens' | 'failed' | 'unanswered'> {
    const session: AnsweredChallenge[] = [];
    for (;;) {
      const step = await nextSignInStep(world, { userId, userNotFound, answered: session });
      if (step.issueTokens) return 'tokens';
      if (step.failAuthentication) return 'failed';
      const challenge = await createFaceChallenge(world, { answered: session });
      const selfie = selfies.shift();
      if (!selfie) return 'unanswered';
      const result = await verify(world, userId, challenge, uploadTo(world, challenge, ...selfie), userNotFound);
      session.push({ challengeName: CUSTOM_CHALLENGE, challengeResult: result, challengeMetadata: challenge.metadata });
    }
  }

  it('signs in with the genuine face, after up to two misses', async () => {
    const world = createWorld();
    await enrolled(world, 'u1', alice);
    expect(await signIn(world, 'u1', [[alice]])).toBe('tokens');
    expect(await signIn(world, 'u1', [[bob], [], [alice]])).toBe('tokens');
  });

  it('fails after three strikes, and five failures across sign-ins lock the user out', async () => {
    const world = createWorld();
    await enrolled(world, 'u1', alice);
    expect(await signIn(world, 'u1', [[bob], [bob], [bob], [alice]])).toBe('failed');
    expect(world.records.attempts.get('u1')?.failures).toBe(3);
    await expectError(signIn(world, 'u1', [[bob], [bob], [alice]]), 'LOCKED_OUT');
    expect(world.records.attempts.get('u1')?.failures).toBe(5);
  });

  it('runs the same steps for an unknown username and fails it, whatever the face', async () => {
    const world = createWorld();
    await enrolled(world, 'u1', alice);
    expect(await signIn(world, 'ghost', [[alice], [alice], [alice]], true)).toBe('failed');
    expect(world.records.attempts.get('ghost')?.failures).toBe(3);
  });
});
