/**
 * Sign codes for 1:N search: every vector, centred by a fixed mean μ, is reduced to the signs of
 * its 128 coordinates (16 bytes). P(bit differs) = angle/π between the centred vectors, so the
 * Hamming distance ranks centred cosine; a linear Hamming scan (WebAssembly, i64.popcnt) picks the
 * closest codes as candidates, which the caller re-ranks exactly (FAISS IndexBinaryFlat + refine).
 *
 * The WebAssembly module is assembled here from its opcodes (no run-time download, no toolchain).
 * Memory layout (one instance per code table):
 *   0..16            query code (two i64)
 *   HIST..+129·4     histogram of distances (i32 per distance 0..128)
 *   CODES..          n codes of 16 bytes; then n distance bytes; then ≤ n candidate rows (i32)
 *
 * WAT of the two functions:
 *
 *   (func $scan (param $codes i32) (param $n i32) (param $dists i32) (param $hist i32)
 *     (local $q0 i64) (local $q1 i64) (local $end i32) (local $d i32) (local $h i32)
 *     (local.set $q0 (i64.load (i32.const 0)))  (local.set $q1 (i64.load offset=8 (i32.const 0)))
 *     (local.set $end (i32.add (local.get $dists) (local.get $n)))
 *     (block (br_if 0 (i32.ge_u (local.get $dists) (local.get $end)))
 *       (loop
 *         (local.set $d (i32.wrap_i64 (i64.add
 *           (i64.popcnt (i64.xor (i64.load (local.get $codes)) (local.get $q0)))
 *           (i64.popcnt (i64.xor (i64.load offset=8 (local.get $codes)) (local.get $q1))))))
 *         (i32.store8 (local.get $dists) (local.get $d))
 *         (i32.store (local.tee $h (i32.add (local.get $hist) (i32.shl (local.get $d) (i32.const 2))))
 *                    (i32.add (i32.load (local.get $h)) (i32.const 1)))
 *         (local.set $codes (i32.add (local.get $codes) (i32.const 16)))
 *         (br_if 0 (i32.lt_u (local.tee $dists (i32.add (local.get $dists) (i32.const 1))) (local.get $end))))))
 *
 *   (func $filter (param $codes i32) (param $n i32) (param $t i32) (param $out i32) (result i32)
 *     (local $q0 i64) (local $q1 i64) (local $i i32)
 *     (local.set $q0 (i64.load (i32.const 0)))  (local.set $q1 (i64.load offset=8 (i32.const 0)))
 *     (block (br_if 0 (i32.eqz (local.get $n)))
 *       (loop
 *         (if (i32.le_u (i32.wrap_i64 (i64.add
 *               (i64.popcnt (i64.xor (i64.load (local.get $codes)) (local.get $q0)))
 *               (i64.popcnt (i64.xor (i64.load offset=8 (local.get $codes)) (local.get $q1)))))
 *             (local.get $t))
 *           (then (i32.store (local.get $out) (local.get $i))
 *                 (local.set $out (i32.add (local.get $out) (i32.const 4)))))
 *         (local.set $codes (i32.add (local.get $codes) (i32.const 16)))
 *         (br_if 0 (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
 *     (local.get $out))   ;; end of the written rows
 *
 * `scan` (distances + histogram; its histogram update is a store→load chain, ≈ 4 ns a code) runs
 * on a sample of the rows to pick the distance cut-off; `filter` (≈ 1 ns a code) does the full
 * pass and writes the rows within the cut-off.
 */

