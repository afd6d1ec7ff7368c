/** Synthetic unit vectors for 1:N search benchmarks. */

/** Deterministic PRNG (mulberry32, the fault plans' too) + Box–Muller normals. */
import { seededRandom } from '../../local/faults/random';

export const rng = seededRandom;

export function normals(rand: () => number, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = Math.max(1e-12, rand()), v = rand();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

export function normaliseRows(data: Float32Array, dim: number): Float32Array {
  for (let off = 0; off < data.length; off += dim) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += (data[off + j] as number) ** 2;
    const n = Math.sqrt(s) || 1;
    for (let j = 0; j < dim; j++) data[off + j] = (data[off + j] as number) / n;
  }
  return data;
}

/** Uniformly random directions: no structure, the hardest case for HNSW. */
export function randomVectors(n: number, dim: number, seed: number): Float32Array {
  return normaliseRows(normals(rng(seed), n * dim), dim);
}

/**
 * Face-like vectors: a shared direction (all faces look alike to a face model), an identity
 * direction and per-photo noise, weighted so that different identities have cosine ≈ 0.84 and
 * two photos of one identity ≈ 0.95, as measured for the face-api 128-d descriptors.
 * `perIdentity` photos per identity; queries are fresh photos of existing identities.
 */
export function clusteredVectors(
  n: number,
  dim: number,
  seed: number,
  perIdentity = 4,
): {
  data: Float32Array;
  /** Number of identities; row r is a photo of identity r % identities. */
  identities: number;
  queries: (count: number) => Float32Array;
  /** Like queries(), plus the identity each query is a photo of. */
  labelledQueries: (count: number) => { queries: Float32Array; identity: Int32Array };
} {
  const rand = rng(seed);
  const unit = (v: Float32Array) => normaliseRows(v, dim);
  const shared = unit(normals(rand, dim));
  const ids = Math.ceil(n / perIdentity);
  const centres = normaliseRows(normals(rand, ids * dim), dim);
  const [a, b, e] = [Math.sqrt(0.84), Math.sqrt(0.11), Math.sqrt(0.05)];
  const photo = (id: number, out: Float32Array, off: number) => {
    const noise = unit(normals(rand, dim));
    for (let j = 0; j < dim; j++) out[off + j] = a * (shared[j] as number) + b * (centres[id * dim + j] as number) + e * (noise[j] as number);
  };
  const data = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) photo(i % ids, data, i * dim);
  normaliseRows(data, dim);
  const labelledQueries = (count: number) => {
    const q = new Float32Array(count * dim);
    const identity = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      identity[i] = Math.floor(rand() * ids);
      photo(identity[i] as number, q, i * dim);
    }
    return { queries: normaliseRows(q, dim), identity };
  };
  return { data, identities: ids, queries: (count) => labelledQueries(count).queries, labelledQueries };
}
