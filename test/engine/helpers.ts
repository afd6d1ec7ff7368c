/** Shared fixtures for the face-engine tests: a server on port 0 with a temp data dir, photos. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DetectFacesCommand, RekognitionClient, type BoundingBox } from '@aws-sdk/client-rekognition';
import sharp from 'sharp';
import { startRekognitionServer, type RekognitionServer, type RekognitionServerOptions } from '../../local/rekognition/index';

import { repoRoot, sharedFaces } from '../support/shared-faces';

export { haveSharedFaces, repoRoot, sharedFaces, warnIfNoSharedFaces } from '../support/shared-faces';
export const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Group photos shipped by @vladmandic/face-api (3, 3, 3, 4, 5 and 4 faces). */
export function demoPhoto(i: 1 | 2 | 3 | 4 | 5 | 6): Buffer {
  return fs.readFileSync(path.join(repoRoot, 'node_modules/@vladmandic/face-api/demo', `sample${i}.jpg`));
}
export const DEMO_FACE_COUNTS: Record<1 | 2 | 3 | 4 | 5 | 6, number> = { 1: 3, 2: 3, 3: 3, 4: 4, 5: 5, 6: 4 };

export function sharedPhoto(file: string): Buffer {
  return fs.readFileSync(path.join(sharedFaces, file));
}

export interface Engine {
  server: RekognitionServer;
  client: RekognitionClient;
  dataDir: string;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startEngine(opts: Partial<RekognitionServerOptions> = {}): Promise<Engine> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'engine-test-'));
  const start = () => startRekognitionServer({ port: 0, log: false, ...opts, dataDir });
  const engine: Engine = {
    server: await start(),
    client: undefined as unknown as RekognitionClient,
    dataDir,
    async restart() {
      await engine.server.close();
      engine.server = await start();
      engine.client = new RekognitionClient({ endpoint: engine.server.url, region: 'us-east-1', credentials });
    },
    async stop() {
      await engine.server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  engine.client = new RekognitionClient({ endpoint: engine.server.url, region: 'us-east-1', credentials });
  return engine;
}

/** Crops a face (ratios box) with `margin` × its size on every side, as a JPEG. */
export async function cropFace(photo: Buffer, box: BoundingBox, margin = 0.5): Promise<Buffer> {
  const meta = await sharp(photo).rotate().metadata();
  const W = meta.autoOrient?.width ?? meta.width ?? 0;
  const H = meta.autoOrient?.height ?? meta.height ?? 0;
  const w = (box.Width ?? 0) * W, h = (box.Height ?? 0) * H;
  const left = Math.max(0, Math.round((box.Left ?? 0) * W - margin * w));
  const top = Math.max(0, Math.round((box.Top ?? 0) * H - margin * h));
  const width = Math.min(W - left, Math.round(w * (1 + 2 * margin)));
  const height = Math.min(H - top, Math.round(h * (1 + 2 * margin)));
  return sharp(photo).rotate().extract({ left, top, width, height }).jpeg({ quality: 92 }).toBuffer();
}

/** Single-face crops of every face the engine finds in a demo photo, largest first. */
export async function demoFaces(client: RekognitionClient, i: 1 | 2 | 3 | 4 | 5 | 6): Promise<Buffer[]> {
  const photo = demoPhoto(i);
  const r = await client.send(new DetectFacesCommand({ Image: { Bytes: photo } }));
  return Promise.all((r.FaceDetails ?? []).map((f) => cropFace(photo, f.BoundingBox as BoundingBox, 0.3)));
}

/** A plain image with no face in it. */
export function blankImage(): Promise<Buffer> {
  return sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 120, g: 130, b: 140 } } }).jpeg().toBuffer();
}
