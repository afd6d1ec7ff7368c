/**
 * 1:N search over unit vectors (inner product = cosine).
 *
 * Exact search keeps every vector in one contiguous Float32Array (rows of `dim`) and scans it
 * with a dot product per row (usearch's SIMD exactSearch; a plain-JS scan is kept as baseline); a removal moves the last row into the hole, so the scan never
 * skips. From `signThreshold` vectors on, a table of 128-bit sign codes (sign-codes.ts) is kept
 * beside the rows: a query's Hamming scan over all codes (WebAssembly) picks ~`signCandidates`
 * rows, which are re-ranked exactly. Optionally (`hnswThreshold`, off by default and only used when
 * the sign tier is off) an HNSW index (usearch) is built and its candidates are re-scored exactly.
 */
import { createRequire } from 'node:module';
import type * as Usearch from 'usearch';
import { meanOf, SignCodes } from './sign-codes';

// usearch's ESM build cannot find its prebuilt binary (infinite recursion in getBuildDir); its
// CommonJS build can, so load that one.
const usearch = createRequire(import.meta.url)('usearch') as typeof Usearch;
type Index = Usearch.Index;

export interface Hit {
  id: string;
  cosine: number;
}

export interface VectorIndexOptions {
  /** Search via sign codes + exact re-rank once the collection holds this many vectors (0 = never; 128-d only). */
  signThreshold?: number;
  /** Rows re-ranked exactly per sign-code query (at least; ties at the cut-off distance are kept). */
  signCandidates?: number;
  /** Build the HNSW index once the collection holds this many vectors (0 = never); it answers only while the sign tier does not (size < signThreshold). */
  hnswThreshold?: number;
  connectivity?: number;
  expansionAdd?: number;
  expansionSearch?: number;
}

/**
 * Native brute force scans 50k vectors in ≈ 4 ms, 100k in ≈ 9 ms and 1M in 67–115 ms on one core;
 * the sign-code tier answers in ≈ 0.5 ms at 100k and ≈ 4 ms at 1M (bench/engine.ts), exact below.
 */
export const DEFAULT_SIGN_THRESHOLD = 50_000;
export const DEFAULT_SIGN_CANDIDATES = 1024;
/** HNSW (usearch) is off by default: at 1M its recall@1 was 0.52 at 4 ms and the build took 15 min. */
export const DEFAULT_HNSW_THRESHOLD = 0;
const BUILD_CHUNK = 1000;

/**
 * Exact top-k by inner product with usearch's SIMD kernel (one thread), same contract as
 * exactTopK: row indices and scores, best first, scores ≥ minScore.
 */
export function nativeTopK(data: Float32Array, dim: number, count: number, q: Float32Array, k: number, minScore = -Infinity): { rows: Int32Array; scores: Float32Array } {
  const kk = Math.max(0, Math.min(k, count));
  if (kk === 0) return { rows: new Int32Array(0), scores: new Float32Array(0) };
  // the native binding reads typed arrays from the start of their buffer, ignoring byteOffset
  if (data.byteOffset !== 0) return exactTopK(data, dim, count, q, k, minScore);
  const query = q.byteOffset === 0 && q.length === dim ? q : q.slice(0, dim);
  const m = usearch.exactSearch(data.subarray(0, count * dim), query, dim, kk, usearch.MetricKind.IP, 1) as Usearch.Matches;
  const rows: number[] = [];
  const scores: number[] = [];
  for (let i = 0; i < m.keys.length; i++) {
    const score = 1 - (m.distances[i] as number); // ip distance = 1 − dot
    if (score < minScore) break;
    rows.push(Number(m.keys[i]));
    scores.push(score);
  }
  return { rows: Int32Array.from(rows), scores: Float32Array.from(scores) };
}

/** Exact top-k by inner product over `count` rows of `data`, in plain JS (the bench's baseline). */
export function exactTopK(data: Float32Array, dim: number, count: number, q: Float32Array, k: number, minScore = -Infinity): { rows: Int32Array; scores: Float32Array } {
  const kk = Math.max(0, Math.min(k, count));
  const rows = new Int32Array(kk).fill(-1);
  const scores = new Float32Array(kk).fill(-Infinity);
  if (kk === 0) return { rows, scores };
  let worst = -Infinity;
  let filled = 0;
  for (let r = 0, off = 0; r < count; r++, off += dim) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += (data[off + j] as number) * (q[j] as number);
    if (s < minScore || (filled === kk && s <= worst)) continue;
    // insertion into the sorted (descending) top-k buffer
    let i = filled < kk ? filled++ : kk - 1;
    while (i > 0 && (scores[i - 1] as number) < s) {
      scores[i] = scores[i - 1] as number;
      rows[i] = rows[i - 1] as number;
      i--;
    }
    scores[i] = s;
    rows[i] = r;
    worst = filled === kk ? (scores[kk - 1] as number) : -Infinity;
  }
  return filled === kk ? { rows, scores } : { rows: rows.subarray(0, filled), scores: scores.subarray(0, filled) };
}

