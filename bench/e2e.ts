/**
 * `npm run bench:e2e [-- --n 20] [-- --workers 2] [-- --data DIR]`
 *
 * The local stack end to end: time from start to ready, then p50/p95 of registerUser and
 * authenticate as a client sees them (GraphQL over HTTP → local AppSync → resolver pipeline →
 * step Lambda → DynamoDB / S3 / face engine), against a baseline measured in the same run on the
 * same stack: the same flows invoked directly through the step Lambda handlers in-process (no
 * GraphQL, no AppSync layer). Iterations alternate e2e / baseline so drift hits both alike.
 * Each iteration registers a distinct user (one of the people in ../shared/faces, or faces
 * cropped from @vladmandic/face-api's demo photos without it), authenticates them with another
 * photo, and deletes them (untimed) so the face can be enrolled again. On the e2e path it also
 * signs them in with the face (Cognito custom auth on the local user pool: InitiateAuth, the
 * ticket's PUT, RespondToAuthChallenge → tokens), compared with what authenticate costs a client
 * that uploads first (createUploadUrl + PUT + authenticate).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DetectFacesCommand, RekognitionClient, type BoundingBox } from '@aws-sdk/client-rekognition';
import sharp from 'sharp';
import { GraphQLClient, type Authorization } from '../cli/graphql';
import * as op from '../cli/operations';
import { signInWithFace } from '../cli/signin';
import type { StepResponse } from '../functions/lib/contract';
import { modelPasses, type ModelPasses } from '../local/rekognition/index';
import { startLocalStack, type LocalStack } from '../local/stack/index';
import { facesDir, haveFaces, repoRoot } from './lib/faces';
import { quantile } from './lib/stats';
import { distinctBytes, uploadBytes } from './lib/upload';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '2' },
    workers: { type: 'string', default: '2' },
    data: { type: 'string' },
  },
});
const N = Number(args.n);
const WARMUP = Number(args.warmup);

process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

interface Person {
  name: string;
  enroll: Buffer;
  auth: Buffer;
}

/** Same-person pairs scoring ≥ 99 both ways on the local engine; enrolment photos without sunglasses. */
const SHARED_PEOPLE: [string, string, string][] = [
  ['deepface_id00', 'deepface/img2.jpg', 'deepface/img6.jpg'],
  ['deepface_id10', 'deepface/img13.jpg', 'deepface/img14.jpg'],
  ['deepface_id01', 'deepface/img20.jpg', 'deepface/img21.jpg'],
  ['deepface_id08', 'deepface/img49.jpg', 'deepface/img8.jpg'],
  ['deepface_id03', 'deepface/img24.jpg', 'deepface/img25.jpg'],
  ['deepface_id05', 'deepface/img36.jpg', 'deepface/img37.jpg'],
  ['deepface_id09', 'deepface/img3.jpg', 'deepface/img53.jpg'],
  ['deepface_id02', 'deepface/img22.jpg', 'deepface/img23.jpg'],
  ['deepface_id04', 'deepface/img31.jpg', 'deepface/img32.jpg'],
  ['deepface_id07', 'deepface/img42.jpg', 'deepface/img46.jpg'],
  ['deepface_id12', 'deepface/img18.jpg', 'deepface/img19.jpg'],
  ['alex_lacamoire', 'face_recognition/test__alex_lacamoire1.jpg', 'face_recognition/train__alex_lacamoire__img1.jpg'],
  ['obama', 'face_recognition/test__obama1.jpg', 'face_recognition/tests__obama3.jpg'],
];

