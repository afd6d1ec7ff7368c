/**
 * On-device face analysis: one instance per thread (tfjs-backend-wasm is single-threaded).
 *
 * Pipeline (see README "Model"), in two stages so that one image costs one pass of each model
 * however many requests ask about it (model/worker.ts keeps the first stage of recent images):
 *
 * `prepare(bytes)` — everything every operation needs:
 *  1. decode with sharp (EXIF rotation applied) to RGB, ≤ MAX_SIDE;
 *  2. letterbox into a square and run @vladmandic/human's blazeface detector (boxes + 6 keypoints);
 *  3. per box, the facemesh model on a crop turned upright by the detector's keypoints → 468
 *     points and a face score; when that score is not clearly a face's, also on the crop turned by
 *     180° (the detector takes an upside-down face for an upright one, the mesh's score does not)
 *     and once more on a crop framed by the better reading;
 *  4. from the mesh: box, landmarks, pose, eyes/mouth open; from pixels: brightness, sharpness,
 *     sunglasses.
 *
 * `complete(prepared, opts)` — what a request asks for beyond that, computed once per face and
 * kept: @vladmandic/face-api's 128-d descriptor (normalised) and age/gender on a crop aligned
 * from the mesh, human's emotion net on the mesh crop.
 *
 * Models are read from node_modules via fs; nothing is fetched at run time.
 */
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import sharp, { type OutputInfo } from 'sharp';
import { estimateEyesOpen, estimateMouthOpen, estimateSunglasses, eyeLine, meshLandmarks, pixelQuality } from './attributes';
import { decodeDetections, DETECTOR_INPUT, stackOutputs } from './detector';
import { boxArea, iou, meshBox, meshPose, meshRoll, MESH_POINTS, orientedCrop, rollFromKeypoints, type Box, type OrientedCrop, type Point, type Point3 } from './geometry';
import { FACE_ATTRIBUTES, type AnalyzeResult, type FaceAttribute, type ModelPasses, type RawFace } from './types';

const require = createRequire(import.meta.url);

/* Minimal structural types for the untyped CJS builds we load by path. */
interface Tensor { shape: number[]; dispose(): void; data(): Promise<ArrayLike<number>> }
interface GraphModel { execute(input: Tensor, outputs?: string | string[]): Tensor | Tensor[] }
interface Tf {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  getBackend(): string;
  tensor4d(values: Float32Array, shape: [number, number, number, number], dtype?: string): Tensor;
  tensor2d(values: number[][], shape: [number, number]): Tensor;
  tensor1d(values: number[], dtype?: string): Tensor;
  squeeze(t: Tensor, axis: number[]): Tensor;
  div(a: Tensor, b: number): Tensor;
  mul(a: Tensor, b: number | number[]): Tensor;
  sub(a: Tensor, b: number): Tensor;
  sum(a: Tensor, axis: number, keepDims: boolean): Tensor;
  avgPool(x: Tensor, filterSize: number, strides: number, pad: 'valid'): Tensor;
  pad(x: Tensor, paddings: [number, number][]): Tensor;
  image: {
    cropAndResize(img: Tensor, boxes: Tensor, ind: Tensor, size: [number, number], method: string, extrapolation: number): Tensor;
    transform(img: Tensor, transforms: Tensor, interpolation: string, fillMode: string, fillValue: number, outputShape: [number, number]): Tensor;
    resizeBilinear(img: Tensor, size: [number, number]): Tensor;
  };
  tidy<T>(fn: () => T): T;
  dispose(t: Tensor | Tensor[]): void;
  io: {
    registerLoadRouter(router: (url: string | string[]) => unknown): void;
    getModelArtifactsForJSON(json: unknown, loadWeights: (manifest: WeightsGroup[]) => Promise<[unknown[], ArrayBuffer]>): Promise<unknown>;
  };
}
interface WeightsGroup { paths: string[]; weights: unknown[] }
interface HumanInstance {
  load(): Promise<void>;
  models: { models: { blazeface: GraphModel | null; facemesh: GraphModel | null; emotion: GraphModel | null } };
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
  /** Analyse the image anew even when a worker has it cached (and do not cache it). */
  fresh?: boolean;
}

export class DecodeError extends Error {}

/** A detector box in pixels of the decoded image: centre, side (the detector's enlarged square), its keypoints' up direction, score 0–1. */
interface DetectorBox { cx: number; cy: number; side: number; theta: number; score: number }

