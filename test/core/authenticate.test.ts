import { describe, expect, it, vi } from 'vitest';
import type { AuthenticationResult } from '../../schema/generated/graphql';
import { FacegateError } from '../../core/errors';
import { authenticate } from '../../core/flows/authenticate';
import { deleteUser } from '../../core/flows/deleteUser';
import { register } from '../../core/flows/register';
import { updatePhoto } from '../../core/flows/updatePhoto';
import { createWorld, fakeImageBase64, noTraces, SAME_PERSON, stageUpload, traces, type SceneFace, type World } from '../support/fakes';
import { expectError } from '../support/helpers';

const alice: SceneFace = { person: 'alice' };
const bob: SceneFace = { person: 'bob' };

async function enrolled(world: World, userId: string, face: SceneFace) {
  return register(world, { userId, image: { s3Key: stageUpload(world, face) }, registrationId: `reg-${userId}-${Math.random()}` });
}

const attempt = (world: World, userId: string, ...faces: SceneFace[]) => authenticate(world, { userId, image: { s3Key: stageUpload(world, ...faces) } });

describe('authenticate', () => {
  it('accepts the enrolled person', async () => {
    const world = createWorld();
    await enrolled(world, 'u1', alice);
    const result = await attempt(world, 'u1', alice);
    expect(result).toMatchObject({ userId: 'u1', authenticated: true, similarity: SAME_PERSON, faceId: null });
    expect(result.authenticatedAt).toBe(world.clock.now().toISOString());
  });

  it('refuses someone else, an unknown user and a pending user with the same error', async () => {
    const world = createWorld();
    await enrolled(world, 'u1', alice);
    world.records.users.set('pending', { ...world.records.users.get('u1')!, userId: 'pending', status: 'PENDING' });
    const wrongFace = await expectError(attempt(world, 'u1', bob), 'FACE_MISMATCH');
    const unknown = await expectError(attempt(world, 'nobody', alice), 'FACE_MISMATCH');
    const pending = await expectError(attempt(world, 'pending', alice), 'FACE_MISMATCH');
    expect({ m: unknown.message, i: unknown.info }).toEqual({ m: wrongFace.message, i: wrongFace.info });
    expect({ m: pending.message, i: pending.info }).toEqual({ m: wrongFace.message, i: wrongFace.info });
  });

  it('refuses when someone else is the best 1:N match, even if the claimed user is close', async () => {
    const world = createWorld();
    await enrolled(world, 'u1', alice);
    await enrolled(world, 'u2', bob);
    await expectError(attempt(world, 'u1', bob), 'FACE_MISMATCH');
  });

  it('reads the face records only on the 1:1 fallback path', async () => {
    const world = createWorld();
    await enrolled(world, 'u1', alice);
    const listFaces = vi.spyOn(world.records, 'listFaces');
    expect((await attempt(world, 'u1', alice)).authenticated).toBe(true);
    expect(listFaces).not.toHaveBeenCalled();
    world.faces.users.get('u1')!.clear(); // 1:N finds nobody → the fallback needs the records
    expect((await attempt(world, 'u1', alice)).authenticated).toBe(true);
    expect(listFaces).toHaveBeenCalledTimes(1);
  });

  it('falls back to 1:1 CompareFaces against the newest enrolled image when 1:N finds nobody', async () => {
    const world = createWorld();
    const { faceId } = await enrolled(world, 'u1', alice);
    world.faces.users.get('u1')!.clear(); // a user vector that is not searchable (yet)
    const result = await attempt(world, 'u1', alice);
    expect(result).toMatchObject({ authenticated: true, faceId, similarity: SAME_PERSON });
    expect(world.faces.calls.at(-1)).toBe('compareFaces');
    await expectError(attempt(world, 'u1', bob), 'FACE_MISMATCH');
  });

  it('screens the selfie with the looser pose limit, and screening failures do not count as attempts', async () => {
    const world = createWorld();
    await enrolled(world, 'u1', alice);
    expect((await attempt(world, 'u1', { person: 'alice', yaw: 40 })).authenticated).toBe(true);
    await expectError(attempt(world, 'u1', { person: 'alice', yaw: 50 }), 'POOR_QUALITY', { reasons: ['EXTREME_POSE'] });
    for (let i = 0; i < 6; i += 1) await expectError(attempt(world, 'u1'), 'NO_FACE');
    await expectError(attempt(world, 'u1', alice, bob), 'MULTIPLE_FACES');
    expect(world.records.attempts.get('u1')).toBeUndefined();
  });

  it('answers a refusal of the photo itself without waiting for the face check, whose time depends on what is enrolled', async () => {
    const world = createWorld();
    await enrolled(world, 'u1', alice);
    const search = vi.spyOn(world.faces, 'searchUsersByImage').mockReturnValue(new Promise(() => undefined)); // never answers
    await expectError(attempt(world, 'u1', alice, bob), 'MULTIPLE_FACES');
    await expectError(attempt(world, 'nobody'), 'NO_FACE');
    expect(search).toHaveBeenCalledTimes(2); // started for the success path all the same
  });

  it('locks out after repeated failures, for known and unknown users alike, then lets the user in again', async () => {
    const world = createWorld();
    await enrolled(world, 'u1', alice);
    for (const userId of ['u1', 'ghost']) {
      for (let i = 0; i < world.config.lockoutMaxFailures; i += 1) await expectError(attempt(world, userId, bob), 'FACE_MISMATCH');
      const locked = await expectError(attempt(world, userId, alice), 'LOCKED_OUT');
      expect(Date.parse(String(locked.info.retryAfter))).toBe(world.clock.now().getTime() + world.config.lockoutWindowSeconds * 1000);
    }
    const callsWhileLocked = world.faces.calls.length;
    await expectError(attempt(world, 'u1', alice), 'LOCKED_OUT');
    expect(world.faces.calls.length).toBe(callsWhileLocked); // a locked user costs no Rekognition call
    world.clock.advance(world.config.lockoutWindowSeconds + 1);
    expect((await attempt(world, 'u1', alice)).authenticated).toBe(true);
    expect(world.records.attempts.get('u1')).toBeUndefined();
  });

  it('forgets failures outside the window, and a success resets the count', async () => {
    const world = createWorld();
    await enrolled(world, 'u1', alice);
    for (let i = 0; i < 4; i += 1) await expectError(attempt(world, 'u1', bob), 'FACE_MISMATCH');
    world.clock.advance(world.config.lockoutWindowSeconds + 1);
    await expectError(attempt(world, 'u1', bob), 'FACE_MISMATCH');
    expect(world.records.attempts.get('u1')?.failures).toBe(1);
    await attempt(world, 'u1', alice);
    for (let i = 0; i < 4; i += 1) await expectError(attempt(world, 'u1', bob), 'FACE_MISMATCH');
    expect((await attempt(world, 'u1', alice)).authenticated).toBe(true);
  });

  it('a bad userId is INVALID_INPUT and touches nothing', async () => {
    const world = createWorld();
    await expectError(attempt(world, 'a b', alice), 'INVALID_INPUT');
    expect(world.faces.calls).toEqual([]);
  });
});