let gathered = new Float32Array(0);

/**
 * Exact top-k by inner product among the given rows of `data` (the re-rank step), best first:
 * copies the candidate rows into a scratch buffer and scans it with the native SIMD kernel
 * (≈ 3× faster than a JS dot-product loop over scattered rows).
 */
export function rerankTopK(data: Float32Array, dim: number, cand: Int32Array, q: Float32Array, k: number, minScore = -Infinity): { rows: Int32Array; scores: Float32Array } {
  const n = cand.length;
  if (gathered.length < n * dim) gathered = new Float32Array(Math.max(n * dim, gathered.length * 2));
  for (let c = 0; c < n; c++) {
    const off = (cand[c] as number) * dim;
    gathered.set(data.subarray(off, off + dim), c * dim);
  }
  const r = nativeTopK(gathered, dim, n, q, k, minScore);
  for (let i = 0; i < r.rows.length; i++) r.rows[i] = cand[r.rows[i] as number] as number;
  return r;
}

export class VectorIndex {
  private data: Float32Array;
  private ids: string[] = [];
  private readonly rowOf = new Map<string, number>();
  private hnsw: Index | undefined;
  private building: Promise<void> | undefined;
  private readonly labelOf = new Map<string, bigint>();
  private readonly idOfLabel = new Map<bigint, string>();
  private nextLabel = 1n;
  private readonly opts: Required<VectorIndexOptions>;
  private codes: SignCodes | undefined;
  /** Collection size when the codes' mean μ was computed, and adds + removes since. */
  private codedAt = 0;
  private churn = 0;

  constructor(readonly dim: number, opts: VectorIndexOptions = {}) {
    this.data = new Float32Array(dim * 1024);
    this.opts = {
      signThreshold: dim === 128 ? (opts.signThreshold ?? DEFAULT_SIGN_THRESHOLD) : 0,
      signCandidates: opts.signCandidates ?? DEFAULT_SIGN_CANDIDATES,
      hnswThreshold: opts.hnswThreshold ?? DEFAULT_HNSW_THRESHOLD,
      connectivity: opts.connectivity ?? 32,
      expansionAdd: opts.expansionAdd ?? 128,
      expansionSearch: opts.expansionSearch ?? 256,
    };
  }

  get size(): number {
    return this.ids.length;
  }

  get usesHnsw(): boolean {
    return this.hnsw !== undefined && this.building === undefined && !this.usesSignCodes;
  }

  /** HNSW is built only if it could answer: enabled, and below the sign tier's threshold. */
  private get hnswUseful(): boolean {
    const { hnswThreshold, signThreshold } = this.opts;
    return hnswThreshold > 0 && (signThreshold === 0 || hnswThreshold < signThreshold);
  }

  get usesSignCodes(): boolean {
    return this.codes !== undefined && this.ids.length >= this.opts.signThreshold;
  }

  /** The sign-code table (tests and diagnostics), if built. */
  get signCodes(): SignCodes | undefined {
    return this.codes;
  }

  /**
   * (Re)computes μ (over ≤ 65 536 sampled rows) and re-encodes all rows (≈ 1 s at 1M in JS,
   * blocking). Happens when the collection first reaches signThreshold and again after as many
   * adds + removes as it held at the last build, i.e. amortised O(1) per change.
   */
  rebuildCodes(): void {
    const n = this.ids.length;
    const codes = new SignCodes(this.dim, meanOf(this.data, this.dim, n), n);
    codes.addRows(this.data, n);
    this.codes = codes;
    this.codedAt = n;
    this.churn = 0;
  }

  has(id: string): boolean {
    return this.rowOf.has(id);
  }

  vector(id: string): Float32Array | undefined {
    const r = this.rowOf.get(id);
    return r === undefined ? undefined : this.data.slice(r * this.dim, (r + 1) * this.dim);
  }

