/**
 * Worker thread: owns one FaceAnalyzer (one wasm backend = one core) and answers analyse jobs.
 * Messages in: {id, key, bytes, opts}; out: {type:'ready'} once, then {id, result, passes} or
 * {id, error}. `key` is the SHA-256 of `bytes`: the first stage of an image seen recently is taken
 * from the PreparedCache, so a second request about it runs only what the first did not
 * (`passes` counts what this job ran).
 */
import { parentPort, workerData } from 'node:worker_threads';
import sharp from 'sharp';
import { DecodeError, FaceAnalyzer, type AnalyzeOptions } from './analyzer';
import { DEFAULT_PREPARED_CACHE, PreparedCache, type PreparedCacheOptions } from './prepared-cache';
import type { ModelPasses } from './types';

export interface Job {
  id: number;
  key: string;
  bytes: Uint8Array;
  opts: AnalyzeOptions;
}

// one libvips thread per worker: the pool already uses one worker per core
sharp.concurrency(1);
sharp.cache(false);

const port = parentPort;
if (!port) throw new Error('model/worker.ts must run in a worker thread');

const cacheOptions = { ...DEFAULT_PREPARED_CACHE, ...((workerData as { cache?: Partial<PreparedCacheOptions> } | undefined)?.cache ?? {}) };

try {
  const analyzer = await FaceAnalyzer.load();
  if (process.env.REKOGNITION_WARMUP !== '0') await analyzer.warmup();
  const cache = new PreparedCache(cacheOptions);
  const run = async (job: Job) => {
    const before = { ...analyzer.passes };
    let prepared = job.opts.fresh ? undefined : cache.get(job.key);
    if (!prepared) {
      prepared = await analyzer.prepare(job.bytes);
      if (!job.opts.fresh) cache.set(job.key, prepared);
    }
    let result;
    try {
      result = await analyzer.complete(prepared, job.opts);
    } finally {
      analyzer.release(prepared);
    }
    const passes = Object.fromEntries(Object.entries(analyzer.passes).map(([k, v]) => [k, v - before[k as keyof ModelPasses]])) as unknown as ModelPasses;
    return { result, passes };
  };
  port.on('message', (job: Job) => {
    run(job).then(
      ({ result, passes }) => port.postMessage({ id: job.id, result, passes }),
      (e: unknown) => port.postMessage({ id: job.id, error: { kind: e instanceof DecodeError ? 'decode' : 'internal', message: (e as Error).message } }),
    );
  });
  port.postMessage({ type: 'ready', backend: analyzer.backend });
} catch (e) {
  port.postMessage({ type: 'failed', message: (e as Error).stack ?? String(e) });
}