/** One run of the mesh model: its face flag (a logit), the points, and the crop (centre, side, roll) it read. */
interface MeshReading { logit: number; points: Point3[]; cx: number; cy: number; side: number; theta: number }

/** A face found by `prepare`, with what every operation reports, and what `complete` added so far. */
export interface PreparedFace {
  /** The 468 mesh points, pixels of the decoded image (z in the same units). */
  mesh: Point3[];
  box: Box;
  score: number;
  pose: RawFace['pose'];
  quality: RawFace['quality'];
  landmarks: RawFace['landmarks'];
  eyesOpen: NonNullable<RawFace['eyesOpen']>;
  mouthOpen: NonNullable<RawFace['mouthOpen']>;
  sunglasses: NonNullable<RawFace['sunglasses']>;
  /** The upright crop the mesh was read from (centre, side, roll), for the emotion net. */
  meshCrop: { cx: number; cy: number; side: number; theta: number };
  vector?: Float32Array;
  ageGender?: { age: number; gender: NonNullable<RawFace['gender']> };
  emotions?: NonNullable<RawFace['emotions']>;
}

/** The first stage's result for one image: kept by the worker so later requests skip it. */
export interface PreparedImage {
  width: number;
  height: number;
  /** RGB of the decoded image (for pixel estimates and to rebuild crops). */
  pixels: Uint8Array;
  /** Largest first. */
  faces: PreparedFace[];
  /** The decoded image as a tensor while the job that prepared it runs (release() disposes it). */
  image?: Tensor;
}

/** Longest side the photo is decoded at (shrink-on-load keeps large JPEGs cheap). */
const MAX_SIDE = 1280;
/** The detector's input: the photo letterboxed into a square of this side. */
const DETECTOR_SIZE = DETECTOR_INPUT;
/** Detector boxes overlapping a better one by more than this are dropped; at most MAX_DETECTED boxes. */
const DETECTOR_IOU = 0.2;
const MAX_DETECTED = 20;
/** The mesh is read from the detector's box enlarged this much (as human does). */
const DETECTOR_BOX_SCALE = 1.4;
/** Detector boxes below this score (0–1) are not considered. */
const MIN_BOX_SCORE = 0.3;
/**
 * When a detector box is a face. The mesh's face flag is a logit: a face when it reaches
 * STRONG_LOGIT, or when it is positive (score ≥ 0.5), read the way up the detector saw it, and the
 * detector is sure too (≥ WEAK_BOX_SCORE).
 * Measured on ../shared/faces and the face-api demo photos with their 3:4, 9:16 and 16:9 variants:
 * faces of single-person photos score 15–40; the strongest non-face 7.6 (detector score 0.45);
 * small or profile faces in group photos 1–10 with detector scores 0.6–0.9.
 */
const STRONG_LOGIT = 8;
const WEAK_BOX_SCORE = 0.6;
/**
 * Above this logit the orientation the detector's keypoints give is taken without trying the
 * face turned by 180°: faces read the right way up score 15–40, the same faces read upside down
 * 0–12 (the detector labels an upside-down face as an upright one), measured on ../shared/faces.
 */
const UPRIGHT_LOGIT = 16;
/** A first reading this low is not read again (no face scored this low and then a face on a second reading). */
const HOPELESS_LOGIT = -2;
/** A doubtful first reading is read again from a crop framed by it: its box × this, centred on it, turned by its roll. */
const REFINE_SCALE = 1.5;
/** Two meshes are one face (read from two detector boxes) when their boxes overlap this much, or each one's centre is inside the other. */
const SAME_FACE_IOU = 0.3;
const MESH_SIZE = 192;
const MESH_FLAG = 'StatefulPartitionedCall/model_1/conv2d_31/BiasAdd';
const MESH_COORDS = 'Identity_2';
const EMOTION_SIZE = 64;
/** human's emotion net (oarriaga) output order. */
const EMOTION_LABELS = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];
const GRAY = [0.2989, 0.587, 0.114];
/** Face-mesh points at the positions of the 68-point model's jaw line and eyebrows. */
const MESH68 = [127, 234, 93, 132, 58, 172, 136, 150, 176, 148, 152, 377, 400, 379, 365, 397, 288, 361, 323, 454, 356, 70, 63, 105, 66, 107, 336, 296, 334, 293, 300];
const QUALITY_SIZE = 112;
const ALIGN_PAD = 0.4;
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

