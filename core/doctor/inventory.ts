/**
 * What the stores hold, read in full through the inventory ports: the collection (faces and
 * Rekognition users), the enrolled images, the table's profiles, face records and
 * registrations, and the end users' sign-in accounts when the directory can be listed.
 */
import type { Deps } from '../deps';
import type {
  CollectionFace,
  DirectoryInventory,
  FaceInventory,
  FaceRecordItem,
  ImageInventory,
  ObjectSummary,
  Page,
  RecordInventory,
  RegistrationRecord,
  UserRecord,
} from '../ports';

/** The flows' dependencies, with stores that can also be listed. */
export interface DoctorDeps extends Deps {
  faces: Deps['faces'] & FaceInventory;
  records: Deps['records'] & RecordInventory;
  images: Deps['images'] & ImageInventory;
  /** Without `listAccounts` (no user pool), sign-in accounts are not checked. */
  directory: Deps['directory'] & Partial<DirectoryInventory>;
}

/** Enrolled images. Staged `uploads/` are not records' images: the bucket's lifecycle rule expires them. */
export const IMAGE_PREFIXES = ['faces/', 'idcards/'] as const;

export interface Inventory {
  faces: Map<string, CollectionFace>;
  rekognitionUsers: Set<string>;
  objects: Map<string, ObjectSummary>;
  profiles: Map<string, UserRecord>;
  /** userId → faceId → face record. */
  faceItems: Map<string, Map<string, FaceRecordItem>>;
  registrations: RegistrationRecord[];
  /** The sign-in accounts' userIds; undefined when the directory was not listed. */
  accounts?: Set<string>;
}

export async function readAll<T>(page: (nextToken?: string) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const p = await page(token);
    items.push(...p.items);
    token = p.nextToken;
  } while (token);
  return items;
}

export function faceItemsByUser(items: FaceRecordItem[]): Map<string, Map<string, FaceRecordItem>> {
  const byUser = new Map<string, Map<string, FaceRecordItem>>();
  for (const item of items) {
    let faces = byUser.get(item.userId);
    if (!faces) byUser.set(item.userId, (faces = new Map()));
    faces.set(item.faceId, item);
  }
  return byUser;
}

/**
 * The collection and the bucket are listed before the table is scanned: a flow writes its
 * registration (and reservation) before it creates anything, so whatever the listings show was
 * made by a registration the scan can see.
 */
export async function takeInventory(deps: DoctorDeps): Promise<Inventory> {
  const { directory } = deps;
  const [faces, users, accounts, ...objectLists] = await Promise.all([
    readAll((t) => deps.faces.listFaces(t)),
    readAll((t) => deps.faces.listUsers(t)),
    directory.listAccounts ? readAll((t) => directory.listAccounts!(t)) : Promise.resolve(undefined),
    ...IMAGE_PREFIXES.map((prefix) => readAll((t) => deps.images.list(prefix, t))),
  ]);
  const items = await readAll((t) => deps.records.scan(t));
  const profiles = new Map<string, UserRecord>();
  const faceItems: FaceRecordItem[] = [];
  const registrations: RegistrationRecord[] = [];
  for (const item of items) {
    if (item.type === 'user') profiles.set(item.user.userId, item.user);
    else if (item.type === 'face') faceItems.push(item.face);
    else registrations.push(item.registration);
  }
  return {
    faces: new Map(faces.map((f) => [f.faceId, f])),
    rekognitionUsers: new Set(users),
    objects: new Map(objectLists.flat().map((o) => [o.key, o])),
    profiles,
    faceItems: faceItemsByUser(faceItems),
    registrations,
    ...(accounts ? { accounts: new Set(accounts) } : {}),
  };
}
