/**
 * Crash consistency of the whole stack: `npm start` runs as a child process while registerUser,
 * updatePhoto and deleteUser run concurrently against it, and is killed (SIGKILL, the process
 * group) at a random moment; it restarts on the same data directory and then
 *   - a retry of each interrupted mutation with the same registrationId finishes (registerUser
 *     and updatePhoto succeed, with the same face when they had answered before the kill;
 *     deleteUser erases, or finds the user already gone);
 *   - the doctor (the same check as `npx facegate doctor`) finds only the leftovers an
 *     interrupted write leaves (orphan faces, images, unlisted face records), no PENDING
 *     reservation blocking anyone and no record pointing at missing data, and is clean after
 *     `--repair`.
 * Each mutation's start is offset so the kill lands at a random fraction of its duration
 * (measured in an uninterrupted first round); the seed is printed (FACEGATE_CRASH_SEED repeats a
 * run) and so is the step each kill landed in, from the progress events received.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom, seedFrom } from '../../bench/lib/random';
import { startStackProcess, type StackProcess } from '../../bench/lib/stack-process';
import { doctorDeps, resolveDoctorTarget } from '../../cli/doctor';
import { GraphQLClient, GraphQLRequestError, type Authorization } from '../../cli/graphql';
import * as op from '../../cli/operations';
import { runDoctor, type FindingKind } from '../../core/doctor/index';
import { uploadBytes } from '../../bench/lib/upload';
import { haveSharedFaces, photoPath, PHOTOS, warnIfNoSharedFaces } from './helpers';

warnIfNoSharedFaces('the crash-consistency test (test/e2e/crash.test.ts)');

const KILLS = Number(process.env.FACEGATE_CRASH_KILLS ?? 21);
const SEED = seedFrom(process.env.FACEGATE_CRASH_SEED);
/** The stack's pending TTL: a registration interrupted longer ago than this is abandoned. */
const TTL_SECONDS = 2;
/** What an interrupted write leaves that no retry removes: the doctor's to repair. */
const LEFTOVERS: FindingKind[] = ['face-without-record', 'image-without-record', 'face-not-listed', 'face-record-without-face'];

/** The people registered and deleted in turn (three, so the one registered is never the one being deleted). */
const ROTATION = [PHOTOS.carol.enroll, PHOTOS.dave.enroll, PHOTOS.bob.enroll] as const;
const UPDATES = [PHOTOS.alice.other, PHOTOS.alice.enroll] as const;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facegate-crash-'));
let stack: StackProcess | undefined;
afterAll(async () => {
  await stack?.kill();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Photos at most 640 px wide: the engine decodes them faster, and the faces stay large. */
const small = new Map<string, Buffer>();
async function photo(file: string): Promise<Buffer> {
  let bytes = small.get(file);
  if (!bytes) small.set(file, (bytes = await sharp(photoPath(file)).rotate().resize({ width: 640, withoutEnlargement: true }).jpeg({ quality: 90 }).toBuffer()));
  return bytes;
}

interface Api {
  client: GraphQLClient;
  app: Authorization;
  admin: Authorization;
}

const apiOf = (s: StackProcess): Api => ({
  client: new GraphQLClient({ graphqlUrl: s.info.graphqlUrl, realtimeUrl: s.info.realtimeUrl }),
  app: { apiKey: s.info.apiKey },
  admin: { token: s.info.adminToken },
});

type Kind = 'register' | 'update' | 'delete';

interface Mutation {
  kind: Kind;
  userId: string;
  registrationId: string;
  s3Key?: string;
  /** Set when it answered before the kill. */
  answer?: { faceId?: string; error?: string };
  /** The last progress event received before the kill. */
  lastEvent?: op.ProgressEvent;
  onEvent?: (e: op.ProgressEvent) => void;
  startedAt?: number;
}

async function send(api: Api, m: Mutation): Promise<{ faceId?: string }> {
  if (m.kind === 'delete') {
    await api.client.request<op.DeleteUserData>(op.DELETE_USER, { userId: m.userId } satisfies op.DeleteUserVars, api.admin);
    return {};
  }
  const input = { userId: m.userId, image: { s3Key: m.s3Key! }, registrationId: m.registrationId };
  if (m.kind === 'register') return (await api.client.request<op.RegisterUserData>(op.REGISTER_USER, { input } satisfies op.RegisterUserVars, api.app)).registerUser;
  return (await api.client.request<op.UpdatePhotoData>(op.UPDATE_PHOTO, { input } satisfies op.UpdatePhotoVars, api.app)).updatePhoto;
}

const errorType = (e: unknown): string => (e instanceof GraphQLRequestError ? e.errorType : `transport: ${(e as Error).message}`);

/** The retry after the restart: it must finish, with the same outcome if there was one. */
async function retry(api: Api, m: Mutation): Promise<{ faceId?: string; note: string }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await send(api, m);
      return { ...result, note: m.kind === 'delete' ? 'erased' : 'SUCCEEDED' };
    } catch (e) {
      const type = errorType(e);
      if (m.kind === 'delete' && type === 'USER_NOT_FOUND') return { note: 'already erased' };
      // Only if the stack came back faster than the TTL: the attempt is not abandoned yet.
      if (type === 'CONFLICT' && attempt < 3) {
        await new Promise((r) => setTimeout(r, TTL_SECONDS * 1000));
        continue;
      }
      throw new Error(`retry of ${m.kind} ${m.userId} (${m.registrationId}) failed: ${type}: ${(e as Error).message}`);
    }
  }
}

