/**
 * Decoding of the blazeface ("back", 256 × 256) detector's raw output: 896 anchors, each row
 * [face logit, box dx, dy, w, h, 6 keypoints (x, y)] in input pixels relative to its anchor —
 * the MediaPipe recipe @vladmandic/human implements, run here without human's per-call overhead
 * (config merge, input processing, a face crop per box that we do not use: ≈ 8 ms a pass).
 */
export const DETECTOR_INPUT = 256;
const STRIDES = [16, 32] as const;
const ANCHORS_PER_CELL = [2, 6] as const;
export const ANCHOR_COUNT = 896;
export const ROW = 17;

/** Anchor centres, in the order of the model's rows (stride 16 cells, then stride 32; row-major). */
export const ANCHORS: readonly (readonly [number, number])[] = (() => {
  const out: [number, number][] = [];
  for (const [i, stride] of STRIDES.entries()) {
    const cells = Math.ceil(DETECTOR_INPUT / stride);
    const perCell = ANCHORS_PER_CELL[i] as number;
    for (let y = 0; y < cells; y++) for (let x = 0; x < cells; x++) for (let n = 0; n < perCell; n++) out.push([stride * (x + 0.5), stride * (y + 0.5)]);
  }
  return out;
})();

export interface RawDetection {
  /** Centre and side of the square the face mesh should be read from (the box enlarged × 1.4), input pixels. */
  cx: number;
  cy: number;
  side: number;
  /** The six keypoints, input pixels: the eyes (0, 1), nose (2), mouth (3), ears (4, 5). */
  keypoints: [number, number][];
  score: number;
}

export interface DecodeOptions {
  minScore: number;
  iou: number;
  max: number;
  /** Box enlargement for the mesh crop (human's 1.4). */
  scale: number;
}

/**
 * `rows`: the model's outputs as one [896 × 17] array (see `stackOutputs`). Boxes scoring at least
 * `minScore`, best first, without those overlapping a better one by more than `iou`.
 */
export function decodeDetections(rows: Float32Array, opts: DecodeOptions): RawDetection[] {
  const candidates: { i: number; score: number; x0: number; y0: number; x1: number; y1: number }[] = [];
  for (let i = 0; i < ANCHOR_COUNT; i++) {
    const score = 1 / (1 + Math.exp(-(rows[i * ROW] as number)));
    if (score < opts.minScore) continue;
    const [ax, ay] = ANCHORS[i] as readonly [number, number];
    const cx = (rows[i * ROW + 1] as number) + ax, cy = (rows[i * ROW + 2] as number) + ay;
    const w = rows[i * ROW + 3] as number, h = rows[i * ROW + 4] as number;
    candidates.push({ i, score, x0: cx - w / 2, y0: cy - h / 2, x1: cx + w / 2, y1: cy + h / 2 });
  }
  candidates.sort((a, b) => b.score - a.score);
  const kept: typeof candidates = [];
  for (const c of candidates) {
    if (kept.length >= opts.max) break;
    if (kept.every((k) => overlap(k, c) <= opts.iou)) kept.push(c);
  }
  return kept.map((c) => {
    const [ax, ay] = ANCHORS[c.i] as readonly [number, number];
    const keypoints: [number, number][] = [];
    for (let k = 0; k < 6; k++) keypoints.push([(rows[c.i * ROW + 5 + 2 * k] as number) + ax, (rows[c.i * ROW + 6 + 2 * k] as number) + ay]);
    return { cx: (c.x0 + c.x1) / 2, cy: (c.y0 + c.y1) / 2, side: Math.max(c.x1 - c.x0, c.y1 - c.y0) * opts.scale, keypoints, score: c.score };
  });
}

function overlap(a: { x0: number; y0: number; x1: number; y1: number }, b: { x0: number; y0: number; x1: number; y1: number }): number {
  const w = Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0)), h = Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));
  const inter = w * h;
  return inter / Math.max(1e-9, (a.x1 - a.x0) * (a.y1 - a.y0) + (b.x1 - b.x0) * (b.y1 - b.y0) - inter);
}

/**
 * The converted model answers four tensors: scores and boxes for the 512 stride-16 anchors and
 * the 384 stride-32 ones ([1, n, 1] and [1, n, 16]). Stacks them into [896 × 17] rows.
 */
export function stackOutputs(outputs: { shape: number[]; values: ArrayLike<number> }[]): Float32Array {
  const byAnchors = (n: number, width: number) => {
    const t = outputs.find((o) => o.shape[1] === n && o.shape[2] === width);
    if (!t) throw new Error(`blazeface output [1, ${n}, ${width}] missing`);
    return t.values;
  };
  const rows = new Float32Array(ANCHOR_COUNT * ROW);
  let r = 0;
  for (const n of [512, 384]) {
    const scores = byAnchors(n, 1), boxes = byAnchors(n, 16);
    for (let i = 0; i < n; i++, r++) {
      rows[r * ROW] = scores[i] as number;
      for (let j = 0; j < 16; j++) rows[r * ROW + 1 + j] = boxes[i * 16 + j] as number;
    }
  }
  return rows;
}
