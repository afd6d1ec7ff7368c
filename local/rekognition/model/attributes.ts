/**
 * Face attributes the models do not give directly, estimated from the 468-point mesh and from
 * pixels. All of these are documented as *estimated* in README.md.
 */
import type { Point } from './geometry';

export type { Point } from './geometry';

/** MediaPipe face-mesh indices. "A" is the subject's right side; left/right are fixed up by x below. */
const MESH = {
  eyeA: { outer: 33, inner: 133, up: 159, down: 145, ring: [33, 246, 161, 160, 159, 158, 157, 173, 133, 155, 154, 153, 145, 144, 163, 7] },
  eyeB: { outer: 263, inner: 362, up: 386, down: 374, ring: [263, 466, 388, 387, 386, 385, 384, 398, 362, 382, 381, 380, 374, 373, 390, 249] },
  browA: { outer: 70, inner: 107, up: 105 },
  browB: { outer: 300, inner: 336, up: 334 },
  nose: 1,
  nostrilA: 98,
  nostrilB: 327,
  mouthA: 61,
  mouthB: 291,
  mouthUp: 0,
  mouthDown: 17,
  chin: 152,
  upperJawA: 234,
  upperJawB: 454,
  midJawA: 172,
  midJawB: 397,
} as const;

function at(mesh: Point[], i: number): Point {
  return mesh[i] ?? [0, 0];
}

function mean(mesh: Point[], idx: readonly number[]): Point {
  let x = 0, y = 0;
  for (const i of idx) { const p = at(mesh, i); x += p[0]; y += p[1]; }
  return [x / idx.length, y / idx.length];
}

/** Mouth open when the inner-lip gap exceeds 8 % of the mouth width (mesh points 13/14, 61/291). */
export const MOUTH_OPEN_RATIO = 0.08;
export function estimateMouthOpen(mesh: Point[]): { value: boolean; confidence: number } {
  if (mesh.length < 468) return { value: false, confidence: 50 };
  const ratio = dist(at(mesh, 13), at(mesh, 14)) / Math.max(1e-6, dist(at(mesh, MESH.mouthA), at(mesh, MESH.mouthB)));
  return { value: ratio >= MOUTH_OPEN_RATIO, confidence: Math.min(99, 50 + (Math.abs(ratio - MOUTH_OPEN_RATIO) / MOUTH_OPEN_RATIO) * 50) };
}

/**
 * Centres (mean of each eye's ring) of the subject's right eye and left eye, in that order: for
 * an upright face the first is on the image's left; for a face upside down, on its right.
 */
export function eyeLine(mesh: Point[]): [Point, Point] | undefined {
  if (mesh.length < 468) return undefined;
  return [mean(mesh, MESH.eyeA.ring), mean(mesh, MESH.eyeB.ring)];
}

/** Rekognition's landmark set ("Left" = the side on the image's left), as image ratios. */
export function meshLandmarks(mesh: Point[], width: number, height: number): { type: string; x: number; y: number }[] {
  if (mesh.length < 468) return [];
  const out: { type: string; x: number; y: number }[] = [];
  const put = (type: string, p: Point) => out.push({ type, x: clamp01(p[0] / width), y: clamp01(p[1] / height) });
  const eyeA = mean(mesh, MESH.eyeA.ring), eyeB = mean(mesh, MESH.eyeB.ring);
  const aIsLeft = eyeA[0] <= eyeB[0];
  const [L, R] = aIsLeft ? [MESH.eyeA, MESH.eyeB] : [MESH.eyeB, MESH.eyeA];
  const [bL, bR] = aIsLeft ? [MESH.browA, MESH.browB] : [MESH.browB, MESH.browA];
  const lr = (a: number, b: number): [Point, Point] => {
    const pa = at(mesh, a), pb = at(mesh, b);
    return pa[0] <= pb[0] ? [pa, pb] : [pb, pa];
  };
  put('eyeLeft', aIsLeft ? eyeA : eyeB);
  put('eyeRight', aIsLeft ? eyeB : eyeA);
  put('nose', at(mesh, MESH.nose));
  const [mL, mR] = lr(MESH.mouthA, MESH.mouthB);
  put('mouthLeft', mL);
  put('mouthRight', mR);
  const [blL, blR] = lr(bL.outer, bL.inner);
  put('leftEyeBrowLeft', blL);
  put('leftEyeBrowRight', blR);
  put('leftEyeBrowUp', at(mesh, bL.up));
  const [brL, brR] = lr(bR.outer, bR.inner);
  put('rightEyeBrowLeft', brL);
  put('rightEyeBrowRight', brR);
  put('rightEyeBrowUp', at(mesh, bR.up));
  const [elL, elR] = lr(L.outer, L.inner);
  put('leftEyeLeft', elL);
  put('leftEyeRight', elR);
  put('leftEyeUp', at(mesh, L.up));
  put('leftEyeDown', at(mesh, L.down));
  const [erL, erR] = lr(R.outer, R.inner);
  put('rightEyeLeft', erL);
  put('rightEyeRight', erR);
  put('rightEyeUp', at(mesh, R.up));
  put('rightEyeDown', at(mesh, R.down));
  const [nL, nR] = lr(MESH.nostrilA, MESH.nostrilB);
  put('noseLeft', nL);
  put('noseRight', nR);
  put('mouthUp', at(mesh, MESH.mouthUp));
  put('mouthDown', at(mesh, MESH.mouthDown));
  // no iris model: the pupils are the eyes' ring centres
  put('leftPupil', aIsLeft ? eyeA : eyeB);
  put('rightPupil', aIsLeft ? eyeB : eyeA);
  const [ujL, ujR] = lr(MESH.upperJawA, MESH.upperJawB);
  const [mjL, mjR] = lr(MESH.midJawA, MESH.midJawB);
  put('upperJawlineLeft', ujL);
  put('midJawlineLeft', mjL);
  put('chinBottom', at(mesh, MESH.chin));
  put('midJawlineRight', mjR);
  put('upperJawlineRight', ujR);
  return out;
}

