/**
 * Runs the built resolver bundles in the local APPSYNC_JS runtime (local/appsync/runtime): its
 * sandbox and its `@aws-appsync/utils`. `load(code)` runs one handler against a ctx the test
 * builds; `runPipeline` resolves a whole field through createResolverRuntime, following the
 * manifest, with Lambdas answered by the test and the `table` data source on an embedded
 * DynamoDB (dynalite) when asked for.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildResolvers, type BuiltResolver } from '../../resolvers/build';
import type { DataSourceSpec, LambdaName } from '../../resolvers/manifest';
import type { DataSourceBindings, FieldOutcome, SubscriptionFilter } from '../../local/appsync/contract';
import { createResolverRuntime, createSandbox, type LocalResolverRuntime, type Sandbox } from '../../local/appsync/runtime';
import { fieldRequest, startDynamo, type EmbeddedDynamo } from '../local/runtime/support';

/** An error a handler raised with util.error (or the first error of a failed field). */
export class AppSyncError extends Error {
  constructor(
    message: string,
    readonly errorType: string | null,
    readonly data: unknown,
    readonly errorInfo: unknown,
  ) {
    super(message);
    this.name = 'AppSyncError';
  }
}

export interface Handlers {
  request(ctx: Ctx): unknown;
  response(ctx: Ctx): unknown;
}

export interface Ctx {
  args: Record<string, unknown>;
  arguments: Record<string, unknown>;
  identity: unknown;
  source: Record<string, unknown> | null;
  stash: Record<string, unknown>;
  prev: { result: unknown };
  result: unknown;
  error?: { message: string; type: string };
  info: { fieldName: string; parentTypeName: string; variables: Record<string, unknown>; selectionSetList: string[]; selectionSetGraphQL: string };
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
    identity: init.identity ?? null,
    source: init.source ?? null,
    stash: init.stash ?? {},
    prev: { result: init.prevResult },
    result: init.result,
    error: init.error,
    info: {
      fieldName: init.fieldName ?? 'field',
      parentTypeName: init.typeName ?? 'Query',
      variables: {},
      selectionSetList: [],
      selectionSetGraphQL: '',
    },
    request: { headers: {}, domainName: null },
    env: {},
  };
}

/** What a fake Lambda answers: a result, or an error it throws (→ ctx.error Lambda:Unhandled). */
export type DataSourceAnswer = { result: unknown } | { error: { message: string; type: string } };

export interface DataSourceCall {
  dataSource: DataSourceSpec;
  request: unknown;
}

export interface PipelineRun {
  result: unknown;
  errors: FieldOutcome['errors'];
  subscriptionFilter?: SubscriptionFilter;
  calls: DataSourceCall[];
}

export interface Bundles {
  dir: string;
  built: BuiltResolver[];
  /** The runtime every pipeline runs in. */
  runtime: LocalResolverRuntime;
  /** The embedded DynamoDB behind the `table` data source (buildBundles({dynamodb: true})). */
  dynamo: EmbeddedDynamo | null;
  /** A bundle's handlers, each call run in the runtime's sandbox against the given ctx. */
  load(code: string): Promise<Handlers>;
  cleanup(): Promise<void>;
}

let answerLambda: ((call: DataSourceCall) => DataSourceAnswer) | null = null;
let recordCall: ((call: DataSourceCall) => void) | null = null;

function handlerOf(sandbox: Sandbox, code: string, handler: 'request' | 'response'): (ctx: Ctx) => unknown {
  return (ctx) => {
    const inv = sandbox.open({
      arguments: ctx.arguments,
      identity: ctx.identity,
      source: ctx.source,
      info: ctx.info,
      request: ctx.request,
      env: ctx.env,
      stash: ctx.stash,
    });
    try {
      const out = inv.run(code, handler, {
        prev: { result: ctx.prev.result ?? null },
        clearResult: true,
        ...(ctx.result === undefined ? {} : { result: ctx.result }),
        error: ctx.error ?? null,
      });
      const stash = inv.stash();
      for (const k of Object.keys(ctx.stash)) delete ctx.stash[k];
      Object.assign(ctx.stash, stash);
      if (out.kind === 'error') throw new AppSyncError(out.error.message, out.error.errorType, out.error.data, out.error.errorInfo);
      if (out.kind === 'crash') throw new Error(out.error.message);
      return out.value;
    } finally {
      inv.end();
    }
  };
}

