/**
 * Programmatic entry: `startRekognitionServer({port, dataDir, workers}) → {url, close()}`.
 * The service speaks Rekognition's JSON 1.1 protocol on 127.0.0.1; point
 * @aws-sdk/client-rekognition at `url` (endpoint option or AWS_ENDPOINT_URL_REKOGNITION).
 */
import http from 'node:http';
import { ModelPool, defaultPoolSize } from './model/pool';
import type { PreparedCacheOptions } from './model/prepared-cache';
import type { ModelPasses } from './model/types';
import { listen } from '../listen';
import { createHandler, type Logger } from './server';
import { Store } from './store';
import type { VectorIndexOptions } from './search';

export interface RekognitionServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Where collections live; created if missing. */
  dataDir: string;
  /** Model worker threads; default min(2, cores). Env: REKOGNITION_WORKERS. */
  workers?: number;
  host?: string;
  region?: string;
  /** One line per request (operation, status, ms); default console.log; `false` silences it. */
  log?: Logger | false;
  /** 1:N search tuning (HNSW threshold etc.). */
  index?: VectorIndexOptions;
  /** Wait for the models to load before resolving (default true). */
  waitForModels?: boolean;
  /** Each worker's cache of recent images (model/prepared-cache.ts); `{ maxEntries: 0 }` turns it off. */
  imageCache?: Partial<PreparedCacheOptions>;
}

export interface RekognitionServer {
  url: string;
  port: number;
  /** How many model workers there are, and the most that were ever busy at once. */
  workers(): { size: number; peakConcurrency: number };
  /** How often each model ran since the start (one decode and one detector pass per image, however many requests ask about it while it is cached). */
  modelPasses(): ModelPasses;
  close(): Promise<void>;
}

export async function startRekognitionServer(opts: RekognitionServerOptions): Promise<RekognitionServer> {
  const log: Logger = opts.log === false ? () => undefined : (opts.log ?? ((l) => console.log(`[rekognition] ${l}`)));
  const envWorkers = Number(process.env.REKOGNITION_WORKERS);
  const workers = opts.workers ?? (Number.isInteger(envWorkers) && envWorkers > 0 ? envWorkers : defaultPoolSize());
  const envHnsw = Number(process.env.REKOGNITION_HNSW_THRESHOLD);
  const index: VectorIndexOptions = { ...(Number.isInteger(envHnsw) && envHnsw >= 0 ? { hnswThreshold: envHnsw } : {}), ...opts.index };
  const store = await Store.open(opts.dataDir, { region: opts.region ?? process.env.AWS_REGION ?? 'us-east-1', index, log });
  const pool = new ModelPool(workers, opts.imageCache ? { cache: opts.imageCache } : {});
  if (opts.waitForModels !== false) {
    try {
      await pool.ready;
    } catch (e) {
      await pool.close();
      await store.close();
      throw e;
    }
  }
  const server = http.createServer(createHandler({ store, pool }, log));
  server.keepAliveTimeout = 5000;
  const host = opts.host ?? '127.0.0.1';
  const url = `http://${host}:${await listen(server, opts.port ?? 0, host)}`;
  const port = Number(new URL(url).port);
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    workers: () => ({ size: pool.size, peakConcurrency: pool.peakConcurrency }),
    modelPasses: () => ({ ...pool.passes }),
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await pool.close();
        await store.close();
      })();
      return closing;
    },
  };
}

export { ModelPool, modelPasses } from './model/pool';
export type { ModelPasses } from './model/types';
export { cosineToSimilarity, similarityToCosine } from './similarity';
