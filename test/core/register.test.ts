import { describe, expect, it } from 'vitest';
import { register, type RegisterCommand } from '../../core/flows/register';
import { updatePhoto } from '../../core/flows/updatePhoto';
import { FacegateError } from '../../core/errors';
import type { RecordStore } from '../../core/ports';
import {
  createWorld,
  fakeImageBase64,
  noTraces,
  stageUpload,
  traces,
  type FaceCall,
  type SceneFace,
  type World,
} from '../support/fakes';
import { deferred, expectError, until } from '../support/helpers';

const alice: SceneFace = { person: 'alice' };
const bob: SceneFace = { person: 'bob' };

function command(world: World, userId: string, face: SceneFace | SceneFace[], extra: Partial<RegisterCommand> = {}): RegisterCommand {
  const faces = Array.isArray(face) ? face : [face];
  return { userId, image: { s3Key: stageUpload(world, ...faces) }, registrationId: `reg-${userId}-${Math.random()}`, ...extra };
}

describe('registerUser', () => {
  it('enrolls one face: collection, Rekognition user, image, records, progress', async () => {
    const world = createWorld();
    const cmd = command(world, 'u1', alice, { properties: '{"plan":"gold"}' });
    const result = await register(world, cmd);

    expect(result).toMatchObject({ registrationId: cmd.registrationId, userId: 'u1', kind: 'REGISTER', status: 'SUCCEEDED', removedFaceIds: [] });
    expect(result.quality).toMatchObject({ confidence: 99.9, brightness: 70, sharpness: 60 });
    const t = traces(world, 'u1');
    expect(t.collectionFaces).toEqual([result.faceId]);
    expect([...world.faces.users.get('u1')!]).toEqual([result.faceId]);
    expect(t.images).toEqual([`faces/u1/${result.faceId}.jpg`]);
    expect(t.profile).toMatchObject({ status: 'ACTIVE', faceIds: [result.faceId], version: 1, properties: '{"plan":"gold"}', registrationId: cmd.registrationId });
    expect(t.faceItems).toEqual([expect.objectContaining({ faceId: result.faceId, imageKey: `faces/u1/${result.faceId}.jpg` })]);
    // the staged upload is gone once enrolled
    expect(world.images.keys('uploads/')).toEqual([]);
    expect(world.records.registrations.get(cmd.registrationId)).toMatchObject({ status: 'SUCCEEDED', faceId: result.faceId });
    // and the account the user signs in to with this face
    expect(t.account).toBe(true);
  });

  it('publishes every step in order, and records the same events', async () => {
    const world = createWorld();
    const cmd = command(world, 'u1', alice);
    await register(world, cmd);
    const steps = world.publisher.published.map((e) => `${e.step}:${e.status}`);
    expect(steps).toEqual([
      'STARTED:SUCCEEDED',
      'SCREENING:STARTED',
      'DUPLICATE_CHECK:STARTED',
      'SCREENING:SUCCEEDED',
      'DUPLICATE_CHECK:SUCCEEDED',
      'INDEXING:STARTED',
      'INDEXING:SUCCEEDED',
      'SAVING:STARTED',
      'SAVING:SUCCEEDED',
      'COMPLETED:SUCCEEDED',
    ]);
    expect(world.publisher.published.map((e) => e.seq)).toEqual(steps.map((_, i) => i + 1));
    expect(await world.records.listEvents(cmd.registrationId)).toEqual(world.publisher.published);
  });

  it('makes two Rekognition round trips: each round runs its calls together', async () => {
    const world = createWorld();
    const started = (call: FaceCall) => world.faces.calls.includes(call);
    // Each gate opens only once its round-mates have started: a sequential flow would hang here.
    world.faces.gates.set('indexFace', () => until(() => started('searchFacesByImage') && started('createUser')));
    world.faces.gates.set('associateFaces', () => until(() => started('searchFaces') && world.directory.calls.length > 0));
    await register(world, command(world, 'u1', alice));
    expect(world.faces.calls).toEqual(['indexFace', 'searchFacesByImage', 'createUser', 'associateFaces', 'searchFaces']);
    expect(world.directory.calls).toEqual(['ensureUser u1']);
  });

  it('opens no sign-in account for a photo refused in round 1', async () => {
    const world = createWorld();
    await expectError(register(world, command(world, 'u1', [])), 'NO_FACE');
    expect(world.directory.calls).toEqual([]);
  });

  it('accepts a small inline base64 image', async () => {
    const world = createWorld();
    const result = await register(world, { userId: 'u1', image: { base64: fakeImageBase64(alice) }, registrationId: 'registration-00r1' });
    expect(traces(world, 'u1').images).toEqual([`faces/u1/${result.faceId}.jpg`]);
  });

  describe('bad input changes nothing', () => {
    const cases: [string, (w: World) => RegisterCommand, string][] = [
      ['both s3Key and base64', (w) => ({ userId: 'u1', image: { s3Key: stageUpload(w, alice), base64: fakeImageBase64(alice) }, registrationId: 'registration-000r' }), 'INVALID_INPUT'],
      ['neither', () => ({ userId: 'u1', image: {}, registrationId: 'registration-000r' }), 'INVALID_INPUT'],
      ['a userId Rekognition cannot carry', (w) => command(w, 'bad user!', alice), 'INVALID_INPUT'],
      ['properties that are not a JSON object', (w) => command(w, 'u1', alice, { properties: '[1,2]' }), 'INVALID_INPUT'],
      ['properties that are not JSON', (w) => command(w, 'u1', alice, { properties: '{nope' }), 'INVALID_INPUT'],
      ['an s3Key outside uploads/', () => ({ userId: 'u1', image: { s3Key: 'faces/victim/x.jpg' }, registrationId: 'registration-000r' }), 'INVALID_INPUT'],
      ['an s3Key that was never uploaded', () => ({ userId: 'u1', image: { s3Key: 'uploads/selfie/missing.jpg' }, registrationId: 'registration-000r' }), 'INVALID_IMAGE'],
      ['base64 that is not an image', () => ({ userId: 'u1', image: { base64: Buffer.from('hello world').toString('base64') }, registrationId: 'registration-000r' }), 'INVALID_IMAGE'],
      ['base64 that is not base64', () => ({ userId: 'u1', image: { base64: '%%%not base64%%%' }, registrationId: 'registration-000r' }), 'INVALID_IMAGE'],
      ['inline image over the cap', () => ({ userId: 'u1', image: { base64: Buffer.alloc(1024 * 1024 + 10, 1).toString('base64') }, registrationId: 'registration-000r' }), 'IMAGE_TOO_LARGE'],
    ];
    it.each(cases)('%s', async (_, make, type) => {
      const world = createWorld();
      const cmd = make(world);
      await expectError(register(world, cmd), type);
      expect(world.faces.calls).toEqual([]);
      expect(world.records.registrations.size).toBe(0);
      expect(traces(world, 'u1')).toEqual(noTraces);
    });

    it('an uploaded object over the upload cap', async () => {
      const world = createWorld({ maxUploadBytes: 10 });
      await expectError(register(world, command(world, 'u1', alice)), 'IMAGE_TOO_LARGE', { maxBytes: 10 });
      expect(world.faces.calls).toEqual([]);
    });

    it('an uploaded object that is not an image type', async () => {
      const world = createWorld();
      world.images.put('uploads/selfie/x.gif', new Uint8Array([1, 2, 3]), 'image/gif');
      await expectError(register(world, { userId: 'u1', image: { s3Key: 'uploads/selfie/x.gif' }, registrationId: 'registration-000r' }), 'INVALID_IMAGE');
    });
  });

  describe('the quality screen', () => {
    const cases: [string, SceneFace[], string, Record<string, unknown>][] = [
      ['no face', [], 'NO_FACE', {}],
      ['two faces', [alice, bob], 'MULTIPLE_FACES', { faces: 2 }],
      ['a blurry second face does not count as a person', [alice, { person: 'poster', confidence: 60 }], '', {}],
      ['only an unclear face', [{ person: 'alice', confidence: 70 }], 'POOR_QUALITY', { reasons: ['LOW_CONFIDENCE'] }],
      ['head turned', [{ person: 'alice', yaw: 35 }], 'POOR_QUALITY', { reasons: ['EXTREME_POSE'] }],
      ['sunglasses', [{ person: 'alice', sunglasses: true }], 'POOR_QUALITY', { reasons: ['SUNGLASSES'] }],
      ['eyes closed', [{ person: 'alice', eyesOpen: false }], 'POOR_QUALITY', { reasons: ['EYES_CLOSED'] }],
      ['dark and blurred', [{ person: 'alice', brightness: 5, sharpness: 3 }], 'POOR_QUALITY', { reasons: ['LOW_BRIGHTNESS', 'LOW_SHARPNESS'] }],
      ['face too small', [{ person: 'alice', width: 0.05 }], 'POOR_QUALITY', { reasons: ['FACE_TOO_SMALL'] }],
    ];
    it.each(cases)('%s', async (_, faces, type, info) => {
      const world = createWorld();
      const cmd = command(world, 'u1', faces);
      if (!type) {
        await register(world, cmd);
        return;
      }
      await expectError(register(world, cmd), type, info);
      expect(traces(world, 'u1')).toEqual(noTraces);
      expect(world.records.registrations.get(cmd.registrationId)).toMatchObject({ status: 'FAILED', errorType: type });
      const last = world.publisher.published.at(-1)!;
      expect(last).toMatchObject({ step: 'COMPLETED', status: 'FAILED', errorType: type });
      expect(world.publisher.published.map((e) => `${e.step}:${e.status}`)).toContain('SCREENING:FAILED');
      expect(world.publisher.published.map((e) => `${e.step}:${e.status}`)).toContain('ROLLBACK:SUCCEEDED');
    });
  });

  it('refuses a face already registered to another user, without naming them', async () => {
    const world = createWorld();
    await register(world, command(world, 'u1', alice));
    const error = await expectError(register(world, command(world, 'u2', alice)), 'FACE_ALREADY_REGISTERED');
    expect(JSON.stringify(error.info)).not.toContain('u1');
    expect(traces(world, 'u2')).toEqual(noTraces);
    expect(traces(world, 'u1').profile?.status).toBe('ACTIVE');
    expect(traces(world, 'u1').collectionFaces).toHaveLength(1);
  });

  it('refuses an existing userId and leaves the existing user untouched', async () => {
    const world = createWorld();
    const first = await register(world, command(world, 'u1', alice));
    const before = traces(world, 'u1');
    await expectError(register(world, command(world, 'u1', bob)), 'USER_ALREADY_EXISTS', { userId: 'u1' });
    expect(traces(world, 'u1')).toEqual(before);
    expect([...world.faces.users.get('u1')!]).toEqual([first.faceId]);
    expect(world.faces.faces.size).toBe(1);
  });

  describe('a failure part-way leaves nothing behind', () => {
    const faceFailures: FaceCall[] = ['indexFace', 'searchFacesByImage', 'createUser', 'associateFaces', 'searchFaces'];
    it.each(faceFailures)('Rekognition %s fails', async (call) => {
      const world = createWorld();
      world.faces.failures.set(call, new Error(`${call} throttled`));
      const cmd = command(world, 'u1', alice);
      await expectError(register(world, cmd), 'INTERNAL');
      expect(traces(world, 'u1')).toEqual(noTraces);
      expect(world.faces.faces.size).toBe(0);
      expect(world.logger.lines.some((l) => l.level === 'error' && String(l.fields?.error).includes('throttled'))).toBe(true);
    });

    it('storing the image fails', async () => {
      const world = createWorld();
      world.images.failures.set('save', new Error('S3 down'));
      await expectError(register(world, command(world, 'u1', alice)), 'INTERNAL');
      expect(traces(world, 'u1')).toEqual(noTraces);
    });

    const recordFailures: (keyof RecordStore)[] = ['putFace', 'replaceUser'];
    it.each(recordFailures)('DynamoDB %s fails', async (call) => {
      const world = createWorld();
      world.records.failures.set(call, new Error('DynamoDB down'));
      await expectError(register(world, command(world, 'u1', alice)), 'INTERNAL');
      expect(traces(world, 'u1')).toEqual(noTraces);
      expect(world.images.keys('uploads/')).toHaveLength(1); // the client's upload stays for a retry
    });

    it('opening the sign-in account fails', async () => {
      const world = createWorld();
      world.directory.failures.set('ensureUser', new Error('Cognito throttled'));
      await expectError(register(world, command(world, 'u1', alice)), 'INTERNAL');
      expect(traces(world, 'u1')).toEqual(noTraces);
    });

    it('the sign-in account this registration opened is closed again; one that was there before is only linked', async () => {
      const world = createWorld();
      world.records.failures.set('replaceUser', new Error('DynamoDB down'));
      await expectError(register(world, command(world, 'u1', alice)), 'INTERNAL');
      expect(world.directory.calls).toEqual(['ensureUser u1', 'deleteUser u1']);
      world.directory.accounts.add('u2');
      await expectError(register(world, command(world, 'u2', bob)), 'INTERNAL');
      expect(world.directory.accounts.has('u2')).toBe(true);
      expect(world.directory.calls.filter((c) => c.endsWith('u2'))).toEqual(['ensureUser u2']);
    });

    it('reports what could not be undone as a possible orphan', async () => {
      const world = createWorld();
      world.records.failures.set('replaceUser', new Error('DynamoDB down'));
      world.faces.failures.set('deleteFaces', new Error('Rekognition down'));
      const cmd = command(world, 'u1', alice);
      await expectError(register(world, cmd), 'INTERNAL');
      const orphan = world.logger.lines.find((l) => l.message.includes('possible orphan'));
      expect(orphan?.fields).toMatchObject({ step: 'delete indexed face', userId: 'u1', registrationId: cmd.registrationId });
      expect(world.publisher.published.find((e) => e.step === 'ROLLBACK' && e.status === 'FAILED')?.message).toContain('delete indexed face');
      // everything else was still undone
      expect(traces(world, 'u1')).toMatchObject({ rekognitionUser: false, images: [], profile: null, faceItems: [] });
    });
  });

  describe('idempotency on registrationId', () => {
    it('a repeated success returns the same result without new calls', async () => {
      const world = createWorld();
      const cmd = command(world, 'u1', alice);
      const first = await register(world, cmd);
      const calls = world.faces.calls.length;
      expect(world.images.keys('uploads/')).toEqual([]); // the staged upload is gone, and a retry still works
      expect(await register(world, cmd)).toEqual(first);
      expect(world.faces.calls.length).toBe(calls);
    });

    it('a repeated failure returns the same error', async () => {
      const world = createWorld();
      const cmd = command(world, 'u1', [alice, bob]);
      await expectError(register(world, cmd), 'MULTIPLE_FACES');
      const calls = world.faces.calls.length;
      await expectError(register(world, cmd), 'MULTIPLE_FACES', { faces: 2 });
      expect(world.faces.calls.length).toBe(calls);
    });

    it('a registrationId reused for another user is a conflict', async () => {
      const world = createWorld();
      const cmd = command(world, 'u1', alice);
      await register(world, cmd);
      await expectError(register(world, { ...command(world, 'u2', bob), registrationId: cmd.registrationId }), 'CONFLICT');
      expect(traces(world, 'u2')).toEqual(noTraces);
    });
  });

  describe('concurrency', () => {
    it('two registrations of one face under two userIds: exactly one wins, the loser leaves nothing', async () => {
      const world = createWorld();
      const bothSearched = deferred();
      world.faces.gates.set('indexFace', () => bothSearched.promise);
      const a = register(world, command(world, 'ua', alice));
      const b = register(world, command(world, 'ub', alice));
      // Both duplicate checks run before either face is indexed: neither sees the other.
      await until(() => world.faces.calls.filter((c) => c === 'searchFacesByImage').length === 2);
      bothSearched.resolve();
      const outcomes = await Promise.allSettled([a, b]);
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect((lost[0]!.reason as FacegateError).type).toBe('FACE_ALREADY_REGISTERED');
      const loser = outcomes[0]!.status === 'rejected' ? 'ua' : 'ub';
      expect(traces(world, loser)).toEqual(noTraces);
      expect(world.faces.faces.size).toBe(1);
    });

    it('two registrations of one userId: one wins, the other is USER_ALREADY_EXISTS and undoes nothing of the winner', async () => {
      const world = createWorld();
      const outcomes = await Promise.allSettled([register(world, command(world, 'u1', alice)), register(world, command(world, 'u1', bob))]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
      const rejected = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected')!;
      expect((rejected.reason as FacegateError).type).toBe('USER_ALREADY_EXISTS');
      expect(traces(world, 'u1').profile?.status).toBe('ACTIVE');
      expect(traces(world, 'u1').collectionFaces).toHaveLength(1);
      expect(world.faces.users.get('u1')?.size).toBe(1);
    });

    it('an abandoned PENDING reservation is taken over; a fresh one is not', async () => {
      const world = createWorld();
      const stale = { userId: 'u1', status: 'PENDING' as const, faceIds: [], registrationId: 'registration-dead', createdAt: '', updatedAt: world.clock.now().toISOString(), version: 0 };
      world.records.users.set('u1', stale);
      await expectError(register(world, command(world, 'u1', alice)), 'USER_ALREADY_EXISTS');
      world.clock.advance(world.config.pendingTtlSeconds + 1);
      const result = await register(world, command(world, 'u1', alice));
      expect(traces(world, 'u1').profile).toMatchObject({ status: 'ACTIVE', faceIds: [result.faceId], version: 2 });
    });
  });

  describe('a retried IndexFaces (an earlier attempt timed out but indexed a face too)', () => {
    it('the stray is removed once enrolled', async () => {
      const world = createWorld();
      world.faces.straysOnIndex = 1;
      const { faceId } = await register(world, command(world, 'u1', alice));
      expect(traces(world, 'u1').collectionFaces).toEqual([faceId]);
      expect(world.logger.lines.some((l) => l.message.startsWith('removed stray faces'))).toBe(true);
    });

    it('the stray is removed with the rest when the registration is refused', async () => {
      const world = createWorld();
      await register(world, command(world, 'u1', alice));
      world.faces.straysOnIndex = 1;
      await expectError(register(world, command(world, 'u2', alice)), 'FACE_ALREADY_REGISTERED');
      expect(traces(world, 'u2')).toEqual(noTraces);
      expect(world.faces.faces.size).toBe(1);
    });

    it('a failure later on: the stray goes with the rollback', async () => {
      const world = createWorld();
      world.faces.straysOnIndex = 1;
      world.faces.failures.set('associateFaces', new Error('Rekognition down'));
      await expectError(register(world, command(world, 'u1', alice)), 'INTERNAL');
      expect(traces(world, 'u1')).toEqual(noTraces);
    });

    it('IndexFaces never answering: whatever it may have indexed is looked for and removed', async () => {
      const world = createWorld();
      world.faces.lostIndexAnswers = 1;
      await expectError(register(world, command(world, 'u1', alice)), 'INTERNAL');
      expect(traces(world, 'u1')).toEqual(noTraces);
      expect(world.faces.faces.size).toBe(0);
    });

    it('updatePhoto: the stray goes, the user keeps its faces', async () => {
      const world = createWorld();
      const first = await register(world, command(world, 'u1', alice));
      world.faces.straysOnIndex = 1;
      const update = await updatePhoto(world, { userId: 'u1', image: { s3Key: stageUpload(world, alice) }, registrationId: `reg-update-${Math.random()}` });
      expect(traces(world, 'u1').collectionFaces.sort()).toEqual([first.faceId, update.faceId].sort());
    });
  });

  it('a progress publisher that fails does not fail the registration', async () => {
    const world = createWorld();
    world.publisher.publish = async () => {
      throw new Error('AppSync unreachable');
    };
    const result = await register(world, command(world, 'u1', alice));
    expect(result.status).toBe('SUCCEEDED');
    expect(world.logger.lines.filter((l) => l.message === 'progress event not published').length).toBeGreaterThan(5);
    expect((await world.records.listEvents(result.registrationId)).at(-1)).toMatchObject({ step: 'COMPLETED', status: 'SUCCEEDED' });
  });
});

describe('registerWithIdCard', () => {
  const withCard = (world: World, userId: string, selfie: SceneFace, card: SceneFace[]): RegisterCommand => {
    const cmd = command(world, userId, selfie);
    const key = `uploads/id_card/${userId}.jpg`;
    world.images.put(key, new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...Buffer.from(JSON.stringify(card))]));
    return { ...cmd, idCard: { s3Key: key } };
  };

  it('stores the card, its similarity and the fields read on the server', async () => {
    const world = createWorld();
    const result = await register(world, withCard(world, 'u1', alice, [alice]));
    expect(result).toMatchObject({ kind: 'REGISTER_WITH_ID_CARD', idCardSimilarity: 99.6 });
    const profile = traces(world, 'u1').profile!;
    expect(profile.idCard).toMatchObject({ similarity: 99.6, fullName: 'Ada Lovelace', documentNumber: 'X123' });
    expect(profile.idCard!.imageKey).toMatch(/^idcards\/u1\/.+\.jpg$/);
    expect(world.images.keys('idcards/u1/')).toEqual([profile.idCard!.imageKey]);
    expect(world.publisher.published.map((e) => `${e.step}:${e.status}`)).toContain('ID_CARD_MATCH:SUCCEEDED');
    // round 1 carries the card checks too: still two round trips
    expect(world.faces.calls.slice(0, 5).sort()).toEqual(['compareFaces', 'createUser', 'detectFaces', 'indexFace', 'searchFacesByImage']);
  });

  const failures: [string, SceneFace[], string, Record<string, unknown>][] = [
    ['someone else on the card', [bob], 'FACE_MISMATCH_ID_CARD', { threshold: 95 }],
    ['no face on the card', [], 'NO_FACE', { field: 'idCard' }],
    ['two faces on the card', [alice, bob], 'MULTIPLE_FACES', { field: 'idCard' }],
  ];
  it.each(failures)('%s', async (_, card, type, info) => {
    const world = createWorld();
    await expectError(register(world, withCard(world, 'u1', alice, card)), type, info);
    expect(traces(world, 'u1')).toEqual(noTraces);
  });
});
