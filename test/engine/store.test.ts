/** Model-free parts of the engine: journal durability, the store, vector search, similarity map. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeRecord, Journal, replay } from '../../local/rekognition/journal';
import { Store } from '../../local/rekognition/store';
import { VectorIndex } from '../../local/rekognition/search';
import { cosineToSimilarity, KNOTS, similarityToCosine } from '../../local/rekognition/similarity';
import { clusteredVectors, randomVectors } from '../../bench/lib/vectors';

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-store-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('journal', () => {
  it('replays whole records and truncates a torn or corrupt tail', async () => {
    const file = path.join(tmp(), 'j.journal');
    const j = new Journal(file);
    await j.append([{ n: 1 }, { n: 2 }]);
    await j.close();
    const good = fs.statSync(file).size;
    fs.appendFileSync(file, encodeRecord({ n: 3 }).slice(0, 12)); // torn mid-record
    expect(replay(file).records).toEqual([{ n: 1 }, { n: 2 }]);
    expect(fs.statSync(file).size).toBe(good);
    fs.appendFileSync(file, encodeRecord({ n: 3 }).replace('3', '4')); // checksum mismatch
    expect(replay(file)).toEqual({ records: [{ n: 1 }, { n: 2 }], dropped: expect.any(Number) });
    expect(fs.statSync(file).size).toBe(good);
  });
});

describe('store', () => {
  it('persists faces, users and associations and compacts deleted records away', async () => {
    const dir = tmp();
    const s = await Store.open(dir);
    const c = s.create('c1')!;
    expect(s.create('c1')).toBeUndefined();
    const v = (i: number) => {
      const x = new Float32Array(128);
      x[i % 128] = 1;
      return x;
    };
    const faces = Array.from({ length: 1500 }, (_, i) => ({ faceId: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`, imageId: 'img', box: { Width: 0.5, Height: 0.5, Left: 0.1, Top: 0.1 }, confidence: 99, indexedAt: 1, vector: v(i) }));
    await c.addFaces(faces);
    await c.createUser('u1');
    await c.associate('u1', [faces[0]!.faceId]);
    for (const f of faces.slice(100)) await c.deleteFaces([f.faceId]); // 1400 dead records → compaction on open
    await s.close();
    const sizeBefore = fs.statSync(path.join(dir, 'collections', `${Buffer.from('c1').toString('hex')}.journal`)).size;
    const s2 = await Store.open(dir);
    const c2 = s2.get('c1')!;
    expect(c2.faces.size).toBe(100);
    expect(c2.faces.get(faces[0]!.faceId)!.userId).toBe('u1');
    expect([...c2.users.keys()]).toEqual(['u1']);
    expect(c2.index.vector(faces[5]!.faceId)![5]).toBe(1);
    expect(c2.index.searchExact(v(7), 1)[0]!.id).toBe(faces[7]!.faceId);
    await s2.close();
    const sizeAfter = fs.statSync(path.join(dir, 'collections', `${Buffer.from('c1').toString('hex')}.journal`)).size;
    expect(sizeAfter).toBeLessThan(sizeBefore / 5);
  });
});

describe('vector search', () => {
  it('exact search returns the true top-k, best first, above a cut-off', () => {
    const idx = new VectorIndex(128, { hnswThreshold: 0 });
    const data = randomVectors(2000, 128, 7);
    for (let i = 0; i < 2000; i++) idx.add(`f${i}`, data.subarray(i * 128, (i + 1) * 128));
    const q = data.slice(42 * 128, 43 * 128);
    const hits = idx.search(q, 5);
    expect(hits[0]).toEqual({ id: 'f42', cosine: expect.closeTo(1, 5) });
    expect(hits.map((h) => h.cosine)).toEqual([...hits.map((h) => h.cosine)].sort((a, b) => b - a));
    expect(idx.search(q, 5, 0.99).map((h) => h.id)).toEqual(['f42']);
    idx.remove('f42');
    expect(idx.search(q, 1)[0]!.id).not.toBe('f42');
    expect(idx.size).toBe(1999);
  });

  it('the HNSW index (past its threshold, built in the background) agrees with exact search on face-like vectors', async () => {
    const n = 5000;
    const { data, queries } = clusteredVectors(n, 128, 11);
    const idx = new VectorIndex(128, { hnswThreshold: 1000, signThreshold: 0 });
    for (let i = 0; i < n; i++) idx.add(`f${i}`, data.subarray(i * 128, (i + 1) * 128));
    expect(idx.usesHnsw).toBe(false); // still building: exact search meanwhile
    idx.remove('f3');
    await idx.whenIndexed();
    expect(idx.usesHnsw).toBe(true);
    expect(idx.search(data.slice(3 * 128, 4 * 128), 1)[0]!.id).not.toBe('f3');
    const qs = queries(100);
    let same = 0;
    for (let i = 0; i < 100; i++) {
      const q = qs.subarray(i * 128, (i + 1) * 128);
      if (idx.search(q, 1)[0]!.id === idx.searchExact(q, 1)[0]!.id) same++;
    }
    expect(same).toBeGreaterThanOrEqual(98);
  });
});

describe('similarity map', () => {
  it('is monotone, spans 0–100 and inverts', () => {
    for (let i = 1; i < KNOTS.length; i++) {
      expect(KNOTS[i]![0]).toBeGreaterThan(KNOTS[i - 1]![0]);
      expect(KNOTS[i]![1]).toBeGreaterThan(KNOTS[i - 1]![1]);
    }
    expect(cosineToSimilarity(-1)).toBe(0);
    expect(cosineToSimilarity(1)).toBe(100);
    for (const s of [0, 30, 80, 95, 99, 99.9]) expect(cosineToSimilarity(similarityToCosine(s))).toBeCloseTo(s, 6);
  });
});
