/**
 * `npm run bench:descriptor -- --from DIR [--model FILE.onnx]`
 *
 * The engine's face descriptor (face-api's 128-d net) against a candidate replacement, in one run
 * on the same faces: genuine / impostor similarity on ../shared/faces pairs.csv and time per
 * descriptor. A candidate is an ONNX model with the ArcFace input layout (1×3×112×112, RGB,
 * (v − 127) / 128, the face aligned on five landmarks), run by onnxruntime-node. By default
 * `fr_feature.onnx` (512-d) from the npm package faceplugin-face-recognition-js 0.0.1, the only
 * such model found on npm — whose MIT LICENSE file (a 2021 template's, "gitguanqi") does not
 * clearly cover Faceplugin's models, so it is measured here, not shipped. Neither is a
 * dependency of facegate (the package also pulls jest/babel/webpack); fetch them from the npm
 * registry into DIR once:
 *
 *   mkdir DIR && cd DIR && npm pack faceplugin-face-recognition-js@0.0.1 && tar xzf faceplugin-*.tgz \
 *     && npm install --ignore-scripts onnxruntime-node@1.30.0
 *
 * (`--ignore-scripts`: its postinstall fetches CUDA libraries from nuget.org; the CPU build is
 * in the npm package.) Both descriptors read the face the engine found: the same decode and
 * mesh (FaceAnalyzer.prepare); the candidate is aligned by a similarity transform of the
 * engine's five Rekognition landmarks (eyes, nose, mouth corners) onto its reference points.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FaceAnalyzer, type PreparedImage } from '../local/rekognition/model/analyzer';
import { dot } from '../local/rekognition/similarity';
import { facesDir, haveFaces, pairs, read } from './lib/faces';
import { ms, pct, quantile, summary } from './lib/stats';
import { normaliseRows } from './lib/vectors';

const { values: args } = parseArgs({ options: { from: { type: 'string' }, model: { type: 'string' } } });
if (!haveFaces()) {
  console.error(`bench:descriptor needs the labelled photos at ${facesDir}`);
  process.exit(2);
}
const from = args.from ? path.resolve(args.from) : undefined;
const modelFile = args.model ? path.resolve(args.model) : from && path.join(from, 'package', 'model', 'fr_feature.onnx');
if (!from || !fs.existsSync(modelFile!) || !fs.existsSync(path.join(from, 'node_modules', 'onnxruntime-node'))) {
  console.error('bench:descriptor needs --from DIR holding node_modules/onnxruntime-node and package/model/fr_feature.onnx (or --model FILE) (see the comment at the top of bench/descriptor-candidate.ts)');
  process.exit(2);
}

interface OrtTensor { data: Float32Array }
interface OrtSession { inputNames: string[]; outputNames: string[]; run(feeds: Record<string, unknown>): Promise<Record<string, OrtTensor>> }
interface Ort {
  InferenceSession: { create(file: string, opts: { intraOpNumThreads: number; interOpNumThreads: number }): Promise<OrtSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => unknown;
}
const ort = createRequire(path.join(from, 'package.json'))('onnxruntime-node') as Ort;

/** The candidate's reference points on its 112×112 input (the ArcFace layout). */
const REFERENCE: Point[] = [[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655], [70.7299, 92.2041]];
const FIVE = ['eyeLeft', 'eyeRight', 'nose', 'mouthLeft', 'mouthRight'];
const SIZE = 112;
type Point = [number, number];

/** Least-squares similarity transform taking `src` onto `dst`: p' = [c −s; s c]·p + t. */
function similarity(src: Point[], dst: Point[]): { c: number; s: number; tx: number; ty: number } {
  const n = src.length;
  const mean = (ps: Point[]): Point => [ps.reduce((a, p) => a + p[0], 0) / n, ps.reduce((a, p) => a + p[1], 0) / n];
  const [sx, sy] = mean(src), [dx, dy] = mean(dst);
  let a = 0, b = 0, norm = 0;
  src.forEach(([x0, y0], i) => {
    const x = x0 - sx, y = y0 - sy, u = (dst[i] as Point)[0] - dx, v = (dst[i] as Point)[1] - dy;
    a += x * u + y * v;
    b += x * v - y * u;
    norm += x * x + y * y;
  });
  const c = a / norm, s = b / norm;
  return { c, s, tx: dx - (c * sx - s * sy), ty: dy - (s * sx + c * sy) };
}

