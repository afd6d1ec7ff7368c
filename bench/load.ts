/**
 * `npm run bench:load [-- --duration 60] [-- --phases 8,32] [-- --soak 300] [-- --subscribers 300]`
 *
 * The local stack under load, as clients see it. It starts `npm start` as a child process (so
 * its RSS can be read; or use `--endpoint URL --api-key K --admin-token T [--pid N]` for a
 * running stack) and then:
 *   1. for each phase, holds C concurrent clients for `--duration` seconds: C/2 authenticate a
 *      registered person with another photo of them, C/2 register a person under a fresh userId
 *      and delete them again (so the collection stays the same size); prints throughput,
 *      p50/p95/p99 of each mutation, errors by errorType, and the stack's RSS before and after;
 *   2. opens `--subscribers` WebSocket subscriptions (AppSync real-time protocol, the CLI's
 *      client) to one registration, runs it, and prints how many received every progress event
 *      and the event→delivery latency (the event's `at`, stamped by the flow, to receipt);
 *   3. with `--soak S`, holds `--soak-clients` clients for S seconds, sampling RSS every
 *      `--rss-every` seconds, and prints the first and last minute's median and the slope.
 * Photos: ../shared/faces (authenticate: the e2e tests' pairs; register: one photo of each other
 * person that registers cleanly on this engine, found at start).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { GraphQLClient, GraphQLRequestError, TransportError, type Authorization } from '../cli/graphql';
import * as op from '../cli/operations';
import { facesDir, haveFaces, identities, read } from './lib/faces';
import { rssOf, startStackProcess, type StackProcess } from './lib/stack-process';
import { quantile } from './lib/stats';
import { distinctBytes, uploadBytes } from './lib/upload';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    phases: { type: 'string', default: '8,32' },
    soak: { type: 'string', default: '0' },
    'soak-clients': { type: 'string', default: '8' },
    subscribers: { type: 'string', default: '300' },
    'rss-every': { type: 'string', default: '5' },
    workers: { type: 'string', default: '2' },
    data: { type: 'string' },
    endpoint: { type: 'string' },
    'api-key': { type: 'string' },
    'admin-token': { type: 'string' },
    pid: { type: 'string' },
  },
});
const DURATION_S = Number(args.duration);
const PHASES = args.phases.split(',').filter(Boolean).map(Number);
const SOAK_S = Number(args.soak);
const SUBSCRIBERS = Number(args.subscribers);
const RSS_EVERY_S = Number(args['rss-every']);

/** Same-person pairs of the e2e tests (≥ 99.7 both ways on the local engine): who authenticates. */
const AUTH_PEOPLE: [string, string, string][] = [
  ['deepface_id10', 'deepface/img13.jpg', 'deepface/img14.jpg'],
  ['deepface_id01', 'deepface/img20.jpg', 'deepface/img21.jpg'],
  ['deepface_id08', 'deepface/img49.jpg', 'deepface/img8.jpg'],
];

if (!haveFaces()) {
  console.error(`bench:load needs the labelled photos at ${facesDir} (see shared/faces/README.md)`);
  process.exit(2);
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const fmt = (v: number) => (Number.isFinite(v) ? `${v.toFixed(0)}` : '-').padStart(6);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function errorTypeOf(e: unknown): string {
  if (e instanceof GraphQLRequestError) return e.errorType;
  if (e instanceof TransportError) return 'TRANSPORT';
  return e instanceof Error ? e.name : 'unknown';
}

interface Target {
  client: GraphQLClient;
  app: Authorization;
  admin: Authorization;
  rss: () => number | undefined;
  stack?: StackProcess;
  dataDir?: string;
}

async function connect(): Promise<Target> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  if (args.endpoint) {
    if (!args['api-key'] || !args['admin-token']) throw new Error('--endpoint needs --api-key and --admin-token (registered users are deleted again)');
    const pid = args.pid ? Number(args.pid) : undefined;
    return {
      client: new GraphQLClient({ graphqlUrl: args.endpoint }),
      app: { apiKey: args['api-key'] },
      admin: { token: args['admin-token'] },
      rss: () => (pid ? rssOf(pid) : undefined),
    };
  }
  const dataDir = args.data ? path.resolve(args.data) : fs.mkdtempSync(path.join(os.tmpdir(), 'facegate-bench-load-'));
  const stack = await startStackProcess({ dataDir, workers: Number(args.workers) });
  console.log(`stack: pid ${stack.pid}, ready in ${(stack.startMs / 1000).toFixed(1)} s (spawn → ready), ${args.workers} engine worker(s), data ${dataDir}`);
  return {
    client: new GraphQLClient({ graphqlUrl: stack.info.graphqlUrl, realtimeUrl: stack.info.realtimeUrl }),
    app: { apiKey: stack.info.apiKey },
    admin: { token: stack.info.adminToken },
    rss: () => stack.rss(),
    stack,
    dataDir,
  };
}