describe('authenticate: the staged selfie', () => {
  /** Stages the selfie and authenticates with it; returns the key with the outcome (result or error). */
  async function attemptWith(world: World, userId: string, ...faces: SceneFace[]): Promise<{ key: string; result?: AuthenticationResult; error?: unknown }> {
    const key = stageUpload(world, ...faces);
    return authenticate(world, { userId, image: { s3Key: key } }).then(
      (result) => ({ key, result }),
      (error: unknown) => ({ key, error }),
    );
  }
  const staged = (world: World) => world.images.keys('uploads/');

  it('is removed once the attempt succeeds; the enrolled images stay', async () => {
    const world = createWorld();
    const { faceId } = await enrolled(world, 'u1', alice);
    const remove = vi.spyOn(world.images, 'delete');
    const key = stageUpload(world, alice);
    expect((await authenticate(world, { userId: 'u1', image: { s3Key: key } })).authenticated).toBe(true);
    expect(remove).toHaveBeenCalledExactlyOnceWith([key]);
    expect(staged(world)).toEqual([]);
    expect(traces(world, 'u1').images).toEqual([`faces/u1/${faceId}.jpg`]);
  });

  it('is removed after a FACE_MISMATCH, for a known and an unknown user', async () => {
    const world = createWorld();
    await enrolled(world, 'u1', alice);
    for (const userId of ['u1', 'ghost']) {
      const { key, error } = await attemptWith(world, userId, bob);
      await expectError(Promise.reject(error), 'FACE_MISMATCH');
      expect(world.images.objects.has(key)).toBe(false);
    }
    expect(staged(world)).toEqual([]);
  });

  it.each([
    ['NO_FACE', []],
    ['MULTIPLE_FACES', [alice, bob]],
    ['POOR_QUALITY', [{ person: 'alice', yaw: 50 }]],
  ] as [string, SceneFace[]][])('is removed after a screening refusal (%s)', async (type, faces) => {
    const world = createWorld();
    await enrolled(world, 'u1', alice);
    const { key, error } = await attemptWith(world, 'u1', ...faces);
    await expectError(Promise.reject(error), type);
    expect(world.images.objects.has(key)).toBe(false);
  });

  it('stays when the request is refused before the image is read: LOCKED_OUT, INVALID_INPUT', async () => {
    const world = createWorld();
    await enrolled(world, 'u1', alice);
    for (let i = 0; i < world.config.lockoutMaxFailures; i += 1) await expectError(attempt(world, 'u1', bob), 'FACE_MISMATCH');
    const remove = vi.spyOn(world.images, 'delete');
    const locked = await attemptWith(world, 'u1', alice);
    await expectError(Promise.reject(locked.error), 'LOCKED_OUT');
    const invalid = await attemptWith(world, 'a b', alice);
    await expectError(Promise.reject(invalid.error), 'INVALID_INPUT');
    expect(staged(world)).toEqual([locked.key, invalid.key].sort());
    expect(remove).not.toHaveBeenCalled();
  });

  it('never deletes a key that is not a staged upload, nor one that does not exist', async () => {
    const world = createWorld();
    const { faceId } = await enrolled(world, 'u1', alice);
    const remove = vi.spyOn(world.images, 'delete');
    await expectError(authenticate(world, { userId: 'u1', image: { s3Key: `faces/u1/${faceId}.jpg` } }), 'INVALID_INPUT');
    await expectError(authenticate(world, { userId: 'u1', image: { s3Key: 'uploads/selfie/missing.jpg' } }), 'INVALID_IMAGE');
    expect(remove).not.toHaveBeenCalled();
    expect(traces(world, 'u1').images).toEqual([`faces/u1/${faceId}.jpg`]);
  });

  it('stays when the attempt fails unexpectedly, so the client can retry with it', async () => {
    const world = createWorld();
    await enrolled(world, 'u1', alice);
    world.faces.failures.set('detectFaces', new Error('Rekognition throttled'));
    const { key, error } = await attemptWith(world, 'u1', alice);
    expect(error).toEqual(new Error('Rekognition throttled'));
    expect(world.images.objects.has(key)).toBe(true);
  });

  it('a failed delete changes nothing in the answer and is logged as a warning', async () => {
    const outcomes = async (world: World) => {
      const answer = async (...faces: SceneFace[]) => {
        const outcome = await attemptWith(world, 'u1', ...faces);
        if (outcome.result) return { result: outcome.result };
        expect(outcome.error).toBeInstanceOf(FacegateError);
        const { type, message, info } = outcome.error as FacegateError;
        return { error: { type, message, info } };
      };
      return { success: await answer(alice), mismatch: await answer(bob), screened: await answer(), attempts: world.records.attempts.get('u1') };
    };
    const healthy = createWorld();
    const failing = createWorld();
    await enrolled(healthy, 'u1', alice);
    await enrolled(failing, 'u1', alice);
    failing.images.failures.set('delete', new Error('S3 down'));

    const expected = await outcomes(healthy);
    expect(expected).toMatchObject({
      success: { result: { authenticated: true } },
      mismatch: { error: { type: 'FACE_MISMATCH' } },
      screened: { error: { type: 'NO_FACE' } },
      attempts: { failures: 1 },
    });
    expect(await outcomes(failing)).toEqual(expected);
    expect(staged(healthy)).toEqual([]);
    expect(staged(failing)).toHaveLength(3); // left for the lifecycle rule
    const warnings = failing.logger.lines.filter((l) => l.level === 'warn' && l.message.startsWith('staged upload not removed'));
    expect(warnings).toHaveLength(3);
  });

  it('an inline image has no object: nothing is deleted, whatever the outcome', async () => {
    const world = createWorld();
    await enrolled(world, 'u1', alice);
    const remove = vi.spyOn(world.images, 'delete');
    const inline = (userId: string, ...faces: SceneFace[]) => authenticate(world, { userId, image: { base64: fakeImageBase64(...faces) } });
    expect((await inline('u1', alice)).authenticated).toBe(true);
    await expectError(inline('u1', bob), 'FACE_MISMATCH');
    await expectError(inline('u1'), 'NO_FACE');
    expect(remove).not.toHaveBeenCalled();
  });
});

