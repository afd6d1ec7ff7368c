/**
 * `npm run bench:engine [-- --full] [-- --skip-search] [-- --skip-model]`
 *
 * One run prints: per-image latency (median, p90) for DetectFaces (DEFAULT, ALL, the app's
 * screen) and IndexFaces through the SDK; model passes per register / authenticate flow;
 * throughput with 1 and 2 model workers; face-count accuracy per aspect ratio (every photo of
 * ../shared/faces padded / cropped to 3:4, 9:16, 16:9); verification on pairs.csv (the
 * genuine/impostor table, with a held-out check of the 95 knot) and rank-1 identification; 1:N search latency and recall@1 for brute force vs sign codes
 * + exact re-rank vs the usearch HNSW index at 10k / 100k (and 1M with --full) random and face-like
 * vectors (`--no-hnsw` skips HNSW, whose 1M build takes ~15 min; `--candidates 512,1024,4096`).
 *
 * `--against <dir>` (a checkout of another version, e.g. main's, with node_modules): only the
 * app's two latency rows, this engine and that one side by side in the same run, the same request
 * to each in turn for every photo (`--rounds` times), and their ratio — a fair comparison on a
 * shared machine.
 */
import { SCREEN_ATTRIBUTES } from '../adapters/rekognition/face-engine';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { CreateCollectionCommand, DetectFacesCommand, IndexFacesCommand, RekognitionClient, SearchFacesByImageCommand, SearchUsersByImageCommand } from '@aws-sdk/client-rekognition';
import sharp from 'sharp';
import type * as Usearch from 'usearch';
import { startRekognitionServer } from '../local/rekognition/index';
import { ModelPool } from '../local/rekognition/model/pool';
import { cosineToSimilarity, KNOTS } from '../local/rekognition/similarity';
import { exactTopK, nativeTopK, rerankTopK } from '../local/rekognition/search';
import { meanOf, SignCodes } from '../local/rekognition/sign-codes';
import { facesDir, GROUP_PHOTOS, haveFaces, identities, pairs, read, repoRoot } from './lib/faces';
import { photoVariants, unionBox } from '../test/support/photo-variants';
import { ms, pct, quantile, summary } from './lib/stats';
import { clusteredVectors, randomVectors } from './lib/vectors';

const usearch = createRequire(import.meta.url)('usearch') as typeof Usearch;

const { values: args } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    'skip-search': { type: 'boolean', default: false },
    'skip-model': { type: 'boolean', default: false },
    against: { type: 'string' },
    rounds: { type: 'string', default: '2' },
    connectivity: { type: 'string', default: '16' },
    ef: { type: 'string', default: '64,128,256,512,1024' },
    queries: { type: 'string', default: '200' },
    sizes: { type: 'string' },
    kinds: { type: 'string', default: 'random,face-like' },
    'no-hnsw': { type: 'boolean', default: false },
    candidates: { type: 'string', default: '512,1024,4096' },
  },
});

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const out = (s = '') => console.log(s);

function benchImages(): { name: string; bytes: Buffer }[] {
  if (haveFaces()) return identities().map((i) => ({ name: i.file, bytes: read(i.file) }));
  console.warn(`!! ${facesDir} is missing: latency uses the face-api demo photos only; accuracy is skipped`);
  const demo = path.join(repoRoot, 'node_modules/@vladmandic/face-api/demo');
  return [1, 2, 3, 4, 5, 6].map((i) => ({ name: `sample${i}.jpg`, bytes: fs.readFileSync(path.join(demo, `sample${i}.jpg`)) }));
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await fn();
  return [r, performance.now() - t];
}