const DEFAULT_LANDMARKS = new Set(['eyeLeft', 'eyeRight', 'nose', 'mouthLeft', 'mouthRight']);
export function isDefaultLandmark(type: string): boolean {
  return DEFAULT_LANDMARKS.has(type);
}

function dist(a: Point, b: Point): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

/** Eye aspect ratio (lid gap / eye width), averaged over both eyes. */
export function eyeAspectRatio(mesh: Point[]): number {
  if (mesh.length < 468) return 0.3;
  const ear = (e: typeof MESH.eyeA | typeof MESH.eyeB) =>
    dist(at(mesh, e.up), at(mesh, e.down)) / Math.max(1e-6, dist(at(mesh, e.outer), at(mesh, e.inner)));
  return (ear(MESH.eyeA) + ear(MESH.eyeB)) / 2;
}

/** Open when the eye aspect ratio exceeds 0.18; confidence grows with the distance from it. */
export const EAR_OPEN = 0.18;
export function estimateEyesOpen(mesh: Point[]): { value: boolean; confidence: number } {
  const ear = eyeAspectRatio(mesh);
  return { value: ear >= EAR_OPEN, confidence: Math.min(99, 50 + (Math.abs(ear - EAR_OPEN) / EAR_OPEN) * 120) };
}

function luma(px: Uint8Array, width: number, x: number, y: number): number {
  const i = (y * width + x) * 3;
  return 0.299 * (px[i] ?? 0) + 0.587 * (px[i + 1] ?? 0) + 0.114 * (px[i + 2] ?? 0);
}

function regionLuma(px: Uint8Array, width: number, height: number, cx: number, cy: number, rx: number, ry: number): number {
  let s = 0, n = 0;
  const x0 = Math.max(0, Math.round(cx - rx)), x1 = Math.min(width - 1, Math.round(cx + rx));
  const y0 = Math.max(0, Math.round(cy - ry)), y1 = Math.min(height - 1, Math.round(cy + ry));
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) { s += luma(px, width, x, y); n++; }
  return n === 0 ? 0 : s / n;
}

/**
 * Sunglasses heuristic: dark lenses make the whole eye region much darker than the cheeks just
 * below it. Ratio of eye-region to cheek luminance < 0.45 → sunglasses.
 */
export const SUNGLASSES_RATIO = 0.45;
export function estimateSunglasses(px: Uint8Array, width: number, height: number, mesh: Point[]): { value: boolean; confidence: number } {
  if (mesh.length < 468) return { value: false, confidence: 50 };
  const eyeA = mean(mesh, MESH.eyeA.ring), eyeB = mean(mesh, MESH.eyeB.ring);
  const w = dist(at(mesh, MESH.eyeA.outer), at(mesh, MESH.eyeA.inner));
  const eyes = (regionLuma(px, width, height, eyeA[0], eyeA[1], w * 0.5, w * 0.3) + regionLuma(px, width, height, eyeB[0], eyeB[1], w * 0.5, w * 0.3)) / 2;
  const dy = w * 0.9;
  const cheeks = (regionLuma(px, width, height, eyeA[0], eyeA[1] + dy, w * 0.4, w * 0.25) + regionLuma(px, width, height, eyeB[0], eyeB[1] + dy, w * 0.4, w * 0.25)) / 2;
  const ratio = eyes / Math.max(1, cheeks);
  return { value: ratio < SUNGLASSES_RATIO, confidence: Math.min(99, 50 + (Math.abs(ratio - SUNGLASSES_RATIO) / SUNGLASSES_RATIO) * 100) };
}

/**
 * Brightness: mean luminance of the face box, 0–100.
 * Sharpness: variance of the 4-neighbour Laplacian of the face box resampled to 112×112 (so the
 * value does not depend on the face's pixel size), mapped 100·(1 − e^(−var/SHARP_SCALE)).
 * `rgb` is the size×size×3 crop of the detector box (float RGB 0–255).
 */
export const SHARP_SCALE = 150;
export function pixelQuality(rgb: Float32Array, size: number): { brightness: number; sharpness: number } {
  const g = new Float32Array(size * size);
  let sum = 0;
  for (let i = 0; i < size * size; i++) {
    const v = 0.299 * (rgb[i * 3] ?? 0) + 0.587 * (rgb[i * 3 + 1] ?? 0) + 0.114 * (rgb[i * 3 + 2] ?? 0);
    g[i] = v;
    sum += v;
  }
  const brightness = (sum / (size * size) / 255) * 100;
  let ls = 0, ls2 = 0, n = 0;
  for (let j = 1; j < size - 1; j++) {
    for (let i = 1; i < size - 1; i++) {
      const c = g[j * size + i] ?? 0;
      const l = (g[j * size + i - 1] ?? 0) + (g[j * size + i + 1] ?? 0) + (g[(j - 1) * size + i] ?? 0) + (g[(j + 1) * size + i] ?? 0) - 4 * c;
      ls += l; ls2 += l * l; n++;
    }
  }
  const variance = n ? ls2 / n - (ls / n) ** 2 : 0;
  const sharpness = 100 * (1 - Math.exp(-variance / SHARP_SCALE));
  return { brightness: round2(brightness), sharpness: round2(sharpness) };
}

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, v));
}
function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