async function people(stack: LocalStack): Promise<{ list: Person[]; source: string }> {
  if (haveFaces()) {
    const read = (f: string) => fs.readFileSync(path.join(facesDir, f));
    return { list: SHARED_PEOPLE.map(([name, a, b]) => ({ name, enroll: read(a), auth: read(b) })), source: `${facesDir} (${SHARED_PEOPLE.length} people, a different photo to authenticate)` };
  }
  // No labelled photos: single faces cropped from the demo group photos; the same crop authenticates.
  const rekognition = new RekognitionClient({ region: stack.region, credentials: stack.credentials, endpoint: stack.endpoints.rekognition });
  const list: Person[] = [];
  for (const i of [1, 2, 3, 4, 5, 6]) {
    const photo = fs.readFileSync(path.join(repoRoot, 'node_modules/@vladmandic/face-api/demo', `sample${i}.jpg`));
    const { FaceDetails = [] } = await rekognition.send(new DetectFacesCommand({ Image: { Bytes: photo } }));
    const meta = await sharp(photo).rotate().metadata();
    const W = meta.autoOrient?.width ?? meta.width ?? 0;
    const H = meta.autoOrient?.height ?? meta.height ?? 0;
    for (const [j, f] of FaceDetails.entries()) {
      const b = f.BoundingBox as BoundingBox;
      const w = (b.Width ?? 0) * W, h = (b.Height ?? 0) * H;
      const left = Math.max(0, Math.round((b.Left ?? 0) * W - 0.3 * w)), top = Math.max(0, Math.round((b.Top ?? 0) * H - 0.3 * h));
      const crop = await sharp(photo).rotate().extract({ left, top, width: Math.min(W - left, Math.round(w * 1.6)), height: Math.min(H - top, Math.round(h * 1.6)) }).jpeg({ quality: 92 }).toBuffer();
      if (w >= 80) list.push({ name: `demo${i}-${j}`, enroll: crop, auth: crop });
    }
  }
  console.warn(`!!! ../shared/faces not found: using ${list.length} faces cropped from the face-api demo photos (authenticating with the enrolment crop)`);
  return { list, source: 'face-api demo crops (same crop to authenticate)' };
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: quantile(s, 0.5), p95: quantile(s, 0.95), n: s.length };
};
const fmt = (v: number) => `${v.toFixed(0)} ms`.padStart(8);

const dataDir = args.data ? path.resolve(args.data) : fs.mkdtempSync(path.join(os.tmpdir(), 'facegate-bench-e2e-'));
const t0 = performance.now();
const stack = await startLocalStack({ dataDir, port: 0, log: false, engineWorkers: Number(args.workers) });
const readyMs = performance.now() - t0;

