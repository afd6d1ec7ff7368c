/** The Rekognition user API: CreateUser, DeleteUser, ListUsers, AssociateFaces, DisassociateFaces, SearchUsers, SearchUsersByImage. */
import { RekognitionError, invalidParameter, notFound } from '../protocol';
import { cosineToSimilarity, dot, similarityToCosine } from '../similarity';
import { FACE_MODEL_VERSION, type Collection } from '../store';
import { clientToken, collectionId, faceId, faceIds, num, oneOf, threshold, userId } from '../validate';
import { analyzeImage, largestFace, page, QUALITY_FILTERS, qualityReasons, requireCollection, type Operation } from './context';
import { faceDetail, NO_EXTRA } from './shapes';

/** AWS allows up to 100 faces per user. */
const MAX_FACES_PER_USER = 100;

function status(c: Collection, uid: string): 'ACTIVE' | 'CREATED' {
  for (const f of c.faces.values()) if (f.userId === uid) return 'ACTIVE';
  return 'CREATED';
}

function requireUser(c: Collection, uid: string): void {
  if (!c.users.has(uid)) throw notFound(`The user id: ${uid} does not exist in collection ${c.id}`);
}

export const CreateUser: Operation = async (ctx, body) => {
  const c = requireCollection(ctx, collectionId(body));
  const uid = userId(body, true);
  const token = clientToken(body);
  return c.exclusive(async () => {
    const existing = c.users.get(uid);
    if (existing) {
      if (token !== undefined && existing.token === token) return {}; // idempotent retry
      throw new RekognitionError('ConflictException', `A user with the id ${uid} already exists in collection ${c.id}`);
    }
    await c.createUser(uid, token);
    return {};
  });
};

export const DeleteUser: Operation = async (ctx, body) => {
  const c = requireCollection(ctx, collectionId(body));
  const uid = userId(body, true);
  clientToken(body);
  return c.exclusive(async () => {
    requireUser(c, uid);
    await c.deleteUser(uid); // its faces are disassociated, not deleted (as AWS does)
    return {};
  });
};

export const ListUsers: Operation = async (ctx, body) => {
  const c = requireCollection(ctx, collectionId(body));
  const max = num(body, 'MaxResults', 1, 500) ?? 500;
  const active = new Set<string>();
  for (const f of c.faces.values()) if (f.userId !== undefined) active.add(f.userId);
  const p = page([...c.users.keys()], body.NextToken, max);
  return { Users: p.items.map((u) => ({ UserId: u, UserStatus: active.has(u) ? 'ACTIVE' : 'CREATED' })), ...(p.next ? { NextToken: p.next } : {}) };
};

export const AssociateFaces: Operation = async (ctx, body) => {
  const c = requireCollection(ctx, collectionId(body));
  const uid = userId(body, true);
  const ids = faceIds(body, 100);
  const minSim = threshold(body, 'UserMatchThreshold', 75);
  clientToken(body);
  return c.exclusive(async () => {
    requireUser(c, uid);
    const own = c.facesOfUser(uid).map((f) => c.index.vector(f.faceId) as Float32Array);
    const associated: { FaceId: string }[] = [];
    const failed: { FaceId: string; UserId?: string; Confidence?: number; Reasons: string[] }[] = [];
    const accepted: string[] = [];
    for (const id of new Set(ids)) {
      const f = c.faces.get(id);
      if (!f) {
        failed.push({ FaceId: id, UserId: uid, Reasons: ['FACE_NOT_FOUND'] });
        continue;
      }
      if (f.userId === uid) continue; // already associated: ignored, as AWS does
      if (f.userId !== undefined) {
        failed.push({ FaceId: id, UserId: f.userId, Reasons: ['ASSOCIATED_TO_A_DIFFERENT_USER'] });
        continue;
      }
      if (own.length > 0) {
        const v = c.index.vector(id) as Float32Array;
        const best = Math.max(...own.map((o) => cosineToSimilarity(dot(o, v))));
        if (best < minSim) {
          failed.push({ FaceId: id, UserId: uid, Confidence: Math.round(best * 100) / 100, Reasons: ['LOW_MATCH_CONFIDENCE'] });
          continue;
        }
      }
      accepted.push(id);
      associated.push({ FaceId: id });
    }
    if (own.length + accepted.length > MAX_FACES_PER_USER) throw new RekognitionError('ServiceQuotaExceededException', `A user can have at most ${MAX_FACES_PER_USER} faces`);
    await c.associate(uid, accepted);
    return { AssociatedFaces: associated, UnsuccessfulFaceAssociations: failed, UserStatus: status(c, uid) };
  });
};

