/**
 * A pool of model workers (node:worker_threads), one FaceAnalyzer each. Jobs queue FIFO and go to
 * the first idle worker, so with N workers N images are analysed at once (one core each).
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AnalyzeOptions } from './analyzer';
import type { AnalyzeResult } from './types';

export class ImageDecodeError extends Error {}

interface Pending {
  id: number;
  bytes: Uint8Array;
  opts: AnalyzeOptions;
  resolve: (r: AnalyzeResult) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  busy: Pending | undefined;
  loading?: boolean;
}

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
  readonly ready: Promise<void>;

  constructor(readonly size: number = defaultPoolSize()) {
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
    const worker = new Worker(bootstrap(file), { eval: true, execArgv: process.execArgv.filter((a) => !a.startsWith('--inspect')) });
    slot.worker = worker;
    slot.busy = undefined;
    slot.loading = true;
    let loaded = false;
    worker.on('exit', (code) => {
      const job = slot.busy;
      slot.busy = undefined;
      job?.reject(new Error(`model worker exited with code ${code}`));
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
          worker.on('message', (msg: { id: number; result?: AnalyzeResult; error?: { kind: string; message: string } }) => this.onResult(slot, msg));
          resolve();
        } else if (m.type === 'failed') reject(new Error(`model worker failed to load: ${m.message}`));
      };
      worker.on('message', onMessage);
      worker.once('exit', (code) => reject(new Error(`model worker exited with code ${code} while loading`)));
    });
  }

  analyze(bytes: Uint8Array, opts: AnalyzeOptions): Promise<AnalyzeResult> {
    if (this.closed) return Promise.reject(new Error('model pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, bytes, opts, resolve, reject });
      void this.ready.then(() => this.pump(), reject);
    });
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.busy || slot.loading) continue;
      const job = this.queue.shift();
      if (!job) return;
      slot.busy = job;
      this.peak = Math.max(this.peak, this.slots.filter((s) => s.busy).length);
      slot.worker.postMessage({ id: job.id, bytes: job.bytes, opts: job.opts });
    }
  }

  private onResult(slot: Slot, msg: { id: number; result?: AnalyzeResult; error?: { kind: string; message: string } }): void {
    const job = slot.busy;
    slot.busy = undefined;
    if (job && job.id === msg.id) {
      if (msg.error) job.reject(msg.error.kind === 'decode' ? new ImageDecodeError(msg.error.message) : new Error(msg.error.message));
      else job.resolve(msg.result as AnalyzeResult);
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
