/**
 * queryDepthLimit and resolverCountLimit, as the local server enforces them (REQUEST_LIMITS in
 * resolvers/manifest.ts, the same values the CDK app sets on the GraphqlApi): too deep or too many
 * resolvers at the root is refused before any resolver runs; a nested resolver past the count
 * fails instead of running. The standard introspection query stays within the depth limit.
 */
import { getIntrospectionQuery, parse, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryDepth } from '../../../local/appsync/server/limits';
import { REQUEST_LIMITS } from '../../../resolvers/manifest';
import { API_KEY, FakeRuntime, post, startTestServer, type TestServer } from './helpers';

/** FakeRuntime plus a User.faces resolver (nested: invoked once per user). */
class RuntimeWithFaces extends FakeRuntime {
  constructor() {
    super();
    this.handlers['User.faces'] = () => ({ data: [], errors: [] });
  }
}

const depthOf = (query: string) => queryDepth((parse(query).definitions[0] as OperationDefinitionNode).selectionSet, {});
const nestedOfType = (levels: number) => `{ __type(name: "User") { ${'ofType { '.repeat(levels)}name${' }'.repeat(levels)} } }`;

describe('request limits', () => {
  let server: TestServer;
  const key = { 'x-api-key': API_KEY };
  let admin: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer({ limits: { queryDepthLimit: REQUEST_LIMITS.queryDepthLimit, resolverCountLimit: 3 }, runtime: new RuntimeWithFaces() });
    admin = { authorization: server.auth.issueCognitoToken({ username: 'admin', groups: ['admins'] }) };
  });
  afterAll(() => server?.close());

  it('the standard introspection query fits the depth limit the API ships with', async () => {
    expect(depthOf(getIntrospectionQuery())).toBeLessThanOrEqual(REQUEST_LIMITS.queryDepthLimit);
    const r = await post(server.graphqlUrl, { query: getIntrospectionQuery() }, key);
    expect(r.status).toBe(200);
    expect(r.body.errors).toBeUndefined();
  });

  it('refuses a deeper document before anything runs (QueryDepthLimitExceeded)', async () => {
    expect(depthOf(nestedOfType(40))).toBe(42);
    const r = await post(server.graphqlUrl, { query: nestedOfType(40) }, key);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ data: null, errors: [expect.objectContaining({ errorType: 'QueryDepthLimitExceeded', message: expect.stringMatching(/depth 42 exceeds the API's limit of 15/) })] });
  });

  it('refuses more root resolvers than the count limit (aliases count) before any runs (ResolverCountLimitExceeded)', async () => {
    const calls = server.runtime.calls.length;
    const aliased = `mutation { ${Array.from({ length: 4 }, (_, i) => `a${i}: registerUser(input: {userId: "u${i}", image: {s3Key: "uploads/k"}}) { userId }`).join(' ')} }`;
    const r = await post(server.graphqlUrl, { query: aliased }, key);
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([expect.objectContaining({ errorType: 'ResolverCountLimitExceeded' })]);
    expect(server.runtime.calls.length).toBe(calls);
    // Fragments are expanded; fields without resolvers do not count.
    const ok = await post(server.graphqlUrl, { query: '{ ...F __typename } fragment F on Query { a: user(userId: "a") { userId } b: user(userId: "b") { userId } }' }, admin);
    expect(ok.body.errors).toBeUndefined();
  });

  it('a nested resolver past the count fails instead of running', async () => {
    const calls = server.runtime.calls.length;
    const r = await post(server.graphqlUrl, { query: '{ a: user(userId: "a") { faces { faceId } } b: user(userId: "b") { faces { faceId } } }' }, admin);
    // 2 roots + 2 × User.faces = 4 > 3: the last one is refused.
    expect(server.runtime.calls.length - calls).toBe(3);
    expect(r.body.errors).toEqual([expect.objectContaining({ errorType: 'ResolverCountLimitExceeded', path: ['b', 'faces'] })]);
  });
});