const t = await connect();

/** Every upload has bytes of its own (distinctBytes): the engine's image cache must not answer a repeated photo. */
const upload = (bytes: Buffer): Promise<string> => uploadBytes(t.client, t.app, distinctBytes(bytes));

const registerUser = async (userId: string, photo: Buffer, registrationId = randomUUID()) => {
  const vars: op.RegisterUserVars = { input: { userId, image: { s3Key: await upload(photo) }, registrationId } };
  return (await t.client.request<op.RegisterUserData>(op.REGISTER_USER, vars, t.app)).registerUser;
};
const deleteUser = (userId: string) => t.client.request<op.DeleteUserData>(op.DELETE_USER, { userId } satisfies op.DeleteUserVars, t.admin);

const runId = Date.now().toString(36);

/** The people who authenticate (registered once), and one registering photo per other person. */
async function cast(): Promise<{ auth: { userId: string; photo: Buffer }[]; register: { name: string; photo: Buffer }[] }> {
  const auth = [];
  for (const [name, enroll, other] of AUTH_PEOPLE) {
    const userId = `load-${runId}-auth-${name}`;
    await registerUser(userId, read(enroll));
    auth.push({ userId, photo: read(other) });
  }
  const taken = new Set(AUTH_PEOPLE.map(([name]) => name));
  const byPerson = new Map<string, string[]>();
  for (const { file, identity } of identities()) if (!taken.has(identity)) byPerson.set(identity, [...(byPerson.get(identity) ?? []), file]);
  const register = [];
  for (const [name, files] of byPerson) {
    for (const file of files) {
      const userId = `load-${runId}-probe-${name}`;
      try {
        await registerUser(userId, read(file));
        await deleteUser(userId);
        register.push({ name, photo: read(file) });
        break;
      } catch {
        // this photo does not register cleanly here (pose, quality, duplicate…): try the next
      }
    }
  }
  return { auth, register };
}

interface OpStats {
  ms: number[];
  errors: Map<string, number>;
}

const newStats = (): OpStats => ({ ms: [], errors: new Map() });
const countError = (s: OpStats, e: unknown) => {
  const type = errorTypeOf(e);
  s.errors.set(type, (s.errors.get(type) ?? 0) + 1);
};

/** A pool of people to register: a client takes one, registers and deletes them, gives them back. */
class People<T> {
  private readonly waiting: ((p: T) => void)[] = [];
  constructor(private readonly free: T[]) {}
  take(): Promise<T> {
    const p = this.free.pop();
    return p !== undefined ? Promise.resolve(p) : new Promise((resolve) => this.waiting.push(resolve));
  }
  give(p: T): void {
    const next = this.waiting.shift();
    if (next) next(p);
    else this.free.push(p);
  }
}

const rssSamples: { at: number; rss: number }[] = [];
const benchStart = performance.now();
const sampleRss = () => {
  const rss = t.rss();
  if (rss !== undefined) rssSamples.push({ at: (performance.now() - benchStart) / 1000, rss });
  return rss;
};
const sampler = setInterval(sampleRss, RSS_EVERY_S * 1000);