  add(id: string, v: Float32Array): void {
    if (v.length !== this.dim) throw new Error(`vector has ${v.length} dimensions, expected ${this.dim}`);
    if (this.rowOf.has(id)) this.remove(id);
    const row = this.ids.length;
    if ((row + 1) * this.dim > this.data.length) {
      const grown = new Float32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data.set(v, row * this.dim);
    this.ids.push(id);
    this.rowOf.set(id, row);
    if (this.codes) {
      this.codes.add(v);
      if (++this.churn >= this.codedAt) this.rebuildCodes();
    } else if (this.opts.signThreshold > 0 && this.ids.length >= this.opts.signThreshold) this.rebuildCodes();
    if (this.hnsw) this.hnswAdd(id, v.slice());
    else if (this.hnswUseful && this.ids.length >= this.opts.hnswThreshold) this.buildHnsw();
  }

  remove(id: string): boolean {
    const row = this.rowOf.get(id);
    if (row === undefined) return false;
    const last = this.ids.length - 1;
    if (row !== last) {
      const lastId = this.ids[last] as string;
      this.data.copyWithin(row * this.dim, last * this.dim, (last + 1) * this.dim);
      this.ids[row] = lastId;
      this.rowOf.set(lastId, row);
    }
    this.ids.pop();
    this.rowOf.delete(id);
    if (this.codes) {
      this.codes.remove(row); // same move-last-into-the-hole as the rows
      this.churn++;
    }
    const label = this.labelOf.get(id);
    if (this.hnsw && label !== undefined) {
      this.hnsw.remove(label);
      this.labelOf.delete(id);
      this.idOfLabel.delete(label);
    }
    return true;
  }

  /** Top-k by cosine, best first, only hits with cosine ≥ minCosine. */
  search(q: Float32Array, k: number, minCosine = -1): Hit[] {
    if (this.usesSignCodes) return this.searchSign(q, k, minCosine);
    if (this.hnsw && !this.building && this.ids.length >= this.opts.hnswThreshold) return this.searchHnsw(q, k, minCosine);
    return this.searchExact(q, k, minCosine);
  }

  searchExact(q: Float32Array, k: number, minCosine = -1): Hit[] {
    const { rows, scores } = nativeTopK(this.data, this.dim, this.ids.length, q, k, minCosine);
    const out: Hit[] = [];
    for (let i = 0; i < rows.length; i++) out.push({ id: this.ids[rows[i] as number] as string, cosine: scores[i] as number });
    return out;
  }

  /** Sign-code candidates re-ranked exactly: every hit's cosine is exact; a hit can only be missed. */
  searchSign(q: Float32Array, k: number, minCosine = -1): Hit[] {
    if (!this.codes) return this.searchExact(q, k, minCosine);
    const cand = this.codes.candidates(q, Math.max(this.opts.signCandidates, k));
    const { rows, scores } = rerankTopK(this.data, this.dim, cand, q, k, minCosine);
    const out: Hit[] = [];
    for (let i = 0; i < rows.length; i++) out.push({ id: this.ids[rows[i] as number] as string, cosine: scores[i] as number });
    return out;
  }

  private searchHnsw(q: Float32Array, k: number, minCosine: number): Hit[] {
    const hnsw = this.hnsw as Index;
    const m = hnsw.search(q, Math.max(k, 16), 1);
    const out: Hit[] = [];
    for (let i = 0; i < m.keys.length; i++) {
      const id = this.idOfLabel.get(m.keys[i] as bigint);
      if (id === undefined) continue;
      const row = this.rowOf.get(id) as number;
      let s = 0;
      for (let j = 0, off = row * this.dim; j < this.dim; j++) s += (this.data[off + j] as number) * (q[j] as number);
      if (s >= minCosine) out.push({ id, cosine: s });
    }
    out.sort((a, b) => b.cosine - a.cosine);
    return out.slice(0, k);
  }

  private hnswAdd(id: string, v: Float32Array): void {
    const label = this.nextLabel++;
    (this.hnsw as Index).add(label, v);
    this.labelOf.set(id, label);
    this.idOfLabel.set(label, id);
  }

  /**
   * Builds the HNSW index in chunks of BUILD_CHUNK vectors, yielding to the event loop between
   * them (a 250k build takes minutes on 2 cores; the server keeps answering, with exact search,
   * until it is done). Faces added meanwhile go straight into the index; removed ones are skipped.
   */
  private buildHnsw(): void {
    const hnsw = new usearch.Index({
      dimensions: this.dim,
      metric: usearch.MetricKind.IP,
      quantization: usearch.ScalarKind.F32,
      connectivity: this.opts.connectivity,
      expansion_add: this.opts.expansionAdd,
      expansion_search: this.opts.expansionSearch,
      multi: false,
    });
    this.hnsw = hnsw;
    const pending = [...this.ids];
    this.building = new Promise<void>((resolve) => {
      const step = () => {
        if (this.hnsw !== hnsw) return resolve(); // dropped meanwhile
        const chunk = pending.splice(0, BUILD_CHUNK).filter((id) => this.rowOf.has(id) && !this.labelOf.has(id));
        if (chunk.length > 0) {
          const keys = new BigUint64Array(chunk.length);
          const rows: Float32Array[] = [];
          chunk.forEach((id, i) => {
            const label = this.nextLabel++;
            keys[i] = label;
            this.labelOf.set(id, label);
            this.idOfLabel.set(label, id);
            const r = this.rowOf.get(id) as number;
            rows.push(this.data.slice(r * this.dim, (r + 1) * this.dim));
          });
          hnsw.add(keys, rows, 0);
        }
        if (pending.length > 0) setImmediate(step);
        else {
          this.building = undefined;
          resolve();
        }
      };
      setImmediate(step);
    });
  }

  /** Resolves once a pending HNSW build has finished (immediately if none). */
  whenIndexed(): Promise<void> {
    return this.building ?? Promise.resolve();
  }
}
