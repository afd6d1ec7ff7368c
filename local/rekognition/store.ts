/**
 * Durable collections: faces (vector + metadata), users and face↔user associations.
 *
 * Layout: `<dataDir>/collections/<hex(collectionId)>.journal`, one journal per collection (see
 * journal.ts). A collection file appears atomically (temp + rename) with its header record;
 * every later change is an fsync'ed append applied to memory only after it is on disk. On open
 * the journals are replayed (a torn tail is dropped) and compacted when mostly dead records.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Journal, replay, rewrite, fsyncDir } from './journal';
import { VectorIndex, type VectorIndexOptions } from './search';

export const VECTOR_DIM = 128;
/** Reported as FaceModelVersion / IndexFacesModelVersion: not an AWS model, so not an AWS version. */
export const FACE_MODEL_VERSION = 'local-1.0';
export const ACCOUNT = '000000000000';

export interface BoundingBox {
  Width: number;
  Height: number;
  Left: number;
  Top: number;
}

export interface FaceMeta {
  faceId: string;
  imageId: string;
  externalImageId?: string;
  box: BoundingBox;
  confidence: number;
  userId?: string;
  indexedAt: number;
}

export interface UserMeta {
  userId: string;
  createdAt: number;
  token?: string;
}

type Rec =
  | { t: 'collection'; id: string; createdAt: number; region: string }
  | { t: 'faces'; faces: (Omit<FaceMeta, 'userId'> & { v: string })[] }
  | { t: 'delFaces'; ids: string[] }
  | { t: 'user'; userId: string; createdAt: number; token?: string }
  | { t: 'delUser'; userId: string }
  | { t: 'assoc'; userId: string; ids: string[] }
  | { t: 'disassoc'; userId: string; ids: string[] };