export function noPasses(): ModelPasses {
  return { decode: 0, detect: 0, mesh: 0, descriptor: 0, ageGender: 0, emotion: 0 };
}

export class FaceAnalyzer {
  /** How often each model (and the decoder) ran in this thread. */
  readonly passes: ModelPasses = noPasses();

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
    // human loads the blazeface, facemesh and emotion models; they are run here (detect(),
    // runMesh(), emotions()), on inputs this module makes.
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
        detector: { rotation: false },
        mesh: { enabled: true },
        iris: { enabled: false },
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
    if (!human.models.models.blazeface || !human.models.models.facemesh || !human.models.models.emotion) throw new Error('human did not load its blazeface, facemesh and emotion models');
    return new FaceAnalyzer(human, faceapi, tf);
  }

  /**
   * First inferences compile wasm kernels and allocate (≈1 s); run them on a photo the face-api
   * package ships so the first real request is as fast as the rest. Not counted as passes.
   */
  async warmup(): Promise<void> {
    const sample = path.join(dirOf('@vladmandic/face-api'), 'demo', 'sample1.jpg');
    if (!fs.existsSync(sample)) return;
    const bytes = await fs.promises.readFile(sample);
    const before = { ...this.passes };
    await this.analyze(bytes, { attributes: FACE_ATTRIBUTES, embed: true });
    Object.assign(this.passes, before);
  }

  get backend(): string {
    return this.tf.getBackend();
  }

  /** Both stages at once (no reuse): for tests and benchmarks of the model itself. */
  async analyze(bytes: Uint8Array, opts: AnalyzeOptions): Promise<AnalyzeResult> {
    const prepared = await this.prepare(bytes);
    try {
      return await this.complete(prepared, opts);
    } finally {
      this.release(prepared);
    }
  }

  /** Stage 1: decode, detect, mesh, and the attributes that cost no model. */
  async prepare(bytes: Uint8Array): Promise<PreparedImage> {
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
    this.passes.decode++;
    const { width, height, channels } = decoded.info;
    if (channels !== 3) throw new DecodeError(`unexpected channel count ${channels}`);
    const pixels = new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength);
    if (width < 16 || height < 16) return { width, height, pixels, faces: [] }; // too small to hold a face
    const image = this.imageTensor(pixels, width, height);
    try {
      const boxes = await this.detect(image, width, height);
      const faces: PreparedFace[] = [];
      for (const b of boxes) {
        const found = await this.meshOf(image, b);
        if (!found) continue;
        const box = meshBox(found.mesh, width, height);
        const same = faces.findIndex((f) => sameFace(f.box, box));
        if (same >= 0 && (faces[same] as PreparedFace).score >= found.score) continue;
        const face = await this.describe(image, pixels, width, height, found, box);
        if (same >= 0) faces[same] = face;
        else faces.push(face);
      }
      faces.sort((a, b) => boxArea(b.box) - boxArea(a.box));
      return { width, height, pixels, faces, image };
    } catch (e) {
      image.dispose();
      throw e;
    }
  }

  /** Frees what a prepared image holds beyond its pixels and faces (its tensor); it stays usable. */
  release(prepared: PreparedImage): void {
    prepared.image?.dispose();
    delete prepared.image;
  }

  /**
   * Stage 2: the RawFaces a request asks for, computing (and keeping on `prepared`) descriptors,
   * age/gender and emotions it does not have yet.
   */
  async complete(prepared: PreparedImage, opts: AnalyzeOptions): Promise<AnalyzeResult> {
    const { width, height } = prepared;
    const chosen = opts.maxFaces !== undefined ? prepared.faces.slice(0, opts.maxFaces) : prepared.faces;
    const wants = (a: FaceAttribute) => opts.attributes.includes(a);
    const ageGender = wants('AGE_RANGE') || wants('GENDER');
    const emotions = wants('EMOTIONS') || wants('SMILE');
    const embeds = (i: number) => opts.embed && i < (opts.embedMax ?? Infinity);
    const missing = chosen.map((f, i) => ({ f, embed: embeds(i) && !f.vector, ageGender: ageGender && !f.ageGender, emotions: emotions && !f.emotions }));
    if (missing.some((m) => m.embed || m.ageGender || m.emotions)) {
      const image = prepared.image ?? this.imageTensor(prepared.pixels, width, height);
      try {
        for (const m of missing) {
          if (m.emotions) m.f.emotions = await this.emotions(image, m.f);
          if (m.embed || m.ageGender) await this.recognise(image, m.f, m.embed, m.ageGender);
        }
      } finally {
        if (image !== prepared.image) image.dispose();
      }
    }
    const faces = chosen.map((f, i): RawFace => {
      const face: RawFace = {
        box: { left: f.box.x0 / width, top: f.box.y0 / height, width: (f.box.x1 - f.box.x0) / width, height: (f.box.y1 - f.box.y0) / height },
        score: f.score,
        pose: f.pose,
        quality: f.quality,
        landmarks: f.landmarks,
      };
      if (embeds(i) && f.vector) face.vector = f.vector;
      if (wants('EYES_OPEN')) face.eyesOpen = f.eyesOpen;
      if (wants('SUNGLASSES')) face.sunglasses = f.sunglasses;
      if (wants('MOUTH_OPEN')) face.mouthOpen = f.mouthOpen;
      if (emotions && f.emotions) face.emotions = f.emotions;
      if (ageGender && f.ageGender) {
        face.age = f.ageGender.age;
        face.gender = f.ageGender.gender;
      }
      return face;
    });
    return { width, height, faces };
  }

  private imageTensor(pixels: Uint8Array, width: number, height: number): Tensor {
    return this.tf.tensor4d(new Float32Array(pixels), [1, height, width, 3], 'float32');
  }

  /**
   * The detector's boxes, in pixels of the decoded image. The detector takes a square input; the
   * photo is letterboxed into one rather than squashed: averaged down by half the scale factor
   * (bilinear alone skips pixels; averaging all the way blurs small faces away), resized to fit,
   * padded with black.
   */
  private async detect(image: Tensor, width: number, height: number): Promise<DetectorBox[]> {
    const scale = DETECTOR_SIZE / Math.max(width, height);
    const dw = Math.max(1, Math.round(width * scale)), dh = Math.max(1, Math.round(height * scale));
    const left = Math.floor((DETECTOR_SIZE - dw) / 2), top = Math.floor((DETECTOR_SIZE - dh) / 2);
    const k = Math.max(1, Math.floor(1 / scale / 2));
    const input = this.tf.tidy(() => {
      const pooled = k > 1 ? this.tf.avgPool(image, k, k, 'valid') : image;
      const fitted = this.tf.image.resizeBilinear(pooled, [dh, dw]);
      return this.tf.pad(fitted, [[0, 0], [top, DETECTOR_SIZE - dh - top], [left, DETECTOR_SIZE - dw - left], [0, 0]]);
    });
    const model = this.human.models.models.blazeface as GraphModel;
    const normalised = this.tf.tidy(() => this.tf.sub(this.tf.div(input, 127.5), 1));
    input.dispose();
    const out = model.execute(normalised) as Tensor[];
    normalised.dispose();
    this.passes.detect++;
    let rows: Float32Array;
    try {
      rows = stackOutputs(await Promise.all(out.map(async (t) => ({ shape: t.shape, values: await t.data() }))));
    } finally {
      this.tf.dispose(out);
    }
    const sx = width / dw, sy = height / dh;
    const toImage = (p: Point): Point => [(p[0] - left) * sx, (p[1] - top) * sy];
    return decodeDetections(rows, { minScore: MIN_BOX_SCORE, iou: DETECTOR_IOU, max: MAX_DETECTED, scale: DETECTOR_BOX_SCALE }).map((d) => {
      const [cx, cy] = toImage([d.cx, d.cy]);
      return { cx, cy, side: d.side * sx, theta: rollFromKeypoints(toImage(d.keypoints[2] as Point), toImage(d.keypoints[3] as Point)), score: d.score };
    });
  }

  /**
   * The mesh of the face in a detector box: read from the crop turned upright by the keypoints
   * (and turned by 180° when that is in doubt), then read again from a crop framed by that first
   * mesh. Undefined when the box holds no face.
   */
  private async meshOf(image: Tensor, b: DetectorBox): Promise<{ mesh: Point3[]; score: number; meshCrop: PreparedFace['meshCrop'] } | undefined> {
    const first = await this.runMesh(image, b.cx, b.cy, b.side, b.theta);
    let best = first;
    if (first.logit < UPRIGHT_LOGIT) {
      // In doubt: the face may be the other way up. Each reading is read again from a crop framed
      // by it; a wrong-way-up reading gains little from that, the right one a lot. The turned
      // reading wins only as a clear face: a weak one stays the way up the detector saw it.
      const turned = await this.runMesh(image, b.cx, b.cy, b.side, b.theta + Math.PI);
      const [up, down] = await Promise.all([this.reread(image, first), this.reread(image, turned)]);
      best = down.logit >= STRONG_LOGIT && down.logit > up.logit ? down : up;
    }
    if (best.logit < STRONG_LOGIT && !(best.logit >= 0 && b.score >= WEAK_BOX_SCORE)) return undefined;
    return { mesh: best.points, score: 1 / (1 + Math.exp(-best.logit)), meshCrop: { cx: best.cx, cy: best.cy, side: best.side, theta: best.theta } };
  }

  /** A reading, or the reading of a crop framed by it (centred on its mesh, turned by its roll) if that scores higher. */
  private async reread(image: Tensor, reading: MeshReading): Promise<MeshReading> {
    if (reading.logit < HOPELESS_LOGIT) return reading;
    const box = meshBox(reading.points, Infinity, Infinity);
    const side = Math.max(box.x1 - box.x0, box.y1 - box.y0) * REFINE_SCALE;
    const refined = await this.runMesh(image, (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2, side, meshRoll(reading.points));
    return refined.logit > reading.logit ? refined : reading;
  }

  private async runMesh(image: Tensor, cx: number, cy: number, side: number, theta: number): Promise<MeshReading> {
    const crop = orientedCrop(cx, cy, side, side, theta, MESH_SIZE, MESH_SIZE);
    const input = this.transform(image, crop, MESH_SIZE, MESH_SIZE, 1 / 255);
    const model = this.human.models.models.facemesh as GraphModel;
    const out = model.execute(input, [MESH_FLAG, MESH_COORDS]) as Tensor[];
    input.dispose();
    this.passes.mesh++;
    try {
      const [flag, coords] = await Promise.all(out.map((t) => t.data()));
      const points: Point3[] = [];
      for (let i = 0; i < MESH_POINTS; i++) {
        const [x, y] = crop.toImage(coords![i * 3] as number, coords![i * 3 + 1] as number);
        points.push([x, y, (coords![i * 3 + 2] as number) * crop.scale]);
      }
      return { logit: flag![0] as number, points, cx, cy, side, theta };
    } finally {
      this.tf.dispose(out);
    }
  }

  /** The crop as a [1, outH, outW, 3] tensor (values × `scale`); outside the image is black. */
  private transform(image: Tensor, crop: OrientedCrop, outW: number, outH: number, scale = 1): Tensor {
    const m = this.tf.tensor2d([crop.matrix], [1, 8]);
    try {
      return this.tf.tidy(() => {
        const t = this.tf.image.transform(image, m, 'bilinear', 'constant', 0, [outH, outW]);
        return scale === 1 ? t : this.tf.mul(t, scale);
      });
    } finally {
      m.dispose();
    }
  }

  /** Everything about a meshed face that needs no further model. */
  private async describe(
    image: Tensor,
    pixels: Uint8Array,
    width: number,
    height: number,
    found: { mesh: Point3[]; score: number; meshCrop: PreparedFace['meshCrop'] },
    box: Box,
  ): Promise<PreparedFace> {
    const { mesh } = found;
    const flat = mesh.map((p): Point => [p[0], p[1]]);
    const boxes = this.tf.tensor2d([[box.y0 / height, box.x0 / width, box.y1 / height, box.x1 / width]], [1, 4]);
    const ind = this.tf.tensor1d([0], 'int32');
    const q = this.tf.image.cropAndResize(image, boxes, ind, [QUALITY_SIZE, QUALITY_SIZE], 'bilinear', 0);
    boxes.dispose();
    ind.dispose();
    const qPixels = Float32Array.from(await q.data());
    q.dispose();
    return {
      mesh,
      box,
      score: found.score,
      pose: meshPose(mesh),
      quality: pixelQuality(qPixels, QUALITY_SIZE),
      landmarks: meshLandmarks(flat, width, height),
      eyesOpen: estimateEyesOpen(flat),
      mouthOpen: estimateMouthOpen(flat),
      sunglasses: estimateSunglasses(pixels, width, height, flat),
      meshCrop: found.meshCrop,
    };
  }

  /** human's emotion net on the upright mesh crop (64×64 grey, −1..1). */
  private async emotions(image: Tensor, f: PreparedFace): Promise<NonNullable<RawFace['emotions']>> {
    const { cx, cy, side, theta } = f.meshCrop;
    const crop = orientedCrop(cx, cy, side, side, theta, EMOTION_SIZE, EMOTION_SIZE);
    const rgb = this.transform(image, crop, EMOTION_SIZE, EMOTION_SIZE, 1 / 255);
    const input = this.tf.tidy(() => this.tf.mul(this.tf.sub(this.tf.sum(this.tf.mul(rgb, GRAY), 3, true), 0.5), 2));
    rgb.dispose();
    const out = (this.human.models.models.emotion as GraphModel).execute(input) as Tensor;
    input.dispose();
    this.passes.emotion++;
    const scores = await out.data();
    out.dispose();
    return EMOTION_LABELS.map((emotion, i) => ({ emotion, score: Math.min(0.99, Math.trunc(100 * (scores[i] ?? 0)) / 100) })).sort((a, b) => b.score - a.score);
  }

  /**
   * face-api's recognition (and age/gender) nets on a crop aligned from the mesh: the bounding box
   * of the mesh points where its 68-point model has jaw line and eyebrows, padded by ALIGN_PAD
   * (its own pipeline pads the 68-point box by 20 %; with the mesh 40 % measured best), taken with
   * the eye line turned horizontal, as in the dlib chips the net was trained on. The crop keeps its
   * aspect ratio; the net pads it to a centred square itself.
   */
  private async recognise(image: Tensor, f: PreparedFace, embed: boolean, ageGender: boolean): Promise<void> {
    const flat = f.mesh.map((p): Point => [p[0], p[1]]);
    const eyes = eyeLine(flat);
    const theta = eyes ? Math.atan2(eyes[1][1] - eyes[0][1], eyes[1][0] - eyes[0][0]) : 0;
    const cos = Math.cos(theta), sin = Math.sin(theta);
    const ox = (f.box.x0 + f.box.x1) / 2, oy = (f.box.y0 + f.box.y1) / 2;
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const i of MESH68) {
      const p = flat[i] as Point;
      // into the de-rotated frame around (ox, oy)
      const u = (p[0] - ox) * cos + (p[1] - oy) * sin, v = -(p[0] - ox) * sin + (p[1] - oy) * cos;
      minX = Math.min(minX, u); maxX = Math.max(maxX, u);
      minY = Math.min(minY, v); maxY = Math.max(maxY, v);
    }
    const w = (maxX - minX) * (1 + ALIGN_PAD), h = (maxY - minY) * (1 + ALIGN_PAD);
    const cu = (minX + maxX) / 2, cv = (minY + maxY) / 2;
    const longest = Math.max(w, h);
    const ow = Math.max(1, Math.round((DESCRIPTOR_SIZE * w) / longest)), oh = Math.max(1, Math.round((DESCRIPTOR_SIZE * h) / longest));
    const crop = orientedCrop(ox + cu * cos - cv * sin, oy + cu * sin + cv * cos, w, h, theta, ow, oh);
    const aligned4d = this.transform(image, crop, ow, oh);
    const aligned = this.tf.squeeze(aligned4d, [0]);
    aligned4d.dispose();
    try {
      if (embed) {
        const d = await this.faceapi.nets.faceRecognitionNet.computeFaceDescriptor(aligned);
        this.passes.descriptor++;
        f.vector = normalise(Float32Array.from(d));
      }
      if (ageGender) {
        const ag = await this.faceapi.nets.ageGenderNet.predictAgeAndGender(aligned);
        this.passes.ageGender++;
        f.ageGender = { age: ag.age, gender: { value: ag.gender === 'female' ? 'Female' : 'Male', score: ag.genderProbability } };
      }
    } finally {
      aligned.dispose();
    }
  }
}

function sameFace(a: Box, b: Box): boolean {
  const inside = (p: Point, r: Box) => p[0] >= r.x0 && p[0] <= r.x1 && p[1] >= r.y0 && p[1] <= r.y1;
  const centre = (r: Box): Point => [(r.x0 + r.x1) / 2, (r.y0 + r.y1) / 2];
  return iou(a, b) > SAME_FACE_IOU || (inside(centre(a), b) && inside(centre(b), a));
}

function normalise(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] ?? 0) * (v[i] ?? 0);
  const n = Math.sqrt(s) || 1;
  for (let i = 0; i < v.length; i++) v[i] = (v[i] ?? 0) / n;
  return v;
}
