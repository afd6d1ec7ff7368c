/** What every operation gets, and the helpers they share. */
import { ImageDecodeError, type ModelPool } from '../model/pool';
import type { AnalyzeOptions } from '../model/analyzer';
import type { AnalyzeResult, RawFace } from '../model/types';
import { loadImage } from '../image';
import { invalidParameter, notFound, RekognitionError } from '../protocol';
import type { Collection, Store } from '../store';

export interface Ctx {
  store: Store;
  pool: ModelPool;
}

export type Operation = (ctx: Ctx, body: Record<string, unknown>) => Promise<Record<string, unknown>>;

export function requireCollection(ctx: Ctx, id: string): Collection {
  const c = ctx.store.get(id);
  if (!c) throw notFound(`The collection id: ${id} does not exist`);
  return c;
}

/**
 * Loads and analyses the request's image; maps decode failures to InvalidImageFormatException,
 * and an image whose header declares more pixels than the decoder takes (a decompression bomb:
 * a few hundred bytes declaring 30000×30000) to ImageTooLargeException, AWS's answer for an image
 * whose size or resolution exceeds the limit.
 */
export async function analyzeImage(ctx: Ctx, image: unknown, opts: AnalyzeOptions, field = 'Image'): Promise<AnalyzeResult> {
  const bytes = await loadImage(image, field);
  try {
    return await ctx.pool.analyze(bytes, opts);
  } catch (e) {
    if (e instanceof ImageDecodeError && /exceeds pixel limit/i.test(e.message)) throw new RekognitionError('ImageTooLargeException', 'Image size is too large.');
    if (e instanceof ImageDecodeError) throw new RekognitionError('InvalidImageFormatException', 'Request has invalid image format');
    throw e;
  }
}

export function largestFace(r: AnalyzeResult): RawFace {
  const f = r.faces[0]; // the analyzer sorts faces by box area, largest first
  if (!f) throw invalidParameter('There are no faces in the image. Should be at least 1.');
  return f;
}

export type QualityFilter = 'NONE' | 'AUTO' | 'LOW' | 'MEDIUM' | 'HIGH';
export const QUALITY_FILTERS: readonly QualityFilter[] = ['NONE', 'AUTO', 'LOW', 'MEDIUM', 'HIGH'];

/**
 * Our quality bars (AWS does not publish its own): detector confidence (0–100), face width in
 * pixels of the analysed image, |yaw| and |pitch| in degrees, Brightness and Sharpness (0–100, as
 * computed in model/attributes.ts). AUTO = MEDIUM.
 */
export const QUALITY_BARS: Record<Exclude<QualityFilter, 'NONE'>, { confidence: number; minPixels: number; maxAngle: number; brightness: number; sharpness: number }> = {
  LOW: { confidence: 50, minPixels: 20, maxAngle: 70, brightness: 5, sharpness: 5 },
  MEDIUM: { confidence: 70, minPixels: 40, maxAngle: 50, brightness: 10, sharpness: 10 },
  AUTO: { confidence: 70, minPixels: 40, maxAngle: 50, brightness: 10, sharpness: 10 },
  HIGH: { confidence: 90, minPixels: 60, maxAngle: 35, brightness: 20, sharpness: 25 },
};

export function qualityReasons(f: RawFace, imageWidth: number, filter: QualityFilter): string[] {
  if (filter === 'NONE') return [];
  const bar = QUALITY_BARS[filter];
  const reasons: string[] = [];
  if (f.score * 100 < bar.confidence) reasons.push('LOW_CONFIDENCE');
  if (f.box.width * imageWidth < bar.minPixels) reasons.push('SMALL_BOUNDING_BOX');
  if (Math.abs(f.pose.yaw) > bar.maxAngle || Math.abs(f.pose.pitch) > bar.maxAngle) reasons.push('EXTREME_POSE');
  if (f.quality.brightness < bar.brightness) reasons.push('LOW_BRIGHTNESS');
  if (f.quality.sharpness < bar.sharpness) reasons.push('LOW_SHARPNESS');
  return reasons;
}

/** Offset-based pagination tokens (opaque to clients). */
export function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}
export function decodeToken(token: unknown): number {
  if (token === undefined || token === null) return 0;
  try {
    const o = (JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8')) as { o?: unknown }).o;
    if (typeof o === 'number' && Number.isInteger(o) && o >= 0) return o;
  } catch {
    // fall through
  }
  throw new RekognitionError('InvalidPaginationTokenException', 'Invalid pagination token');
}

export function page<T>(items: T[], token: unknown, max: number): { items: T[]; next?: string } {
  const start = decodeToken(token);
  const slice = items.slice(start, start + max);
  return start + max < items.length ? { items: slice, next: encodeToken(start + max) } : { items: slice };
}
