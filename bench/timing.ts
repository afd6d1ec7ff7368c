/**
 * `npm run bench:timing [-- --n 20] [-- --warmup 3] [-- --workers 2]`
 *
 * Does the time a refusal takes tell whether a userId is registered? On the local stack, over
 * GraphQL/HTTP with real photos, `authenticate` is refused along each refusal path, claiming a
 * registered user, an unknown one and an inactive (PENDING) one, in alternating order so drift
 * hits all alike. Only the authenticate request is timed (the upload before it is not). Prints
 * the medians per path and claim and their ratio to the registered claim: indistinguishable
 * means within 10 %. Lockout is disabled for the run (every refusal counts as a failure).
 *
 * Needs ../shared/faces (the labelled photos).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoRecordStore } from '../adapters/dynamodb/record-store';
import { GraphQLClient, GraphQLRequestError, type Authorization } from '../cli/graphql';
import * as op from '../cli/operations';
import { startLocalStack } from '../local/stack/index';
import { facesDir, haveFaces } from './lib/faces';
import { summary } from './lib/stats';
import { distinctBytes, uploadBytes } from './lib/upload';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    workers: { type: 'string', default: '2' },
  },
});
const N = Number(args.n);
const WARMUP = Number(args.warmup);

if (!haveFaces()) {
  console.error(`bench:timing needs the labelled photos in ${facesDir}`);
  process.exit(1);
}
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// Every refusal counts toward the lockout; the bench makes hundreds of them.
process.env.FACEGATE_LOCKOUT_MAX_FAILURES = '1000000';

const photo = (file: string) => fs.readFileSync(path.join(facesDir, file));
/** The registered user (deepface_id10), someone else who is registered (deepface_id01), a stranger (deepface_id08). */
const ENROLLED = { known: photo('deepface/img13.jpg'), other: photo('deepface/img20.jpg') };
const PATHS: { name: string; probe: Buffer; expect: string }[] = [
  { name: 'a face nobody enrolled (1:N finds nobody → 1:1 fallback)', probe: photo('deepface/img49.jpg'), expect: 'FACE_MISMATCH' },
  { name: "someone else's enrolled face (1:N top match)", probe: photo('deepface/img21.jpg'), expect: 'FACE_MISMATCH' },
  { name: 'two faces (screening refusal)', probe: photo('face_recognition/two_people.jpg'), expect: 'MULTIPLE_FACES' },
];
const CLAIMS = ['registered', 'unknown', 'inactive'] as const;
type Claim = (typeof CLAIMS)[number];
const claimedUserId: Record<Claim, string> = { registered: 'timing-known', unknown: 'timing-nobody', inactive: 'timing-pending' };

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facegate-bench-timing-'));
const stack = await startLocalStack({ dataDir, port: 0, log: false, engineWorkers: Number(args.workers) });
try {
  const client = new GraphQLClient({ graphqlUrl: stack.graphqlUrl, realtimeUrl: stack.realtimeUrl });
  const app: Authorization = { apiKey: stack.apiKey };
  for (const [userId, bytes] of [[claimedUserId.registered, ENROLLED.known], ['timing-other', ENROLLED.other]] as const) {
    const s3Key = await uploadBytes(client, app, bytes);
    await client.request<op.RegisterUserData>(op.REGISTER_USER, { input: { userId, image: { s3Key } } } satisfies op.RegisterUserVars, app);
  }
  // An inactive user: a PENDING profile, as a registration in progress leaves it.
  const records = new DynamoRecordStore({
    client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: stack.region, credentials: stack.credentials, endpoint: stack.endpoints.dynamodb })),
    tableName: stack.tableName,
    registrationTtlSeconds: 3600,
    attemptsTtlSeconds: 3600,
  });
  const now = new Date().toISOString();
  await records.createUser({ userId: claimedUserId.inactive, status: 'PENDING', faceIds: [], registrationId: 'timing-bench-pending', createdAt: now, updatedAt: now, version: 0 });

  const attempt = async (claim: Claim, probe: Buffer): Promise<{ ms: number; type: string }> => {
    const s3Key = await uploadBytes(client, app, distinctBytes(probe));
    const start = performance.now();
    const type = await client.request<op.AuthenticateData>(op.AUTHENTICATE, { input: { userId: claimedUserId[claim], image: { s3Key } } } satisfies op.AuthenticateVars, app).then(
      () => 'ACCEPTED',
      (e: unknown) => (e instanceof GraphQLRequestError ? String(e.errorType) : `ERROR ${(e as Error).message}`),
    );
    return { ms: performance.now() - start, type };
  };

  console.log(`facegate timing bench: ${os.cpus().length} cores (shared: other work on the machine adds noise), engine ${args.workers} worker(s), N=${N} per path and claim (+${WARMUP} warm-up), auth threshold ${stack.authThreshold.value}`);
  const unexpected: string[] = [];
  const rows: string[] = [];
  let worst = 0;
  for (const p of PATHS) {
    const times: Record<Claim, number[]> = { registered: [], unknown: [], inactive: [] };
    for (let i = 0; i < WARMUP + N; i += 1) {
      // Rotate which claim goes first.
      const order = CLAIMS.map((_, k) => CLAIMS[(i + k) % CLAIMS.length]!);
      for (const claim of order) {
        const { ms, type } = await attempt(claim, p.probe);
        if (type !== p.expect) unexpected.push(`${p.name}, ${claim}: ${type} (expected ${p.expect})`);
        if (i >= WARMUP) times[claim].push(ms);
      }
    }
    const base = summary(times.registered).median;
    const cells = CLAIMS.map((claim) => {
      const median = summary(times[claim]).median;
      const ratio = median / base;
      if (claim !== 'registered') worst = Math.max(worst, Math.abs(ratio - 1));
      return `${median.toFixed(0).padStart(6)} ms${claim === 'registered' ? '        ' : ` (${ratio.toFixed(3)})`}`;
    });
    rows.push(`${p.name.padEnd(58)}${cells.join('   ')}`);
  }
  console.log(`
median authenticate latency by claimed user (ratio to the registered claim)
${''.padEnd(58)}${CLAIMS.map((c) => c.padEnd(20)).join('   ')}
${rows.join('\n')}

largest difference from the registered claim: ${(worst * 100).toFixed(1)} % — ${worst <= 0.1 ? 'within' : 'NOT within'} 10 %`);
  if (unexpected.length > 0) console.log(`unexpected answers (${unexpected.length}):\n  ${[...new Set(unexpected)].join('\n  ')}`);
} finally {
  await stack.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