const CODE_BYTES = 16;
const HIST = 1024;
const CODES = 4096;
const PAGE = 65536;
/** Codes whose distance histogram sets the cut-off. */
const SAMPLE = 65536;

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}
const vec = (items: number[][]) => [...leb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
const str = (s: string) => [...leb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const fnBody = (locals: number[][], code: number[]) => {
  const body = [...vec(locals), ...code, 0x0b];
  return [...leb(body.length), ...body];
};

// opcodes
const [I32, I64] = [0x7f, 0x7e];
const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const tee = (i: number) => [0x22, i];
const i32c = (v: number) => [0x41, ...leb(v)]; // only small non-negative constants here
const [BLOCK, LOOP, IF, END, BR_IF] = [[0x02, 0x40], [0x03, 0x40], [0x04, 0x40], [0x0b], (d: number) => [0x0d, d]];
const i64load = (offset: number) => [0x29, 3, offset];
const i32load = [0x28, 2, 0];
const i32store = [0x36, 2, 0];
const i32store8 = [0x3a, 0, 0];
const [I32_ADD, I32_SHL, I32_LT_U, I32_LE_U, I32_GE_U, I32_EQZ, I64_XOR, I64_POPCNT, I64_ADD, I32_WRAP_I64] = [
  0x6a, 0x74, 0x49, 0x4d, 0x4f, 0x45, 0x85, 0x7b, 0x7c, 0xa7,
];

// scan: params codes 0, n 1, dists 2, hist 3; locals q0 4, q1 5 (i64), end 6, d 7, h 8 (i32)
const scanCode = [
  ...i32c(0), ...i64load(0), ...set(4),
  ...i32c(0), ...i64load(8), ...set(5),
  ...get(2), ...get(1), I32_ADD, ...set(6),
  ...BLOCK,
  ...get(2), ...get(6), I32_GE_U, ...BR_IF(0),
  ...LOOP,
  ...get(0), ...i64load(0), ...get(4), I64_XOR, I64_POPCNT,
  ...get(0), ...i64load(8), ...get(5), I64_XOR, I64_POPCNT,
  I64_ADD, I32_WRAP_I64, ...set(7),
  ...get(2), ...get(7), ...i32store8,
  ...get(3), ...get(7), ...i32c(2), I32_SHL, I32_ADD, ...tee(8),
  ...get(8), ...i32load, ...i32c(1), I32_ADD, ...i32store,
  ...get(0), ...i32c(16), I32_ADD, ...set(0),
  ...get(2), ...i32c(1), I32_ADD, ...tee(2), ...get(6), I32_LT_U, ...BR_IF(0),
  ...END,
  ...END,
];
// filter: params codes 0, n 1, t 2, out 3; locals q0 4, q1 5 (i64), i 6 (i32); returns the end of
// the written rows
const filterCode = [
  ...i32c(0), ...i64load(0), ...set(4),
  ...i32c(0), ...i64load(8), ...set(5),
  ...BLOCK,
  ...get(1), I32_EQZ, ...BR_IF(0),
  ...LOOP,
  ...get(0), ...i64load(0), ...get(4), I64_XOR, I64_POPCNT,
  ...get(0), ...i64load(8), ...get(5), I64_XOR, I64_POPCNT,
  I64_ADD, I32_WRAP_I64, ...get(2), I32_LE_U,
  ...IF,
  ...get(3), ...get(6), ...i32store,
  ...get(3), ...i32c(4), I32_ADD, ...set(3),
  ...END,
  ...get(0), ...i32c(16), I32_ADD, ...set(0),
  ...get(6), ...i32c(1), I32_ADD, ...tee(6), ...get(1), I32_LT_U, ...BR_IF(0),
  ...END,
  ...END,
  ...get(3),
];

/** The module's bytes (exported for inspection/tests). */
export const WASM_BYTES = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
  ...section(1, vec([[0x60, ...vec([[I32], [I32], [I32], [I32]]), 0x00], [0x60, ...vec([[I32], [I32], [I32], [I32]]), 0x01, I32]])), // types
  ...section(3, vec([[0], [1]])), // functions: scan: type 0, filter: type 1
  ...section(5, vec([[0x00, 1]])), // memory: min 1 page, no max
  ...section(7, vec([[...str('mem'), 0x02, 0], [...str('scan'), 0x00, 0], [...str('filter'), 0x00, 1]])), // exports
  ...section(10, vec([fnBody([[2, I64], [3, I32]], scanCode), fnBody([[2, I64], [1, I32]], filterCode)])), // code
]);

// the project's TypeScript lib has no WebAssembly declarations (no DOM lib): declare what we use
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
let compiled: object | undefined;
interface Exports {
  mem: { buffer: ArrayBuffer; grow: (pages: number) => number };
  scan: (codes: number, n: number, dists: number, hist: number) => void;
  filter: (codes: number, n: number, t: number, out: number) => number;
}