describe('updatePhoto', () => {
  const update = (world: World, userId: string, face: SceneFace, registrationId = `upd-${Math.random()}`) =>
    updatePhoto(world, { userId, image: { s3Key: stageUpload(world, face) }, registrationId });

  it('adds the new face and keeps the newest samples, removing older ones everywhere', async () => {
    const world = createWorld({ keptFaces: 2 });
    const first = await enrolled(world, 'u1', alice);
    const second = await update(world, 'u1', alice);
    expect(second).toMatchObject({ kind: 'UPDATE_PHOTO', removedFaceIds: [] });
    const third = await update(world, 'u1', alice);
    expect(third.removedFaceIds).toEqual([first.faceId]);

    const t = traces(world, 'u1');
    expect(t.profile).toMatchObject({ faceIds: [third.faceId, second.faceId], version: 3, status: 'ACTIVE' });
    expect(t.collectionFaces.sort()).toEqual([second.faceId, third.faceId].sort());
    expect([...world.faces.users.get('u1')!].sort()).toEqual([second.faceId, third.faceId].sort());
    expect(t.images).toEqual([`faces/u1/${second.faceId}.jpg`, `faces/u1/${third.faceId}.jpg`].sort());
    expect(t.faceItems.map((f) => f.faceId).sort()).toEqual([second.faceId, third.faceId].sort());
    expect((await attempt(world, 'u1', alice)).authenticated).toBe(true);
  });

  it('refuses a photo of someone else, undoes the new face and counts the attempt', async () => {
    const world = createWorld();
    const first = await enrolled(world, 'u1', alice);
    const before = traces(world, 'u1');
    await expectError(update(world, 'u1', bob), 'FACE_MISMATCH');
    expect(traces(world, 'u1')).toEqual(before);
    expect(world.faces.facesOf('u1')).toEqual([first.faceId]);
    expect(world.records.attempts.get('u1')?.failures).toBe(1);
    expect(world.publisher.published.map((e) => `${e.step}:${e.status}`)).toContain('VERIFYING_IDENTITY:FAILED');
  });

  it('when the face records cannot be read, evicts nothing: every face, image and record stays tracked', async () => {
    const world = createWorld({ keptFaces: 1 });
    const first = await enrolled(world, 'u1', alice);
    world.records.failures.set('listFaces', new Error('DynamoDB down'));
    const second = await update(world, 'u1', alice);
    expect(second.removedFaceIds).toEqual([first.faceId]);
    const t = traces(world, 'u1');
    expect(t.profile?.faceIds).toEqual([second.faceId]);
    // the evicted face was not half-removed: its record, image and collection entry all remain
    expect(t.faceItems.map((f) => f.faceId).sort()).toEqual([first.faceId, second.faceId].sort());
    expect(t.images).toEqual([`faces/u1/${first.faceId}.jpg`, `faces/u1/${second.faceId}.jpg`].sort());
    expect(t.collectionFaces.sort()).toEqual([first.faceId, second.faceId].sort());
    expect(world.logger.lines.some((l) => l.message.startsWith('old faces not removed'))).toBe(true);
  });

  it('an unknown user gets FACE_MISMATCH and nothing is left', async () => {
    const world = createWorld();
    await expectError(update(world, 'ghost', alice), 'FACE_MISMATCH');
    expect(traces(world, 'ghost')).toEqual(noTraces);
  });

  it('a failure after association disassociates, then deletes, the new face and keeps the old one', async () => {
    const world = createWorld();
    const first = await enrolled(world, 'u1', alice);
    const before = traces(world, 'u1');
    world.images.failures.set('save', new Error('S3 down'));
    await expectError(update(world, 'u1', alice), 'INTERNAL');
    expect(traces(world, 'u1')).toEqual(before);
    expect([...world.faces.users.get('u1')!]).toEqual([first.faceId]);
    expect(world.faces.calls.slice(-2)).toEqual(['disassociateFaces', 'deleteFaces']);
  });

  it('a concurrent change of the profile is a CONFLICT and leaves the profile as the other writer left it', async () => {
    const world = createWorld();
    await enrolled(world, 'u1', alice);
    world.faces.gates.set('associateFaces', async () => {
      const user = world.records.users.get('u1')!;
      world.records.users.set('u1', { ...user, version: user.version + 1 });
    });
    await expectError(update(world, 'u1', alice), 'CONFLICT');
    expect(world.faces.facesOf('u1')).toHaveLength(1);
  });

  it('a locked-out user cannot update', async () => {
    const world = createWorld();
    await enrolled(world, 'u1', alice);
    for (let i = 0; i < world.config.lockoutMaxFailures; i += 1) await expectError(update(world, 'u1', bob), 'FACE_MISMATCH');
    await expectError(update(world, 'u1', alice), 'LOCKED_OUT');
  });
});

