/**
 * Cosine similarity of two unit 128-d face-api descriptors → Rekognition's 0–100 similarity.
 *
 * A monotone piecewise-linear map whose knots come from the genuine/impostor cosine
 * distributions measured on ../shared/faces/pairs.csv (see README.md "Similarity calibration"):
 *  - 80 (AWS's default FaceMatchThreshold) sits at the cosine of best verification accuracy (0.9155);
 *  - 95 sits just above the highest impostor cosine in pairs.csv (0.9378: Matt Damon / Leonardo
 *    DiCaprio, deepface img33 / img35);
 *  - 99 sits above that with a margin (0.95), because harder impostors exist: different young
 *    women in face-api's demo group photos reach cosine 0.95–0.96 (README, "Limits").
 * Fitted to the pairs they are then measured on, so optimistic: the README's held-out check.
 * Between knots the map is linear; it is strictly increasing, so `similarityToCosine` inverts it
 * (used to turn a threshold into a cosine cut-off for 1:N search).
 */
export const KNOTS: readonly (readonly [cosine: number, similarity: number])[] = [
  [-1, 0],
  [0.8, 30],
  [0.9, 60],
  [0.916, 80],
  [0.939, 95],
  [0.95, 99],
  [0.975, 99.9],
  [1, 100],
];

export function cosineToSimilarity(cos: number): number {
  const c = Math.max(-1, Math.min(1, cos));
  for (let i = 1; i < KNOTS.length; i++) {
    const [c1, s1] = KNOTS[i] as readonly [number, number];
    if (c <= c1) {
      const [c0, s0] = KNOTS[i - 1] as readonly [number, number];
      return s0 + ((c - c0) / (c1 - c0)) * (s1 - s0);
    }
  }
  return 100;
}

export function similarityToCosine(sim: number): number {
  const s = Math.max(0, Math.min(100, sim));
  for (let i = 1; i < KNOTS.length; i++) {
    const [c1, s1] = KNOTS[i] as readonly [number, number];
    if (s <= s1) {
      const [c0, s0] = KNOTS[i - 1] as readonly [number, number];
      return c0 + ((s - s0) / (s1 - s0)) * (c1 - c0);
    }
  }
  return 1;
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}
