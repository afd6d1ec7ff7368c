/**
 * The local APPSYNC_JS resolver runtime (local/appsync/contract.ts): builds the resolver bundles
 * of resolvers/manifest.ts (or reads prebuilt ones), loads them into the sandbox, and resolves a
 * field as AppSync runs a pipeline resolver:
 *
 *   before (resolver request) → for each function: request → data source → response → after
 *
 * ctx.stash lives across the whole pipeline, ctx.prev.result carries each step's value,
 * ctx.result / ctx.error are the data source's answer in a function's response handler.
 * util.error anywhere ends the field with null and that error; util.appendError collects and
 * goes on; runtime.earlyReturn skips as documented (before → straight to after; function
 * request → its data source and response are skipped).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildResolverSources } from '../../../resolvers/build';
import { codeEntries, dataSources, pipelineFunctions, resolverCode, resolvers, type DataSourceSpec } from '../../../resolvers/manifest';
import type { DataSourceBindings, FieldError, FieldOutcome, FieldRequest, ResolverRuntime, SubscriptionFilter } from '../contract';
import { executeDynamoDb, type DataSourceAnswer } from './dynamodb';
import { createSandbox, type HandlerOutcome, type SandboxInvocation } from './sandbox';

export { createSandbox } from './sandbox';
export type { Sandbox, SandboxInvocation, HandlerOutcome, ContextInit, ContextPatch, InvocationRecord } from './sandbox';
export { executeDynamoDb, encodeNextToken, fromWireMap, toWireMap } from './dynamodb';

/** One data source request, as the runtime sent it (for tests and request logs). */
export interface DataSourceCall {
  typeName: string;
  fieldName: string;
  functionName: string;
  dataSource: DataSourceSpec;
  /** The function's request handler's return value, after JSON (what AppSync sends). */
  request: unknown;
  /** What came back: ctx.result and, for a failure, ctx.error. */
  answer: DataSourceAnswer;
  ms: number;
}

export interface ResolverRuntimeOptions {
  bindings: DataSourceBindings;
  /** A directory of prebuilt bundles (`<dir>/<code>.js`, as resolvers/build.ts writes); default: build now into a temp dir. */
  bundleDir?: string;
  /** Per handler call, ms (AppSync allows a whole request 30 s). Default 1000. */
  handlerTimeoutMs?: number;
  /** ctx.env. */
  env?: Record<string, string>;
  /** ctx.request.domainName (null unless the API has a custom domain). */
  domainName?: string | null;
  /** console.* from resolver code. */
  log?: (level: string, line: string) => void;
  /** Called after every data source request. */
  onDataSourceCall?: (call: DataSourceCall) => void;
  /** Another API than resolvers/manifest.ts (tests of the pipeline semantics). */
  manifest?: RuntimeManifest;
  /** Bundle sources by code (ES modules importing @aws-appsync/utils) instead of building or reading files. */
  bundleSources?: Record<string, string>;
}

export interface RuntimeManifest {
  dataSources: readonly DataSourceSpec[];
  pipelineFunctions: readonly { name: string; code: string; dataSource: string }[];
  resolvers: readonly { typeName: string; fieldName: string; functions: readonly string[] }[];
}

/** What the extended runtime reports besides the contract's ResolverRuntime. */
export interface LocalResolverRuntime extends ResolverRuntime {
  /** ms spent building (0 with bundleDir) and loading the bundles. */
  readonly startup: { buildMs: number; loadMs: number; bundles: number };
}

const jsonClone = (v: unknown): unknown => (v === undefined ? null : (JSON.parse(JSON.stringify(v)) as unknown));

