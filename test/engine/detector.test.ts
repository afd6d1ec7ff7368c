/** The blazeface output decoding (model/detector.ts) on hand-made rows. */
import { describe, expect, it } from 'vitest';
import { ANCHOR_COUNT, ANCHORS, decodeDetections, ROW, stackOutputs } from '../../local/rekognition/model/detector';

/** Rows with every logit very negative, except the given anchors'. */
function rows(faces: { anchor: number; logit: number; dx?: number; w: number }[]): Float32Array {
  const r = new Float32Array(ANCHOR_COUNT * ROW).fill(0);
  for (let i = 0; i < ANCHOR_COUNT; i++) r[i * ROW] = -20;
  for (const f of faces) {
    r[f.anchor * ROW] = f.logit;
    r[f.anchor * ROW + 1] = f.dx ?? 0;
    r[f.anchor * ROW + 3] = f.w;
    r[f.anchor * ROW + 4] = f.w;
    r[f.anchor * ROW + 5 + 4] = 0; // nose at the anchor
    r[f.anchor * ROW + 5 + 7] = 10; // mouth 10 px below
  }
  return r;
}
const opts = { minScore: 0.3, iou: 0.2, max: 20, scale: 1.4 };

describe('blazeface decoding', () => {
  it('has the 16×16×2 + 8×8×6 anchors, stride-16 cells first', () => {
    expect(ANCHORS).toHaveLength(896);
    expect(ANCHORS[0]).toEqual([8, 8]);
    expect(ANCHORS[1]).toEqual([8, 8]);
    expect(ANCHORS[2]).toEqual([24, 8]);
    expect(ANCHORS[512]).toEqual([16, 16]);
  });

  it('places boxes and keypoints at their anchors, enlarged square, best first, overlapping ones dropped', () => {
    const faces = decodeDetections(rows([
      { anchor: 100, logit: 2, w: 40 },
      { anchor: 101, logit: 1, w: 40, dx: 2 }, // same cell, nearly the same box: suppressed
      { anchor: 700, logit: 3, w: 60 },
      { anchor: 300, logit: -3, w: 40 }, // score 0.05: not a face
    ]), opts);
    expect(faces.map((f) => [f.cx, f.cy])).toEqual([ANCHORS[700], ANCHORS[100]]);
    expect(faces[0]!.side).toBeCloseTo(84);
    expect(faces[0]!.score).toBeCloseTo(1 / (1 + Math.exp(-3)));
    expect(faces[1]!.keypoints[3]).toEqual([ANCHORS[100]![0], ANCHORS[100]![1] + 10]);
  });

  it('stacks the four model outputs by their shapes', () => {
    const out = [512, 384].flatMap((n) => [
      { shape: [1, n, 16], values: Float32Array.from({ length: n * 16 }, (_, i) => (n === 512 ? 1000 : 2000) + i) },
      { shape: [1, n, 1], values: Float32Array.from({ length: n }, (_, i) => (n === 512 ? 0 : 10000) + i) },
    ]);
    const r = stackOutputs(out);
    expect([r[0], r[1], r[16]]).toEqual([0, 1000, 1015]);
    expect([r[512 * ROW], r[512 * ROW + 1]]).toEqual([10000, 2000]);
  });
});