export const DisassociateFaces: Operation = async (ctx, body) => {
  const c = requireCollection(ctx, collectionId(body));
  const uid = userId(body, true);
  const ids = faceIds(body, 100);
  clientToken(body);
  return c.exclusive(async () => {
    requireUser(c, uid);
    const done: { FaceId: string }[] = [];
    const failed: { FaceId: string; UserId?: string; Reasons: string[] }[] = [];
    const ok: string[] = [];
    for (const id of new Set(ids)) {
      const f = c.faces.get(id);
      if (!f) failed.push({ FaceId: id, UserId: uid, Reasons: ['FACE_NOT_FOUND'] });
      else if (f.userId !== undefined && f.userId !== uid) failed.push({ FaceId: id, UserId: f.userId, Reasons: ['ASSOCIATED_TO_A_DIFFERENT_USER'] });
      else if (f.userId === uid) {
        ok.push(id);
        done.push({ FaceId: id });
      } // not associated at all: ignored
    }
    await c.disassociate(uid, ok);
    return { DisassociatedFaces: done, UnsuccessfulFaceDisassociations: failed, UserStatus: status(c, uid) };
  });
};

/** Users whose faces match any of `queries`, similarity = best face match, best first. */
function matchUsers(c: Collection, queries: Float32Array[], minSim: number, maxUsers: number, excludeUser?: string) {
  const best = new Map<string, number>();
  const minCos = similarityToCosine(minSim) - 1e-6;
  for (const q of queries) {
    for (const h of c.index.search(q, Math.max(200, maxUsers * 20), minCos)) {
      const uid = c.faces.get(h.id)?.userId;
      if (uid === undefined || uid === excludeUser) continue;
      const sim = cosineToSimilarity(h.cosine);
      if (sim >= minSim && sim > (best.get(uid) ?? -1)) best.set(uid, sim);
    }
  }
  return [...best.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, maxUsers)
    .map(([uid, sim]) => ({ Similarity: Math.round(sim * 1e4) / 1e4, User: { UserId: uid, UserStatus: 'ACTIVE' } }));
}

export const SearchUsers: Operation = async (ctx, body) => {
  const c = requireCollection(ctx, collectionId(body));
  const uid = userId(body, false);
  const fid = body.FaceId !== undefined ? faceId(body.FaceId) : undefined;
  if ((uid === undefined) === (fid === undefined)) throw invalidParameter('Specify exactly one of UserId and FaceId');
  const minSim = threshold(body, 'UserMatchThreshold', 80);
  const maxUsers = num(body, 'MaxUsers', 1, 500) ?? 10;
  if (fid !== undefined) {
    const q = c.index.vector(fid);
    if (!q) throw notFound(`The face id: ${fid} does not exist in collection ${c.id}`);
    const own = c.faces.get(fid)?.userId;
    return { UserMatches: matchUsers(c, [q], minSim, maxUsers, own), FaceModelVersion: FACE_MODEL_VERSION, SearchedFace: { FaceId: fid } };
  }
  const u = uid as string;
  requireUser(c, u);
  const qs = c.facesOfUser(u).map((f) => c.index.vector(f.faceId) as Float32Array);
  return { UserMatches: matchUsers(c, qs, minSim, maxUsers, u), FaceModelVersion: FACE_MODEL_VERSION, SearchedUser: { UserId: u } };
};

export const SearchUsersByImage: Operation = async (ctx, body) => {
  const c = requireCollection(ctx, collectionId(body));
  const minSim = threshold(body, 'UserMatchThreshold', 80);
  const maxUsers = num(body, 'MaxUsers', 1, 500) ?? 10;
  const filter = oneOf(body, 'QualityFilter', QUALITY_FILTERS, 'NONE');
  const r = await analyzeImage(ctx, body.Image, { attributes: [], embed: true, maxFaces: 100, embedMax: 1 });
  const f = largestFace(r);
  const reasons = qualityReasons(f, r.width, filter);
  if (reasons.length > 0 || !f.vector) throw invalidParameter('The largest face in the image does not meet the quality filter.');
  return {
    UserMatches: matchUsers(c, [f.vector], minSim, maxUsers),
    FaceModelVersion: FACE_MODEL_VERSION,
    SearchedFace: { FaceDetail: faceDetail(f, NO_EXTRA) },
    UnsearchedFaces: r.faces.slice(1).map((o) => ({ FaceDetails: faceDetail(o, NO_EXTRA), Reasons: ['FACE_NOT_LARGEST'] })),
  };
};
