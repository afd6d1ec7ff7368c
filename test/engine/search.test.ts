/** The sign-code tier of 1:N search: WebAssembly Hamming scan, candidates, re-rank, upkeep. */
import { describe, expect, it } from 'vitest';
import { VectorIndex } from '../../local/rekognition/search';
import { hamming, meanOf, SignCodes, WASM_BYTES } from '../../local/rekognition/sign-codes';
import { clusteredVectors, randomVectors, rng } from '../../bench/lib/vectors';

const dim = 128;
const row = (data: Float32Array, i: number) => data.subarray(i * dim, (i + 1) * dim);

/** Sign code of v − μ in plain JS (bit = v ≥ μ), independent of SignCodes' encoder. */
function refCode(v: Float32Array, mu: Float32Array): Uint32Array {
  const out = new Uint32Array(4);
  for (let j = 0; j < dim; j++) if ((v[j] as number) >= (mu[j] as number)) out[j >> 5] = ((out[j >> 5] as number) | (1 << (j & 31))) >>> 0;
  return out;
}

function refHamming(a: Uint32Array, b: Uint32Array): number {
  let d = 0;
  for (let w = 0; w < 4; w++) for (let bit = 0; bit < 32; bit++) d += (((a[w] as number) >>> bit) ^ ((b[w] as number) >>> bit)) & 1;
  return d;
}

describe('sign codes', () => {
  it('is a valid WebAssembly module', () => {
    const wasm = (globalThis as unknown as { WebAssembly: { validate: (b: Uint8Array) => boolean } }).WebAssembly;
    expect(wasm.validate(WASM_BYTES)).toBe(true);
    expect(WASM_BYTES.length).toBeLessThan(300);
  });

  it('the WebAssembly Hamming scan equals a plain-JS reference on random codes', () => {
    const n = 3001; // odd, not a multiple of anything
    const data = randomVectors(n, dim, 5);
    const mu = randomVectors(1, dim, 6).map((x) => x * 0.05);
    const sc = new SignCodes(dim, mu, 16); // small capacity: forces the memory to grow while adding
    sc.addRows(data, 1000);
    for (let i = 1000; i < n; i++) sc.add(row(data, i));
    expect(sc.size).toBe(n);
    for (let i = 0; i < n; i += 97) expect([...sc.code(i)]).toEqual([...refCode(row(data, i), mu)]);
    const qs = randomVectors(5, dim, 8);
    for (let k = 0; k < 5; k++) {
      const q = row(qs, k);
      const qc = refCode(q, mu);
      const d = sc.distances(q);
      expect(d.length).toBe(n);
      for (let i = 0; i < n; i++) expect(d[i]).toBe(refHamming(qc, refCode(row(data, i), mu)));
      expect(hamming(qc, 0, sc.code(7), 0)).toBe(refHamming(qc, refCode(row(data, 7), mu)));
      // candidates: at least `want`, and exactly the rows within some distance cut-off
      const cand = sc.candidates(q, 300);
      expect(cand.length).toBeGreaterThanOrEqual(300);
      const set = new Set(cand);
      const cut = Math.max(...[...cand].map((r) => d[r] as number));
      for (let i = 0; i < n; i++) expect(set.has(i)).toBe((d[i] as number) <= cut);
    }
  });

  it('remove moves the last code into the hole', () => {
    const data = randomVectors(10, dim, 9);
    const sc = new SignCodes(dim, new Float32Array(dim));
    sc.addRows(data, 10);
    const last = sc.code(9);
    sc.remove(3);
    expect(sc.size).toBe(9);
    expect([...sc.code(3)]).toEqual([...last]);
    expect(() => sc.remove(9)).toThrow();
  });
});

describe('VectorIndex sign-code tier', () => {
  it('returns the same hits as exact search on face-like vectors', () => {
    const n = 4000;
    const { data, labelledQueries } = clusteredVectors(n, dim, 21);
    const idx = new VectorIndex(dim, { signThreshold: 1000, signCandidates: 256 });
    for (let i = 0; i < n; i++) idx.add(`f${i}`, row(data, i));
    expect(idx.usesSignCodes).toBe(true);
    expect(idx.usesHnsw).toBe(false);
    const { queries } = labelledQueries(100);
    for (let i = 0; i < 100; i++) {
      const q = row(queries, i);
      const got = idx.search(q, 3);
      const want = idx.searchExact(q, 3);
      expect(got.map((h) => h.id)).toEqual(want.map((h) => h.id));
      for (let j = 0; j < 3; j++) expect(got[j]!.cosine).toBeCloseTo(want[j]!.cosine, 5);
    }
    // the cut-off applies to exact scores
    const q = row(data, 17);
    expect(idx.search(q, 5, 0.999).map((h) => h.id)).toEqual(['f17']);
  });

  it('keeps codes consistent with the rows through adds and removes, and rebuilds μ after 2× growth', () => {
    const { data } = clusteredVectors(6000, dim, 31);
    const idx = new VectorIndex(dim, { signThreshold: 500, signCandidates: 64 });
    for (let i = 0; i < 1000; i++) idx.add(`f${i}`, row(data, i));
    const first = idx.signCodes!;
    expect(first.size).toBe(1000);
    const mu1 = first.mean.slice();
    // built at 500 (the threshold) and rebuilt at 1000 (as many adds as it held then)
    expect([...mu1]).toEqual([...meanOf(data, dim, 1000)]);
    // churn: remove a pseudo-random third, re-add some, overwrite some (add of an existing id)
    const rand = rng(4);
    const live = new Set<number>(Array.from({ length: 1000 }, (_, i) => i));
    for (let k = 0; k < 300; k++) {
      const i = Math.floor(rand() * 1000);
      if (live.delete(i)) idx.remove(`f${i}`);
    }
    for (let i = 1000; i < 1200; i++) {
      idx.add(`f${i}`, row(data, i));
      live.add(i);
    }
    idx.add('f1100', row(data, 5999)); // replaces f1100's vector
    expect(idx.signCodes).toBe(first); // churn < size at the build: same μ
    const check = () => {
      const codes = idx.signCodes!;
      expect(codes.size).toBe(idx.size);
      // the table holds exactly the codes of the live vectors under the current μ (as a multiset)
      const key = (c: Uint32Array) => [...c].join(',');
      const stored = Array.from({ length: codes.size }, (_, r) => key(codes.code(r))).sort();
      const expected = [...live].map((i) => key(codes.encodeQuery(idx.vector(`f${i}`)!))).sort();
      expect(stored).toEqual(expected);
      for (const i of live) {
        const v = idx.vector(`f${i}`)!;
        const hit = idx.search(v, 1)[0]!;
        expect(hit.cosine).toBeCloseTo(1, 5);
        expect(idx.vector(hit.id)).toEqual(v);
      }
      for (let i = 0; i < 1800; i++) if (!live.has(i)) expect(idx.has(`f${i}`)).toBe(false);
    };
    check();
    // adds + removes since the last build reach its size (1000) → new μ over all current rows
    for (let i = 1200; i < 1800; i++) {
      idx.add(`f${i}`, row(data, i));
      live.add(i);
    }
    expect(idx.signCodes).not.toBe(first);
    expect([...idx.signCodes!.mean]).not.toEqual([...mu1]);
    check();
  });
});
