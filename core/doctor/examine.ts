/**
 * The invariants between the collection, the images and the table, and what breaks them:
 *
 *   - every collection face has a face record, an image and an ACTIVE profile listing it;
 *   - every face an ACTIVE profile lists exists (record, face, image) and is associated with
 *     the profile's Rekognition user, which exists;
 *   - no Rekognition user, face record, image or sign-in account without an ACTIVE profile;
 *   - every ACTIVE profile has a sign-in account (when the user pool is listed);
 *   - no PENDING reservation older than the pending TTL (it would block the userId).
 *
 * Users with a registration in flight (IN_PROGRESS or PENDING, younger than the TTL) are left
 * alone: their flows are creating exactly these things right now.
 */
import type { Config } from '../config';
import type { Clock, FaceRecordItem, UserRecord } from '../ports';
import { isAbandoned } from '../registration';
import type { Inventory } from './inventory';

export type FindingKind =
  | 'stale-reservation'
  | 'face-without-record'
  | 'face-record-without-face'
  | 'face-record-without-profile'
  | 'face-without-image'
  | 'face-not-listed'
  | 'profile-lists-missing-face'
  | 'profile-without-faces'
  | 'profile-without-rekognition-user'
  | 'face-not-associated'
  | 'rekognition-user-without-profile'
  | 'account-without-profile'
  | 'profile-without-account'
  | 'image-without-record';

export interface Finding {
  kind: FindingKind;
  userId?: string;
  faceId?: string;
  /** An object key (image-without-record). */
  key?: string;
  registrationId?: string;
  /** The faces a profile repair associates. */
  faceIds?: string[];
  detail: string;
  /** What `--repair` does about it. */
  repair: string;
}

export interface InFlight {
  userId: string;
  registrationId: string;
  since: string;
}

export interface Examination {
  findings: Finding[];
  inFlight: InFlight[];
}

/** What the table holds of one user (re-read with point reads just before a repair). */
export interface UserRecords {
  profile: UserRecord | null;
  faceItems: FaceRecordItem[];
}

type Now = { clock: Clock; config: Pick<Config, 'pendingTtlSeconds'> };

const FACE_KEY = /^faces\/([^/]+)\/([^/]+)\.[a-z]+$/;
const CARD_KEY = /^idcards\/([^/]+)\/[^/]+$/;

/** The user an enrolled image belongs to, by its key; undefined for a key no flow writes. */
export function ownerOfKey(key: string): string | undefined {
  return (FACE_KEY.exec(key) ?? CARD_KEY.exec(key))?.[1];
}

/** A PENDING reservation (or IN_PROGRESS registration) younger than the TTL. */
function young(deps: Now, updatedAt: string): boolean {
  return !isAbandoned(deps, { status: 'IN_PROGRESS', updatedAt });
}

/** Users whose registration is running, by their newest IN_PROGRESS registration or PENDING reservation. */
export function inFlight(deps: Now, inventory: Inventory): Map<string, InFlight> {
  const running = new Map<string, InFlight>();
  const note = (userId: string, registrationId: string, since: string) => {
    const known = running.get(userId);
    if (!known || known.since < since) running.set(userId, { userId, registrationId, since });
  };
  for (const r of inventory.registrations) if (r.status === 'IN_PROGRESS' && young(deps, r.updatedAt)) note(r.userId, r.registrationId, r.updatedAt);
  for (const p of inventory.profiles.values()) if (p.status === 'PENDING' && young(deps, p.updatedAt)) note(p.userId, p.registrationId, p.updatedAt);
  return running;
}

export function reservationInFlight(deps: Now, profile: UserRecord | null): boolean {
  return profile?.status === 'PENDING' && young(deps, profile.updatedAt);
}

export function examine(deps: Now, inventory: Inventory): Examination {
  const running = inFlight(deps, inventory);
  const users = new Set<string>([
    ...inventory.profiles.keys(),
    ...inventory.faceItems.keys(),
    ...inventory.rekognitionUsers,
    ...(inventory.accounts ?? []),
  ]);
  const findings: Finding[] = [];
  for (const face of inventory.faces.values()) {
    const owner = face.externalImageId ?? face.userId;
    if (owner) users.add(owner);
    else findings.push(faceFinding('face-without-record', undefined, face.faceId, inventory, null, 'a face no flow made (no ExternalImageId)'));
  }
  for (const key of inventory.objects.keys()) {
    const owner = ownerOfKey(key);
    if (owner) users.add(owner);
    else findings.push({ kind: 'image-without-record', key, detail: `${key} is not a key any flow writes`, repair: 'delete the object' });
  }
  for (const userId of [...users].sort()) {
    if (running.has(userId)) continue;
    const records: UserRecords = {
      profile: inventory.profiles.get(userId) ?? null,
      faceItems: [...(inventory.faceItems.get(userId)?.values() ?? [])],
    };
    findings.push(...examineUser(userId, inventory, records));
  }
  return { findings, inFlight: [...running.values()].sort((a, b) => a.userId.localeCompare(b.userId)) };
}