async function phase(clients: number, seconds: number, people: Awaited<ReturnType<typeof cast>>) {
  const stats = { authenticate: newStats(), registerUser: newStats(), deleteUser: newStats() };
  const pool = new People([...people.register]);
  const deadline = performance.now() + seconds * 1000;
  const authClients = Math.ceil(clients / 2);
  let n = 0;
  const authLoop = async (i: number) => {
    const person = people.auth[i % people.auth.length]!;
    while (performance.now() < deadline) {
      try {
        const s3Key = await upload(person.photo);
        const started = performance.now();
        const result = await t.client.request<op.AuthenticateData>(op.AUTHENTICATE, { input: { userId: person.userId, image: { s3Key } } } satisfies op.AuthenticateVars, t.app);
        stats.authenticate.ms.push(performance.now() - started);
        if (!result.authenticate.authenticated) countError(stats.authenticate, new Error('NOT_AUTHENTICATED'));
      } catch (e) {
        countError(stats.authenticate, e);
      }
    }
  };
  const registerLoop = async () => {
    while (performance.now() < deadline) {
      const person = await pool.take();
      const userId = `load-${runId}-${clients}-${(n += 1)}`;
      try {
        const s3Key = await upload(person.photo);
        const started = performance.now();
        await t.client.request<op.RegisterUserData>(op.REGISTER_USER, { input: { userId, image: { s3Key }, registrationId: randomUUID() } } satisfies op.RegisterUserVars, t.app);
        stats.registerUser.ms.push(performance.now() - started);
        const deleting = performance.now();
        await deleteUser(userId);
        stats.deleteUser.ms.push(performance.now() - deleting);
      } catch (e) {
        countError(stats.registerUser, e);
        await deleteUser(userId).catch(() => undefined);
      } finally {
        pool.give(person);
      }
    }
  };
  const rssBefore = sampleRss();
  const started = performance.now();
  await Promise.all([...Array.from({ length: authClients }, (_, i) => authLoop(i)), ...Array.from({ length: clients - authClients }, registerLoop)]);
  const wall = (performance.now() - started) / 1000;
  const rssAfter = sampleRss();
  return { clients, authClients, wall, stats, rssBefore, rssAfter };
}

function report(p: Awaited<ReturnType<typeof phase>>) {
  console.log(`\n${p.clients} concurrent clients (${p.authClients} authenticate, ${p.clients - p.authClients} registerUser + deleteUser) for ${p.wall.toFixed(0)} s; stack RSS ${p.rssBefore ? mb(p.rssBefore) : 'n/a'} → ${p.rssAfter ? mb(p.rssAfter) : 'n/a'}`);
  console.log(`  ${'mutation'.padEnd(13)} ${'ok'.padStart(6)} ${'ok/s'.padStart(6)}    p50    p95    p99    max (ms)  errors`);
  for (const [name, s] of Object.entries(p.stats)) {
    const sorted = [...s.ms].sort((a, b) => a - b);
    const errors = [...s.errors].map(([type, count]) => `${type} ×${count}`).join(', ') || 'none';
    const ok = sorted.length - (s.errors.get('NOT_AUTHENTICATED') ?? 0);
    console.log(`  ${name.padEnd(13)} ${String(ok).padStart(6)} ${(ok / p.wall).toFixed(2).padStart(6)} ${fmt(quantile(sorted, 0.5))} ${fmt(quantile(sorted, 0.95))} ${fmt(quantile(sorted, 0.99))} ${fmt(sorted.at(-1) ?? NaN)}       ${errors}`);
  }
}

/** N subscribers of one registration: who got every event, and how long each took to arrive. */
async function subscribers(count: number, person: { photo: Buffer }) {
  const registrationId = randomUUID();
  const received: { seq: number; delayMs: number }[][] = [];
  const errors: string[] = [];
  const subs = [];
  const opened = performance.now();
  for (let i = 0; i < count; i++) {
    const mine: { seq: number; delayMs: number }[] = [];
    received.push(mine);
    subs.push(
      t.client.subscribe<op.OnRegistrationProgressData>(op.ON_REGISTRATION_PROGRESS, { registrationId }, t.app, {
        next: (d) => d.onRegistrationProgress && mine.push({ seq: d.onRegistrationProgress.seq, delayMs: Date.now() - Date.parse(d.onRegistrationProgress.at) }),
        error: (e) => errors.push(e.message),
      }),
    );
  }
  const ready = await Promise.allSettled(subs.map((s) => s.ready));
  const acked = ready.filter((r) => r.status === 'fulfilled').length;
  const openMs = performance.now() - opened;
  const rss = sampleRss();
  const userId = `load-${runId}-fanout`;
  const result = await registerUser(userId, person.photo, registrationId);
  const { registration } = await t.client.request<op.RegistrationData>(op.REGISTRATION, { registrationId }, t.app);
  const total = registration?.events.length ?? 0;
  // Delivery is asynchronous to the mutation's answer: wait until nothing more arrives.
  for (let quiet = 0, last = -1; quiet < 4; ) {
    await sleep(250);
    const now = received.reduce((n, r) => n + r.length, 0);
    quiet = now === last ? quiet + 1 : 0;
    last = now;
  }
  await Promise.all(subs.map((s) => s.close()));
  await deleteUser(userId);
  const complete = received.filter((r) => new Set(r.map((e) => e.seq)).size === total).length;
  const delays = received.flat().map((e) => e.delayMs).sort((a, b) => a - b);
  console.log(`\n${count} WebSocket subscribers of one registration (${result.status}, ${total} progress events): ${acked} subscribed in ${(openMs / 1000).toFixed(1)} s, RSS with them open ${rss ? mb(rss) : 'n/a'}`);
  console.log(`  ${complete} of ${count} received all ${total} events (${delays.length} deliveries of ${count * total})${errors.length ? `; errors: ${[...new Set(errors)].slice(0, 3).join(' | ')} (${errors.length})` : ''}`);
  console.log(`  event → delivery: p50 ${fmt(quantile(delays, 0.5))} ms, p95 ${fmt(quantile(delays, 0.95))} ms, p99 ${fmt(quantile(delays, 0.99))} ms, max ${fmt(delays.at(-1) ?? NaN)} ms`);
}