describe('deleteUser', () => {
  it('erases faces, Rekognition user, images and records; the person can no longer sign in', async () => {
    const world = createWorld();
    await enrolled(world, 'u1', alice);
    await updatePhoto(world, { userId: 'u1', image: { s3Key: stageUpload(world, alice) }, registrationId: 'registration-0upd' });
    world.records.attempts.set('u1', { userId: 'u1', failures: 1, windowStart: world.clock.now().toISOString(), version: 1 });
    const result = await deleteUser(world, 'u1');
    expect(result).toMatchObject({ userId: 'u1', deletedFaces: 2, deletedImages: 2 });
    expect(traces(world, 'u1')).toEqual(noTraces);
    expect(world.records.attempts.has('u1')).toBe(false);
    await expectError(attempt(world, 'u1', alice), 'FACE_MISMATCH');
    // and the face is free to be registered again
    await enrolled(world, 'u2', alice);
  });

  it('erases the ID card image too', async () => {
    const world = createWorld();
    world.images.put('uploads/id_card/c.jpg', world.images.bytes(stageUpload(world, alice)));
    await register(world, { userId: 'u1', image: { s3Key: stageUpload(world, alice) }, idCard: { s3Key: 'uploads/id_card/c.jpg' }, registrationId: 'registration-000r' });
    expect(world.images.keys('idcards/u1/')).toHaveLength(1);
    expect((await deleteUser(world, 'u1')).deletedImages).toBe(2);
    expect(world.images.keys('idcards/u1/')).toEqual([]);
  });

  it('an unknown user is USER_NOT_FOUND', async () => {
    const world = createWorld();
    await expectError(deleteUser(world, 'ghost'), 'USER_NOT_FOUND', { userId: 'ghost' });
    expect(world.faces.calls).toEqual([]);
  });
});