try {
  const client = new GraphQLClient({ graphqlUrl: stack.graphqlUrl, realtimeUrl: stack.realtimeUrl });
  const app: Authorization = { apiKey: stack.apiKey };
  const admin: Authorization = { token: stack.adminToken };
  const { list, source } = await people(stack);
  if (list.length === 0) throw new Error('no faces to benchmark with');

  const upload = (bytes: Buffer): Promise<string> => uploadBytes(client, app, bytes);
  const lambda = async (name: keyof LocalStack['lambdas'], payload: unknown): Promise<unknown> => {
    const r = (await stack.lambdas[name](payload)) as StepResponse;
    if (r.error) throw new Error(`${r.error.type}: ${r.error.message}`);
    return r.result;
  };

  type Path = 'e2e' | 'baseline';
  const times: Record<Path, { register: number[]; authenticate: number[] }> = { e2e: { register: [], authenticate: [] }, baseline: { register: [], authenticate: [] } };
  /** e2e only: a face sign-in, and createUploadUrl + PUT + authenticate (the same work a client does without Cognito). */
  const signIn = { signIn: [] as number[], uploadAndAuthenticate: [] as number[] };
  const userPool = { endpoint: stack.userPool.endpoint, clientId: stack.userPool.userPoolClientId };
  const failures: string[] = [];
  const runId = Date.now().toString(36);
  // face-model passes of the timed flows (the stack's engine runs in this process)
  const passes: Record<'register' | 'authenticate', ModelPasses[]> = { register: [], authenticate: [] };
  const passesOf = async <T>(flow: 'register' | 'authenticate', record: boolean, fn: () => Promise<T>): Promise<T> => {
    const before = modelPasses();
    try {
      return await fn();
    } finally {
      const after = modelPasses();
      if (record) passes[flow].push(Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - before[k as keyof ModelPasses]])) as unknown as ModelPasses);
    }
  };

  const iteration = async (i: number, via: Path, record: boolean) => {
    const person = list[i % list.length]!;
    const userId = `bench-${runId}-${via}-${i}`;
    const registrationId = randomUUID();
    // The two paths register the same people: distinct bytes, or the engine's image cache answers.
    const enrollKey = await upload(distinctBytes(person.enroll));
    const uploadStart = performance.now();
    const authKey = await upload(distinctBytes(person.auth));
    const uploadMs = performance.now() - uploadStart;
    let start = performance.now();
    await passesOf('register', record, async () => {
      if (via === 'e2e') {
        await client.request<op.RegisterUserData>(op.REGISTER_USER, { input: { userId, image: { s3Key: enrollKey }, registrationId } } satisfies op.RegisterUserVars, app);
      } else {
        await lambda('register', { step: 'registerUser', args: { input: { userId, image: { s3Key: enrollKey }, registrationId } }, identity: null, stash: { registrationId } });
      }
    });
    const registerMs = performance.now() - start;
    start = performance.now();
    let authenticated: boolean;
    try {
      authenticated = await passesOf('authenticate', record, async () =>
        via === 'e2e'
          ? (await client.request<op.AuthenticateData>(op.AUTHENTICATE, { input: { userId, image: { s3Key: authKey } } } satisfies op.AuthenticateVars, app)).authenticate.authenticated
          : ((await lambda('authenticate', { step: 'authenticate', args: { input: { userId, image: { s3Key: authKey } } }, identity: null, stash: {} })) as { authenticated: boolean }).authenticated,
      );
    } catch (e) {
      authenticated = false;
      failures.push(`${via} ${person.name}: ${(e as Error).message}`);
    }
    const authMs = performance.now() - start;
    if (record) {
      times[via].register.push(registerMs);
      if (authenticated) times[via].authenticate.push(authMs);
    }
    if (via === 'e2e' && authenticated) {
      start = performance.now();
      try {
        await signInWithFace(userPool, userId, person.auth, 'image/jpeg');
        if (record) {
          signIn.signIn.push(performance.now() - start);
          signIn.uploadAndAuthenticate.push(uploadMs + authMs);
        }
      } catch (e) {
        failures.push(`sign-in ${person.name}: ${(e as Error).message}`);
      }
    }
    await client.request(op.DELETE_USER, { userId }, admin);
  };

  console.log(`facegate e2e bench: ${os.cpus().length} cores, engine ${args.workers} worker(s), N=${N} per path (+${WARMUP} warm-up), auth threshold ${stack.authThreshold.value}`);
  console.log(`faces: ${source}`);
  for (let i = 0; i < WARMUP; i++) {
    await iteration(i, 'e2e', false);
    await iteration(i, 'baseline', false);
  }
  for (let i = 0; i < N; i++) {
    // Alternate which path goes first, so neither always follows the other's cleanup.
    const order: Path[] = i % 2 === 0 ? ['e2e', 'baseline'] : ['baseline', 'e2e'];
    for (const via of order) await iteration(WARMUP + i, via, true);
  }

  const row = (label: string, e: number[], b: number[]) => {
    const se = stats(e), sb = stats(b);
    return `${label.padEnd(14)}${fmt(se.p50)}${fmt(se.p95)}   ${fmt(sb.p50)}${fmt(sb.p95)}   ${(se.p50 / sb.p50).toFixed(2).padStart(6)}×  ${fmt(se.p50 - sb.p50)}`;
  };
  console.log(`
start → ready   ${(readyMs / 1000).toFixed(1)} s   (${Object.entries(stack.timings).map(([k, v]) => `${k} ${v} ms`).join(', ')})

                e2e: GraphQL/HTTP      baseline: handler     ratio   overhead
                     p50     p95            p50     p95      (p50)      (p50)
${row('registerUser', times.e2e.register, times.baseline.register)}
${row('authenticate', times.e2e.authenticate, times.baseline.authenticate)}

                face sign-in           upload+authenticate
                (Cognito custom auth)  (GraphQL, e2e)
${row('sign-in', signIn.signIn, signIn.uploadAndAuthenticate)}

n = ${times.e2e.register.length} register / ${times.e2e.authenticate.length} authenticated (e2e), ${times.baseline.register.length} / ${times.baseline.authenticate.length} (baseline), ${signIn.signIn.length} signed in

face-model passes per flow (mean over the timed runs; one selfie each):
${(['register', 'authenticate'] as const).map((f) => {
    const mean = (k: keyof ModelPasses) => (passes[f].reduce((s, p) => s + p[k], 0) / Math.max(1, passes[f].length)).toFixed(2);
    return `  ${(f === 'register' ? 'registerUser' : 'authenticate').padEnd(14)}decodes ${mean('decode')}  detector ${mean('detect')}  mesh ${mean('mesh')}  descriptors ${mean('descriptor')}`;
  }).join('\n')}`);
  if (failures.length > 0) console.log(`not authenticated (${failures.length}):\n  ${failures.join('\n  ')}`);
} finally {
  await stack.close();
  if (!args.data) fs.rmSync(dataDir, { recursive: true, force: true });
}
