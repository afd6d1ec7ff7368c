/**
 * One vm context serves every request: concurrent pipelines must keep their own ctx (stash,
 * args, prev.result, appended errors) while another request runs between their handlers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { DataSourceBindings } from '../../../local/appsync/contract';
import { createResolverRuntime, type LocalResolverRuntime, type RuntimeManifest } from '../../../local/appsync/runtime';
import { fieldRequest } from './support';

const U = `import { util } from '@aws-appsync/utils';\n`;
const sources: Record<string, string> = {
  'Query.mine': U + `export function request(ctx) { ctx.stash.who = ctx.args.who; util.appendError('from ' + ctx.args.who, 'W'); return {}; }
    export function response(ctx) { return { who: ctx.stash.who, args: ctx.args.who, lambda: ctx.prev.result }; }`,
  'functions/slow': U + `export function request(ctx) { ctx.stash.seen = ctx.stash.who; return { operation: 'Invoke', payload: { who: ctx.stash.who } }; }
    export function response(ctx) { return { echoed: ctx.result.who, stashAfterAwait: ctx.stash.seen }; }`,
};
const manifest: RuntimeManifest = {
  dataSources: [{ name: 'admin', kind: 'AWS_LAMBDA', lambda: 'admin', steps: [] }],
  pipelineFunctions: [{ name: 'slow', code: 'functions/slow', dataSource: 'admin' }],
  resolvers: [{ typeName: 'Query', fieldName: 'mine', functions: ['slow'] }],
};

let runtime: LocalResolverRuntime;
beforeAll(async () => {
  const bindings = {
    // Later callers finish first, so every pipeline's handlers interleave with the others'.
    lambdas: { admin: async (p: { who: number }) => new Promise((r) => setTimeout(() => r(p), 60 - p.who * 5)) },
    dynamodb: { client: null, tableName: 'unused' },
  } as unknown as DataSourceBindings;
  runtime = await createResolverRuntime({ bindings, manifest, bundleSources: sources });
});

describe('ctx isolation in the shared sandbox', () => {
  it('ten concurrent resolves each see only their own stash, args, data source result and appended errors', async () => {
    const outs = await Promise.all(Array.from({ length: 10 }, (_, who) => runtime.resolve(fieldRequest('Query', 'mine', { who }))));
    outs.forEach((out, who) => {
      expect(out.data).toEqual({ who, args: who, lambda: { echoed: who, stashAfterAwait: who } });
      expect(out.errors.map((e) => e.message)).toEqual([`from ${who}`]);
    });
  });
});
