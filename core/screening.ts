import type { FaceQuality } from '../schema/generated/graphql';
import type { Config } from './config';
import { fail } from './errors';
import type { FaceDetail, QualityReason } from './ports';

export type { QualityReason } from './ports';

export interface ScreenPolicy {
  minConfidence: number;
  maxPoseDegrees: number;
  minBrightness: number;
  minSharpness: number;
  minFaceWidthRatio: number;
  minAttributeConfidence: number;
}

export const registrationPolicy = (c: Config): ScreenPolicy => ({
  minConfidence: c.minFaceConfidence,
  maxPoseDegrees: c.maxPoseDegrees,
  minBrightness: c.minBrightness,
  minSharpness: c.minSharpness,
  minFaceWidthRatio: c.minFaceWidthRatio,
  minAttributeConfidence: c.minAttributeConfidence,
});

/** Authentication tolerates more head turn than enrollment; everything else is the same. */
export const authenticationPolicy = (c: Config): ScreenPolicy => ({ ...registrationPolicy(c), maxPoseDegrees: c.authMaxPoseDegrees });

/** Every reason a face fails the policy; [] when it passes. */
export function qualityReasons(face: FaceDetail, p: ScreenPolicy): QualityReason[] {
  const reasons: QualityReason[] = [];
  if (face.confidence < p.minConfidence) reasons.push('LOW_CONFIDENCE');
  const { yaw, pitch, roll } = face.pose;
  if (Math.max(Math.abs(yaw), Math.abs(pitch), Math.abs(roll)) >= p.maxPoseDegrees) reasons.push('EXTREME_POSE');
  if (face.sunglasses?.value && face.sunglasses.confidence >= p.minAttributeConfidence) reasons.push('SUNGLASSES');
  if (face.eyesOpen && !face.eyesOpen.value && face.eyesOpen.confidence >= p.minAttributeConfidence) reasons.push('EYES_CLOSED');
  if (face.quality.brightness < p.minBrightness) reasons.push('LOW_BRIGHTNESS');
  if (face.quality.sharpness < p.minSharpness) reasons.push('LOW_SHARPNESS');
  if (face.boundingBox.width < p.minFaceWidthRatio) reasons.push('FACE_TOO_SMALL');
  return reasons;
}

/**
 * Exactly one clear face: faces below the confidence floor are noise (a face on a T-shirt, a
 * poster), not a second person. Returns the face; fails with NO_FACE, MULTIPLE_FACES or
 * POOR_QUALITY (info.reasons) otherwise. `field` says which image (image, idCard).
 */
export function screenSingleFace(faces: FaceDetail[], p: ScreenPolicy, field: string): FaceDetail {
  const clear = faces.filter((f) => f.confidence >= p.minConfidence);
  if (clear.length === 0) {
    if (faces.length === 0) fail('NO_FACE', `No face found in ${field}`, { field });
    fail('POOR_QUALITY', `The face in ${field} is not clear enough`, { field, reasons: ['LOW_CONFIDENCE'] });
  }
  if (clear.length > 1) fail('MULTIPLE_FACES', `${clear.length} faces found in ${field}; exactly one is needed`, { field, faces: clear.length });
  const face = clear[0]!;
  const reasons = qualityReasons(face, p);
  if (reasons.length > 0) fail('POOR_QUALITY', `The face in ${field} fails the quality screen: ${reasons.join(', ')}`, { field, reasons });
  return face;
}

export const toFaceQuality = (f: FaceDetail): FaceQuality => ({
  confidence: round(f.confidence),
  brightness: round(f.quality.brightness),
  sharpness: round(f.quality.sharpness),
  yaw: round(f.pose.yaw),
  pitch: round(f.pose.pitch),
  roll: round(f.pose.roll),
});

const round = (n: number): number => Math.round(n * 100) / 100;
