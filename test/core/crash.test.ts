/**
 * A process that dies part-way, at every point: the flow's n-th call to a store never returns
 * (before or after it took effect) and nothing after it runs, as when `npm start` is killed.
 * Then, past the pending TTL, a retry with the same registrationId must finish, and the doctor
 * must find only leftovers it can repair, and nothing after repairing them. The real SIGKILL of
 * the whole stack is test/e2e/crash.test.ts; this enumerates every kill point on the fakes.
 */
import { describe, expect, it, vi } from 'vitest';
import { runDoctor, type FindingKind } from '../../core/doctor/index';
import { FacegateError } from '../../core/errors';
import { authenticate } from '../../core/flows/authenticate';
import { deleteUser } from '../../core/flows/deleteUser';
import { register } from '../../core/flows/register';
import { updatePhoto } from '../../core/flows/updatePhoto';
import { createWorld, stageUpload, type World } from '../support/fakes';
import { until } from '../support/helpers';

/** What an interrupted flow may leave, and a retry not clean up: orphans the doctor removes. */
const LEFTOVERS: FindingKind[] = ['face-without-record', 'image-without-record', 'face-not-listed', 'face-record-without-face'];

interface Kill {
  /** Calls made so far, by name. */
  calls: string[];
  readonly dead: boolean;
  revive(): void;
}

/**
 * From the `at`-th store call on (counting from 1), calls never return: the process died. With
 * `afterEffect` the fatal call itself runs first (its answer is what is lost).
 */
function killAt(world: World, at: number, afterEffect: boolean): Kill {
  const calls: string[] = [];
  let dead = false;
  const restores: (() => void)[] = [];
  const never = new Promise<never>(() => undefined);
  for (const [name, port] of Object.entries({ faces: world.faces, records: world.records, images: world.images, publisher: world.publisher })) {
    const target = port as unknown as Record<string, unknown>;
    const proto = Object.getPrototypeOf(port) as Record<string, unknown>;
    for (const method of Object.getOwnPropertyNames(proto)) {
      const original = target[method];
      if (method === 'constructor' || typeof original !== 'function') continue;
      target[method] = (...args: unknown[]) => {
        if (dead) return never;
        calls.push(`${name}.${method}`);
        if (calls.length === at) {
          dead = true;
          if (afterEffect) void (original as (...a: unknown[]) => Promise<unknown>).apply(port, args).catch(() => undefined);
          return never;
        }
        return (original as (...a: unknown[]) => unknown).apply(port, args);
      };
      restores.push(() => {
        target[method] = original;
      });
    }
  }
  return {
    calls,
    get dead() {
      return dead;
    },
    revive: () => restores.forEach((r) => r()),
  };
}

/** Runs `flow` until it finishes or dies; returns whether it died. */
async function runUntilDeath(kill: Kill, flow: () => Promise<unknown>): Promise<boolean> {
  let settled = false;
  flow().then(
    () => (settled = true),
    () => (settled = true),
  );
  await until(() => settled || kill.dead);
  // Whatever was still running alongside the fatal call reaches its own next call and stops there.
  await new Promise((r) => setTimeout(r, 5));
  return kill.dead;
}

async function expectHealed(world: World, what: string): Promise<void> {
  const report = await runDoctor(world, { repair: true });
  const unexpected = report.found.findings.filter((f) => !LEFTOVERS.includes(f.kind));
  expect(unexpected, `${what}: findings beyond leftovers`).toEqual([]);
  expect(report.after?.findings ?? [], `${what}: findings after repair`).toEqual([]);
  expect(report.found.inFlight, `${what}: nothing in flight`).toEqual([]);
}

const alice = { person: 'alice' };

async function enrolled(world: World, userId: string): Promise<string> {
  const result = await register(world, { userId, image: { s3Key: stageUpload(world, alice) }, registrationId: `registration-${userId}-setup` });
  return result.faceId;
}

/** The calls of an uninterrupted run: the kill points (each before and after its effect). */
async function callsOf(setup: (world: World) => Promise<() => Promise<unknown>>): Promise<string[]> {
  const world = createWorld();
  const flow = await setup(world);
  const kill = killAt(world, Number.MAX_SAFE_INTEGER, false);
  await flow();
  return kill.calls;
}

const killPoints = async (setup: (world: World) => Promise<() => Promise<unknown>>): Promise<number> => (await callsOf(setup)).length;

/** A registerUser of alice that dies at call `at` (after its effect); the world revived. */
async function registerDyingAt(world: World, at: number | ((calls: string[]) => number), registrationId: string) {
  const cmd = { userId: 'u1', image: { s3Key: stageUpload(world, alice) }, registrationId };
  const index = typeof at === 'number' ? at : at(await callsOf(async (w) => () => register(w, { ...cmd, image: { s3Key: stageUpload(w, alice) } })));
  const kill = killAt(world, index, true);
  await runUntilDeath(kill, () => register(world, cmd));
  kill.revive();
  return cmd;
}

