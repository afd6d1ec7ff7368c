/**
 * Staged uploads (uploads/…) are biometric data with one purpose. A registration that is decided
 * — enrolled, or refused for good — discards the uploads it read; one that failed retryably
 * (THROTTLED, UNAVAILABLE, INTERNAL, LOCKED_OUT) keeps them, because a retry with the same
 * registrationId runs again and reads them; a request refused before any registration was
 * recorded (invalid arguments) has read nothing and changes nothing. A request answered from an
 * earlier registration with its registrationId (a replay, a CONFLICT) discards its own uploads,
 * never one the earlier registration still reads.
 */
import { describe, expect, it } from 'vitest';
import { FacegateError } from '../../core/errors';
import { register, type RegisterCommand } from '../../core/flows/register';
import { updatePhoto } from '../../core/flows/updatePhoto';
import { createWorld, fakeImage, stageUpload, traces, noTraces, type SceneFace, type World } from '../support/fakes';
import { deferred, expectError, until } from '../support/helpers';

const alice: SceneFace = { person: 'alice' };
const bob: SceneFace = { person: 'bob' };

const staged = (world: World) => world.images.keys('uploads/');
let counter = 0;
const newRegistrationId = () => `registration-${(counter += 1).toString().padStart(6, '0')}`;

function command(world: World, userId: string, faces: SceneFace[], extra: Partial<RegisterCommand> = {}): RegisterCommand {
  return { userId, image: { s3Key: stageUpload(world, ...faces) }, registrationId: newRegistrationId(), ...extra };
}

function withCard(world: World, cmd: RegisterCommand, card: SceneFace[]): RegisterCommand {
  const key = `uploads/id_card/${Math.random().toString(36).slice(2)}.jpg`;
  world.images.put(key, fakeImage(...card));
  return { ...cmd, idCard: { s3Key: key } };
}

const outcome = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'SUCCEEDED',
    (e: unknown) => (e instanceof FacegateError ? e.type : `unexpected ${String(e)}`),
  );

describe('a decided registration discards its staged uploads', () => {
  it('FACE_ALREADY_REGISTERED (the duplicate check)', async () => {
    const world = createWorld();
    await register(world, command(world, 'u1', [alice]));
    await expectError(register(world, command(world, 'u2', [alice])), 'FACE_ALREADY_REGISTERED');
    expect(staged(world)).toEqual([]);
  });

  it('FACE_ALREADY_REGISTERED (the loser of two concurrent registrations of one face)', async () => {
    const world = createWorld();
    const bothSearched = deferred();
    world.faces.gates.set('indexFace', () => bothSearched.promise);
    const a = outcome(register(world, command(world, 'ua', [alice])));
    const b = outcome(register(world, command(world, 'ub', [alice])));
    await until(() => world.faces.calls.filter((c) => c === 'searchFacesByImage').length === 2);
    bothSearched.resolve();
    expect([await a, await b].sort()).toEqual(['FACE_ALREADY_REGISTERED', 'SUCCEEDED']);
    expect(staged(world)).toEqual([]);
  });

  it('USER_ALREADY_EXISTS', async () => {
    const world = createWorld();
    await register(world, command(world, 'u1', [alice]));
    await expectError(register(world, command(world, 'u1', [bob])), 'USER_ALREADY_EXISTS');
    expect(staged(world)).toEqual([]);
  });

  it.each([
    ['NO_FACE', []],
    ['MULTIPLE_FACES', [alice, bob]],
    ['POOR_QUALITY', [{ person: 'alice', sharpness: 1 }]],
  ] as [string, SceneFace[]][])('a screening refusal (%s)', async (type, faces) => {
    const world = createWorld();
    await expectError(register(world, command(world, 'u1', faces)), type);
    expect(staged(world)).toEqual([]);
  });

  it('FACE_MISMATCH_ID_CARD: the selfie and the card', async () => {
    const world = createWorld();
    await expectError(register(world, withCard(world, command(world, 'u1', [alice]), [bob])), 'FACE_MISMATCH_ID_CARD');
    expect(staged(world)).toEqual([]);
  });

  it('updatePhoto refused with FACE_MISMATCH', async () => {
    const world = createWorld();
    await register(world, command(world, 'u1', [alice]));
    await expectError(updatePhoto(world, command(world, 'u1', [bob])), 'FACE_MISMATCH');
    expect(staged(world)).toEqual([]);
  });
});

