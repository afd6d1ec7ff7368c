import type { FaceMatch, QuerySearchFacesArgs } from '../../schema/generated/graphql';
import type { Deps } from '../deps';
import { fail } from '../errors';
import { resolveImage } from '../images';

export const DEFAULT_SEARCH_THRESHOLD = 80;

/** Admin 1:N search: who in the collection looks like this face, best first. */
export async function searchFaces(deps: Deps, args: QuerySearchFacesArgs): Promise<FaceMatch[]> {
  const limit = args.limit ?? 10;
  const threshold = args.threshold ?? DEFAULT_SEARCH_THRESHOLD;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) fail('INVALID_INPUT', 'limit must be 1–100', { field: 'limit' });
  if (!(threshold >= 0 && threshold <= 100)) fail('INVALID_INPUT', 'threshold is on the 0–100 scale', { field: 'threshold' });
  const image = await resolveImage(deps, args.image, 'image');
  const matches = await deps.faces.searchFacesByImage(image.ref, { threshold, maxResults: limit });
  return matches.map((m) => ({ userId: m.userId, faceId: m.faceId, similarity: Math.round(m.similarity * 100) / 100 }));
}
