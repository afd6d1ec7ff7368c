/**
 * `--repair`: each finding is re-checked against the user's records read again (consistently)
 * just before acting, and skipped if it no longer holds or the user's registration is in flight
 * now. Every action is idempotent, so an interrupted repair can simply run again.
 */
import { deleteUser } from '../flows/deleteUser';
import { examineUser, faceImages, reservationInFlight, type Examination, type Finding, type UserRecords } from './examine';
import type { DoctorDeps, Inventory } from './inventory';

export interface RepairResult {
  finding: Finding;
  outcome: 'repaired' | 'skipped' | 'failed';
  /** Why it was skipped, or the error. */
  note?: string;
}

/** The order a user's repairs run in: a face is disassociated before its user is deleted, the profile repaired last. */
const ORDER: Finding['kind'][] = [
  'stale-reservation',
  'face-without-record',
  'face-record-without-face',
  'face-record-without-profile',
  'face-without-image',
  'face-not-listed',
  'profile-lists-missing-face',
  'image-without-record',
  'rekognition-user-without-profile',
  'account-without-profile',
  'profile-without-rekognition-user',
  'face-not-associated',
  'profile-without-faces',
  'profile-without-account',
];

const same = (a: Finding, b: Finding): boolean => a.kind === b.kind && a.faceId === b.faceId && a.key === b.key;

export async function repair(deps: DoctorDeps, inventory: Inventory, examination: Examination): Promise<RepairResult[]> {
  const byUser = new Map<string | undefined, Finding[]>();
  for (const f of examination.findings) byUser.set(f.userId, [...(byUser.get(f.userId) ?? []), f]);
  const results: RepairResult[] = [];
  for (const [userId, findings] of byUser) {
    findings.sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
    let current: Finding[] = findings;
    let records: UserRecords | null = null;
    if (userId !== undefined) {
      records = { profile: await deps.records.getUser(userId), faceItems: await deps.records.listFaces(userId) };
      if (reservationInFlight(deps, records.profile)) {
        results.push(...findings.map((finding) => ({ finding, outcome: 'skipped' as const, note: 'a registration of this user started since' })));
        continue;
      }
      current = examineUser(userId, inventory, records);
    }
    for (const finding of findings) {
      if (!current.some((c) => same(c, finding))) {
        results.push({ finding, outcome: 'skipped', note: 'no longer true' });
        continue;
      }
      try {
        await apply(deps, inventory, finding, records);
        results.push({ finding, outcome: 'repaired' });
      } catch (error) {
        deps.logger.error('doctor repair failed', { kind: finding.kind, userId: finding.userId, faceId: finding.faceId, key: finding.key, error: String(error) });
        results.push({ finding, outcome: 'failed', note: error instanceof Error ? error.message : String(error) });
      }
    }
  }
  return results;
}

async function apply(deps: DoctorDeps, inventory: Inventory, finding: Finding, records: UserRecords | null): Promise<void> {
  const { faces, images } = deps;
  const userId = finding.userId;
  switch (finding.kind) {
    case 'stale-reservation':
      return deps.records.deleteUserIfRegistration(userId!, finding.registrationId!);
    case 'rekognition-user-without-profile':
      return faces.deleteUser(userId!);
    case 'account-without-profile':
      return deps.directory.deleteUser(userId!);
    case 'profile-without-account':
      await deps.directory.ensureUser(userId!);
      return;
    case 'image-without-record':
      return images.delete([finding.key!]);
    case 'profile-without-faces':
      await deleteUser(deps, userId!);
      return;
    case 'profile-without-rekognition-user': {
      const token = deps.ids.newId();
      await faces.createUser(userId!, token);
      return faces.associateFaces(userId!, finding.faceIds!, token);
    }
    case 'face-not-associated':
      return faces.associateFaces(userId!, finding.faceIds!, deps.ids.newId());
    default:
      return removeFace(deps, inventory, finding.faceId!, userId, records);
  }
}

/** Disassociate, DeleteFaces, delete the image and the face record, drop it from the profile. */
async function removeFace(deps: DoctorDeps, inventory: Inventory, faceId: string, userId: string | undefined, records: UserRecords | null): Promise<void> {
  const face = inventory.faces.get(faceId);
  if (face?.userId) await deps.faces.disassociateFaces(face.userId, [faceId]);
  if (face) await deps.faces.deleteFaces([faceId]);
  const item = records?.faceItems.find((f) => f.faceId === faceId);
  const keys = faceImages(userId, faceId, inventory, item);
  if (keys.length > 0) await deps.images.delete(keys);
  if (!userId) return;
  if (item) await deps.records.deleteFace(userId, faceId);
  const profile = await deps.records.getUser(userId);
  if (profile?.faceIds.includes(faceId)) {
    const updatedAt = deps.clock.now().toISOString();
    await deps.records.replaceUser({ ...profile, faceIds: profile.faceIds.filter((id) => id !== faceId), updatedAt, version: profile.version + 1 }, profile.version);
  }
}
