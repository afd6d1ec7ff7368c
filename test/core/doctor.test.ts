/**
 * The doctor on the fakes: each kind of finding seeded into a healthy world is found with the ids
 * it concerns, repaired, and the world is clean after; users in flight are left alone; a
 * finding that stopped being true between the check and the repair is skipped.
 */
import { describe, expect, it } from 'vitest';
import { runDoctor, type FindingKind } from '../../core/doctor/index';
import { register } from '../../core/flows/register';
import type { UserDirectory } from '../../core/ports';
import { createWorld, fakeImage, stageUpload, type World } from '../support/fakes';

const F_ORPHAN = 'aaaaaaaa-0000-4000-8000-000000000001';

async function enroll(world: World, userId: string, person = userId): Promise<string> {
  const result = await register(world, { userId, image: { s3Key: stageUpload(world, { person }) }, registrationId: `registration-${userId}-0001` });
  return result.faceId;
}

/** Indexes a face as a dead attempt would have: in the collection only. */
function strayFace(world: World, userId: string, person = userId, faceId = F_ORPHAN): string {
  world.faces.faces.set(faceId, { person, userId, detail: { boundingBox: { width: 0.4, height: 0.5, left: 0.3, top: 0.2 }, confidence: 99, pose: { yaw: 0, pitch: 0, roll: 0 }, quality: { brightness: 70, sharpness: 60 } } });
  return faceId;
}

const QUALITY = { confidence: 99, brightness: 70, sharpness: 60, yaw: 0, pitch: 0, roll: 0 };

/** A face record of `faceId` (and its image, unless `image` is false). */
async function recordFace(world: World, userId: string, faceId: string, image = true): Promise<void> {
  await world.records.putFace({ userId, faceId, imageKey: `faces/${userId}/${faceId}.jpg`, quality: QUALITY, indexedAt: '2026-01-01T00:00:00.000Z' });
  if (image) world.images.put(`faces/${userId}/${faceId}.jpg`, fakeImage({ person: userId }));
}

/** A world with two healthy users, then one defect of each kind. */
const seeds: [FindingKind, (world: World) => Promise<Record<string, string>>][] = [
  ['face-without-record', async (w) => ({ userId: 'alice', faceId: strayFace(w, 'alice') })],
  [
    'face-record-without-face',
    async (w) => {
      await recordFace(w, 'alice', F_ORPHAN, false);
      return { userId: 'alice', faceId: F_ORPHAN };
    },
  ],
  [
    'face-record-without-profile',
    async (w) => {
      const faceId = strayFace(w, 'ghost');
      await recordFace(w, 'ghost', faceId);
      return { userId: 'ghost', faceId };
    },
  ],
  [
    'face-without-image',
    async (w) => {
      const faceId = w.records.users.get('alice')!.faceIds[0]!;
      w.images.objects.delete(`faces/alice/${faceId}.jpg`);
      // …and a second face so that alice keeps one intact face.
      const second = strayFace(w, 'alice', 'alice', 'aaaaaaaa-0000-4000-8000-000000000002');
      await recordFace(w, 'alice', second);
      w.faces.users.get('alice')!.add(second);
      const profile = w.records.users.get('alice')!;
      w.records.users.set('alice', { ...profile, faceIds: [second, faceId] });
      return { userId: 'alice', faceId };
    },
  ],
  [
    'face-not-listed',
    async (w) => {
      const faceId = strayFace(w, 'alice');
      await recordFace(w, 'alice', faceId);
      return { userId: 'alice', faceId };
    },
  ],
  [
    'profile-lists-missing-face',
    async (w) => {
      const profile = w.records.users.get('alice')!;
      w.records.users.set('alice', { ...profile, faceIds: [F_ORPHAN, ...profile.faceIds] });
      return { userId: 'alice', faceId: F_ORPHAN };
    },
  ],
  [
    'profile-without-faces',
    async (w) => {
      const faceId = w.records.users.get('alice')!.faceIds[0]!;
      w.faces.users.get('alice')!.delete(faceId);
      w.faces.faces.delete(faceId);
      return { userId: 'alice' };
    },
  ],
  [
    'profile-without-rekognition-user',
    async (w) => {
      w.faces.users.delete('alice');
      return { userId: 'alice' };
    },
  ],
  [
    'face-not-associated',
    async (w) => {
      w.faces.users.get('alice')!.clear();
      return { userId: 'alice' };
    },
  ],
  [
    'rekognition-user-without-profile',
    async (w) => {
      w.faces.users.set('ghost', new Set());
      return { userId: 'ghost' };
    },
  ],
  [
    'account-without-profile',
    async (w) => {
      w.directory.accounts.add('ghost');
      return { userId: 'ghost' };
    },
  ],
  [
    'profile-without-account',
    async (w) => {
      w.directory.accounts.delete('alice');
      return { userId: 'alice' };
    },
  ],
  [
    'image-without-record',
    async (w) => {
      w.images.put('idcards/alice/old-card.jpg', fakeImage({ person: 'alice' }));
      return { userId: 'alice', key: 'idcards/alice/old-card.jpg' };
    },
  ],
  [
    'stale-reservation',
    async (w) => {
      await w.records.createUser({ userId: 'carol', status: 'PENDING', faceIds: [], registrationId: 'registration-dead-0001', createdAt: w.clock.now().toISOString(), updatedAt: w.clock.now().toISOString(), version: 0 });
      w.clock.advance(w.config.pendingTtlSeconds + 1);
      return { userId: 'carol', registrationId: 'registration-dead-0001' };
    },
  ],
];

