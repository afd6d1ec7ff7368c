/** What the model layer reports per face, in model terms; operations turn it into AWS shapes. */
export interface RawFace {
  /** Ratios of image width/height, like Rekognition's BoundingBox. */
  box: { left: number; top: number; width: number; height: number };
  /** Detector score 0–1. */
  score: number;
  /** Degrees. */
  pose: { roll: number; yaw: number; pitch: number };
  /** 0–100, computed from pixels of the face box. */
  quality: { brightness: number; sharpness: number };
  /** Rekognition landmark type → ratios of image width/height. */
  landmarks: { type: string; x: number; y: number }[];
  /** Unit-length 128-d descriptor (only when requested). */
  vector?: Float32Array;
  age?: number;
  gender?: { value: 'Male' | 'Female'; score: number };
  emotions?: { emotion: string; score: number }[];
  eyesOpen?: { value: boolean; confidence: number };
  sunglasses?: { value: boolean; confidence: number };
  mouthOpen?: { value: boolean; confidence: number };
}

/**
 * Facial attributes beyond DEFAULT that a request can ask for (Rekognition's Attribute values);
 * `ALL` stands for every one. Only what was asked for is computed: the age/gender net, the
 * emotion net and the iris model each cost tens of milliseconds.
 */
export const FACE_ATTRIBUTES = [
  'AGE_RANGE', 'BEARD', 'EMOTIONS', 'EYE_DIRECTION', 'EYEGLASSES', 'EYES_OPEN', 'GENDER',
  'MOUTH_OPEN', 'MUSTACHE', 'FACE_OCCLUDED', 'SMILE', 'SUNGLASSES',
] as const;
export type FaceAttribute = (typeof FACE_ATTRIBUTES)[number];

export interface AnalyzeResult {
  width: number;
  height: number;
  faces: RawFace[];
}

/**
 * How often each stage ran: image decodes, detector passes, mesh-model runs (one per face, two
 * when its orientation is in doubt), and the per-face nets. One image costs one decode and one
 * detector pass however many requests ask about it while it is cached (model/worker.ts).
 */
export interface ModelPasses {
  decode: number;
  detect: number;
  mesh: number;
  descriptor: number;
  ageGender: number;
  emotion: number;
}