describe('a registration that failed retryably keeps them, and a retry with the same registrationId runs again', () => {
  it('INTERNAL part-way: rolled back, kept; the retry restarts, enrolls and then discards them', async () => {
    const world = createWorld();
    const cmd = command(world, 'u1', [alice]);
    world.records.failures.set('replaceUser', new Error('DynamoDB down'));
    await expectError(register(world, cmd), 'INTERNAL');
    expect(traces(world, 'u1')).toEqual(noTraces);
    expect(staged(world)).toHaveLength(1);
    const firstRun = (await world.records.listEvents(cmd.registrationId)).length;

    world.records.failures.delete('replaceUser');
    const result = await register(world, cmd);
    expect(result).toMatchObject({ status: 'SUCCEEDED', userId: 'u1' });
    expect(staged(world)).toEqual([]);
    expect(world.records.registrations.get(cmd.registrationId)).toMatchObject({ status: 'SUCCEEDED' });
    // The second run's events follow the first run's: one history, no seq used twice.
    const events = await world.records.listEvents(cmd.registrationId);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events[firstRun]).toMatchObject({ step: 'STARTED', status: 'SUCCEEDED' });
    expect(world.logger.lines.some((l) => l.message === 'progress event not recorded')).toBe(false);
  });

  it('THROTTLED: the same', async () => {
    const world = createWorld();
    const cmd = command(world, 'u1', [alice]);
    world.faces.failures.set('indexFace', new FacegateError('THROTTLED', 'Rekognition throttled', { retryAfter: 1 }));
    await expectError(register(world, cmd), 'THROTTLED', { retryAfter: 1 });
    expect(staged(world)).toHaveLength(1);
    world.faces.failures.delete('indexFace');
    expect((await register(world, cmd)).status).toBe('SUCCEEDED');
    expect(staged(world)).toEqual([]);
  });

  it('a decided refusal is replayed, not run again', async () => {
    const world = createWorld();
    const cmd = command(world, 'u1', []);
    await expectError(register(world, cmd), 'NO_FACE');
    const calls = world.faces.calls.length;
    await expectError(register(world, cmd), 'NO_FACE');
    expect(world.faces.calls.length).toBe(calls);
  });

  it('updatePhoto LOCKED_OUT keeps the photo; the retry after the lock runs again', async () => {
    const world = createWorld();
    await register(world, command(world, 'u1', [alice]));
    for (let i = 0; i < world.config.lockoutMaxFailures; i += 1) await updatePhoto(world, command(world, 'u1', [bob])).catch(() => undefined);
    const cmd = command(world, 'u1', [alice]);
    await expectError(updatePhoto(world, cmd), 'LOCKED_OUT');
    expect(staged(world)).toEqual([(cmd.image as { s3Key: string }).s3Key]);
    world.clock.advance(world.config.lockoutWindowSeconds + 1);
    expect((await updatePhoto(world, cmd)).status).toBe('SUCCEEDED');
    expect(staged(world)).toEqual([]);
  });

  it('two retries of one failed registration at once: one runs, the other is a CONFLICT and leaves its upload alone when shared', async () => {
    const world = createWorld();
    const cmd = command(world, 'u1', [alice]);
    world.records.failures.set('replaceUser', new Error('DynamoDB down'));
    await expectError(register(world, cmd), 'INTERNAL');
    world.records.failures.delete('replaceUser');
    expect((await Promise.all([outcome(register(world, cmd)), outcome(register(world, cmd))])).sort()).toEqual(['CONFLICT', 'SUCCEEDED']);
    expect(traces(world, 'u1').profile?.status).toBe('ACTIVE');
    expect(staged(world)).toEqual([]);
  });

  it('an abandoned IN_PROGRESS registration (its process died) is restarted after the reservation TTL, not before', async () => {
    const world = createWorld();
    const cmd = command(world, 'u1', [alice]);
    const now = world.clock.now().toISOString();
    world.records.registrations.set(cmd.registrationId, { registrationId: cmd.registrationId, userId: 'u1', kind: 'REGISTER', status: 'IN_PROGRESS', stagedKeys: [(cmd.image as { s3Key: string }).s3Key], startedAt: now, updatedAt: now });
    world.records.users.set('u1', { userId: 'u1', status: 'PENDING', faceIds: [], registrationId: cmd.registrationId, createdAt: now, updatedAt: now, version: 0 });
    await expectError(register(world, cmd), 'CONFLICT');
    world.clock.advance(world.config.pendingTtlSeconds + 1);
    expect((await register(world, cmd)).status).toBe('SUCCEEDED');
    expect(traces(world, 'u1').profile).toMatchObject({ status: 'ACTIVE', registrationId: cmd.registrationId });
  });
});

