/**
 * On-device face analysis: one instance per thread (tfjs-backend-wasm is single-threaded).
 *
 * Pipeline (see README "Model"):
 *  1. decode with sharp (EXIF rotation applied) to RGB;
 *  2. @vladmandic/human: blazeface detector + facemesh (478 points incl. iris) + emotion → box,
 *     landmarks, pose (yaw/pitch/roll), emotions;
 *  3. @vladmandic/face-api's 128-d face_recognition descriptor (normalised) on a face box aligned
 *     from the mesh, and with `attributes` its age/gender net on the same crop.
 *
 * Models are read from node_modules via fs; nothing is fetched at run time.
 */
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import sharp, { type OutputInfo } from 'sharp';
import { eyeCentres, estimateEyesOpen, estimateMouthOpen, estimateSunglasses, meshLandmarks, pixelQuality, type Point } from './attributes';
import { FACE_ATTRIBUTES, type AnalyzeResult, type FaceAttribute, type RawFace } from './types';

const require = createRequire(import.meta.url);

/* Minimal structural types for the untyped CJS builds we load by path. */
interface Tensor { shape: number[]; dispose(): void; data(): Promise<ArrayLike<number>> }
interface Tf {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  getBackend(): string;
  tensor3d(values: Uint8Array | Int32Array | Float32Array, shape: [number, number, number], dtype?: string): Tensor;
  tensor2d(values: number[][], shape: [number, number]): Tensor;
  tensor1d(values: number[], dtype?: string): Tensor;
  expandDims(t: Tensor, axis: number): Tensor;
  squeeze(t: Tensor, axis: number[]): Tensor;
  image: {
    cropAndResize(img: Tensor, boxes: Tensor, ind: Tensor, size: [number, number], method: string, extrapolation: number): Tensor;
    transform(img: Tensor, transforms: Tensor, interpolation: string, fillMode: string, fillValue: number, outputShape: [number, number]): Tensor;
  };
  cast(t: Tensor, dtype: string): Tensor;
  tidy<T>(fn: () => T): T;
  io: {
    registerLoadRouter(router: (url: string | string[]) => unknown): void;
    getModelArtifactsForJSON(json: unknown, loadWeights: (manifest: WeightsGroup[]) => Promise<[unknown[], ArrayBuffer]>): Promise<unknown>;
  };
  memory(): { numTensors: number };
}
interface WeightsGroup { paths: string[]; weights: unknown[] }
interface HumanFace {
  score: number; boxScore: number; faceScore: number;
  box: [number, number, number, number];
  mesh: [number, number, number?][];
  rotation?: { angle: { roll: number; yaw: number; pitch: number } } | null;
  emotion?: { score: number; emotion: string }[];
}
interface HumanInstance {
  load(): Promise<void>;
  detect(input: Tensor, config?: unknown): Promise<{ face: HumanFace[]; error?: string | null }>;
  tf: Tf;
}
interface FaceApiNet { loadFromDisk(dir: string): Promise<void> }
interface FaceApi {
  nets: {
    faceRecognitionNet: FaceApiNet & { computeFaceDescriptor(t: Tensor): Promise<Float32Array> };
    ageGenderNet: FaceApiNet & { predictAgeAndGender(t: Tensor): Promise<{ age: number; gender: string; genderProbability: number }> };
  };
  tf: Tf;
}

export interface AnalyzeOptions {
  /** Attributes beyond DEFAULT to estimate ([] = DEFAULT only). */
  attributes: readonly FaceAttribute[];
  /** compute the 128-d descriptor (IndexFaces, search, compare). */
  embed: boolean;
  /** cap on faces returned (largest first). */
  maxFaces?: number;
  /** only the largest `embedMax` faces get a descriptor (default: all returned faces). */
  embedMax?: number;
}

export class DecodeError extends Error {}

/** Minimum detector score (0–1) for a box to count as a face at all. */
const MIN_FACE_SCORE = 0.5;
const MAX_SIDE = 1280;
/** Face-mesh points at the positions of the 68-point model's jaw line and eyebrows. */
const MESH68 = [127, 234, 93, 132, 58, 172, 136, 150, 176, 148, 152, 377, 400, 379, 365, 397, 288, 361, 323, 454, 356, 70, 63, 105, 66, 107, 336, 296, 334, 293, 300];
const QUALITY_SIZE = 112;
const ALIGN_PAD = 0.4;
const ALIGN_ROTATE = true;
const DESCRIPTOR_SIZE = 150;

