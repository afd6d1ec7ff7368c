/**
 * `npx facegate doctor` against the local stack, with real faces: a defect of every kind seeded
 * straight into the stores (as interrupted flows and lost writes leave them) is reported with
 * exit code 1, `--repair` removes or mends each, a second run is clean (exit 0), and the users
 * the repair kept still authenticate.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doctorDeps, resolveDoctorTarget } from '../../cli/doctor';
import { runCli } from '../../cli/index';
import * as op from '../../cli/operations';
import { signInWithFace } from '../../cli/signin';
import type { FindingKind } from '../../core/doctor/index';
import type { DoctorDeps } from '../../core/doctor/inventory';
import { PHOTOS, authenticate, haveSharedFaces, photoPath, register, startTestStack, upload, warnIfNoSharedFaces, type TestStack } from './helpers';

warnIfNoSharedFaces('the doctor end-to-end test (test/e2e/doctor.test.ts)');

const QUALITY = { confidence: 99, brightness: 70, sharpness: 60, yaw: 0, pitch: 0, roll: 0 };

describe.skipIf(!haveSharedFaces)('facegate doctor on the local stack', { timeout: 90_000 }, () => {
  let t: TestStack;
  let deps: DoctorDeps;
  let closeDeps: () => void;
  const cli = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['doctor', '--data', t.dataDir, ...args], { out: (l) => out.push(l), err: (l) => err.push(l), env: {}, cwd: t.dataDir });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  const bytes = (file: string) => ({ kind: 'bytes' as const, bytes: new Uint8Array(fs.readFileSync(photoPath(file))) });

  beforeAll(async () => {
    t = await startTestStack();
    ({ deps, close: closeDeps } = doctorDeps(resolveDoctorTarget({ data: t.dataDir, repair: false, json: false }, {}, '/'), {}));
  });
  afterAll(async () => {
    closeDeps?.();
    await t?.stack.close();
    if (t) fs.rmSync(t.dataDir, { recursive: true, force: true });
  });

  it('a healthy stack: exit 0, no findings', async () => {
    await register(t, 'alice', PHOTOS.alice.enroll, randomUUID());
    const run = await cli();
    expect(run.code).toBe(0);
    expect(run.out).toContain('no findings');
    expect(run.out).toMatch(/collection: 1 faces, 1 users · bucket: 1 enrolled images · table: 1 profiles, 1 face records, 1 registrations · user pool: 1 accounts/);
  });

  it('finds a seeded defect of every kind (exit 1), repairs them all, then is clean; kept users still authenticate', async () => {
    for (const [userId, photo] of [['bob', PHOTOS.bob.enroll], ['carol', PHOTOS.carol.enroll], ['eve', PHOTOS.dave.enroll]] as const) {
      await register(t, userId, photo, randomUUID());
    }
    // alice gets a newer face, then loses the image of her older one.
    const [older] = (await deps.records.getUser('alice'))!.faceIds;
    const vars: op.UpdatePhotoVars = { input: { userId: 'alice', image: { s3Key: await upload(t, PHOTOS.alice.other) }, registrationId: randomUUID() } };
    await t.client.request<op.UpdatePhotoData>(op.UPDATE_PHOTO, vars, t.app);
    await deps.images.delete([`faces/alice/${older}.jpg`]);
    // A face indexed for alice by an attempt that died (no record), a face record whose face is
    // gone, an eviction left undone, an ID card image no record names.
    const stray = (await deps.faces.indexFace(bytes(PHOTOS.alice.other), 'alice')).indexed!.faceId;
    const gone = randomUUID();
    await deps.records.putFace({ userId: 'alice', faceId: gone, imageKey: `faces/alice/${gone}.jpg`, quality: QUALITY, indexedAt: new Date().toISOString() });
    const unlisted = (await deps.faces.indexFace(bytes(PHOTOS.alice.enroll), 'alice')).indexed!.faceId;
    await deps.images.save(bytes(PHOTOS.alice.enroll), `faces/alice/${unlisted}.jpg`, 'image/jpeg');
    await deps.records.putFace({ userId: 'alice', faceId: unlisted, imageKey: `faces/alice/${unlisted}.jpg`, quality: QUALITY, indexedAt: new Date().toISOString() });
    await deps.images.save(bytes(PHOTOS.alice.enroll), 'idcards/alice/left-over.jpg', 'image/jpeg');
    // bob's face disassociated from his Rekognition user; eve's Rekognition user gone.
    const [bobFace] = (await deps.records.getUser('bob'))!.faceIds;
    await deps.faces.disassociateFaces('bob', [bobFace!]);
    await deps.faces.deleteUser('eve');
    // carol erased half-way: Rekognition user and faces gone, records and image left.
    const [carolFace] = (await deps.records.getUser('carol'))!.faceIds;
    await deps.faces.deleteUser('carol');
    await deps.faces.deleteFaces([carolFace!]);
    // bob's sign-in account lost (as for users registered before face sign-in existed).
    await deps.directory.deleteUser('bob');
    // A Rekognition user, a face record and a sign-in account of nobody; a PENDING reservation abandoned long ago.
    await deps.faces.createUser('ghost', randomUUID());
    await deps.directory.ensureUser('ghost');
    await deps.records.putFace({ userId: 'ghost', faceId: randomUUID(), imageKey: 'faces/ghost/x.jpg', quality: QUALITY, indexedAt: new Date().toISOString() });
    const longAgo = '2020-01-01T00:00:00.000Z';
    await deps.records.createUser({ userId: 'dave', status: 'PENDING', faceIds: [], registrationId: 'registration-of-a-dead-process', createdAt: longAgo, updatedAt: longAgo, version: 0 });

    const check = await cli('--json');
    expect(check.code).toBe(1);
    const found = (JSON.parse(check.out) as { found: { findings: { kind: FindingKind; userId?: string; faceId?: string }[] } }).found.findings;
    const kinds = (userId: string) => found.filter((f) => f.userId === userId).map((f) => f.kind).sort();
    expect(kinds('alice')).toEqual(['face-not-listed', 'face-record-without-face', 'face-without-image', 'face-without-record', 'image-without-record']);
    expect(found).toContainEqual(expect.objectContaining({ kind: 'face-without-record', faceId: stray }));
    expect(kinds('bob')).toEqual(['face-not-associated', 'profile-without-account']);
    expect(kinds('carol')).toEqual(['profile-lists-missing-face', 'profile-without-faces']);
    expect(kinds('eve')).toEqual(['profile-without-rekognition-user']);
    expect(kinds('ghost')).toEqual(['account-without-profile', 'face-record-without-profile', 'rekognition-user-without-profile']);
    expect(kinds('dave')).toEqual(['stale-reservation']);

    const human = await cli();
    expect(human.code).toBe(1);
    expect(human.out).toContain(`✗ face-without-record               user alice, face ${stray}`);
    expect(human.out).toContain('repair: erase the user as deleteUser does');
    expect(human.out).toContain('14 finding(s). `npx facegate doctor --repair` repairs them.');

    const repaired = await cli('--repair');
    expect(repaired.err).toBe('');
    expect(repaired.out).not.toMatch(/^\s+(failed|skipped)/m);
    expect(repaired.out).toContain('after the repair: no findings');
    expect(repaired.code).toBe(0);
    expect(await cli()).toMatchObject({ code: 0 });

    expect(await deps.records.getUser('carol')).toBeNull();
    expect(await deps.records.getUser('dave')).toBeNull();
    expect((await deps.records.getUser('alice'))!.faceIds).toHaveLength(1);
    expect(await authenticate(t, 'alice', PHOTOS.alice.enroll)).toMatchObject({ authenticated: true });
    expect(await authenticate(t, 'bob', PHOTOS.bob.other)).toMatchObject({ authenticated: true });
    expect(await authenticate(t, 'eve', PHOTOS.dave.card)).toMatchObject({ authenticated: true });
    // bob's account is back, and his face signs him in; ghost's is gone, carol's closed with her erasure.
    const pool = { endpoint: t.stack.userPool.endpoint, clientId: t.stack.userPool.userPoolClientId };
    await expect(signInWithFace(pool, 'bob', fs.readFileSync(photoPath(PHOTOS.bob.other)), 'image/jpeg')).resolves.toMatchObject({ idToken: expect.any(String) });
    const { items: accounts } = await deps.directory.listAccounts!();
    expect(accounts).toEqual(expect.arrayContaining(['alice', 'bob', 'eve']));
    expect(accounts).not.toContain('ghost');
    expect(accounts).not.toContain('carol');
    // dave's userId is free again.
    await expect(register(t, 'dave', PHOTOS.carol.enroll, randomUUID())).resolves.toMatchObject({ status: 'SUCCEEDED' });
  });

  it('usage: AWS needs all three names (and --user-pool for accounts) and is read-only; an older local.json is named', async () => {
    const run = (args: string[]) => {
      const err: string[] = [];
      return runCli(['doctor', ...args], { out: () => undefined, err: (l) => err.push(l), env: {}, cwd: '/' }).then((code) => ({ code, err: err.join('\n') }));
    };
    expect(await run(['--table', 't'])).toMatchObject({ code: 2, err: expect.stringContaining('needs all of --table, --bucket and --collection') });
    expect(await run(['--table', 't', '--bucket', 'b', '--collection', 'c'])).toMatchObject({ code: 2, err: expect.stringContaining('--region') });
    expect(await run(['--table', 't', '--bucket', 'b', '--collection', 'c', '--region', 'eu-west-1', '--repair'])).toMatchObject({ code: 2, err: expect.stringContaining('read-only') });
    const aws = { table: 't', bucket: 'b', collection: 'c', region: 'eu-west-1', repair: false, json: false };
    expect(resolveDoctorTarget(aws, {}, '/').userPool).toBeUndefined();
    expect(resolveDoctorTarget({ ...aws, userPool: 'eu-west-1_Users' }, {}, '/').userPool).toEqual({ userPoolId: 'eu-west-1_Users' });
    expect(resolveDoctorTarget(aws, { FACEGATE_USER_POOL: 'eu-west-1_Env' }, '/').userPool).toEqual({ userPoolId: 'eu-west-1_Env' });
    const old = fs.mkdtempSync(`${t.dataDir}-old-`);
    fs.writeFileSync(`${old}/local.json`, JSON.stringify({ graphqlUrl: 'x', realtimeUrl: 'y', apiKey: 'k', adminToken: 'a', endpoints: {} }));
    expect(await run(['--data', old])).toMatchObject({ code: 2, err: expect.stringContaining('older stack') });
    fs.rmSync(old, { recursive: true, force: true });
  });
});
