/** DetectFaces and CompareFaces: no collection involved. */
import { invalidParameter } from '../protocol';
import { cosineToSimilarity, dot } from '../similarity';
import { attributes, oneOf, threshold } from '../validate';
import { analyzeImage, largestFace, QUALITY_FILTERS, qualityReasons, type Operation } from './context';
import { boundingBox, comparedFace, confidence, faceDetail } from './shapes';

/** AWS detects up to 100 faces per image (the largest ones). */
const MAX_DETECTED = 100;

export const DetectFaces: Operation = async (ctx, body) => {
  const wanted = attributes(body);
  const r = await analyzeImage(ctx, body.Image, { attributes: wanted.extra, embed: false, maxFaces: MAX_DETECTED });
  return { FaceDetails: r.faces.map((f) => faceDetail(f, wanted)) };
};

export const CompareFaces: Operation = async (ctx, body) => {
  const min = threshold(body, 'SimilarityThreshold', 80);
  const filter = oneOf(body, 'QualityFilter', QUALITY_FILTERS, 'NONE');
  // Both images at once: with two workers they are analysed in parallel. The target is analysed
  // anew, as Rekognition does every call: what a comparison costs must not depend on whether its
  // target was seen a moment ago (authenticate compares an unknown user's selfie with itself
  // where a known user's is compared with an enrolled image, and the two must take equal time).
  const [src, tgt] = await Promise.all([
    analyzeImage(ctx, body.SourceImage, { attributes: [], embed: true, maxFaces: 1 }, 'SourceImage'),
    analyzeImage(ctx, body.TargetImage, { attributes: [], embed: true, maxFaces: MAX_DETECTED, fresh: true }, 'TargetImage'),
  ]);
  const s = largestFace(src);
  if (qualityReasons(s, src.width, filter).length > 0) throw invalidParameter('The source image face does not meet the quality filter.');
  const matches: { Similarity: number; Face: Record<string, unknown> }[] = [];
  const unmatched: Record<string, unknown>[] = [];
  for (const t of tgt.faces) {
    if (qualityReasons(t, tgt.width, filter).length > 0) continue;
    const sim = s.vector && t.vector ? cosineToSimilarity(dot(s.vector, t.vector)) : 0;
    if (sim >= min) matches.push({ Similarity: Math.round(sim * 1e4) / 1e4, Face: comparedFace(t) });
    else unmatched.push(comparedFace(t));
  }
  matches.sort((a, b) => b.Similarity - a.Similarity);
  return {
    SourceImageFace: { BoundingBox: boundingBox(s), Confidence: confidence(s) },
    FaceMatches: matches,
    UnmatchedFaces: unmatched,
  };
};