function soakReport(from: number, to: number) {
  const samples = rssSamples.filter((s) => s.at >= from && s.at <= to);
  if (samples.length < 4) return console.log('  (too few RSS samples)');
  const median = (xs: number[]) => quantile([...xs].sort((a, b) => a - b), 0.5);
  const first = samples.filter((s) => s.at < from + 60).map((s) => s.rss);
  const last = samples.filter((s) => s.at > to - 60).map((s) => s.rss);
  const n = samples.length;
  const mx = samples.reduce((a, s) => a + s.at, 0) / n;
  const my = samples.reduce((a, s) => a + s.rss, 0) / n;
  const slope = samples.reduce((a, s) => a + (s.at - mx) * (s.rss - my), 0) / samples.reduce((a, s) => a + (s.at - mx) ** 2, 0);
  const rs = samples.map((s) => s.rss);
  const minutes: string[] = [];
  for (let m = from; m < to - 30; m += 60) {
    const inMinute = samples.filter((s) => s.at >= m && s.at < m + 60).map((s) => s.rss);
    if (inMinute.length) minutes.push((median(inMinute) / 2 ** 20).toFixed(0));
  }
  console.log(`  RSS over the soak: first minute median ${mb(median(first))}, last minute median ${mb(median(last))} (${(((median(last) - median(first)) / median(first)) * 100).toFixed(1)} %), min ${mb(Math.min(...rs))}, max ${mb(Math.max(...rs))}; slope ${((slope * 60) / 2 ** 20).toFixed(2)} MB/min over ${n} samples every ${RSS_EVERY_S} s`);
  console.log(`  RSS median of each minute (MB): ${minutes.join(' ')}`);
}

let people: Awaited<ReturnType<typeof cast>> | undefined;
try {
  console.log(`facegate load bench: ${os.cpus().length} cores (shared), phases ${PHASES.join(' then ')} clients × ${DURATION_S} s${SOAK_S ? `, soak ${args['soak-clients']} clients × ${SOAK_S} s` : ''}, ${SUBSCRIBERS} subscribers`);
  const castStart = performance.now();
  people = await cast();
  console.log(`cast: ${people.auth.length} people authenticate, ${people.register.length} people register (one photo each, checked in ${((performance.now() - castStart) / 1000).toFixed(0)} s); RSS ${t.rss() ? mb(t.rss()!) : 'n/a'}`);
  for (const clients of PHASES) report(await phase(clients, DURATION_S, people));
  if (SUBSCRIBERS > 0) await subscribers(SUBSCRIBERS, people.register[0]!);
  const soakPeople = people;
  if (SOAK_S > 0) {
    const from = (performance.now() - benchStart) / 1000;
    const p = await phase(Number(args['soak-clients']), SOAK_S, soakPeople);
    report(p);
    soakReport(from, (performance.now() - benchStart) / 1000);
  }
} finally {
  clearInterval(sampler);
  for (const { userId } of people?.auth ?? []) await deleteUser(userId).catch(() => undefined);
  if (t.stack) {
    await t.stack.stop();
    if (!args.data && t.dataDir) fs.rmSync(t.dataDir, { recursive: true, force: true });
  }
}
