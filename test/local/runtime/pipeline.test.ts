/**
 * The sandbox and AppSync's pipeline semantics, on a small API of its own: before → functions →
 * after, stash, prev.result, earlyReturn, appendError, ctx.error from Lambda (Lambda:Unhandled)
 * and NONE data sources, and what resolver code cannot reach.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSourceBindings } from '../../../local/appsync/contract';
import { createResolverRuntime, type DataSourceCall, type LocalResolverRuntime, type RuntimeManifest } from '../../../local/appsync/runtime';
import { fieldRequest } from './support';

const U = `import { util, runtime, extensions } from '@aws-appsync/utils';\n`;

const sources: Record<string, string> = {
  // A pass-through resolver: before stashes, after returns prev.result plus what the stash saw.
  'Query.flow': U + `export function request(ctx) { ctx.stash.trail = ['before']; ctx.stash.arg = ctx.args.x; return { from: 'before' }; }
    export function response(ctx) { return { prev: ctx.prev.result, trail: ctx.stash.trail.concat(['after']) }; }`,
  'Query.early': U + `export function request(ctx) {
      ctx.stash.trail = [];
      ctx.stash.skipStep = ctx.args.skip === true;
      if (ctx.args.early) { runtime.earlyReturn({ early: true }); }
      return { from: 'before' };
    }
    export function response(ctx) { return { after: ctx.prev.result }; }`,
  'Query.append': U + `export function request(ctx) { util.appendError('first', 'W1'); return {}; }
    export function response(ctx) { util.appendError('third', 'W3'); return ctx.prev.result; }`,
  'Query.fail': U + `export function request(ctx) { return {}; }
    export function response(ctx) { return ctx.prev.result; }`,
  'Query.crash': U + `export function request(ctx) { return ctx.args.missing.deep; }
    export function response(ctx) { return 1; }`,
  'Query.loop': U + `export function request(ctx) { let i = 0; for (;;) { i = i + 1; } }
    export function response(ctx) { return 1; }`,
  'Query.escape': U + `export function request(ctx) {
      const f = util.autoId.constructor;
      let viaFunction = 'blocked';
      try { viaFunction = typeof f('return typeof process')(); } catch (e) { viaFunction = 'blocked: ' + e.message; }
      let fs = 'unreachable';
      try { fs = typeof require('node:fs').readFileSync; } catch (e) { fs = e.message; }
      return { process: typeof process, fs, fetch: typeof fetch, buffer: typeof Buffer, setTimeout: typeof setTimeout, viaFunction };
    }
    export function response(ctx) { return ctx.prev.result; }`,
  'Query.identity': U + `export function request(ctx) { return {}; }
    export function response(ctx) { return { identity: ctx.identity, source: ctx.source, info: ctx.info, request: ctx.request, env: ctx.env, args: ctx.arguments }; }`,
  'functions/step': U + `export function request(ctx) {
      ctx.stash.trail.push('step.request');
      if (ctx.stash.skipStep) { runtime.earlyReturn({ skipped: true, prev: ctx.prev.result }); }
      return { payload: { prev: ctx.prev.result, arg: ctx.stash.arg } };
    }
    export function response(ctx) { ctx.stash.trail.push('step.response'); return ctx.result; }`,
  'functions/second': U + `export function request(ctx) { ctx.stash.trail.push('second.request'); return { payload: ctx.prev.result }; }
    export function response(ctx) { ctx.stash.trail.push('second.response'); return { second: ctx.result }; }`,
  'functions/invoke': U + `export function request(ctx) { return { operation: 'Invoke', payload: { args: ctx.args } }; }
    export function response(ctx) {
      if (ctx.error) { util.error(ctx.error.message, ctx.error.type); }
      return ctx.result;
    }`,
  'functions/tolerant': U + `export function request(ctx) { return { operation: 'Invoke', payload: {} }; }
    export function response(ctx) { return { sawError: ctx.error, result: ctx.result }; }`,
  'functions/appendInStep': U + `export function request(ctx) { util.appendError('second', 'W2'); return { payload: 'p' }; }
    export function response(ctx) { return ctx.result; }`,
  'functions/none': U + `export function request(ctx) { return { payload: ctx.prev.result }; }
    export function response(ctx) { return ctx.result; }`,
};

const manifest: RuntimeManifest = {
  dataSources: [
    { name: 'none', kind: 'NONE' },
    { name: 'admin', kind: 'AWS_LAMBDA', lambda: 'admin', steps: [] },
  ],
  pipelineFunctions: [
    { name: 'step', code: 'functions/step', dataSource: 'none' },
    { name: 'second', code: 'functions/second', dataSource: 'none' },
    { name: 'invoke', code: 'functions/invoke', dataSource: 'admin' },
    { name: 'tolerant', code: 'functions/tolerant', dataSource: 'admin' },
    { name: 'appendInStep', code: 'functions/appendInStep', dataSource: 'none' },
    { name: 'none', code: 'functions/none', dataSource: 'none' },
  ],
  resolvers: [
    { typeName: 'Query', fieldName: 'flow', functions: ['step', 'second'] },
    { typeName: 'Query', fieldName: 'early', functions: ['step'] },
    { typeName: 'Query', fieldName: 'append', functions: ['appendInStep'] },
    { typeName: 'Query', fieldName: 'fail', functions: ['invoke'] },
    { typeName: 'Query', fieldName: 'tolerant', functions: ['tolerant'] },
    { typeName: 'Query', fieldName: 'crash', functions: ['none'] },
    { typeName: 'Query', fieldName: 'loop', functions: ['none'] },
    { typeName: 'Query', fieldName: 'escape', functions: ['none'] },
    { typeName: 'Query', fieldName: 'identity', functions: ['none'] },
  ],
};
sources['Query.tolerant'] = sources['Query.fail'] as string;

let runtime: LocalResolverRuntime;
const calls: DataSourceCall[] = [];
let lambda: (payload: unknown) => Promise<unknown> = async (p) => p;

beforeAll(async () => {
  const bindings = {
    lambdas: { admin: (p: unknown) => lambda(p) },
    dynamodb: { client: null, tableName: 'unused' },
  } as unknown as DataSourceBindings;
  runtime = await createResolverRuntime({ bindings, manifest, bundleSources: sources, handlerTimeoutMs: 100, env: { STAGE: 'local' }, onDataSourceCall: (c) => calls.push(c) });
});
afterAll(() => undefined);

describe('pipeline', () => {
  it('before → each function (request → data source → response) → after, with stash and prev.result', async () => {
    calls.length = 0;
    const out = await runtime.resolve(fieldRequest('Query', 'flow', { x: 7 }));
    expect(out.errors).toEqual([]);
    expect(out.data).toEqual({
      prev: { second: { prev: { from: 'before' }, arg: 7 } },
      trail: ['before', 'step.request', 'step.response', 'second.request', 'second.response', 'after'],
    });
    // NONE hands back the request's payload
    expect(calls.map((c) => [c.functionName, c.request, c.answer])).toEqual([
      ['step', { payload: { prev: { from: 'before' }, arg: 7 } }, { result: { prev: { from: 'before' }, arg: 7 } }],
      ['second', { payload: { prev: { from: 'before' }, arg: 7 } }, { result: { prev: { from: 'before' }, arg: 7 } }],
    ]);
  });

  it('has() knows the manifest', () => {
    expect(runtime.has('Query', 'flow')).toBe(true);
    expect(runtime.has('Query', 'nope')).toBe(false);
  });

  it('earlyReturn in before skips the functions; the after handler gets the value as prev.result', async () => {
    calls.length = 0;
    const out = await runtime.resolve(fieldRequest('Query', 'early', { early: true }));
    expect(out).toEqual({ data: { after: { early: true } }, errors: [] });
    expect(calls).toEqual([]);
  });

  it('earlyReturn in a function request skips its data source and response; the value is the next prev.result', async () => {
    calls.length = 0;
    const out = await runtime.resolve(fieldRequest('Query', 'early', { skip: true }));
    expect(out).toEqual({ data: { after: { skipped: true, prev: { from: 'before' } } }, errors: [] });
    expect(calls).toEqual([]);
    const ran = await runtime.resolve(fieldRequest('Query', 'early', {}));
    expect(ran.data).toEqual({ after: { prev: { from: 'before' } } });
    expect(calls).toHaveLength(1);
  });

  it('appendError collects from every handler, in order, and the field keeps its value', async () => {
    const out = await runtime.resolve(fieldRequest('Query', 'append'));
    expect(out.data).toBe('p');
    expect(out.errors.map((e) => [e.message, e.errorType])).toEqual([
      ['first', 'W1'],
      ['second', 'W2'],
      ['third', 'W3'],
    ]);
  });
});

describe('Lambda data source', () => {
  it('invokes the bound Lambda in-process with the JSON payload and returns its JSON result', async () => {
    lambda = async (p) => ({ got: p, at: new Date(0), gone: undefined });
    const out = await runtime.resolve(fieldRequest('Query', 'fail', { q: 1 }));
    expect(out).toEqual({ data: { got: { args: { q: 1 } }, at: '1970-01-01T00:00:00.000Z' }, errors: [] });
  });

  it('a thrown error reaches the response handler as ctx.error Lambda:Unhandled', async () => {
    lambda = async () => {
      throw new Error('Task timed out after 30.00 seconds');
    };
    const out = await runtime.resolve(fieldRequest('Query', 'fail'));
    expect(out).toEqual({ data: null, errors: [{ message: 'Task timed out after 30.00 seconds', errorType: 'Lambda:Unhandled', data: null, errorInfo: null }] });
  });

  it('a response handler that ignores ctx.error keeps its value (no error is added)', async () => {
    lambda = async () => {
      throw new Error('boom');
    };
    const out = await runtime.resolve(fieldRequest('Query', 'tolerant'));
    expect(out).toEqual({ data: { sawError: { message: 'boom', type: 'Lambda:Unhandled' }, result: null }, errors: [] });
  });
});

describe('context', () => {
  it('identity, source, info, request, env and arguments as given', async () => {
    const identity = { sub: 's', issuer: 'i', username: 'u', claims: {}, sourceIp: ['1.2.3.4'], defaultAuthStrategy: 'ALLOW' as const, groups: ['admin'] };
    const out = await runtime.resolve(
      fieldRequest('Query', 'identity', { a: 1 }, {
        identity: { ...identity, groups: ['admin'] },
        source: { id: 'p' },
        headers: { 'x-api-key': 'k' },
        variables: { v: 1 },
        selectionSetList: ['id', 'faces', 'faces/faceId'],
        selectionSetGraphQL: '{ id faces { faceId } }',
      }),
    );
    expect(out.data).toEqual({
      identity: { ...identity, groups: ['admin'] },
      source: { id: 'p' },
      info: { fieldName: 'identity', parentTypeName: 'Query', variables: { v: 1 }, selectionSetList: ['id', 'faces', 'faces/faceId'], selectionSetGraphQL: '{ id faces { faceId } }' },
      request: { headers: { 'x-api-key': 'k' }, domainName: null },
      env: { STAGE: 'local' },
      args: { a: 1 },
    });
  });
});

describe('sandbox', () => {
  it('resolver code reaches no process, Node require, fetch, Buffer or timers, and no host Function', async () => {
    const out = await runtime.resolve(fieldRequest('Query', 'escape'));
    expect(out.errors).toEqual([]);
    const seen = out.data as Record<string, string>;
    expect({ ...seen, viaFunction: undefined }).toEqual({
      process: 'undefined',
      fs: "Cannot find module 'node:fs': APPSYNC_JS provides only @aws-appsync/utils",
      fetch: 'undefined',
      buffer: 'undefined',
      setTimeout: 'undefined',
      viaFunction: undefined,
    });
    // code generation from strings is off in the sandbox, and the constructor is the sandbox's own
    expect(seen.viaFunction).toMatch(/^blocked|^undefined$/);
  });

  it('a runtime error becomes a field error with errorType Code', async () => {
    const out = await runtime.resolve(fieldRequest('Query', 'crash'));
    expect(out.data).toBeNull();
    expect(out.errors).toHaveLength(1);
    expect(out.errors[0]?.errorType).toBe('Code');
    expect(out.errors[0]?.message).toMatch(/^TypeError: .*deep/);
  });

  it('an endless loop is stopped by the per-handler timeout', async () => {
    const started = Date.now();
    const out = await runtime.resolve(fieldRequest('Query', 'loop'));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(out.data).toBeNull();
    expect(out.errors[0]).toMatchObject({ errorType: 'Code', message: expect.stringContaining('ran longer than 100 ms') });
    // the sandbox still works afterwards
    expect((await runtime.resolve(fieldRequest('Query', 'early', { early: true }))).data).toEqual({ after: { early: true } });
  });
});