/** The aligned face as the candidate's input: 3×112×112, (v − 127) / 128, bilinear, black outside. */
function alignedInput(p: PreparedImage, five: Point[]): Float32Array {
  const { c, s, tx, ty } = similarity(five, REFERENCE);
  const det = c * c + s * s;
  const { width, height, pixels } = p;
  const out = new Float32Array(3 * SIZE * SIZE);
  const at = (x: number, y: number, ch: number) => (x < 0 || y < 0 || x >= width || y >= height ? 0 : (pixels[(y * width + x) * 3 + ch] as number));
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const u = x - tx, v = y - ty;
      const px = (c * u + s * v) / det, py = (-s * u + c * v) / det;
      const x0 = Math.floor(px), y0 = Math.floor(py), fx = px - x0, fy = py - y0;
      for (let ch = 0; ch < 3; ch++) {
        const value = (1 - fy) * ((1 - fx) * at(x0, y0, ch) + fx * at(x0 + 1, y0, ch)) + fy * ((1 - fx) * at(x0, y0 + 1, ch) + fx * at(x0 + 1, y0 + 1, ch));
        out[ch * SIZE * SIZE + y * SIZE + x] = (value - 127) / 128;
      }
    }
  }
  return out;
}

const analyzer = await FaceAnalyzer.load();
await analyzer.warmup();
const sessions = {
  1: await ort.InferenceSession.create(modelFile!, { intraOpNumThreads: 1, interOpNumThreads: 1 }),
  2: await ort.InferenceSession.create(modelFile!, { intraOpNumThreads: 2, interOpNumThreads: 1 }),
};

interface Described { engine: Float32Array; candidate: Float32Array }
const described = new Map<string, Described | null>();
const time = { engine: [] as number[], candidate1: [] as number[], candidate2: [] as number[] };

async function describe(file: string): Promise<Described | null> {
  if (described.has(file)) return described.get(file)!;
  const prepared = await analyzer.prepare(read(file));
  let result: Described | null = null;
  try {
    if (prepared.faces.length > 0) {
      let t = performance.now();
      const [engineFace] = (await analyzer.complete(prepared, { attributes: [], embed: true, maxFaces: 1 })).faces;
      time.engine.push(performance.now() - t);
      const five = FIVE.map((type): Point => {
        const l = engineFace!.landmarks.find((m) => m.type === type)!;
        return [l.x * prepared.width, l.y * prepared.height];
      });
      let candidate: Float32Array | undefined;
      for (const threads of [1, 2] as const) {
        t = performance.now();
        const input = alignedInput(prepared, five);
        const session = sessions[threads];
        const out = await session.run({ [session.inputNames[0] as string]: new ort.Tensor('float32', input, [1, 3, SIZE, SIZE]) });
        time[`candidate${threads}`].push(performance.now() - t);
        const vector = (out[session.outputNames[0] as string] as OrtTensor).data;
        candidate ??= normaliseRows(Float32Array.from(vector), vector.length);
      }
      result = { engine: engineFace!.vector!, candidate: candidate! };
    }
  } finally {
    analyzer.release(prepared);
  }
  described.set(file, result);
  return result;
}

const scores = { engine: { same: [] as number[], other: [] as number[] }, candidate: { same: [] as number[], other: [] as number[] } };
let unusable = 0;
for (const pair of pairs()) {
  const a = await describe(pair.a), b = await describe(pair.b);
  if (!a || !b) {
    unusable++;
    continue;
  }
  const kind = pair.same ? 'same' : 'other';
  scores.engine[kind].push(dot(a.engine, b.engine));
  scores.candidate[kind].push(dot(a.candidate, b.candidate));
}

console.log(`# bench:descriptor — ${new Date().toISOString()} — pairs.csv: ${scores.engine.same.length} genuine, ${scores.engine.other.length} impostor pairs (${unusable} without a face), ${described.size} photos`);
console.log('| descriptor | genuine above the highest impostor | highest impostor (cosine) | 2nd highest | genuine min / p5 / median | time per face, median |');
console.log('|---|---|---|---|---|---|');
for (const [name, label, t] of [
  ['engine', "face-api 128-d (the engine's)", summary(time.engine).median],
  ['candidate', path.basename(modelFile!), summary(time.candidate1).median],
] as const) {
  const { same, other } = scores[name];
  const impostors = [...other].sort((x, y) => y - x);
  const genuine = [...same].sort((x, y) => x - y);
  const top = impostors[0] as number;
  const at = (q: number) => quantile(genuine, q).toFixed(3);
  console.log(`| ${label} | ${pct(genuine.filter((g) => g > top).length / genuine.length)} | ${top.toFixed(3)} | ${(impostors[1] as number).toFixed(3)} | ${at(0)} / ${at(0.05)} / ${at(0.5)} | ${ms(t)} |`);
}
console.log(`candidate with 2 onnxruntime threads: ${ms(summary(time.candidate2).median)} per face (alignment included); the engine's descriptor includes its crop`);