export async function createResolverRuntime(options: ResolverRuntimeOptions): Promise<LocalResolverRuntime> {
  const t0 = performance.now();
  const manifest: RuntimeManifest = options.manifest ?? { dataSources, pipelineFunctions, resolvers };
  const codes = codeEntries(manifest);
  let sources = options.bundleSources;
  if (!sources) {
    const dir = options.bundleDir;
    if (dir) {
      sources = Object.fromEntries(codes.map((code) => [code, readFileSync(join(dir, code + '.js'), 'utf8')]));
    } else {
      if (options.manifest) throw new Error('a custom manifest needs bundleSources or bundleDir');
      sources = Object.fromEntries(await buildResolverSources());
    }
  }
  const t1 = performance.now();
  const sandbox = await createSandbox({ timeoutMs: options.handlerTimeoutMs, log: options.log });
  const loaded = sources;
  await Promise.all(
    codes.map((code) => {
      const source = loaded[code];
      if (source === undefined) throw new Error(`no bundle source for ${code}`);
      return sandbox.load(code, source);
    }),
  );
  const t2 = performance.now();

  const byField = new Map(manifest.resolvers.map((r) => [`${r.typeName}.${r.fieldName}`, r]));
  const functionsByName = new Map(manifest.pipelineFunctions.map((f) => [f.name, f]));
  const sourcesByName = new Map<string, DataSourceSpec>(manifest.dataSources.map((d) => [d.name, d]));

  async function callDataSource(dataSource: DataSourceSpec, request: unknown): Promise<DataSourceAnswer> {
    switch (dataSource.kind) {
      case 'NONE': {
        const payload = (request as { payload?: unknown } | null)?.payload;
        return { result: payload === undefined ? null : jsonClone(payload) };
      }
      case 'AWS_LAMBDA': {
        const r = (request ?? {}) as { operation?: unknown; payload?: unknown; invocationType?: unknown };
        if (r.operation !== 'Invoke') {
          return {
            result: null,
            error: { message: `Unsupported Lambda operation ${JSON.stringify(r.operation)} (the local runtime runs Invoke only)`, type: 'MappingTemplate' },
          };
        }
        const lambda = options.bindings.lambdas[dataSource.lambda];
        if (!lambda) return { result: null, error: { message: `No local binding for Lambda ${dataSource.lambda}`, type: 'Lambda:Unhandled' } };
        const payload = jsonClone(r.payload);
        if (r.invocationType === 'Event') {
          lambda(payload).catch(() => undefined);
          return { result: null };
        }
        try {
          return { result: jsonClone(await lambda(payload)) };
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          return { result: null, error: { message, type: 'Lambda:Unhandled' } };
        }
      }
      case 'AMAZON_DYNAMODB':
        return executeDynamoDb(options.bindings.dynamodb.client, options.bindings.dynamodb.tableName, request);
    }
  }

  async function runPipeline(spec: RuntimeManifest['resolvers'][number], inv: SandboxInvocation, request: FieldRequest): Promise<HandlerOutcome> {
    const code = resolverCode(spec);
    const before = inv.run(code, 'request', { clearResult: true });
    if (before.kind === 'error' || before.kind === 'crash') return before;
    let prev = before.value;
    if (before.kind !== 'early') {
      for (const name of spec.functions) {
        const fn = functionsByName.get(name);
        const dataSource = fn ? sourcesByName.get(fn.dataSource) : undefined;
        if (!fn || !dataSource) throw new Error(`manifest: function ${name} or its data source is missing`);
        const req = inv.run(fn.code, 'request', { prev: { result: prev }, clearResult: true });
        if (req.kind === 'error' || req.kind === 'crash') return req;
        if (req.kind === 'early') {
          prev = req.value;
          if (req.skipTo === 'END') break;
          continue;
        }
        const started = performance.now();
        const answer = await callDataSource(dataSource, jsonClone(req.value));
        options.onDataSourceCall?.({
          typeName: request.typeName,
          fieldName: request.fieldName,
          functionName: name,
          dataSource,
          request: jsonClone(req.value),
          answer,
          ms: performance.now() - started,
        });
        const res = inv.run(fn.code, 'response', { prev: { result: prev }, clearResult: true, result: answer.result, error: answer.error ?? null });
        if (res.kind === 'error' || res.kind === 'crash') return res;
        prev = res.value;
        if (res.kind === 'early' && res.skipTo === 'END') break;
      }
    }
    const after = inv.run(code, 'response', { prev: { result: prev }, clearResult: true });
    return after.kind === 'early' ? { kind: 'value', value: after.value } : after;
  }

  return {
    startup: { buildMs: t1 - t0, loadMs: t2 - t1, bundles: codes.length },
    has(typeName, fieldName) {
      return byField.has(`${typeName}.${fieldName}`);
    },
    async resolve(request) {
      const spec = byField.get(`${request.typeName}.${request.fieldName}`);
      if (!spec) throw new Error(`No resolver for ${request.typeName}.${request.fieldName}`);
      const inv = sandbox.open({
        arguments: jsonClone(request.args) as Record<string, unknown>,
        identity: request.identity,
        source: request.source,
        info: {
          fieldName: request.fieldName,
          parentTypeName: request.typeName,
          variables: request.variables,
          selectionSetList: request.selectionSetList,
          selectionSetGraphQL: request.selectionSetGraphQL,
        },
        request: { headers: request.headers, domainName: options.domainName ?? null },
        env: options.env ?? {},
      });
      let outcome: HandlerOutcome | undefined;
      let failure: unknown;
      try {
        outcome = await runPipeline(spec, inv, request);
      } catch (e) {
        failure = e;
      }
      const record = inv.end();
      if (!outcome) throw failure;
      const errors: FieldError[] = [...record.errors];
      let data: unknown = null;
      if (outcome.kind === 'error' || outcome.kind === 'crash') errors.push(outcome.error);
      else data = outcome.value;
      const result: FieldOutcome = { data, errors };
      if (record.subscriptionFilter !== null && outcome.kind !== 'error' && outcome.kind !== 'crash') {
        result.subscriptionFilter = record.subscriptionFilter as SubscriptionFilter;
      }
      return result;
    },
  };
}