describe('facegate doctor (core)', () => {
  it('a healthy world has no findings', async () => {
    const world = createWorld();
    await enroll(world, 'alice');
    await enroll(world, 'bob');
    const report = await runDoctor(world, { repair: true });
    expect(report.found).toEqual({ findings: [], inFlight: [] });
    expect(report.census).toEqual({ faces: 2, rekognitionUsers: 2, images: 2, profiles: 2, faceRecords: 2, registrations: 2, accounts: 2 });
    expect(report.repairs).toBeUndefined();
  });

  it.each(seeds)('%s: found with its ids, repaired, then clean; the other user untouched', async (kind, seed) => {
    const world = createWorld();
    await enroll(world, 'alice');
    const bobFace = await enroll(world, 'bob');
    const ids = await seed(world);
    const report = await runDoctor(world, { repair: true });
    expect(report.found.findings).toContainEqual(expect.objectContaining({ kind, ...ids }));
    expect(report.found.findings.every((f) => f.repair.length > 0 && f.detail.length > 0)).toBe(true);
    expect(report.repairs?.filter((r) => r.outcome !== 'repaired')).toEqual([]);
    expect(report.after?.findings).toEqual([]);
    expect(world.records.users.get('bob')).toMatchObject({ status: 'ACTIVE', faceIds: [bobFace] });
    expect(world.faces.users.get('bob')).toEqual(new Set([bobFace]));
  });

  it('checks sign-in accounts only where the directory can be listed', async () => {
    const world = createWorld();
    await enroll(world, 'alice');
    world.directory.accounts.delete('alice');
    world.directory.accounts.add('ghost');
    const listed = await runDoctor(world);
    expect(listed.found.findings.map((f) => [f.kind, f.userId])).toEqual([
      ['profile-without-account', 'alice'],
      ['account-without-profile', 'ghost'],
    ]);
    const unlisted: UserDirectory = { ensureUser: (u) => world.directory.ensureUser(u), deleteUser: (u) => world.directory.deleteUser(u) };
    const report = await runDoctor({ ...world, directory: unlisted });
    expect(report.found.findings).toEqual([]);
    expect(report.census.accounts).toBeUndefined();
  });

  it('an erased profile gets no new account: the erasure closes it, and nothing reopens it', async () => {
    const world = createWorld();
    await enroll(world, 'alice');
    const [faceId] = world.records.users.get('alice')!.faceIds;
    world.faces.users.get('alice')!.delete(faceId!);
    world.faces.faces.delete(faceId!);
    world.directory.accounts.delete('alice');
    const report = await runDoctor(world, { repair: true });
    expect(report.found.findings.map((f) => f.kind)).not.toContain('profile-without-account');
    expect(report.after?.findings).toEqual([]);
    expect(world.records.users.get('alice')).toBeUndefined();
    expect(world.directory.accounts.has('alice')).toBe(false);
  });

  it('repairs: orphans removed for good, a profile kept usable, an erasure finished', async () => {
    const world = createWorld();
    await enroll(world, 'alice');
    const orphan = strayFace(world, 'alice');
    world.faces.users.get('alice')!.add(orphan); // associated, as AssociateFaces would have
    world.faces.users.set('ghost', new Set());
    await runDoctor(world, { repair: true });
    expect(world.faces.faces.has(orphan)).toBe(false);
    expect(world.faces.users.has('ghost')).toBe(false);
    expect(world.records.users.get('alice')?.status).toBe('ACTIVE');

    // An erasure interrupted after DeleteUser and DeleteFaces: the doctor finishes it.
    const [faceId] = world.records.users.get('alice')!.faceIds;
    world.faces.users.delete('alice');
    world.faces.faces.delete(faceId!);
    const report = await runDoctor(world, { repair: true });
    expect(report.found.findings.map((f) => f.kind).sort()).toEqual(['profile-lists-missing-face', 'profile-without-faces']);
    expect({ profile: world.records.users.get('alice'), items: world.records.faceItems.size, images: world.images.keys('faces/') }).toEqual({
      profile: undefined,
      items: 0,
      images: [],
    });
  });

  it('leaves a user with a registration in flight alone, until its TTL passes', async () => {
    const world = createWorld();
    await enroll(world, 'alice');
    strayFace(world, 'dave');
    world.faces.users.set('dave', new Set());
    await world.records.createRegistration({ registrationId: 'registration-dave-0001', userId: 'dave', kind: 'REGISTER', status: 'IN_PROGRESS', startedAt: world.clock.now().toISOString(), updatedAt: world.clock.now().toISOString() });
    await world.records.createUser({ userId: 'dave', status: 'PENDING', faceIds: [], registrationId: 'registration-dave-0001', createdAt: world.clock.now().toISOString(), updatedAt: world.clock.now().toISOString(), version: 0 });
    const early = await runDoctor(world, { repair: true });
    expect(early.found.findings).toEqual([]);
    expect(early.found.inFlight).toEqual([{ userId: 'dave', registrationId: 'registration-dave-0001', since: world.clock.now().toISOString() }]);
    expect(world.faces.faces.size).toBe(2);

    world.clock.advance(world.config.pendingTtlSeconds + 1);
    const late = await runDoctor(world, { repair: true });
    expect(late.found.findings.map((f) => f.kind).sort()).toEqual(['face-without-record', 'rekognition-user-without-profile', 'stale-reservation']);
    expect(late.after?.findings).toEqual([]);
    expect(world.records.users.has('dave')).toBe(false);
  });

  it('skips a finding that stopped being true between the check and the repair', async () => {
    const world = createWorld();
    await enroll(world, 'alice');
    const faceId = strayFace(world, 'alice');
    // The face record lands while the doctor is between its scan and its repair.
    const scan = world.records.scan.bind(world.records);
    world.records.scan = async (token) => {
      const page = await scan(token);
      if (!page.nextToken) {
        await recordFace(world, 'alice', faceId);
        const profile = world.records.users.get('alice')!;
        world.records.users.set('alice', { ...profile, faceIds: [faceId, ...profile.faceIds] });
        world.faces.users.get('alice')!.add(faceId);
      }
      return page;
    };
    const report = await runDoctor(world, { repair: true });
    expect(report.found.findings).toEqual([expect.objectContaining({ kind: 'face-without-record', faceId })]);
    expect(report.repairs).toEqual([expect.objectContaining({ outcome: 'skipped', note: 'no longer true' })]);
    expect(world.faces.faces.has(faceId)).toBe(true);
  });

  it('a failed repair is reported as failed, and the finding remains', async () => {
    const world = createWorld();
    await enroll(world, 'alice');
    world.faces.users.set('ghost', new Set());
    world.faces.failures.set('deleteUser', new Error('ThrottlingException'));
    const report = await runDoctor(world, { repair: true });
    expect(report.repairs).toEqual([expect.objectContaining({ outcome: 'failed', note: 'ThrottlingException' })]);
    expect(report.after?.findings.map((f) => f.kind)).toEqual(['rekognition-user-without-profile']);
  });
});