describe('a crash at any point of a flow', () => {
  it('registerUser: the retry with the same registrationId succeeds; the doctor removes what the dead attempt left', async () => {
    const setup = async (world: World) => {
      const cmd = { userId: 'u1', image: { s3Key: stageUpload(world, alice) }, registrationId: 'registration-crash-1' };
      return () => register(world, cmd);
    };
    const points = await killPoints(setup);
    expect(points).toBeGreaterThan(15);
    for (let at = 1; at <= points; at++) {
      for (const afterEffect of [false, true]) {
        const world = createWorld();
        const flow = await setup(world);
        const kill = killAt(world, at, afterEffect);
        const died = await runUntilDeath(kill, flow);
        const where = `register killed at call ${at} (${kill.calls[at - 1]}${afterEffect ? ', after its effect' : ''})`;
        expect(died, where).toBe(true);
        kill.revive();
        world.clock.advance(world.config.pendingTtlSeconds + 1);
        const result = await flow();
        expect(result, where).toMatchObject({ status: 'SUCCEEDED', userId: 'u1' });
        expect((await flow()).faceId, `${where}: a further retry replays`).toBe(result.faceId);
        await expectHealed(world, where);
        expect(world.records.users.get('u1'), where).toMatchObject({ status: 'ACTIVE', faceIds: [result.faceId] });
        expect([...world.faces.faces.keys()], where).toEqual([result.faceId]);
      }
    }
  });

  it('updatePhoto: the retry succeeds, the user authenticates, the doctor removes the rest', async () => {
    const setup = async (world: World) => {
      await enrolled(world, 'u1');
      const cmd = { userId: 'u1', image: { s3Key: stageUpload(world, alice) }, registrationId: 'registration-update-1' };
      return () => updatePhoto(world, cmd);
    };
    const points = await killPoints(setup);
    for (let at = 1; at <= points; at++) {
      for (const afterEffect of [false, true]) {
        const world = createWorld({ keptFaces: 1 });
        const flow = await setup(world);
        const kill = killAt(world, at, afterEffect);
        const where = `updatePhoto killed at call ${at} (${kill.calls[at - 1] ?? '?'}${afterEffect ? ', after its effect' : ''})`;
        expect(await runUntilDeath(kill, flow), where).toBe(true);
        kill.revive();
        world.clock.advance(world.config.pendingTtlSeconds + 1);
        const result = await flow();
        expect(result, where).toMatchObject({ status: 'SUCCEEDED', userId: 'u1' });
        await expectHealed(world, where);
        const profile = world.records.users.get('u1')!;
        expect(profile.faceIds, where).toEqual([result.faceId]);
        const auth = await authenticate(world, { userId: 'u1', image: { s3Key: stageUpload(world, alice) } });
        expect(auth.authenticated, where).toBe(true);
      }
    }
  });

  it('deleteUser: repeating it finishes the erasure; nothing is left', async () => {
    const setup = async (world: World) => {
      await enrolled(world, 'u1');
      return () => deleteUser(world, 'u1');
    };
    const points = await killPoints(setup);
    for (let at = 1; at <= points; at++) {
      for (const afterEffect of [false, true]) {
        const world = createWorld();
        const flow = await setup(world);
        const kill = killAt(world, at, afterEffect);
        const where = `deleteUser killed at call ${at} (${kill.calls[at - 1] ?? '?'}${afterEffect ? ', after its effect' : ''})`;
        expect(await runUntilDeath(kill, flow), where).toBe(true);
        kill.revive();
        const repeated = await flow().catch((e: unknown) => e);
        if (repeated instanceof FacegateError) expect(repeated.type, where).toBe('USER_NOT_FOUND');
        const report = await runDoctor(world);
        expect(report.found.findings, where).toEqual([]);
        expect({ faces: world.faces.faces.size, users: world.faces.users.size, images: world.images.keys('faces/'), profiles: world.records.users.size }, where).toEqual({
          faces: 0,
          users: 0,
          images: [],
          profiles: 0,
        });
      }
    }
  });

  it('a retry before the pending TTL is a CONFLICT (the first attempt may still be running); after it, a takeover', async () => {
    const world = createWorld();
    const cmd = await registerDyingAt(world, 12, 'registration-early-retry');
    await expect(register(world, cmd)).rejects.toMatchObject({ type: 'CONFLICT', message: 'This registration is still in progress' });
    world.clock.advance(world.config.pendingTtlSeconds + 1);
    await expect(register(world, cmd)).resolves.toMatchObject({ status: 'SUCCEEDED' });
    expect(world.records.registrations.get(cmd.registrationId)).toMatchObject({ status: 'SUCCEEDED', attempt: 2 });
    expect(world.logger.lines.some((l) => l.message === 'registration restarted')).toBe(true);
  });

  it("the takeover's own PENDING reservation is its to take, even if younger than the TTL", async () => {
    const world = createWorld();
    const cmd = await registerDyingAt(world, 6, 'registration-own-reservation');
    expect(world.records.users.get('u1')).toMatchObject({ status: 'PENDING', registrationId: cmd.registrationId });
    // The registration went stale a moment before its reservation (written just after it) would.
    const abandoned = world.records.registrations.get(cmd.registrationId)!;
    world.records.registrations.set(cmd.registrationId, { ...abandoned, updatedAt: new Date(world.clock.time - (world.config.pendingTtlSeconds + 1) * 1000).toISOString() });
    await expect(register(world, cmd)).resolves.toMatchObject({ status: 'SUCCEEDED' });
  });

  it('a takeover sends Rekognition new idempotency tokens: the abandoned attempt\'s cached answers must not be replayed', async () => {
    const world = createWorld();
    const associate = vi.spyOn(world.faces, 'associateFaces');
    // Die just after AssociateFaces took effect.
    const cmd = await registerDyingAt(world, (calls) => calls.indexOf('faces.associateFaces') + 1, 'registration-tokens-1');
    world.clock.advance(world.config.pendingTtlSeconds + 1);
    await register(world, cmd);
    expect(associate.mock.calls.map((call) => (call as unknown[])[2])).toEqual([cmd.registrationId, `${cmd.registrationId}#2`]);
  });
});