/** Hamming distance between two codes in plain JS (reference for tests). */
export function hamming(a: Uint32Array, ai: number, b: Uint32Array, bi: number): number {
  let d = 0;
  for (let w = 0; w < 4; w++) {
    let x = ((a[ai * 4 + w] as number) ^ (b[bi * 4 + w] as number)) >>> 0;
    x -= (x >>> 1) & 0x55555555;
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    d += (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
  }
  return d;
}

/**
 * A table of 128-bit sign codes kept in WebAssembly memory, indexed by row (the caller's rows:
 * removal = move the last code into the hole, like the float rows).
 */
export class SignCodes {
  private readonly ex: Exports;
  private cap = 0;
  private n = 0;
  private u32!: Uint32Array;
  private u8!: Uint8Array;
  private i32!: Int32Array;
  readonly mean: Float32Array;

  constructor(readonly dim: number, mean: Float32Array, capacity = 1024) {
    if (dim !== 128) throw new Error(`sign codes need 128 dimensions, got ${dim}`);
    compiled ??= new wasm.Module(WASM_BYTES);
    this.ex = new wasm.Instance(compiled, {}).exports as unknown as Exports;
    this.mean = mean.slice();
    this.reserve(capacity);
  }

  get size(): number {
    return this.n;
  }

  private get distsAt(): number {
    return CODES + this.cap * CODE_BYTES;
  }

  private get rowsAt(): number {
    return (this.distsAt + this.cap + 3) & ~3;
  }

  private reserve(capacity: number): void {
    if (capacity <= this.cap) return;
    const cap = Math.max(capacity, this.cap * 2, 1024);
    const need = CODES + cap * CODE_BYTES + cap + 4 + cap * 4;
    const have = this.ex.mem.buffer.byteLength;
    if (need > have) this.ex.mem.grow(Math.ceil((need - have) / PAGE));
    this.cap = cap; // codes stay at CODES; distances and rows are scratch and just move
    this.views();
  }

  private views(): void {
    const b = this.ex.mem.buffer;
    this.u32 = new Uint32Array(b);
    this.u8 = new Uint8Array(b);
    this.i32 = new Int32Array(b);
  }

  /** Scratch for v − μ, read back as bits: bit j = 1 iff v[j] ≥ μ[j] (the f32 sign bit is clear). */
  private readonly diff = new Float32Array(128);
  private readonly diffBits = new Int32Array(this.diff.buffer);

  /** Writes the sign code of v − μ at word offset `word` (4 words). */
  private encode(v: Float32Array, vOff: number, word: number): void {
    const u32 = this.u32, mu = this.mean, diff = this.diff, bits = this.diffBits;
    // branch-free (a data-dependent branch mispredicts half the time): rounding v − μ to f32 never
    // flips its sign, and is +0 only when v = μ
    for (let j = 0; j < 128; j++) diff[j] = (v[vOff + j] as number) - (mu[j] as number);
    for (let w = 0; w < 4; w++) {
      let x = 0;
      for (let b = 0, j = w * 32; b < 32; b++, j++) x |= (~(bits[j] as number) >>> 31) << b;
      u32[word + w] = x >>> 0;
    }
  }

  /** Appends the code of rows [0, count) of `data` after the current ones. */
  addRows(data: Float32Array, count: number): void {
    this.reserve(this.n + count);
    for (let r = 0; r < count; r++, this.n++) this.encode(data, r * this.dim, CODES / 4 + this.n * 4);
  }

  add(v: Float32Array): void {
    this.reserve(this.n + 1);
    this.encode(v, 0, CODES / 4 + this.n * 4);
    this.n++;
  }

  /** Moves the last code into `row` and drops the last. */
  remove(row: number): void {
    const last = this.n - 1;
    if (row < 0 || row > last) throw new Error(`row ${row} out of range`);
    if (row !== last) this.u8.copyWithin(CODES + row * CODE_BYTES, CODES + last * CODE_BYTES, CODES + (last + 1) * CODE_BYTES);
    this.n--;
  }

  /** Copy of the code of `row` (4 words). */
  code(row: number): Uint32Array {
    return this.u32.slice(CODES / 4 + row * 4, CODES / 4 + row * 4 + 4);
  }

  /** Code of `v` under this table's μ. */
  encodeQuery(v: Float32Array): Uint32Array {
    this.encode(v, 0, 0);
    return this.u32.slice(0, 4);
  }

  /** Hamming distances of the query to every code (copy; for tests and the bench). */
  distances(q: Float32Array): Uint8Array {
    this.scan(q);
    return this.u8.slice(this.distsAt, this.distsAt + this.n);
  }

  private scan(q: Float32Array, n = this.n): Int32Array {
    this.encode(q, 0, 0);
    const hist = this.i32.subarray(HIST / 4, HIST / 4 + 129);
    hist.fill(0);
    this.ex.scan(CODES, n, this.distsAt, HIST);
    return hist;
  }

  /**
   * Rows whose code is closest to the query's: every row with Hamming distance ≤ t, for a cut-off
   * t estimated from the histogram of the first SAMPLE codes so that about 1.5 × `want` rows pass;
   * if fewer than `want` pass, t is raised and the filter repeated (ties at t are always all
   * kept). Deterministic. With ≤ `want` rows, all rows.
   */
  candidates(q: Float32Array, want: number): Int32Array {
    const n = this.n;
    if (n <= want) return Int32Array.from({ length: n }, (_, i) => i);
    const s = Math.min(n, SAMPLE);
    const hist = this.scan(q, s);
    const goal = s === n ? want : (1.5 * want * s) / n;
    let t = 0, cum = hist[0] as number;
    while (cum < goal && t < 128) cum += hist[++t] as number;
    for (;;) {
      this.encode(q, 0, 0);
      const end = this.ex.filter(CODES, n, t, this.rowsAt);
      const count = (end - this.rowsAt) / 4;
      if (count >= want || t >= 128) return this.i32.slice(this.rowsAt / 4, end / 4);
      t = Math.min(128, t + 2);
    }
  }
}

/**
 * Mean of rows [0, count) of `data` (f64 accumulation), over every ⌈count / maxRows⌉-th row: μ
 * only centres the codes, so a deterministic sample of 65 536 rows is plenty (and 12× faster at 1M).
 */
export function meanOf(data: Float32Array, dim: number, count: number, maxRows = 65536): Float32Array {
  const acc = new Float64Array(dim);
  const stride = Math.max(1, Math.ceil(count / maxRows));
  let used = 0;
  for (let r = 0; r < count; r += stride, used++) {
    const off = r * dim;
    for (let j = 0; j < dim; j++) acc[j] = (acc[j] as number) + (data[off + j] as number);
  }
  return Float32Array.from(acc, (x) => (used > 0 ? x / used : 0));
}
