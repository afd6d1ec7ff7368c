/**
 * The recent images a model worker has analysed (FaceAnalyzer.prepare's result, which later
 * requests extend with descriptors etc.), keyed by the SHA-256 of the image bytes. Short-lived and
 * bounded: an entry lives `ttlMs` after it was last used, and the least recently used go first once
 * there are more than `maxEntries` or their pixels exceed `maxBytes`.
 *
 * Why: the application sends one selfie to two operations at once (IndexFaces ∥
 * SearchFacesByImage when registering, DetectFaces ∥ SearchUsersByImage when authenticating);
 * with this the image is decoded and run through the models once.
 */
import type { PreparedImage } from './analyzer';

export interface PreparedCacheOptions {
  maxEntries: number;
  maxBytes: number;
  ttlMs: number;
  now?: () => number;
}

export const DEFAULT_PREPARED_CACHE: PreparedCacheOptions = { maxEntries: 16, maxBytes: 64 * 1024 * 1024, ttlMs: 60_000 };

/** What an entry holds in memory, roughly: its pixels and its faces' meshes. */
export function preparedBytes(p: PreparedImage): number {
  return p.pixels.byteLength + p.faces.length * 16 * 1024;
}

export class PreparedCache {
  private readonly entries = new Map<string, { value: PreparedImage; bytes: number; expires: number }>();
  private bytes = 0;
  private readonly now: () => number;

  constructor(private readonly opts: PreparedCacheOptions = DEFAULT_PREPARED_CACHE) {
    this.now = opts.now ?? Date.now;
  }

  get(key: string): PreparedImage | undefined {
    this.expire();
    const e = this.entries.get(key);
    if (!e) return undefined;
    // most recently used last
    this.entries.delete(key);
    e.expires = this.now() + this.opts.ttlMs;
    this.entries.set(key, e);
    return e.value;
  }

  set(key: string, value: PreparedImage): void {
    this.delete(key);
    const bytes = preparedBytes(value);
    if (bytes > this.opts.maxBytes || this.opts.maxEntries < 1) return;
    this.entries.set(key, { value, bytes, expires: this.now() + this.opts.ttlMs });
    this.bytes += bytes;
    this.expire();
    for (const [k] of this.entries) {
      if (this.entries.size <= this.opts.maxEntries && this.bytes <= this.opts.maxBytes) break;
      this.delete(k);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private delete(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.bytes -= e.bytes;
  }

  private expire(): void {
    const t = this.now();
    for (const [k, e] of this.entries) if (e.expires <= t) this.delete(k);
  }
}