describe('a request answered from an earlier registration discards its own uploads', () => {
  it('the losers of a registrationId race: CONFLICT, their uploads gone, the winner unharmed', async () => {
    const world = createWorld();
    const registrationId = newRegistrationId();
    const gate = deferred();
    world.faces.gates.set('indexFace', () => gate.promise);
    const winner = outcome(register(world, command(world, 'u1', [alice], { registrationId })));
    await until(() => world.faces.calls.includes('indexFace'));
    const losers = await Promise.all([1, 2, 3].map(() => outcome(register(world, command(world, 'u1', [alice], { registrationId })))));
    expect(losers).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT']);
    expect(staged(world)).toHaveLength(1); // the winner's, still being read
    gate.resolve();
    expect(await winner).toBe('SUCCEEDED');
    expect(staged(world)).toEqual([]);
  });

  it('a concurrent repeat of the very same request does not delete the upload from under the first', async () => {
    const world = createWorld();
    const cmd = command(world, 'u1', [alice]);
    const gate = deferred();
    world.faces.gates.set('indexFace', () => gate.promise);
    const first = outcome(register(world, cmd));
    await until(() => world.faces.calls.includes('indexFace'));
    expect(await outcome(register(world, cmd))).toBe('CONFLICT');
    expect(staged(world)).toEqual([(cmd.image as { s3Key: string }).s3Key]);
    gate.resolve();
    expect(await first).toBe('SUCCEEDED');
  });

  it('a replay of a finished registration with a fresh upload', async () => {
    const world = createWorld();
    const cmd = command(world, 'u1', [alice]);
    const first = await register(world, cmd);
    expect(await register(world, { ...cmd, image: { s3Key: stageUpload(world, alice) } })).toEqual(first);
    expect(staged(world)).toEqual([]);
  });

  it('a registrationId reused for another user', async () => {
    const world = createWorld();
    const cmd = command(world, 'u1', [alice]);
    await register(world, cmd);
    await expectError(register(world, command(world, 'u2', [bob], { registrationId: cmd.registrationId })), 'CONFLICT');
    expect(staged(world)).toEqual([]);
  });
});

describe('a request refused before any registration is recorded changes nothing', () => {
  it('invalid arguments keep the upload (the client fixes them and retries with it)', async () => {
    const world = createWorld();
    await expectError(register(world, command(world, 'not valid', [alice])), 'INVALID_INPUT');
    await expectError(register(world, command(world, 'u1', [alice], { properties: '[1]' })), 'INVALID_INPUT');
    expect(staged(world)).toHaveLength(2);
    expect(world.records.registrations.size).toBe(0);
  });
});
