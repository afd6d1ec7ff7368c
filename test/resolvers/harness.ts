/**
 * Loads the built resolver bundles into the test process with `@aws-appsync/utils` pointed at
 * test/support/appsync-utils-standin.ts, builds AppSync-like contexts, and runs a field's whole
 * pipeline (before → functions → after) against fake data sources, following the manifest.
 */
import { mkdtempSync, readFileSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildResolvers, type BuiltResolver } from '../../resolvers/build';
import { dataSources, pipelineFunctions, resolverCode, resolvers, type DataSourceSpec } from '../../resolvers/manifest';
import { AppSyncError } from '../support/appsync-utils-standin';

export const standinUrl = pathToFileURL(
  join(dirname(fileURLToPath(import.meta.url)), '..', 'support', 'appsync-utils-standin.ts'),
).href;

export interface Handlers {
  request(ctx: Ctx): unknown;
  response(ctx: Ctx): unknown;
}

export interface Ctx {
  args: Record<string, unknown>;
  arguments: Record<string, unknown>;
  identity: unknown;
  source: Record<string, unknown> | undefined;
  stash: Record<string, unknown>;
  prev: { result: unknown };
  result: unknown;
  error?: { message: string; type: string };
  info: { fieldName: string; parentTypeName: string; variables: Record<string, unknown>; selectionSetList: string[] };
  request: { headers: Record<string, string>; domainName: string | null };
  env: Record<string, string>;
}

export interface CtxInit {
  typeName?: string;
  fieldName?: string;
  args?: Record<string, unknown>;
  identity?: unknown;
  source?: Record<string, unknown>;
  stash?: Record<string, unknown>;
  prevResult?: unknown;
  result?: unknown;
  error?: { message: string; type: string };
}

export function makeCtx(init: CtxInit = {}): Ctx {
  const args = init.args ?? {};
  return {
    args,
    arguments: args,
    identity: init.identity,
    source: init.source,
    stash: init.stash ?? {},
    prev: { result: init.prevResult },
    result: init.result,
    error: init.error,
    info: {
      fieldName: init.fieldName ?? 'field',
      parentTypeName: init.typeName ?? 'Query',
      variables: {},
      selectionSetList: [],
    },
    request: { headers: {}, domainName: null },
    env: {},
  };
}

export interface Bundles {
  dir: string;
  built: BuiltResolver[];
  /** The bundle of a manifest code, loaded with the stand-in. */
  load(code: string): Promise<Handlers>;
  cleanup(): void;
}

/** Builds every bundle into a temp dir (once per test file) and loads them on demand. */
export async function buildBundles(): Promise<Bundles> {
  const dir = mkdtempSync(join(tmpdir(), 'facegate-resolvers-'));
  const built = await buildResolvers(join(dir, 'dist'));
  const cache = new Map<string, Promise<Handlers>>();
  const load = (code: string): Promise<Handlers> => {
    const hit = cache.get(code);
    if (hit) return hit;
    const bundle = built.find((b) => b.code === code);
    if (!bundle) throw new Error(`no bundle for ${code}`);
    const source = readFileSync(bundle.file, 'utf8').replaceAll('"@aws-appsync/utils"', JSON.stringify(standinUrl));
    const file = join(dir, 'loaded', code + '.mjs');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, source);
    const loaded = import(/* @vite-ignore */ pathToFileURL(file).href) as Promise<Handlers>;
    cache.set(code, loaded);
    return loaded;
  };
  return { dir, built, load, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs `fn` and returns the AppSyncError it raised through util.error (fails if none). */
export function appSyncError(fn: () => unknown): AppSyncError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppSyncError) return e;
    throw e;
  }
  throw new Error('expected util.error to be called');
}

/** What a fake data source answers: a result, or an error as AppSync puts it in ctx.error. */
export type DataSourceAnswer = { result: unknown } | { error: { message: string; type: string } };

export interface DataSourceCall {
  dataSource: DataSourceSpec;
  request: unknown;
}

export interface PipelineRun {
  result: unknown;
  stash: Record<string, unknown>;
  calls: DataSourceCall[];
}

/**
 * Executes a resolver as AppSync runs a pipeline: before.request → for each function
 * (request → data source → response) → after.response; ctx.prev.result carries each step's value.
 */
export async function runPipeline(
  bundles: Bundles,
  typeName: string,
  fieldName: string,
  init: Omit<CtxInit, 'typeName' | 'fieldName' | 'prevResult' | 'result' | 'error'>,
  answer: (call: DataSourceCall) => DataSourceAnswer,
): Promise<PipelineRun> {
  const spec = resolvers.find((r) => r.typeName === typeName && r.fieldName === fieldName);
  if (!spec) throw new Error(`no resolver for ${typeName}.${fieldName}`);
  const ctx = makeCtx({ ...init, typeName, fieldName });
  const resolver = await bundles.load(resolverCode(spec));
  ctx.prev = { result: resolver.request(ctx) };
  const calls: DataSourceCall[] = [];
  for (const name of spec.functions) {
    const fnSpec = pipelineFunctions.find((f) => f.name === name);
    if (!fnSpec) throw new Error(`no function ${name}`);
    const dataSource = dataSources.find((d) => d.name === fnSpec.dataSource);
    if (!dataSource) throw new Error(`no data source ${fnSpec.dataSource}`);
    const fn = await bundles.load(fnSpec.code);
    const request = fn.request(ctx);
    // AppSync hands data sources JSON: what cannot be serialised does not arrive.
    const call = { dataSource, request: JSON.parse(JSON.stringify(request)) as unknown };
    calls.push(call);
    const got = answer(call);
    ctx.result = 'result' in got ? got.result : undefined;
    ctx.error = 'error' in got ? got.error : undefined;
    ctx.prev = { result: fn.response(ctx) };
    ctx.result = undefined;
    ctx.error = undefined;
  }
  return { result: resolver.response(ctx), stash: ctx.stash, calls };
}
