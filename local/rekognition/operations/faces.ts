/** IndexFaces, ListFaces, DeleteFaces, SearchFaces, SearchFacesByImage. */
import { randomUUID } from 'node:crypto';
import { invalidParameter, notFound } from '../protocol';
import { cosineToSimilarity, similarityToCosine } from '../similarity';
import { FACE_MODEL_VERSION, type Collection, type FaceMeta } from '../store';
import { attributes, collectionId, externalImageId, faceId, faceIds, num, oneOf, threshold, userId } from '../validate';
import { analyzeImage, largestFace, page, QUALITY_FILTERS, qualityReasons, requireCollection, type Operation } from './context';
import { boundingBox, confidence, face, faceDetail } from './shapes';

export const IndexFaces: Operation = async (ctx, body) => {
  const c = requireCollection(ctx, collectionId(body));
  const ext = externalImageId(body);
  const maxFaces = num(body, 'MaxFaces', 1, 100);
  const filter = oneOf(body, 'QualityFilter', QUALITY_FILTERS, 'AUTO');
  const wanted = attributes(body);
  // descriptors for the largest faces only: MaxFaces plus a few in case the quality filter drops some
  const r = await analyzeImage(ctx, body.Image, { attributes: wanted.extra, embed: true, maxFaces: 100, embedMax: (maxFaces ?? 100) + 2 });
  const imageId = randomUUID();
  const records: { Face: Record<string, unknown>; FaceDetail: Record<string, unknown> }[] = [];
  const unindexed: { Reasons: string[]; FaceDetail: Record<string, unknown> }[] = [];
  const toStore: (Omit<FaceMeta, 'userId'> & { vector: Float32Array })[] = [];
  for (const f of r.faces) {
    const reasons = qualityReasons(f, r.width, filter);
    if (reasons.length === 0 && maxFaces !== undefined && toStore.length >= maxFaces) reasons.push('EXCEEDS_MAX_FACES');
    if (reasons.length === 0 && !f.vector) reasons.push('EXCEEDS_MAX_FACES'); // beyond embedMax
    if (reasons.length > 0) {
      unindexed.push({ Reasons: reasons, FaceDetail: faceDetail(f, wanted) });
      continue;
    }
    const meta: Omit<FaceMeta, 'userId'> = {
      faceId: randomUUID(),
      imageId,
      ...(ext !== undefined ? { externalImageId: ext } : {}),
      box: boundingBox(f),
      confidence: confidence(f),
      indexedAt: Date.now(),
    };
    toStore.push({ ...meta, vector: f.vector as Float32Array });
    records.push({ Face: face(meta), FaceDetail: faceDetail(f, wanted) });
  }
  if (ctx.store.get(c.id) !== c) throw notFound(`The collection id: ${c.id} does not exist`); // deleted while we were analysing
  await c.exclusive(() => c.addFaces(toStore));
  return { FaceRecords: records, UnindexedFaces: unindexed, FaceModelVersion: FACE_MODEL_VERSION };
};

export const ListFaces: Operation = async (ctx, body) => {
  const c = requireCollection(ctx, collectionId(body));
  const max = num(body, 'MaxResults', 0, 4096) ?? 1000;
  const uid = userId(body, false);
  let ids: Set<string> | undefined;
  if (body.FaceIds !== undefined) ids = new Set(faceIds(body, 4096));
  let faces = [...c.faces.values()];
  if (uid !== undefined) faces = faces.filter((f) => f.userId === uid);
  if (ids) faces = faces.filter((f) => ids.has(f.faceId));
  const p = page(faces, body.NextToken, max);
  return { Faces: p.items.map(face), FaceModelVersion: FACE_MODEL_VERSION, ...(p.next ? { NextToken: p.next } : {}) };
};

export const DeleteFaces: Operation = async (ctx, body) => {
  const c = requireCollection(ctx, collectionId(body));
  const ids = faceIds(body, 4096);
  return c.exclusive(async () => {
    const deleted: string[] = [];
    const failed: { FaceId: string; UserId?: string; Reasons: string[] }[] = [];
    for (const id of new Set(ids)) {
      const f = c.faces.get(id);
      if (!f) failed.push({ FaceId: id, Reasons: ['FACE_NOT_FOUND'] });
      else if (f.userId !== undefined) failed.push({ FaceId: id, UserId: f.userId, Reasons: ['ASSOCIATED_TO_AN_EXISTING_USER'] });
      else deleted.push(id);
    }
    await c.deleteFaces(deleted);
    return { DeletedFaces: deleted, UnsuccessfulFaceDeletions: failed };
  });
};

/** Faces of `c` matching `q` at ≥ `minSim`, best first, as FaceMatches. */
export function matchFaces(c: Collection, q: Float32Array, minSim: number, max: number, exclude?: string): { Similarity: number; Face: Record<string, unknown> }[] {
  const hits = c.index.search(q, max + (exclude ? 1 : 0), similarityToCosine(minSim) - 1e-6);
  const out: { Similarity: number; Face: Record<string, unknown> }[] = [];
  for (const h of hits) {
    if (h.id === exclude) continue;
    const meta = c.faces.get(h.id);
    const sim = cosineToSimilarity(h.cosine);
    if (!meta || sim < minSim) continue;
    out.push({ Similarity: Math.round(sim * 1e4) / 1e4, Face: face(meta) });
  }
  return out.slice(0, max);
}

export const SearchFaces: Operation = async (ctx, body) => {
  const c = requireCollection(ctx, collectionId(body));
  const id = faceId(body.FaceId);
  const min = threshold(body, 'FaceMatchThreshold', 80);
  const max = num(body, 'MaxFaces', 1, 4096) ?? 80;
  const q = c.index.vector(id);
  if (!q) throw invalidParameter(`The face ID ${id} does not exist in collection ${c.id}`);
  return { SearchedFaceId: id, FaceMatches: matchFaces(c, q, min, max, id), FaceModelVersion: FACE_MODEL_VERSION };
};

export const SearchFacesByImage: Operation = async (ctx, body) => {
  const c = requireCollection(ctx, collectionId(body));
  const min = threshold(body, 'FaceMatchThreshold', 80);
  const max = num(body, 'MaxFaces', 1, 4096) ?? 80;
  const filter = oneOf(body, 'QualityFilter', QUALITY_FILTERS, 'NONE');
  const r = await analyzeImage(ctx, body.Image, { attributes: [], embed: true, maxFaces: 1 });
  const f = largestFace(r);
  if (qualityReasons(f, r.width, filter).length > 0) throw invalidParameter('The largest face in the image does not meet the quality filter.');
  if (!f.vector) throw invalidParameter('There are no faces in the image. Should be at least 1.');
  return {
    SearchedFaceBoundingBox: boundingBox(f),
    SearchedFaceConfidence: confidence(f),
    FaceMatches: matchFaces(c, f.vector, min, max),
    FaceModelVersion: FACE_MODEL_VERSION,
  };
};