/** Builds every bundle into a temp dir (once per test file) and starts the runtime on them. */
export async function buildBundles(options: { dynamodb?: boolean } = {}): Promise<Bundles> {
  const dir = mkdtempSync(join(tmpdir(), 'facegate-resolvers-'));
  const built = await buildResolvers(join(dir, 'dist'));
  const dynamo = options.dynamodb ? await startDynamo() : null;
  const lambda = (name: LambdaName) => async (payload: unknown) => {
    if (!answerLambda) throw new Error('no Lambda answer set for ' + name);
    const got = answerLambda({ dataSource: { name, kind: 'AWS_LAMBDA', lambda: name, steps: [] }, request: { operation: 'Invoke', payload } });
    if ('error' in got) throw new Error(got.error.message);
    return got.result;
  };
  const bindings: DataSourceBindings = {
    lambdas: { uploads: lambda('uploads'), register: lambda('register'), authenticate: lambda('authenticate'), admin: lambda('admin'), account: lambda('account') },
    dynamodb: dynamo ? { client: dynamo.client, tableName: dynamo.tableName } : ({ client: null, tableName: 'none' } as unknown as DataSourceBindings['dynamodb']),
  };
  const runtime = await createResolverRuntime({
    bindings,
    bundleDir: join(dir, 'dist'),
    onDataSourceCall: (call) => recordCall?.({ dataSource: call.dataSource, request: call.request }),
  });
  const sandbox = await createSandbox();
  for (const b of built) await sandbox.load(b.code, readFileSync(b.file, 'utf8'));
  const load = async (code: string): Promise<Handlers> => {
    if (!built.some((b) => b.code === code)) throw new Error(`no bundle for ${code}`);
    return { request: handlerOf(sandbox, code, 'request'), response: handlerOf(sandbox, code, 'response') };
  };
  return {
    dir,
    built,
    runtime,
    dynamo,
    load,
    cleanup: async () => {
      await dynamo?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
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

/**
 * Resolves Type.field in the runtime: before → functions (request → data source → response) →
 * after. Lambdas answer through `lambda`; `table` is the embedded DynamoDB; `none` is NONE.
 * A field that ends in an error rejects with it (as an AppSyncError).
 */
export async function runPipeline(
  bundles: Bundles,
  typeName: string,
  fieldName: string,
  init: Omit<CtxInit, 'typeName' | 'fieldName' | 'prevResult' | 'result' | 'error' | 'stash'>,
  lambda: (call: DataSourceCall) => DataSourceAnswer = () => {
    throw new Error('this pipeline should not invoke a Lambda');
  },
): Promise<PipelineRun> {
  const calls: DataSourceCall[] = [];
  answerLambda = lambda;
  recordCall = (call) => calls.push(call);
  try {
    const out = await bundles.runtime.resolve(
      fieldRequest(typeName, fieldName, init.args ?? {}, {
        identity: (init.identity ?? null) as never,
        source: init.source ?? null,
      }),
    );
    if (out.data === null && out.errors.length > 0) {
      const e = out.errors[0]!;
      throw Object.assign(new AppSyncError(e.message, e.errorType, e.data, e.errorInfo), { outcome: out });
    }
    return { result: out.data, errors: out.errors, subscriptionFilter: out.subscriptionFilter, calls };
  } finally {
    answerLambda = null;
    recordCall = null;
  }
}
