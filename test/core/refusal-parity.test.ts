/**
 * No user enumeration by timing: every refusal of a claimed identity makes the same port calls
 * (Rekognition, table reads and writes, S3) whether the userId is registered, unknown or not
 * active. Timing itself is measured over HTTP by `npm run bench:timing`; a timing assertion on
 * shared cores could not be trusted, the calls can.
 */
import { describe, expect, it } from 'vitest';
import type { Deps } from '../../core/deps';
import { authenticate } from '../../core/flows/authenticate';
import { register } from '../../core/flows/register';
import { updatePhoto } from '../../core/flows/updatePhoto';
import { createWorld, stageUpload, type SceneFace, type World } from '../support/fakes';

const alice: SceneFace = { person: 'alice' };
const bob: SceneFace = { person: 'bob' };
const carol: SceneFace = { person: 'carol' };

/** The world's ports, with every call recorded as `port.method` in call order. */
function recorded(world: World): { deps: Deps; calls: string[] } {
  const calls: string[] = [];
  const wrap = <T extends object>(port: T, name: string): T =>
    new Proxy(port, {
      get(target, prop, receiver) {
        const member = Reflect.get(target, prop, receiver) as unknown;
        if (typeof member !== 'function') return member;
        return (...args: unknown[]) => {
          calls.push(`${name}.${String(prop)}`);
          return (member as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  return { deps: { ...world, faces: wrap(world.faces, 'faces'), records: wrap(world.records, 'records'), images: wrap(world.images, 'images') }, calls };
}

/** A world where `known` is enrolled with alice's face and `inactive` is a PENDING profile; carol is enrolled as `other`. */
async function setUp(): Promise<World> {
  const world = createWorld();
  await register(world, { userId: 'known', image: { s3Key: stageUpload(world, alice) }, registrationId: 'registration-known-1' });
  await register(world, { userId: 'other', image: { s3Key: stageUpload(world, carol) }, registrationId: 'registration-other-1' });
  world.records.users.set('inactive', { ...world.records.users.get('known')!, userId: 'inactive', status: 'PENDING', faceIds: [] });
  return world;
}

type Attempt = (deps: Deps, world: World, userId: string) => Promise<unknown>;

const authenticateWith =
  (...faces: SceneFace[]): Attempt =>
  (deps, world, userId) =>
    authenticate(deps, { userId, image: { s3Key: stageUpload(world, ...faces) } });

const updatePhotoWith =
  (...faces: SceneFace[]): Attempt =>
  (deps, world, userId) =>
    updatePhoto(deps, { userId, image: { s3Key: stageUpload(world, ...faces) }, registrationId: `registration-${userId}-${Math.random()}` });

/** Runs the attempt against a fresh world for each claimed user; returns the errorType and the calls made. */
async function callsFor(attempt: Attempt, userId: string): Promise<{ type: string; calls: string[] }> {
  const world = await setUp();
  const { deps, calls } = recorded(world);
  const error = (await attempt(deps, world, userId).then(
    () => ({ type: 'ACCEPTED' }),
    (e: unknown) => e,
  )) as { type: string };
  return { type: error.type, calls };
}

const refusals: [string, Attempt][] = [
  ['authenticate: a face nobody enrolled (1:N finds nobody, the 1:1 fallback runs)', authenticateWith(bob)],
  ["authenticate: someone else's enrolled face (1:N finds them on top)", authenticateWith(carol)],
  ['authenticate: no face', authenticateWith()],
  ['authenticate: two faces', authenticateWith(bob, carol)],
  ['authenticate: poor quality', authenticateWith({ person: 'bob', yaw: 60 })],
  ['updatePhoto: a face nobody enrolled', updatePhotoWith(bob)],
  ["updatePhoto: someone else's enrolled face", updatePhotoWith(carol)],
  ['updatePhoto: no face', updatePhotoWith()],
];

describe('refusals of a claimed identity make the same calls for known, unknown and inactive users', () => {
  it.each(refusals)('%s', async (_name, attempt) => {
    const known = await callsFor(attempt, 'known');
    expect(known.type).not.toBe('ACCEPTED');
    for (const userId of ['nobody', 'inactive']) {
      const other = await callsFor(attempt, userId);
      expect({ userId, type: other.type }).toEqual({ userId, type: known.type });
      expect({ userId, calls: other.calls }).toEqual({ userId, calls: known.calls });
    }
  });

  it('a locked-out user: the same calls too, known or not', async () => {
    const lockedOut = async (userId: string) => {
      const world = await setUp();
      for (let i = 0; i < world.config.lockoutMaxFailures; i += 1) await authenticateWith(bob)(world, world, userId).catch(() => undefined);
      const { deps, calls } = recorded(world);
      const error = (await authenticateWith(alice)(deps, world, userId).catch((e: unknown) => e)) as { type: string };
      return { type: error.type, calls };
    };
    const known = await lockedOut('known');
    expect(known.type).toBe('LOCKED_OUT');
    expect(await lockedOut('nobody')).toEqual(known);
  });
});