/** Package directory, found from its main entry (some packages do not export package.json). */
function dirOf(pkg: string): string {
  let dir = path.dirname(require.resolve(pkg));
  while (!dir.endsWith(path.join('node_modules', pkg)) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

let loadRouterRegistered = false;
function registerFsLoader(tf: Tf): void {
  if (loadRouterRegistered) return;
  loadRouterRegistered = true;
  tf.io.registerLoadRouter((url) => {
    if (typeof url !== 'string' || !url.startsWith('file://')) return null;
    const file = url.slice('file://'.length);
    return {
      load: async () => {
        const json = JSON.parse(await fs.promises.readFile(file, 'utf8')) as unknown;
        return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
          const specs: unknown[] = [];
          const buffers: Buffer[] = [];
          for (const group of manifest) {
            specs.push(...group.weights);
            for (const p of group.paths) buffers.push(await fs.promises.readFile(path.join(path.dirname(file), p)));
          }
          const all = Buffer.concat(buffers);
          return [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer];
        });
      },
    };
  });
}

export class FaceAnalyzer {
  private constructor(private readonly human: HumanInstance, private readonly faceapi: FaceApi, private readonly tf: Tf) {}

  static async load(): Promise<FaceAnalyzer> {
    const wasmDir = path.join(dirOf('@tensorflow/tfjs-backend-wasm'), 'dist') + path.sep;
    const humanDir = dirOf('@vladmandic/human');
    const faceapiDir = dirOf('@vladmandic/face-api');
    // Both builds `require('@tensorflow/tfjs-core')`; they resolve to the one top-level copy, so a
    // single wasm backend serves both (checked below).
    const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(p: string): void };
    wasm.setWasmPaths(wasmDir);
    const H = require(path.join(humanDir, 'dist', 'human.node-wasm.js')) as { Human: new (cfg: unknown) => HumanInstance };
    const faceapi = require(path.join(faceapiDir, 'dist', 'face-api.node-wasm.js')) as FaceApi;
    const human = new H.Human({
      backend: 'wasm',
      wasmPath: wasmDir,
      modelBasePath: `file://${path.join(humanDir, 'models')}/`,
      debug: false,
      async: true,
      warmup: 'none',
      cacheSensitivity: 0,
      filter: { enabled: false },
      face: {
        enabled: true,
        detector: { rotation: false, maxDetected: 20, minConfidence: 0.3, iouThreshold: 0.2, skipFrames: 0, skipTime: 0, return: false },
        mesh: { enabled: true },
        iris: { enabled: true, skipFrames: 0, skipTime: 0 },
        attention: { enabled: false },
        emotion: { enabled: true, skipFrames: 0, skipTime: 0, minConfidence: 0 },
        description: { enabled: false },
        antispoof: { enabled: false },
        liveness: { enabled: false },
      },
      body: { enabled: false },
      hand: { enabled: false },
      object: { enabled: false },
      gesture: { enabled: false },
      segmentation: { enabled: false },
    });
    const tf = human.tf;
    registerFsLoader(tf);
    await human.load();
    await tf.setBackend('wasm');
    await tf.ready();
    if (faceapi.tf !== undefined && faceapi.tf.getBackend() !== 'wasm') {
      await faceapi.tf.setBackend('wasm');
      await faceapi.tf.ready();
    }
    const modelDir = path.join(faceapiDir, 'model');
    await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir);
    await faceapi.nets.ageGenderNet.loadFromDisk(modelDir);
    return new FaceAnalyzer(human, faceapi, tf);
  }

  /**
   * First inferences compile wasm kernels and allocate (≈1 s); run them on a photo the face-api
   * package ships so the first real request is as fast as the rest.
   */
  async warmup(): Promise<void> {
    const sample = path.join(dirOf('@vladmandic/face-api'), 'demo', 'sample1.jpg');
    if (!fs.existsSync(sample)) return;
    const bytes = await fs.promises.readFile(sample);
    await this.analyze(bytes, { attributes: FACE_ATTRIBUTES, embed: true });
    await this.analyze(bytes, { attributes: [], embed: true });
  }

  get backend(): string {
    return this.tf.getBackend();
  }

  async analyze(bytes: Uint8Array, opts: AnalyzeOptions): Promise<AnalyzeResult> {
    let decoded: { data: Buffer; info: OutputInfo };
    try {
      // shrink-on-load keeps decoding of large JPEGs cheap; EXIF orientation applied by rotate().
      decoded = await sharp(bytes, { failOn: 'error' })
        .rotate()
        .resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside', withoutEnlargement: true })
        .removeAlpha()
        .toColourspace('srgb')
        .raw()
        .toBuffer({ resolveWithObject: true });
    } catch (e) {
      throw new DecodeError((e as Error).message);
    }
    const { width, height, channels } = decoded.info;
    if (channels !== 3) throw new DecodeError(`unexpected channel count ${channels}`);
    if (width < 16 || height < 16) return { width, height, faces: [] }; // too small to hold a face
    const pixels = new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength);
    const image = this.tf.tensor3d(pixels, [height, width, 3], 'int32');
    try {
      // iris + emotion only when asked for (they cost ~30 ms).
      const wants = (a: FaceAttribute) => opts.attributes.includes(a);
      const result = await this.human.detect(image, {
        face: { iris: { enabled: wants('EYES_OPEN') }, emotion: { enabled: wants('EMOTIONS') || wants('SMILE') } },
      });
      const found = result.face.filter((f) => f.score >= MIN_FACE_SCORE && f.box[2] > 8 && f.box[3] > 8);
      found.sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3]);
      const chosen = opts.maxFaces !== undefined ? found.slice(0, opts.maxFaces) : found;
      const faces: RawFace[] = [];
      if (chosen.length === 0) return { width, height, faces };
      const image4d = this.tf.tidy(() => this.tf.cast(this.tf.expandDims(image, 0), 'float32'));
      try {
        for (const [i, f] of chosen.entries()) {
          const embed = opts.embed && i < (opts.embedMax ?? Infinity);
          faces.push(await this.describe(image4d, pixels, width, height, f, { ...opts, embed }));
        }
      } finally {
        image4d.dispose();
      }
      return { width, height, faces };
    } finally {
      image.dispose();
    }
  }

  /** Crops boxes ([x, y, w, h] in pixels) out of the image and resizes them to size×size. */
  private crop(image4d: Tensor, width: number, height: number, box: [number, number, number, number], size: number, keepAspect = false): Tensor {
    const [x, y, w, h] = box;
    const side = Math.max(w, h);
    const out: [number, number] = keepAspect ? [Math.max(1, Math.round((size * h) / side)), Math.max(1, Math.round((size * w) / side))] : [size, size];
    const boxes = this.tf.tensor2d([[y / height, x / width, (y + h) / height, (x + w) / width]], [1, 4]);
    const ind = this.tf.tensor1d([0], 'int32');
    try {
      return this.tf.tidy(() => this.tf.squeeze(this.tf.image.cropAndResize(image4d, boxes, ind, out, 'bilinear', 0), [0]));
    } finally {
      boxes.dispose();
      ind.dispose();
    }
  }

  /**
   * Crop of the w×h rectangle centred at (cx, cy) and turned by theta, resized (aspect kept) to fit
   * size×size, in one projective transform; outside the image is black.
   */
  private alignedCrop(image4d: Tensor, cx: number, cy: number, w: number, h: number, theta: number, size: number): Tensor {
    const side = Math.max(w, h);
    const ow = Math.max(1, Math.round((size * w) / side)), oh = Math.max(1, Math.round((size * h) / side));
    const sx = w / ow, sy = h / oh;
    const cos = Math.cos(theta), sin = Math.sin(theta);
    const u0 = 0.5 * sx - w / 2, v0 = 0.5 * sy - h / 2;
    const m = this.tf.tensor2d([[sx * cos, -sy * sin, cx + u0 * cos - v0 * sin, sx * sin, sy * cos, cy + u0 * sin + v0 * cos, 0, 0]], [1, 8]);
    try {
      return this.tf.tidy(() => this.tf.squeeze(this.tf.image.transform(image4d, m, 'bilinear', 'constant', 0, [oh, ow]), [0]));
    } finally {
      m.dispose();
    }
  }

  private async describe(image4d: Tensor, pixels: Uint8Array, width: number, height: number, f: HumanFace, opts: AnalyzeOptions): Promise<RawFace> {
    const [bx, by, bw, bh] = f.box;
    const x0 = Math.max(0, bx), y0 = Math.max(0, by);
    const x1 = Math.min(width, bx + bw), y1 = Math.min(height, by + bh);
    const mesh: Point[] = f.mesh.map((p) => [p[0], p[1]]);
    const qCrop = this.crop(image4d, width, height, [x0, y0, x1 - x0, y1 - y0], QUALITY_SIZE);
    const qPixels = Float32Array.from(await qCrop.data());
    qCrop.dispose();
    const face: RawFace = {
      box: { left: x0 / width, top: y0 / height, width: (x1 - x0) / width, height: (y1 - y0) / height },
      score: f.score,
      pose: {
        roll: radToDeg(f.rotation?.angle.roll ?? 0),
        yaw: radToDeg(f.rotation?.angle.yaw ?? 0),
        pitch: radToDeg(f.rotation?.angle.pitch ?? 0),
      },
      quality: pixelQuality(qPixels, QUALITY_SIZE),
      landmarks: meshLandmarks(mesh, width, height),
    };
    const wants = (a: FaceAttribute) => opts.attributes.includes(a);
    if (wants('EMOTIONS') || wants('SMILE')) face.emotions = (f.emotion ?? []).map((e) => ({ emotion: e.emotion, score: e.score }));
    if (wants('EYES_OPEN')) face.eyesOpen = estimateEyesOpen(mesh);
    if (wants('SUNGLASSES')) face.sunglasses = estimateSunglasses(pixels, width, height, mesh);
    if (wants('MOUTH_OPEN')) face.mouthOpen = estimateMouthOpen(mesh);
    const ageGender = wants('AGE_RANGE') || wants('GENDER');
    if (!opts.embed && !ageGender) return face;
    // Alignment box for face-api's recognition net: the bounding box of the mesh points that sit
    // where its 68-point model has jaw line and eyebrows, padded by ALIGN_PAD (its own pipeline
    // pads the 68-point box by 20 %; with the mesh 40 % measured best: 99.5 % vs 99.0 % on pairs.csv).
    // The crop keeps its aspect ratio; the net pads it to a centred square itself.
    // De-rotate first (ALIGN_ROTATE): the eye line becomes horizontal, as in dlib's chips the
    // recognition net was trained on; the box is then taken in that frame.
    const eyes = eyeCentres(mesh);
    const theta = ALIGN_ROTATE && eyes ? Math.atan2(eyes[1][1] - eyes[0][1], eyes[1][0] - eyes[0][0]) : 0;
    const cos = Math.cos(theta), sin = Math.sin(theta);
    const ox = (x0 + x1) / 2, oy = (y0 + y1) / 2;
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const i of MESH68) {
      const p = mesh[i];
      if (!p) continue;
      // into the de-rotated frame around (ox, oy)
      const u = (p[0] - ox) * cos + (p[1] - oy) * sin, v = -(p[0] - ox) * sin + (p[1] - oy) * cos;
      minX = Math.min(minX, u); maxX = Math.max(maxX, u);
      minY = Math.min(minY, v); maxY = Math.max(maxY, v);
    }
    if (!Number.isFinite(minX)) { minX = x0 - ox; maxX = x1 - ox; minY = y0 - oy; maxY = y1 - oy; }
    const aw = (maxX - minX) * (1 + ALIGN_PAD), ah = (maxY - minY) * (1 + ALIGN_PAD);
    const cu = (minX + maxX) / 2, cv = (minY + maxY) / 2;
    const aligned = this.alignedCrop(image4d, ox + cu * cos - cv * sin, oy + cu * sin + cv * cos, aw, ah, theta, DESCRIPTOR_SIZE);
    try {
      if (opts.embed) {
        const d = await this.faceapi.nets.faceRecognitionNet.computeFaceDescriptor(aligned);
        face.vector = normalise(Float32Array.from(d));
      }
      if (ageGender) {
        const ag = await this.faceapi.nets.ageGenderNet.predictAgeAndGender(aligned);
        face.age = ag.age;
        face.gender = { value: ag.gender === 'female' ? 'Female' : 'Male', score: ag.genderProbability };
      }
    } finally {
      aligned.dispose();
    }
    return face;
  }
}

function radToDeg(r: number): number {
  return (r * 180) / Math.PI;
}

function normalise(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] ?? 0) * (v[i] ?? 0);
  const n = Math.sqrt(s) || 1;
  for (let i = 0; i < v.length; i++) v[i] = (v[i] ?? 0) / n;
  return v;
}
