/** RawFace (model terms) → Rekognition response shapes (FaceDetail, ComparedFace, Face). */
import { isDefaultLandmark } from '../model/attributes';
import type { FaceAttribute, RawFace } from '../model/types';
import { FACE_MODEL_VERSION, type BoundingBox, type FaceMeta } from '../store';

const r4 = (v: number) => Math.round(v * 1e4) / 1e4;
const r2 = (v: number) => Math.round(v * 100) / 100;
const pct = (v: number) => Math.round(Math.min(100, Math.max(0, v)) * 1e4) / 1e4;

export function boundingBox(f: RawFace): BoundingBox {
  return { Width: r4(f.box.width), Height: r4(f.box.height), Left: r4(f.box.left), Top: r4(f.box.top) };
}

export function confidence(f: RawFace): number {
  return pct(f.score * 100);
}

const EMOTIONS: Record<string, string> = {
  happy: 'HAPPY', sad: 'SAD', angry: 'ANGRY', disgust: 'DISGUSTED', fear: 'FEAR', surprise: 'SURPRISED', neutral: 'CALM',
};

function landmarks(f: RawFace, all: boolean) {
  return f.landmarks.filter((l) => all || isDefaultLandmark(l.type)).map((l) => ({ Type: l.type, X: r4(l.x), Y: r4(l.y) }));
}

function pose(f: RawFace) {
  return { Roll: r2(f.pose.roll), Yaw: r2(f.pose.yaw), Pitch: r2(f.pose.pitch) };
}

function quality(f: RawFace) {
  return { Brightness: f.quality.brightness, Sharpness: f.quality.sharpness };
}

export interface WantedAttributes {
  /** ALL was asked for: every landmark too. */
  all: boolean;
  extra: readonly FaceAttribute[];
}

export const NO_EXTRA: WantedAttributes = { all: false, extra: [] };

/** FaceDetail with the DEFAULT attributes, plus the estimated ones that were asked for. */
export function faceDetail(f: RawFace, wanted: WantedAttributes): Record<string, unknown> {
  const d: Record<string, unknown> = {
    BoundingBox: boundingBox(f),
    Landmarks: landmarks(f, wanted.all),
    Pose: pose(f),
    Quality: quality(f),
    Confidence: confidence(f),
  };
  const wants = (a: FaceAttribute) => wanted.extra.includes(a);
  if (f.age !== undefined && wants('AGE_RANGE')) d.AgeRange = { Low: Math.max(0, Math.floor(f.age - 5)), High: Math.ceil(f.age + 5) };
  if (f.gender && wants('GENDER')) d.Gender = { Value: f.gender.value, Confidence: pct(f.gender.score * 100) };
  if (f.emotions) {
    const happy = f.emotions.find((e) => e.emotion === 'happy')?.score ?? 0;
    if (wants('SMILE')) d.Smile = { Value: happy >= 0.5, Confidence: pct(50 + Math.abs(happy - 0.5) * 100) };
    if (wants('EMOTIONS')) d.Emotions = f.emotions
      .map((e) => ({ Type: EMOTIONS[e.emotion] ?? 'UNKNOWN', Confidence: pct(e.score * 100) }))
      .sort((a, b) => b.Confidence - a.Confidence);
  }
  if (f.eyesOpen) d.EyesOpen = { Value: f.eyesOpen.value, Confidence: pct(f.eyesOpen.confidence) };
  if (f.sunglasses) d.Sunglasses = { Value: f.sunglasses.value, Confidence: pct(f.sunglasses.confidence) };
  if (f.mouthOpen) d.MouthOpen = { Value: f.mouthOpen.value, Confidence: pct(f.mouthOpen.confidence) };
  return d;
}

/** CompareFaces' ComparedFace: box, confidence, the five default landmarks, pose, quality. */
export function comparedFace(f: RawFace): Record<string, unknown> {
  return { BoundingBox: boundingBox(f), Confidence: confidence(f), Landmarks: landmarks(f, false), Pose: pose(f), Quality: quality(f) };
}

/** A stored face as the `Face` shape. */
export function face(m: FaceMeta): Record<string, unknown> {
  return {
    FaceId: m.faceId,
    BoundingBox: m.box,
    ImageId: m.imageId,
    ...(m.externalImageId !== undefined ? { ExternalImageId: m.externalImageId } : {}),
    Confidence: m.confidence,
    IndexFacesModelVersion: FACE_MODEL_VERSION,
    ...(m.userId !== undefined ? { UserId: m.userId } : {}),
  };
}
