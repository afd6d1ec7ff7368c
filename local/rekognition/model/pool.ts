/**
 * A pool of model workers (node:worker_threads), one FaceAnalyzer each. Jobs queue FIFO and go to
 * the first idle worker, so with N workers N images are analysed at once (one core each) — except
 * that a job for an image (same bytes: same SHA-256) that a worker has analysed or is analysing
 * goes to that worker, which keeps the image's first stage (model/prepared-cache.ts): two requests
 * about one selfie cost one decode and one detector pass, the second waiting for the first.
 */
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { noPasses, type AnalyzeOptions } from './analyzer';
import type { PreparedCacheOptions } from './prepared-cache';
import type { AnalyzeResult, ModelPasses } from './types';

export class ImageDecodeError extends Error {}

interface Pending {
  id: number;
  key: string;
  bytes: Uint8Array;
  opts: AnalyzeOptions;
  resolve: (r: AnalyzeResult) => void;
  reject: (e: Error) => void;
}

interface WorkerReply {
  id: number;
  result?: AnalyzeResult;
  passes?: ModelPasses;
  error?: { kind: string; message: string };
}

interface Slot {
  worker: Worker;
  busy: Pending | undefined;
  loading?: boolean;
}

/** Every pool's passes in this process, added up. */
const processPasses = noPasses();

/** Model passes of every pool this process ran (e.g. the engine the local stack embeds): a benchmark reads the difference around a flow. */
export function modelPasses(): ModelPasses {
  return { ...processPasses };
}

export interface ModelPoolOptions {
  /** The workers' cache of recent images (default: model/prepared-cache.ts's); maxEntries 0 turns it off. */
  cache?: Partial<PreparedCacheOptions>;
}

/** How many recent images the pool remembers the worker of (more than the workers keep). */
const AFFINITY_ENTRIES = 256;

export function defaultPoolSize(): number {
  return Math.max(1, Math.min(2, os.availableParallelism()));
}

/**
 * Worker bootstrap: the worker is TypeScript, so register tsx's ESM hooks inside the worker
 * (execArgv `--import` does not reliably reach worker threads on Node 20), then import it.
 */
function bootstrap(workerFile: string): string {
  const require = createRequire(import.meta.url);
  const tsxApi = pathToFileURL(path.join(path.dirname(require.resolve('tsx/package.json')), 'dist', 'esm', 'api', 'index.mjs')).href;
  return `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(pathToFileURL(workerFile).href)}); });`;
}

export class ModelPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;
  private peak = 0;
  /** image key → the worker that analysed it last (least recently used first). */
  private readonly affinity = new Map<string, Slot>();
  readonly passes: ModelPasses = noPasses();
  readonly ready: Promise<void>;

  constructor(
    readonly size: number = defaultPoolSize(),
    private readonly options: ModelPoolOptions = {},
  ) {
    const readies: Promise<void>[] = [];
    for (let i = 0; i < size; i++) {
      const slot: Slot = { worker: undefined as unknown as Worker, busy: undefined };
      this.slots.push(slot);
      readies.push(this.spawn(slot));
    }
    this.ready = Promise.all(readies).then(() => undefined);
    this.ready.catch(() => undefined);
  }

  /** Starts (or restarts, after a crash) the worker of `slot`; resolves when its models are loaded. */
  private spawn(slot: Slot): Promise<void> {
    const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker.ts');
    const worker = new Worker(bootstrap(file), { eval: true, execArgv: process.execArgv.filter((a) => !a.startsWith('--inspect')), workerData: { cache: this.options.cache } });
    slot.worker = worker;
    slot.busy = undefined;
    slot.loading = true;
    let loaded = false;
    worker.on('exit', (code) => {
      const job = slot.busy;
      slot.busy = undefined;
      job?.reject(new Error(`model worker exited with code ${code}`));
      for (const [k, s] of this.affinity) if (s === slot) this.affinity.delete(k); // its cache is gone
      // a crashed worker is replaced so the pool keeps its size; a failed load is not retried
      if (!this.closed && loaded && slot.worker === worker) void this.spawn(slot).then(() => this.pump(), () => undefined);
    });
    worker.on('error', () => undefined); // surfaced through 'exit'
    return new Promise<void>((resolve, reject) => {
      const onMessage = (m: { type?: string; message?: string }) => {
        if (m.type === 'ready') {
          loaded = true;
          slot.loading = false;
          worker.off('message', onMessage);
          worker.on('message', (msg: WorkerReply) => this.onResult(slot, msg));
          resolve();
        } else if (m.type === 'failed') reject(new Error(`model worker failed to load: ${m.message}`));
      };
      worker.on('message', onMessage);
      worker.once('exit', (code) => reject(new Error(`model worker exited with code ${code} while loading`)));
    });
  }

  analyze(bytes: Uint8Array, opts: AnalyzeOptions): Promise<AnalyzeResult> {
    if (this.closed) return Promise.reject(new Error('model pool is closed'));
    const key = createHash('sha256').update(bytes).digest('hex');
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, key, bytes, opts, resolve, reject });
      void this.ready.then(() => this.pump(), reject);
    });
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.busy || slot.loading) continue;
      // the first job that is this worker's image, or nobody's
      const i = this.queue.findIndex((j) => (this.affinity.get(j.key) ?? slot) === slot);
      if (i < 0) continue;
      const [job] = this.queue.splice(i, 1) as [Pending];
      slot.busy = job;
      this.affinity.delete(job.key);
      this.affinity.set(job.key, slot);
      if (this.affinity.size > AFFINITY_ENTRIES) this.affinity.delete(this.affinity.keys().next().value as string);
      this.peak = Math.max(this.peak, this.slots.filter((s) => s.busy).length);
      slot.worker.postMessage({ id: job.id, key: job.key, bytes: job.bytes, opts: job.opts });
    }
  }

  private onResult(slot: Slot, msg: WorkerReply): void {
    const job = slot.busy;
    slot.busy = undefined;
    if (msg.passes) {
      for (const k of Object.keys(this.passes) as (keyof ModelPasses)[]) {
        this.passes[k] += msg.passes[k];
        processPasses[k] += msg.passes[k];
      }
    }
    if (job && job.id === msg.id) {
      if (msg.error) {
        this.affinity.delete(job.key);
        job.reject(msg.error.kind === 'decode' ? new ImageDecodeError(msg.error.message) : new Error(msg.error.message));
      } else job.resolve(msg.result as AnalyzeResult);
    }
    this.pump();
  }

  /** The most images ever analysed at the same time: shows the workers really run in parallel. */
  get peakConcurrency(): number {
    return this.peak;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new Error('model pool is closed'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
