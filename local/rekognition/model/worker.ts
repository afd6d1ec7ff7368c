/**
 * Worker thread: owns one FaceAnalyzer (one wasm backend = one core) and answers analyse jobs.
 * Messages in: {id, bytes, opts}; out: {type:'ready'} once, then {id, result} or {id, error}.
 */
import { parentPort } from 'node:worker_threads';
import sharp from 'sharp';
import { DecodeError, FaceAnalyzer, type AnalyzeOptions } from './analyzer';

export interface Job {
  id: number;
  bytes: Uint8Array;
  opts: AnalyzeOptions;
}

// one libvips thread per worker: the pool already uses one worker per core
sharp.concurrency(1);
sharp.cache(false);

const port = parentPort;
if (!port) throw new Error('model/worker.ts must run in a worker thread');

try {
  const analyzer = await FaceAnalyzer.load();
  if (process.env.REKOGNITION_WARMUP !== '0') await analyzer.warmup();
  port.on('message', (job: Job) => {
    analyzer.analyze(job.bytes, job.opts).then(
      (result) => port.postMessage({ id: job.id, result }),
      (e: unknown) => port.postMessage({ id: job.id, error: { kind: e instanceof DecodeError ? 'decode' : 'internal', message: (e as Error).message } }),
    );
  });
  port.postMessage({ type: 'ready', backend: analyzer.backend });
} catch (e) {
  port.postMessage({ type: 'failed', message: (e as Error).stack ?? String(e) });
}