async function latencyAndThroughput(images: { name: string; bytes: Buffer }[]): Promise<void> {
  out('## Model latency (through @aws-sdk/client-rekognition, one request at a time, 1 worker)');
  out(`images: ${images.length} (${haveFaces() ? 'shared/faces identities.csv' : 'face-api demo'}), sizes ${Math.min(...images.map((i) => i.bytes.length)) >> 10}–${Math.max(...images.map((i) => i.bytes.length)) >> 10} KB`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-engine-'));
  const t0 = performance.now();
  // every request pays the whole pipeline here: the image cache (which serves the second request
  // about the same bytes, see "Model passes per flow") is off
  const uncached = { imageCache: { maxEntries: 0 } };
  let server = await startRekognitionServer({ dataDir, workers: 1, log: false, ...uncached });
  out(`server start incl. model load + warm-up (1 worker): ${ms(performance.now() - t0)}; image cache off (every request analyses its image)`);
  let client = new RekognitionClient({ endpoint: server.url, region: 'us-east-1', credentials });
  await client.send(new CreateCollectionCommand({ CollectionId: 'bench' }));
  // The application's own calls ask for what its quality screen reads (adapters/rekognition).
  const app = [...SCREEN_ATTRIBUTES];
  const rows: [string, number[]][] = [
    ['DetectFaces DEFAULT', []],
    ['DetectFaces ALL', []],
    ['DetectFaces DEFAULT+EYES_OPEN+SUNGLASSES (the app\'s screen)', []],
    ['IndexFaces (MaxFaces 1, AUTO)', []],
    ['IndexFaces + DEFAULT+EYES_OPEN+SUNGLASSES (the app\'s registration)', []],
  ];
  const time = (row: number, send: () => Promise<unknown>) => timed(send).then(([, t]) => (rows[row] as [string, number[]])[1].push(t));
  for (const img of images) {
    const Image = { Bytes: img.bytes };
    await time(0, () => client.send(new DetectFacesCommand({ Image })));
    await time(1, () => client.send(new DetectFacesCommand({ Image, Attributes: ['ALL'] })));
    await time(2, () => client.send(new DetectFacesCommand({ Image, Attributes: app })));
    await time(3, () => client.send(new IndexFacesCommand({ CollectionId: 'bench', Image, MaxFaces: 1, QualityFilter: 'AUTO' })));
    await time(4, () => client.send(new IndexFacesCommand({ CollectionId: 'bench', Image, MaxFaces: 1, QualityFilter: 'AUTO', DetectionAttributes: app })));
  }
  // split by source size: phone-selfie-sized photos vs large camera JPEGs (decode dominates those)
  const mp = await Promise.all(images.map(async (i) => {
    const m = await sharp(i.bytes).metadata();
    return ((m.width ?? 0) * (m.height ?? 0)) / 1e6;
  }));
  const small = mp.map((x) => x <= 1.5);
  out(`| operation | median | p90 | median, ≤ 1.5 MP photos (${small.filter(Boolean).length}) | median, > 1.5 MP photos (${small.filter((x) => !x).length}) |`);
  out('|---|---|---|---|---|');
  for (const [name, xs] of rows) {
    const s = summary(xs);
    const sm = summary(xs.filter((_, i) => small[i]));
    const lg = summary(xs.filter((_, i) => !small[i]));
    out(`| ${name} | ${ms(s.median)} | ${ms(s.p90)} | ${ms(sm.median)} | ${ms(lg.median)} |`);
  }
  out();
  await passesPerFlow(images);
  out('## Throughput (IndexFaces, all images, 4 requests in flight)');
  const tput: number[] = [];
  for (const workers of [1, 2]) {
    if (workers !== 1) {
      await server.close();
      server = await startRekognitionServer({ dataDir, workers, log: false, ...uncached });
      client = new RekognitionClient({ endpoint: server.url, region: 'us-east-1', credentials });
    }
    const queue = [...images, ...images];
    const t = performance.now();
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let img = queue.shift(); img; img = queue.shift()) {
          await client.send(new IndexFacesCommand({ CollectionId: 'bench', Image: { Bytes: img.bytes }, MaxFaces: 1 }));
        }
      }),
    );
    const perSec = (images.length * 2) / ((performance.now() - t) / 1000);
    tput.push(perSec);
    out(`${workers} worker${workers > 1 ? 's' : ''}: ${perSec.toFixed(1)} images/s`);
  }
  out(`speed-up 2 vs 1 worker: ×${((tput[1] as number) / (tput[0] as number)).toFixed(2)} (${os.availableParallelism()} cores)`);
  out(`RSS of this process (server + 2 model workers): ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
  await server.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  out();
}

/**
 * What the application's two flows cost the models per selfie: registerUser sends the staged image
 * to IndexFaces ∥ SearchFacesByImage, authenticate to DetectFaces ∥ SearchUsersByImage (the same
 * calls adapters/rekognition makes), each pair at once, on 2 workers.
 */
async function passesPerFlow(images: { name: string; bytes: Buffer }[]): Promise<void> {
  out('## Model passes per flow (2 workers, the two calls of each flow at once, every image)');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-passes-'));
  const server = await startRekognitionServer({ dataDir, workers: 2, log: false });
  const client = new RekognitionClient({ endpoint: server.url, region: 'us-east-1', credentials });
  await client.send(new CreateCollectionCommand({ CollectionId: 'passes' }));
  const app = [...SCREEN_ATTRIBUTES];
  const flows: [string, (Image: { Bytes: Buffer }) => Promise<unknown>][] = [
    ['registerUser: IndexFaces ∥ SearchFacesByImage', (Image) => Promise.all([
      client.send(new IndexFacesCommand({ CollectionId: 'passes', Image, MaxFaces: 1, QualityFilter: 'AUTO', DetectionAttributes: app })),
      client.send(new SearchFacesByImageCommand({ CollectionId: 'passes', Image, FaceMatchThreshold: 95, MaxFaces: 5, QualityFilter: 'NONE' })).catch(() => undefined),
    ])],
    ['authenticate: DetectFaces ∥ SearchUsersByImage', (Image) => Promise.all([
      client.send(new DetectFacesCommand({ Image, Attributes: app })),
      client.send(new SearchUsersByImageCommand({ CollectionId: 'passes', Image, UserMatchThreshold: 95, MaxUsers: 5, QualityFilter: 'NONE' })).catch(() => undefined),
    ])],
  ];
  out('| flow | decodes | detector passes | mesh runs | descriptors | per selfie, before this engine |');
  out('|---|---|---|---|---|---|');
  for (const [i, [name, run]] of flows.entries()) {
    const before = server.modelPasses();
    // a different byte at the end: each flow sees images the other has not cached
    for (const img of images) await run({ Bytes: Buffer.concat([img.bytes, Buffer.from([i])]) });
    const after = server.modelPasses();
    const per = (k: keyof typeof after) => ((after[k] - before[k]) / images.length).toFixed(2);
    out(`| ${name} | ${per('decode')} | ${per('detect')} | ${per('mesh')} | ${per('descriptor')} | 2 decodes, 2 detector passes |`);
  }
  await server.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  out();
}

/**
 * Face-count accuracy by frame: every photo of ../shared/faces (single-person ones: 1 face; the
 * group photos: their count) as it is and padded / cropped to 3:4, 9:16 and 16:9 (crops keep the
 * faces found in the original in frame). A group photo's `small` faces may be missed in a pad.
 */
async function countsByShape(): Promise<void> {
  if (!haveFaces()) return;
  out('## Face counts by aspect ratio (every photo of ../shared/faces, padded and cropped)');
  const pool = new ModelPool(2);
  await pool.ready;
  const photos = [...identities().map((i) => ({ file: i.file, faces: 1, small: 0 })), ...GROUP_PHOTOS];
  const tally = new Map<string, { n: number; exact: number; lenient: number }>();
  const misses: string[] = [];
  const count = (file: string, name: string, got: number, want: number, small: number) => {
    const t = tally.get(name) ?? { n: 0, exact: 0, lenient: 0 };
    t.n++;
    if (got === want) t.exact++;
    else misses.push(`${file} ${name}: ${got} of ${want}`);
    if (got <= want && got >= want - small) t.lenient++;
    tally.set(name, t);
  };
  const queue = [...photos];
  await Promise.all([0, 1].map(async () => {
    for (let p = queue.shift(); p; p = queue.shift()) {
      const bytes = read(p.file);
      const r = await pool.analyze(bytes, { attributes: [], embed: false });
      count(p.file, 'original', r.faces.length, p.faces, 0);
      const keep = unionBox(r.faces.map((f) => ({ Left: f.box.left, Top: f.box.top, Width: f.box.width, Height: f.box.height })));
      for (const v of await photoVariants(bytes, keep ? { keep } : {})) {
        const rv = await pool.analyze(v.bytes, { attributes: [], embed: false });
        count(p.file, v.name, rv.faces.length, p.faces, v.fit === 'pad' ? p.small : 0);
      }
    }
  }));
  await pool.close();
  out('| frame | photos | exact count | count allowing a pad to lose a `small` face |');
  out('|---|---|---|---|');
  for (const [name, t] of [...tally.entries()].sort()) out(`| ${name} | ${t.n} | ${pct(t.exact / t.n)} | ${pct(t.lenient / t.n)} |`);
  if (misses.length) out(`not the exact count: ${misses.join('; ')}`);
  out();
}

/** Cross-person pairs among the 22 faces of face-api's six demo group photos: hard impostors. */
async function hardImpostors(): Promise<void> {
  out('## Hard impostors: the 22 faces of face-api\'s demo group photos (different young women, similar make-up and light)');
  const pool = new ModelPool(2);
  await pool.ready;
  const demo = path.join(repoRoot, 'node_modules/@vladmandic/face-api/demo');
  const vecs: Float32Array[] = [];
  for (let i = 1; i <= 6; i++) {
    const r = await pool.analyze(fs.readFileSync(path.join(demo, `sample${i}.jpg`)), { attributes: [], embed: true });
    for (const f of r.faces) if (f.vector) vecs.push(f.vector);
  }
  await pool.close();
  const sims: number[] = [];
  for (let a = 0; a < vecs.length; a++) {
    for (let b = a + 1; b < vecs.length; b++) sims.push(cosineToSimilarity((vecs[a] as Float32Array).reduce((s, x, k) => s + x * ((vecs[b] as Float32Array)[k] as number), 0)));
  }
  out(`${vecs.length} faces, ${sims.length} pairs (assumed all different people): max similarity ${Math.max(...sims).toFixed(2)}`);
  out('| threshold | false accepts | FAR |');
  out('|---|---|---|');
  for (const th of [80, 90, 95, 99]) {
    const fa = sims.filter((x) => x >= th).length;
    out(`| ${th} | ${fa} | ${pct(fa / sims.length)} |`);
  }
  out();
}

async function accuracy(): Promise<void> {
  if (!haveFaces()) {
    console.warn(`!! ${facesDir} is missing: skipping verification accuracy and rank-1`);
    return;
  }
  out('## Verification on ../shared/faces/pairs.csv');
  out('(vectors from the same worker pool the service uses; similarity = the service\'s cosine→0–100 map)');
  const pool = new ModelPool(2);
  await pool.ready;
  const ps = pairs();
  const ids = identities();
  const files = [...new Set([...ps.flatMap((p) => [p.a, p.b]), ...ids.map((i) => i.file)])];
  const vec = new Map<string, Float32Array>();
  const noFace: string[] = [];
  await Promise.all(
    files.map(async (f) => {
      const r = await pool.analyze(read(f), { attributes: [], embed: true, maxFaces: 1 });
      const v = r.faces[0]?.vector;
      if (v) vec.set(f, v);
      else noFace.push(f);
    }),
  );
  await pool.close();
  const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * (b[i] as number), 0);
  const gen: number[] = [];
  const imp: number[] = [];
  let missing = 0;
  for (const p of ps) {
    const a = vec.get(p.a), b = vec.get(p.b);
    if (!a || !b) {
      missing++;
      continue;
    }
    (p.same ? gen : imp).push(cos(a, b));
  }
  gen.sort((x, y) => x - y);
  imp.sort((x, y) => x - y);
  out(`pairs: ${gen.length} genuine, ${imp.length} impostor; ${missing} pairs skipped (no face found in ${noFace.length} photos${noFace.length ? `: ${noFace.join(', ')}` : ''})`);
  const q = (xs: number[], p: number) => quantile(xs, p).toFixed(4);
  out(`cosine genuine: min ${q(gen, 0)} p1 ${q(gen, 0.01)} p5 ${q(gen, 0.05)} p10 ${q(gen, 0.1)} p50 ${q(gen, 0.5)}`);
  out(`cosine impostor: p50 ${q(imp, 0.5)} p95 ${q(imp, 0.95)} p99 ${q(imp, 0.99)} max ${q(imp, 1)}`);
  let best = { acc: 0, t: 0 };
  for (let t = 0.85; t < 0.99; t += 0.0005) {
    const acc = (gen.filter((x) => x >= t).length + imp.filter((x) => x < t).length) / (gen.length + imp.length);
    if (acc > best.acc) best = { acc, t };
  }
  out(`best single cosine threshold: ${best.t.toFixed(4)} → accuracy ${pct(best.acc)} (knots in use: ${KNOTS.map(([c, s]) => `${c}→${s}`).join(', ')})`);
  out();
  out('| threshold | TAR (genuine accepted) | FAR (impostors accepted) | false accepts | accuracy |');
  out('|---|---|---|---|---|');
  const gs = gen.map(cosineToSimilarity), is = imp.map(cosineToSimilarity);
  for (const th of [50, 70, 80, 85, 90, 95, 97, 99, 99.5]) {
    const ta = gs.filter((s) => s >= th).length, fa = is.filter((s) => s >= th).length;
    out(`| ${th} | ${pct(ta / gs.length)} | ${pct(fa / is.length)} | ${fa} | ${pct((ta + is.length - fa) / (gs.length + is.length))} |`);
  }
  out();
  heldOut(ps, vec);
  // rank-1 identification, leave-one-out over identities with ≥ 2 photos
  const byId = new Map<string, string[]>();
  for (const i of ids) if (vec.has(i.file)) byId.set(i.identity, [...(byId.get(i.identity) ?? []), i.file]);
  const gallery = ids.filter((i) => vec.has(i.file));
  let probes = 0, correct = 0;
  for (const p of gallery) {
    if ((byId.get(p.identity)?.length ?? 0) < 2) continue;
    probes++;
    let bestId = '', bestS = -2;
    for (const g of gallery) {
      if (g.file === p.file) continue;
      const s = cos(vec.get(p.file) as Float32Array, vec.get(g.file) as Float32Array);
      if (s > bestS) [bestS, bestId] = [s, g.identity];
    }
    if (bestId === p.identity) correct++;
  }
  out(`rank-1 identification (leave-one-out, ${probes} probes over ${gallery.length} photos / ${byId.size} identities): ${pct(correct / probes)}`);
  out();
}

/**
 * The knots were fitted to pairs.csv itself, which is optimistic. Two-fold check by identity
 * (pairs whose first photo's identity has an even / odd rank): put the "no false accept" cut just
 * above the fitting fold's highest impostor cosine, and see what it does on the other fold.
 */
function heldOut(ps: { a: string; b: string; same: boolean }[], vec: Map<string, Float32Array>): void {
  const ids = identities();
  const who = new Map(ids.map((i) => [i.file, i.identity]));
  const order = [...new Set(ids.map((i) => i.identity))].sort();
  const fold = (p: { a: string }) => order.indexOf(who.get(p.a) ?? '') % 2;
  const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * (b[i] as number), 0);
  out('Held-out check of the "no false accept" cut (2 folds by identity; fitted on one, applied to the other):');
  for (const fit of [0, 1]) {
    const scored = ps.filter((p) => vec.has(p.a) && vec.has(p.b)).map((p) => ({ ...p, c: cos(vec.get(p.a) as Float32Array, vec.get(p.b) as Float32Array), fold: fold(p) }));
    const cut = Math.max(...scored.filter((p) => p.fold === fit && !p.same).map((p) => p.c)) + 0.001;
    const test = scored.filter((p) => p.fold !== fit);
    const gen = test.filter((p) => p.same), imp = test.filter((p) => !p.same);
    out(`- fit on fold ${fit}: cut ${cut.toFixed(4)} → other fold: TAR ${pct(gen.filter((p) => p.c >= cut).length / gen.length)} (${gen.length} genuine), false accepts ${imp.filter((p) => p.c >= cut).length} of ${imp.length}`);
  }
  out();
}

function bruteForce(data: Float32Array, dim: number, n: number, queries: Float32Array, nq: number, impl = nativeTopK): { ms: number[]; top: number[] } {
  const times: number[] = [];
  const top: number[] = [];
  for (let i = 0; i < nq; i++) {
    const q = queries.subarray(i * dim, (i + 1) * dim);
    const t = performance.now();
    const r = impl(data, dim, n, q, 10);
    times.push(performance.now() - t);
    top.push(r.rows[0] as number);
  }
  return { ms: times, top };
}

async function search(): Promise<void> {
  const dim = 128;
  const sizes = args.sizes ? args.sizes.split(',').map(Number) : args.full ? [10_000, 100_000, 1_000_000] : [10_000, 100_000];
  const kinds = String(args.kinds).split(',') as ('random' | 'face-like')[];
  const nq = Number(args.queries);
  const hnsw = !args['no-hnsw'];
  out(`## 1:N search, ${dim}-d unit vectors, top-10, ${nq} queries, one thread per query`);
  if (!sizes.includes(1_000_000)) out('(1M skipped: building its HNSW index takes ~8–15 min per kind on 2 cores; run with `-- --full`, or `-- --skip-model --sizes 1000000`)');
  if (!hnsw) out('(HNSW skipped: `--no-hnsw`)');
  const connectivity = Number(args.connectivity);
  const efs = String(args.ef).split(',').map(Number);
  const cands = String(args.candidates).split(',').map(Number);
  out(`HNSW: usearch, metric ip, f32, connectivity ${connectivity}, expansion_add 128, built with all cores, expansion_search as given.`);
  out('Exact: JS = plain-JS dot-product scan; native = usearch exactSearch (SIMD, 1 thread), which the service uses below its sign-code threshold.');
  out('Sign codes: 128-bit signs of (v − μ), WebAssembly Hamming scan over all codes, ≥ `candidates` nearest codes re-ranked exactly (what the service uses from 50k faces).');
  out('recall@1 = top hit equals the exact top hit; identity recall@1 (face-like) = top hit is a photo of the same identity as the exact top hit. Speed-up = native median / method median.');
  out();
  out('| vectors | kind | method | build | median / p90 | speed-up | recall@1 | identity recall@1 |');
  out('|---|---|---|---|---|---|---|---|');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-hnsw-'));
  for (const n of sizes) {
    for (const kind of kinds) {
      let data: Float32Array, queries: Float32Array;
      let identityOf: ((row: number) => number) | undefined;
      if (kind === 'random') {
        data = randomVectors(n, dim, 1);
        queries = randomVectors(nq, dim, 2);
      } else {
        const c = clusteredVectors(n, dim, 3);
        data = c.data;
        queries = c.queries(nq);
        identityOf = (row) => row % c.identities;
      }
      const bq = n >= 1_000_000 ? Math.min(nq, 50) : nq;
      const bf = bruteForce(data, dim, n, queries, bq);
      const exactTop = bf.top.length === nq ? bf.top : [...bf.top, ...bruteForce(data, dim, n, queries.subarray(bq * dim), nq - bq).top];
      const bs = summary(bf.ms);
      const js = summary(bruteForce(data, dim, n, queries, Math.min(bq, 20), exactTopK).ms);
      const size = n >= 1_000_000 ? `${n / 1e6}M` : `${n / 1000}k`;
      const row = (method: string, build: string, t: number[], top: number[]) => {
        const st = summary(t);
        const strict = top.filter((r, i) => r === exactTop[i]).length / nq;
        const ident = identityOf ? top.filter((r, i) => r >= 0 && (identityOf as (r: number) => number)(r) === (identityOf as (r: number) => number)(exactTop[i] as number)).length / nq : undefined;
        out(`| ${size} | ${kind} | ${method} | ${build} | ${ms(st.median)} / ${ms(st.p90)} | ×${(bs.median / st.median).toFixed(1)} | ${strict.toFixed(3)} | ${ident === undefined ? '–' : ident.toFixed(3)} |`);
      };
      out(`| ${size} | ${kind} | exact, JS | – | ${ms(js.median)} / ${ms(js.p90)} | ×${(bs.median / js.median).toFixed(1)} | 1.000 | ${identityOf ? '1.000' : '–'} |`);
      row('exact, native', '–', bf.ms, exactTop);
      {
        const tb = performance.now();
        const codes = new SignCodes(dim, meanOf(data, dim, n), n);
        codes.addRows(data, n);
        const build = `${((performance.now() - tb) / 1000).toFixed(2)} s`;
        for (let i = 0; i < 5; i++) codes.candidates(queries.subarray(i * dim, (i + 1) * dim), 1024); // let the wasm tier up
        for (const c of cands) {
          const times: number[] = [];
          const top: number[] = [];
          let total = 0;
          for (let i = 0; i < nq; i++) {
            const q = queries.subarray(i * dim, (i + 1) * dim);
            const t = performance.now();
            const cand = codes.candidates(q, c);
            const r = rerankTopK(data, dim, cand, q, 10);
            times.push(performance.now() - t);
            total += cand.length;
            top.push(r.rows.length ? (r.rows[0] as number) : -1);
          }
          row(`sign codes, ≥ ${c} candidates (mean ${Math.round(total / nq)})`, build, times, top);
        }
      }
      if (!hnsw) continue;
      const keys = new BigUint64Array(n);
      for (let i = 0; i < n; i++) keys[i] = BigInt(i);
      const cfg = { dimensions: dim, metric: usearch.MetricKind.IP, quantization: usearch.ScalarKind.F32, connectivity, expansion_add: 128, multi: false };
      const tb = performance.now();
      const index = new usearch.Index({ ...cfg, expansion_search: 64 });
      index.add(keys, data, 0);
      const build = `${((performance.now() - tb) / 1000).toFixed(1)} s`;
      const file = path.join(tmp, `${n}-${kind}.usearch`);
      index.save(file);
      for (const ef of efs) {
        const v = new usearch.Index({ ...cfg, expansion_search: ef });
        v.view(file);
        const times: number[] = [];
        const top: number[] = [];
        for (let i = 0; i < nq; i++) {
          const q = queries.subarray(i * dim, (i + 1) * dim);
          const t = performance.now();
          const m = v.search(q, 10, 1);
          times.push(performance.now() - t);
          top.push(m.keys.length ? Number(m.keys[0]) : -1);
        }
        row(`HNSW, expansion_search ${ef}`, build, times, top);
      }
      fs.rmSync(file, { force: true });
    }
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  out();
}

/** The app's screen and registration latencies of this engine vs the one in `dir`, interleaved. */
async function against(dir: string, images: { name: string; bytes: Buffer }[]): Promise<void> {
  const start = async (root: string, extra: object) => {
    const mod = (await import(path.join(path.resolve(root), 'local/rekognition/index.ts'))) as typeof import('../local/rekognition/index');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-against-'));
    const server = await mod.startRekognitionServer({ dataDir, workers: 1, log: false, ...extra });
    const client = new RekognitionClient({ endpoint: server.url, region: 'us-east-1', credentials });
    await client.send(new CreateCollectionCommand({ CollectionId: 'bench' }));
    return { server, client, dataDir };
  };
  // the other engine may predate the image cache (and ignore the option); this one runs without it
  const engines = { that: await start(dir, {}), this: await start(repoRoot, { imageCache: { maxEntries: 0 } }) };
  const app = [...SCREEN_ATTRIBUTES];
  const t: Record<string, number[]> = {};
  const time = async (k: string, fn: () => Promise<unknown>) => {
    const [, ms_] = await timed(fn);
    (t[k] ??= []).push(ms_);
  };
  for (let r = 0; r < Number(args.rounds); r++) {
    for (const img of images) {
      const Image = { Bytes: img.bytes };
      for (const name of (r % 2 ? ['that', 'this'] : ['this', 'that']) as ('this' | 'that')[]) {
        const { client } = engines[name];
        await time(`${name} screen`, () => client.send(new DetectFacesCommand({ Image, Attributes: app })));
        await time(`${name} index`, () => client.send(new IndexFacesCommand({ CollectionId: 'bench', Image, MaxFaces: 1, QualityFilter: 'AUTO', DetectionAttributes: app })));
      }
    }
  }
  out(`## This engine vs ${dir} (1 worker each, interleaved, ${args.rounds} rounds × ${images.length} photos)`);
  out('| operation | that engine, median | this engine, median | ratio |');
  out('|---|---|---|---|');
  for (const [k, label] of [['screen', "DetectFaces DEFAULT+EYES_OPEN+SUNGLASSES (the app's screen)"], ['index', "IndexFaces + DEFAULT+EYES_OPEN+SUNGLASSES (the app's registration)"]] as const) {
    const a = summary(t[`that ${k}`] ?? []).median, b = summary(t[`this ${k}`] ?? []).median;
    out(`| ${label} | ${ms(a)} | ${ms(b)} | ×${(b / a).toFixed(2)} |`);
  }
  for (const e of Object.values(engines)) {
    await e.server.close();
    fs.rmSync(e.dataDir, { recursive: true, force: true });
  }
  out();
}

out(`# bench:engine — ${new Date().toISOString()} — node ${process.version}, ${os.availableParallelism()} cores, ${os.cpus()[0]?.model ?? ''}`);
out();
if (args.against) {
  await against(args.against, benchImages());
} else if (!args['skip-model']) {
  await latencyAndThroughput(benchImages());
  await countsByShape();
  await accuracy();
  await hardImpostors();
}
if (!args['skip-search']) await search();