async function restart(): Promise<{ api: Api; ms: number }> {
  stack = await startStackProcess({ dataDir, workers: 1, env: { FACEGATE_PENDING_TTL_SECONDS: String(TTL_SECONDS) } });
  return { api: apiOf(stack), ms: stack.startMs };
}

function doctor(repair: boolean) {
  const { deps, close } = doctorDeps(resolveDoctorTarget({ data: dataDir, repair, json: false }, {}, '/'), { FACEGATE_PENDING_TTL_SECONDS: String(TTL_SECONDS) });
  return runDoctor(deps, { repair }).finally(close);
}

const where = (m: Mutation, killAt: number, durations: Record<Kind, number>): string => {
  if (m.answer) return `answered before the kill (${m.answer.error ?? 'ok'})`;
  if (m.startedAt === undefined) return 'not sent yet';
  const at = killAt - m.startedAt;
  const share = `${Math.round((100 * at) / durations[m.kind])}% of ${Math.round(durations[m.kind])} ms`;
  if (m.kind === 'delete') return `+${Math.round(at)} ms, ${share}`;
  const e = m.lastEvent;
  return `${e ? `${e.step}:${e.status} (event ${e.seq})` : 'before its first event'}, +${Math.round(at)} ms, ${share}`;
};

describe.skipIf(!haveSharedFaces)('crash consistency: SIGKILL of `npm start` during the flows', () => {
  it(`${KILLS} kills during registerUser, updatePhoto and deleteUser: retries finish, the doctor heals the rest`, { timeout: 30 * 60_000 }, async () => {
    const began = performance.now();
    const rand = seededRandom(SEED);
    const log = (line: string) => console.log(`[crash] ${line}`);
    log(`seed ${SEED} (FACEGATE_CRASH_SEED=${SEED} FACEGATE_CRASH_KILLS=${KILLS} repeats this run); pending TTL ${TTL_SECONDS} s; 1 engine worker`);
    let { api, ms } = await restart();
    const restarts: number[] = [ms];

    // alice is updated every round; the rotation's previous user is deleted while the next registers.
    const setup = await send(api, { kind: 'register', userId: 'alice', registrationId: randomUUID(), s3Key: await uploadBytes(api.client, api.app, await photo(PHOTOS.alice.enroll)) });
    let aliceFace = setup.faceId!;
    let previous = 'bob-0';
    await send(api, { kind: 'register', userId: previous, registrationId: randomUUID(), s3Key: await uploadBytes(api.client, api.app, await photo(PHOTOS.bob.enroll)) });

    // A mutation's duration: the median of those that answered (uninterrupted) so far.
    const observed: Record<Kind, number[]> = { register: [], update: [], delete: [] };
    const durations: Record<Kind, number> = { register: 0, update: 0, delete: 0 };
    const eventCounts: Record<Kind, number> = { register: 0, update: 0, delete: 0 };
    const estimate = () => {
      for (const kind of ['register', 'update', 'delete'] as const) {
        const sorted = [...observed[kind]].sort((a, b) => a - b);
        durations[kind] = sorted[Math.floor(sorted.length / 2)]!;
      }
    };
    const landed: Record<Kind, string[]> = { register: [], update: [], delete: [] };
    const leftovers = new Map<FindingKind, number>();

    // Two uninterrupted rounds first (the first warms the stack up), then one kill per round.
    const CALIBRATION = 2;
    for (let round = 0; round < CALIBRATION + KILLS; round++) {
      const calibrating = round < CALIBRATION;
      const kill = round - CALIBRATION + 1;
      const mutations: Mutation[] = [
        { kind: 'register', userId: `p${round}`, registrationId: randomUUID(), s3Key: await uploadBytes(api.client, api.app, await photo(ROTATION[round % 3]!)) },
        { kind: 'update', userId: 'alice', registrationId: randomUUID(), s3Key: await uploadBytes(api.client, api.app, await photo(UPDATES[round % 2]!)) },
        { kind: 'delete', userId: previous, registrationId: '-' },
      ];
      const watches = mutations
        .filter((m) => m.kind !== 'delete')
        .map((m) =>
          api.client.subscribe<op.OnRegistrationProgressData>(op.ON_REGISTRATION_PROGRESS, { registrationId: m.registrationId }, api.app, {
            next: (d) => {
              if (!d.onRegistrationProgress) return;
              m.lastEvent = d.onRegistrationProgress;
              m.onEvent?.(d.onRegistrationProgress);
            },
            error: () => undefined,
          }),
        );
      await Promise.all(watches.map((w) => w.ready));

      // Each kill aims at one mutation in turn: registerUser and updatePhoto are killed a random
      // 0–25 ms after a random one of their progress events arrives (so the kills spread over
      // every step, not just the long face-model round), deleteUser (which publishes none) at a
      // random 0–110 % of its duration. The other two start at random moments of the target's
      // run, and are hit wherever they are.
      const target = mutations[(kill - 1 + 3) % 3]!;
      const targetEvent = 1 + Math.floor(rand() * Math.max(1, eventCounts[target.kind]));
      const lag = rand() * 25;
      const deleteShare = rand() * 1.1;
      const offsets = mutations.map((m) => (calibrating || m === target ? 0 : rand() * durations[target.kind]));
      let fire: () => void = () => undefined;
      const trigger = new Promise<void>((resolve) => (fire = resolve));
      target.onEvent = (e) => {
        if (e.seq >= targetEvent) setTimeout(fire, lag);
      };
      const t0 = performance.now();
      let killed = false;
      const runs = mutations.map(async (m, i) => {
        await new Promise((r) => setTimeout(r, offsets[i]));
        if (killed) return; // the stack died before this one was sent: the retry is its first attempt
        m.startedAt = performance.now();
        if (m === target && m.kind === 'delete') setTimeout(fire, deleteShare * durations.delete);
        try {
          m.answer = await send(api, m);
        } catch (e) {
          // A dropped connection is the kill, not an answer.
          if (e instanceof GraphQLRequestError) m.answer = { error: e.errorType };
        }
        if (m.answer) observed[m.kind].push(performance.now() - m.startedAt);
        if (m === target) fire();
      });

      if (calibrating) {
        await Promise.all(runs);
        for (const m of mutations) expect(m.answer?.error, `${m.kind} ${m.userId}`).toBeUndefined();
        if (round === 0) observed.register.length = observed.update.length = observed.delete.length = 0;
        estimate();
        for (const m of mutations) if (m.lastEvent) eventCounts[m.kind] = m.lastEvent.seq;
        if (round === CALIBRATION - 1) {
          log(`calibration (concurrent, uninterrupted): register ${Math.round(durations.register)} ms (${eventCounts.register} events), updatePhoto ${Math.round(durations.update)} ms (${eventCounts.update} events), deleteUser ${Math.round(durations.delete)} ms`);
        }
        aliceFace = mutations[1]!.answer!.faceId!;
      } else {
        await trigger;
        killed = true;
        const killAt = performance.now();
        await stack!.kill();
        await Promise.allSettled(runs);
        const aim = target.kind === 'delete' ? `at ${Math.round(deleteShare * 100)}% of deleteUser` : `${Math.round(lag)} ms after event ${targetEvent} of ${target.kind}`;
        const lines = mutations.map((m) => `${m.kind} ${m.userId}: ${where(m, killAt, durations)}`);
        for (const m of mutations) landed[m.kind].push(m.answer ? 'answered' : m.startedAt === undefined ? 'not sent' : m.kind === 'delete' ? `${Math.round(((killAt - m.startedAt!) / durations.delete) * 100)}%` : (m.lastEvent ? `${m.lastEvent.step}:${m.lastEvent.status}` : 'before its first event'));
        log(`kill ${kill}/${KILLS} (${aim}) at +${Math.round(killAt - t0)} ms: ${lines.join('; ')}`);
        estimate();

        ({ api, ms } = await restart());
        restarts.push(ms);
        const before = await doctor(false);
        const retried = [];
        for (const m of mutations) {
          const r = await retry(api, m);
          if (m.answer?.faceId) expect(r.faceId, `${m.kind} ${m.userId}: the retry answers the outcome given before the kill`).toBe(m.answer.faceId);
          retried.push(`${m.kind} ${r.note}`);
          if (m.kind === 'update') aliceFace = r.faceId!;
          if (m.kind === 'register') mutations[0]!.answer = { faceId: r.faceId! };
        }
        const healed = await doctor(true);
        const beyond = healed.found.findings.filter((f) => !LEFTOVERS.includes(f.kind));
        expect(beyond, `kill ${kill} (seed ${SEED}): findings beyond leftovers`).toEqual([]);
        expect(healed.found.inFlight, `kill ${kill}: in flight after the retries`).toEqual([]);
        expect(healed.after?.findings ?? [], `kill ${kill} (seed ${SEED}): findings after the repair`).toEqual([]);
        expect(healed.repairs?.filter((r) => r.outcome !== 'repaired') ?? []).toEqual([]);
        for (const f of healed.found.findings) leftovers.set(f.kind, (leftovers.get(f.kind) ?? 0) + 1);
        const kinds = (findings: { kind: string }[]) => (findings.length ? findings.map((f) => f.kind).join(', ') : 'none');
        log(`  restart ${(ms / 1000).toFixed(1)} s; right after it the doctor saw: ${kinds(before.found.findings)}; retries: ${retried.join(', ')}; repaired: ${kinds(healed.found.findings)}`);
      }
      await Promise.all(watches.map((w) => w.close()));

      // The state the round must leave: the new user enrolled with the retry's face, alice on her newest face, the previous user gone.
      const { deps, close } = doctorDeps(resolveDoctorTarget({ data: dataDir, repair: false, json: false }, {}, '/'), {});
      try {
        expect(await deps.records.getUser(`p${round}`)).toMatchObject({ status: 'ACTIVE', faceIds: [mutations[0]!.answer!.faceId] });
        expect((await deps.records.getUser('alice'))?.faceIds[0]).toBe(aliceFace);
        expect(await deps.records.getUser(previous)).toBeNull();
      } finally {
        close();
      }
      previous = `p${round}`;
    }

    const auth = async (userId: string, file: string) =>
      (await api.client.request<op.AuthenticateData>(op.AUTHENTICATE, { input: { userId, image: { s3Key: await uploadBytes(api.client, api.app, await photo(file)) } } } satisfies op.AuthenticateVars, api.app)).authenticate;
    expect(await auth('alice', PHOTOS.alice.enroll)).toMatchObject({ authenticated: true });
    const last = [PHOTOS.carol.other, PHOTOS.dave.card, PHOTOS.bob.other][(CALIBRATION + KILLS - 1) % 3]!;
    expect(await auth(previous, last)).toMatchObject({ authenticated: true });

    const seconds = (performance.now() - began) / 1000;
    const sorted = [...restarts].sort((a, b) => a - b);
    log(`where the kills landed: ${(['register', 'update', 'delete'] as const).map((k) => `${k} [${landed[k].join(', ')}]`).join('; ')}`);
    log(`leftovers the doctor repaired: ${[...leftovers].map(([k, n]) => `${k} ×${n}`).join(', ') || 'none'}`);
    log(`${KILLS} kills in ${seconds.toFixed(0)} s; restart (spawn → ready) median ${(sorted[Math.floor(sorted.length / 2)]! / 1000).toFixed(1)} s, max ${(sorted.at(-1)! / 1000).toFixed(1)} s`);
  });
});