function encodeVector(v: Float32Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
}
function decodeVector(s: string): Float32Array {
  const b = Buffer.from(s, 'base64');
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

export class Collection {
  readonly faces = new Map<string, FaceMeta>();
  readonly users = new Map<string, UserMeta>();
  readonly index: VectorIndex;
  private lock: Promise<unknown> = Promise.resolve();
  private deadRecords = 0;

  constructor(readonly id: string, readonly createdAt: number, readonly region: string, private readonly journal: Journal, indexOpts: VectorIndexOptions) {
    this.index = new VectorIndex(VECTOR_DIM, indexOpts);
  }

  get arn(): string {
    return `aws:rekognition:${this.region}:${ACCOUNT}:collection/${this.id}`;
  }

  /** Runs `fn` with this collection's mutations serialised (check-then-write stays atomic). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  facesOfUser(userId: string): FaceMeta[] {
    const out: FaceMeta[] = [];
    for (const f of this.faces.values()) if (f.userId === userId) out.push(f);
    return out;
  }

  apply(rec: Rec): void {
    switch (rec.t) {
      case 'collection':
        return;
      case 'faces':
        for (const f of rec.faces) {
          const { v, ...meta } = f;
          this.faces.set(f.faceId, { ...meta });
          this.index.add(f.faceId, decodeVector(v));
        }
        return;
      case 'delFaces':
        for (const id of rec.ids) {
          if (this.faces.delete(id)) this.deadRecords++;
          this.index.remove(id);
        }
        return;
      case 'user':
        this.users.set(rec.userId, { userId: rec.userId, createdAt: rec.createdAt, ...(rec.token ? { token: rec.token } : {}) });
        return;
      case 'delUser':
        this.users.delete(rec.userId);
        this.deadRecords++;
        for (const f of this.faces.values()) if (f.userId === rec.userId) delete f.userId;
        return;
      case 'assoc':
        for (const id of rec.ids) {
          const f = this.faces.get(id);
          if (f) f.userId = rec.userId;
        }
        return;
      case 'disassoc':
        for (const id of rec.ids) {
          const f = this.faces.get(id);
          if (f && f.userId === rec.userId) delete f.userId;
        }
        this.deadRecords++;
        return;
    }
  }

  private async commit(rec: Rec): Promise<void> {
    await this.journal.append([rec]);
    this.apply(rec);
  }

  addFaces(faces: (Omit<FaceMeta, 'userId'> & { vector: Float32Array })[]): Promise<void> {
    if (faces.length === 0) return Promise.resolve();
    return this.commit({ t: 'faces', faces: faces.map(({ vector, ...m }) => ({ ...m, v: encodeVector(vector) })) });
  }
  deleteFaces(ids: string[]): Promise<void> {
    return ids.length ? this.commit({ t: 'delFaces', ids }) : Promise.resolve();
  }
  createUser(userId: string, token?: string): Promise<void> {
    return this.commit({ t: 'user', userId, createdAt: Date.now(), ...(token ? { token } : {}) });
  }
  deleteUser(userId: string): Promise<void> {
    return this.commit({ t: 'delUser', userId });
  }
  associate(userId: string, ids: string[]): Promise<void> {
    return ids.length ? this.commit({ t: 'assoc', userId, ids }) : Promise.resolve();
  }
  disassociate(userId: string, ids: string[]): Promise<void> {
    return ids.length ? this.commit({ t: 'disassoc', userId, ids }) : Promise.resolve();
  }

  /** Live state as a minimal record list (for compaction). */
  snapshot(): Rec[] {
    const recs: Rec[] = [{ t: 'collection', id: this.id, createdAt: this.createdAt, region: this.region }];
    const faces = [...this.faces.values()];
    for (let i = 0; i < faces.length; i += 500) {
      recs.push({
        t: 'faces',
        faces: faces.slice(i, i + 500).map(({ userId: _u, ...m }) => ({ ...m, v: encodeVector(this.index.vector(m.faceId) as Float32Array) })),
      });
    }
    for (const u of this.users.values()) recs.push({ t: 'user', userId: u.userId, createdAt: u.createdAt, ...(u.token ? { token: u.token } : {}) });
    const byUser = new Map<string, string[]>();
    for (const f of faces) if (f.userId) byUser.set(f.userId, [...(byUser.get(f.userId) ?? []), f.faceId]);
    for (const [userId, ids] of byUser) recs.push({ t: 'assoc', userId, ids });
    return recs;
  }

  get needsCompaction(): boolean {
    return this.deadRecords > 1000 && this.deadRecords > this.faces.size;
  }

  async compact(): Promise<void> {
    await this.journal.compact(this.snapshot());
    this.deadRecords = 0;
  }

  close(): Promise<void> {
    return this.journal.close();
  }
}

export interface StoreOptions {
  region?: string;
  index?: VectorIndexOptions;
  log?: (line: string) => void;
}

export class Store {
  private readonly collections = new Map<string, Collection>();
  private readonly dir: string;
  private pending = new Set<string>();

  private constructor(readonly dataDir: string, private readonly opts: StoreOptions) {
    this.dir = path.join(dataDir, 'collections');
  }

  static async open(dataDir: string, opts: StoreOptions = {}): Promise<Store> {
    const store = new Store(dataDir, opts);
    fs.mkdirSync(store.dir, { recursive: true });
    for (const name of fs.readdirSync(store.dir)) {
      const file = path.join(store.dir, name);
      if (name.includes('.tmp-') || name.endsWith('.deleted')) {
        fs.rmSync(file, { force: true }); // leftovers of an interrupted create/compact/delete
        continue;
      }
      if (!name.endsWith('.journal')) continue;
      const { records, dropped } = replay<Rec>(file);
      const head = records[0];
      if (head?.t !== 'collection') {
        opts.log?.(`store: ignoring ${name}: no collection header`);
        continue;
      }
      if (dropped > 0) opts.log?.(`store: ${head.id}: dropped ${dropped} bytes of torn journal tail`);
      const c = new Collection(head.id, head.createdAt, head.region, new Journal(file), opts.index ?? {});
      for (const r of records) c.apply(r);
      if (c.needsCompaction) await c.compact();
      store.collections.set(head.id, c);
    }
    return store;
  }

  private fileOf(id: string): string {
    return path.join(this.dir, `${Buffer.from(id, 'utf8').toString('hex')}.journal`);
  }

  get(id: string): Collection | undefined {
    return this.collections.get(id);
  }

  list(): Collection[] {
    return [...this.collections.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Returns undefined if it already exists. */
  create(id: string): Collection | undefined {
    if (this.collections.has(id) || this.pending.has(id)) return undefined;
    const file = this.fileOf(id);
    const head: Rec = { t: 'collection', id, createdAt: Date.now(), region: this.opts.region ?? 'us-east-1' };
    rewrite(file, [head]);
    const c = new Collection(id, head.createdAt, head.region, new Journal(file), this.opts.index ?? {});
    this.collections.set(id, c);
    return c;
  }

  async delete(id: string): Promise<boolean> {
    const c = this.collections.get(id);
    if (!c) return false;
    this.collections.delete(id);
    this.pending.add(id);
    try {
      await c.exclusive(() => c.close());
      const file = this.fileOf(id);
      fs.renameSync(file, `${file}.deleted`);
      fsyncDir(this.dir);
      fs.rmSync(`${file}.deleted`, { force: true });
    } finally {
      this.pending.delete(id);
    }
    return true;
  }

  async close(): Promise<void> {
    for (const c of this.collections.values()) await c.exclusive(() => c.close());
    this.collections.clear();
  }
}