/** The findings about one user, from the collection and bucket listings and the user's records. */
export function examineUser(userId: string, inventory: Inventory, records: UserRecords): Finding[] {
  const { profile } = records;
  const findings: Finding[] = [];
  if (profile?.status === 'PENDING') {
    findings.push({
      kind: 'stale-reservation',
      userId,
      registrationId: profile.registrationId,
      detail: `PENDING since ${profile.updatedAt}, older than the pending TTL: registration ${profile.registrationId} was abandoned`,
      repair: `release the reservation (delete the PENDING profile of registration ${profile.registrationId})`,
    });
  }
  const active = profile?.status === 'ACTIVE' ? profile : null;
  const items = new Map(records.faceItems.map((f) => [f.faceId, f]));
  const faceIds = new Set<string>([...items.keys(), ...(active?.faceIds ?? [])]);
  for (const face of inventory.faces.values()) if ((face.externalImageId ?? face.userId) === userId) faceIds.add(face.faceId);

  const healthy: string[] = [];
  const unassociated: string[] = [];
  for (const faceId of [...faceIds].sort()) {
    const face = inventory.faces.get(faceId);
    const item = items.get(faceId);
    const listed = active?.faceIds.includes(faceId) ?? false;
    const image = item !== undefined && inventory.objects.has(item.imageKey);
    if (listed && face && item && image) {
      healthy.push(faceId);
      if (face.userId !== userId) unassociated.push(faceId);
      continue;
    }
    const [kind, detail] = ((): [Finding['kind'], string] => {
      if (!active && item) return ['face-record-without-profile', 'a face record of a user with no ACTIVE profile'];
      if (!active) return ['face-without-record', 'a collection face of a user with no ACTIVE profile'];
      if (item && face && !image) return ['face-without-image', `its image ${item.imageKey} is missing`];
      if (listed) return ['profile-lists-missing-face', `the profile lists it, but ${!face ? 'the collection has no such face' : 'it has no face record'}`];
      if (item && !face) return ['face-record-without-face', 'a face record whose face is not in the collection'];
      if (!item) return ['face-without-record', 'a collection face without a face record'];
      return ['face-not-listed', 'recorded and indexed, but the profile does not list it (an eviction left undone)'];
    })();
    findings.push(faceFinding(kind, userId, faceId, inventory, records, detail));
  }

  if (active) {
    if (healthy.length === 0) {
      findings.push({
        kind: 'profile-without-faces',
        userId,
        detail: `ACTIVE, but none of its faces (${active.faceIds.join(', ') || 'none'}) is intact`,
        repair: 'erase the user as deleteUser does (no face is left to authenticate with)',
      });
    } else if (!inventory.rekognitionUsers.has(userId)) {
      findings.push({
        kind: 'profile-without-rekognition-user',
        userId,
        faceIds: healthy,
        detail: 'ACTIVE, but the collection has no Rekognition user of that id',
        repair: `CreateUser ${userId} and AssociateFaces ${healthy.join(', ')}`,
      });
    } else if (unassociated.length > 0) {
      findings.push({
        kind: 'face-not-associated',
        userId,
        faceIds: unassociated,
        detail: `listed faces not associated with the Rekognition user: ${unassociated.join(', ')}`,
        repair: `AssociateFaces ${unassociated.join(', ')} to ${userId}`,
      });
    }
  } else if (inventory.rekognitionUsers.has(userId)) {
    findings.push({
      kind: 'rekognition-user-without-profile',
      userId,
      detail: 'a Rekognition user with no ACTIVE profile',
      repair: `DeleteUser ${userId} (its faces are disassociated)`,
    });
  }

  if (inventory.accounts) {
    const account = inventory.accounts.has(userId);
    // A profile with no intact face is erased by its own repair, account and all.
    if (active && !account && healthy.length > 0) {
      findings.push({
        kind: 'profile-without-account',
        userId,
        detail: 'ACTIVE, but the user pool has no sign-in account of that name (registered before face sign-in, or its creation was undone)',
        repair: `create and confirm the account ${userId}, as registerUser does`,
      });
    } else if (!active && account) {
      findings.push({
        kind: 'account-without-profile',
        userId,
        detail: 'a sign-in account with no ACTIVE profile (its face check could never pass)',
        repair: `delete the account ${userId} (AdminDeleteUser)`,
      });
    }
  }

  const referenced = new Set([...items.values()].map((f) => f.imageKey));
  if (active?.idCard?.imageKey) referenced.add(active.idCard.imageKey);
  for (const key of inventory.objects.keys()) {
    if (ownerOfKey(key) !== userId || referenced.has(key)) continue;
    // A face's own image goes with the face's removal, reported there.
    const faceId = FACE_KEY.exec(key)?.[2];
    if (faceId && findings.some((f) => f.faceId === faceId)) continue;
    findings.push({ kind: 'image-without-record', userId, key, detail: 'an enrolled image no record points to', repair: 'delete the object' });
  }
  return findings;
}

/** The steps that remove a face and everything of it: the repair of every face finding. */
function faceFinding(
  kind: FindingKind,
  userId: string | undefined,
  faceId: string,
  inventory: Inventory,
  records: UserRecords | null,
  detail: string,
): Finding {
  const face = inventory.faces.get(faceId);
  const item = records?.faceItems.find((f) => f.faceId === faceId);
  const steps = [
    ...(face?.userId ? [`disassociate it from ${face.userId}`] : []),
    ...(face ? ['DeleteFaces'] : []),
    ...(faceImages(userId, faceId, inventory, item).length > 0 ? ['delete its image'] : []),
    ...(item ? ['delete its face record'] : []),
    ...(records?.profile?.faceIds.includes(faceId) ? ['drop it from the profile'] : []),
  ];
  return { kind, ...(userId ? { userId } : {}), faceId, detail, repair: `remove the face: ${steps.join(', ')}` };
}

/** The stored images of a face: its record's key, and any faces/<userId>/<faceId>.* object. */
export function faceImages(userId: string | undefined, faceId: string, inventory: Inventory, item?: FaceRecordItem): string[] {
  const keys = new Set<string>();
  if (item && inventory.objects.has(item.imageKey)) keys.add(item.imageKey);
  if (userId) for (const key of inventory.objects.keys()) if (key.startsWith(`faces/${userId}/${faceId}.`)) keys.add(key);
  return [...keys];
}
