import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalAuth, generateCognitoKeyPair } from '../../../local/appsync/auth';
import { AppSyncProgressPublisher } from '../../../adapters/appsync/progress-publisher';
import { API_KEY, IAM, post, progress, PUBLISH, REGION, signedHeaders, startTestServer, USER_POOL, type TestServer } from './helpers';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ maxBodyBytes: 64 * 1024 });
});
afterAll(() => server.close());

const UNAUTHORIZED = { errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' }] };
const REGISTER = `mutation R($input: RegisterUserInput!) { registerUser(input: $input) { registrationId userId quality { confidence } } }`;
const registerVars = (userId: string) => ({ input: { userId, image: { s3Key: 'k' }, properties: '{"plan":"pro"}' } });
const REGISTRATION = `query Q($id: ID!) { registration(registrationId: $id) { registrationId status events { seq step } } }`;

describe('API key', () => {
  it('accepts the key on an API-key field and passes AWSJSON parsed, headers lower-cased, selectionSetList', async () => {
    const { status, body } = await post(server.graphqlUrl, { query: REGISTER, variables: registerVars('alice') }, { 'X-Api-Key': API_KEY });
    expect(status).toBe(200);
    expect(body).toEqual({ data: { registerUser: { registrationId: 'r-1', userId: 'alice', quality: { confidence: 99 } } } });
    const call = server.runtime.calls.at(-1)!;
    expect(call).toMatchObject({ typeName: 'Mutation', fieldName: 'registerUser', source: null, identity: null });
    expect(call.args).toEqual({ input: { userId: 'alice', image: { s3Key: 'k' }, properties: { plan: 'pro' } } });
    expect(call.headers['x-api-key']).toBe(API_KEY);
    expect(call.selectionSetList).toEqual(['registrationId', 'userId', 'quality', 'quality/confidence']);
    expect(call.selectionSetGraphQL).toContain('quality {');
  });

  it('rejects a wrong key and a missing key with 401 UnauthorizedException', async () => {
    const wrong = await post(server.graphqlUrl, { query: REGISTER, variables: registerVars('a') }, { 'x-api-key': 'da2-wrong' });
    expect(wrong).toMatchObject({ status: 401, body: UNAUTHORIZED });
    const missing = await post(server.graphqlUrl, { query: REGISTER, variables: registerVars('a') });
    expect(missing).toMatchObject({ status: 401, body: UNAUTHORIZED });
  });

  it('denies an IAM-only field to an API key caller at field level (200, data null)', async () => {
    const { status, body } = await post(server.graphqlUrl, { query: PUBLISH, variables: { input: progress('r-1', 1) } }, { 'x-api-key': API_KEY });
    expect(status).toBe(200);
    expect(body).toEqual({
      data: null,
      errors: [
        {
          path: ['publishRegistrationProgress'],
          data: null,
          errorType: 'Unauthorized',
          errorInfo: null,
          locations: [{ line: 2, column: 3, sourceName: null }],
          message: 'Not Authorized to access publishRegistrationProgress on type Mutation',
        },
      ],
    });
  });
});

describe('IAM (SigV4)', () => {
  it('accepts exactly what AppSyncProgressPublisher sends, with an IAM identity', async () => {
    const publisher = new AppSyncProgressPublisher({ graphqlUrl: server.graphqlUrl, region: REGION, credentials: IAM });
    await publisher.publish(progress('r-iam', 1) as never);
    const call = server.runtime.calls.at(-1)!;
    expect(call.fieldName).toBe('publishRegistrationProgress');
    expect(call.identity).toMatchObject({
      accountId: IAM.accountId,
      userArn: `arn:aws:iam::${IAM.accountId}:user/facegate-local`,
      cognitoIdentityPoolId: null,
      sourceIp: ['127.0.0.1'],
    });
    expect((call.identity as { username: string }).username).toMatch(/^AIDA[0-9A-F]{17}$/);
  });

  it('accepts a session token signed into the request', async () => {
    const body = JSON.stringify({ query: PUBLISH, variables: { input: progress('r', 1) } });
    const headers = await signedHeaders(server.graphqlUrl, body, { sessionToken: 'FwoGZXIvYXdzE-local' });
    expect(await post(server.graphqlUrl, body, headers)).toMatchObject({ status: 200 });
  });

  it('rejects a bad secret, a changed body and a skewed clock with 403 InvalidSignatureException', async () => {
    const body = JSON.stringify({ query: PUBLISH, variables: { input: progress('r', 1) } });
    const bad = await post(server.graphqlUrl, body, await signedHeaders(server.graphqlUrl, body, { secretAccessKey: 'nope' }));
    expect(bad.status).toBe(403);
    expect(bad.body.errors![0]).toEqual({
      errorType: 'InvalidSignatureException',
      message: expect.stringMatching(/^The request signature we calculated does not match the signature you provided/),
    });
    const tampered = await post(server.graphqlUrl, body.replace('"r"', '"x"'), await signedHeaders(server.graphqlUrl, body));
    expect(tampered.status).toBe(403);
    const skewed = await post(server.graphqlUrl, body, await signedHeaders(server.graphqlUrl, body, { signingDate: new Date(Date.now() - 10 * 60_000) }));
    expect(skewed.status).toBe(403);
    expect(skewed.body.errors![0]).toMatchObject({ errorType: 'InvalidSignatureException', message: expect.stringMatching(/^Signature expired: /) });
  });

  it('rejects an unknown access key with 403 UnrecognizedClientException', async () => {
    const body = JSON.stringify({ query: PUBLISH, variables: { input: progress('r', 1) } });
    const headers = await signedHeaders(server.graphqlUrl, body);
    headers.authorization = headers.authorization!.replace(IAM.accessKeyId, 'AKIAOTHER00000000000');
    const result = await post(server.graphqlUrl, body, headers);
    expect(result).toMatchObject({ status: 403, body: { errors: [{ errorType: 'UnrecognizedClientException' }] } });
  });

  it('denies an admin (user-pool) field to IAM at field level', async () => {
    const body = JSON.stringify({ query: '{ user(userId: "a") { userId } }' });
    const result = await post(server.graphqlUrl, body, await signedHeaders(server.graphqlUrl, body));
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ data: { user: null }, errors: [{ errorType: 'Unauthorized', message: 'Not Authorized to access user on type Query' }] });
  });
});

describe('Cognito user pools', () => {
  it('accepts a token of the admins group on admin fields, nested admin types included', async () => {
    const token = server.auth.issueCognitoToken({ username: 'admin', groups: ['admins'], email: 'admin@example.com' });
    const query = '{ user(userId: "bob") { userId properties faces { faceId quality { confidence } } } }';
    const { status, body } = await post(server.graphqlUrl, { query }, { authorization: token });
    expect(status).toBe(200);
    expect(body).toEqual({ data: { user: { userId: 'bob', properties: '{"tier":"gold"}', faces: [{ faceId: 'f-1', quality: { confidence: 1 } }] } } });
    const identity = server.runtime.calls.at(-1)!.identity as unknown as Record<string, unknown>;
    expect(identity).toMatchObject({
      username: 'admin',
      groups: ['admins'],
      issuer: `https://cognito-idp.${REGION}.amazonaws.com/${USER_POOL.userPoolId}`,
      defaultAuthStrategy: 'ALLOW',
    });
    expect((identity.claims as Record<string, unknown>).email).toBe('admin@example.com');
  });

  it('denies admin fields to a user outside the group (field-level), allows group-free fields', async () => {
    const token = server.auth.issueCognitoToken({ username: 'carol', groups: ['users'] });
    const denied = await post(server.graphqlUrl, { query: 'mutation { deleteUser(userId: "x") { userId } }' }, { authorization: token });
    expect(denied.status).toBe(200);
    expect(denied.body).toMatchObject({ data: null, errors: [{ errorType: 'Unauthorized', message: 'Not Authorized to access deleteUser on type Mutation', path: ['deleteUser'] }] });
    // registration: @aws_cognito_user_pools(cognito_groups: ["admins"]) on the field → carol is out
    const reg = await post(server.graphqlUrl, { query: REGISTRATION, variables: { id: 'r-1' } }, { authorization: token });
    expect(reg.body.errors?.[0]).toMatchObject({ errorType: 'Unauthorized' });
    const admin = server.auth.issueCognitoToken({ username: 'admin', groups: ['admins'] });
    const ok = await post(server.graphqlUrl, { query: REGISTRATION, variables: { id: 'r-1' } }, { authorization: admin });
    expect(ok.body).toEqual({ data: { registration: { registrationId: 'r-1', status: 'IN_PROGRESS', events: [{ seq: 1, step: 'SCREENING' }] } } });
  });

  it('rejects expired, re-signed and Bearer-prefixed tokens with 401', async () => {
    const expired = server.auth.issueCognitoToken({ username: 'admin', groups: ['admins'], expiresInSeconds: -1 });
    const query = '{ user(userId: "bob") { userId } }';
    expect(await post(server.graphqlUrl, { query }, { authorization: expired })).toMatchObject({ status: 401, body: UNAUTHORIZED });
    const good = server.auth.issueCognitoToken({ username: 'admin', groups: ['admins'] });
    const [h, p] = good.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), 'cognito:groups': ['admins', 'root'] })).toString('base64url')}.${good.split('.')[2]}`;
    expect(await post(server.graphqlUrl, { query }, { authorization: forged })).toMatchObject({ status: 401, body: UNAUTHORIZED });
    // a different stack's key pair (same pool id) does not verify here
    const stranger = createLocalAuth({ cognito: { ...USER_POOL, privateKey: generateCognitoKeyPair().privateKey } });
    expect(await post(server.graphqlUrl, { query }, { authorization: stranger.issueCognitoToken({ username: 'admin', groups: ['admins'] }) })).toMatchObject({ status: 401 });
    expect(await post(server.graphqlUrl, { query }, { authorization: `Bearer ${good}` })).toMatchObject({ status: 401 });
  });
});

describe('errors and request handling', () => {
  it('returns util.error with AppSync keys next to message, and appended errors with the data', async () => {
    const failed = await post(server.graphqlUrl, { query: REGISTER, variables: registerVars('noface') }, { 'x-api-key': API_KEY });
    expect(failed.status).toBe(200);
    expect(failed.body).toEqual({
      data: null,
      errors: [
        {
          path: ['registerUser'],
          data: null,
          errorType: 'NO_FACE',
          errorInfo: { faces: 0 },
          locations: [{ line: 1, column: 42, sourceName: null }],
          message: 'No face in the image',
        },
      ],
    });
    const warned = await post(server.graphqlUrl, { query: REGISTER, variables: registerVars('warn') }, { 'x-api-key': API_KEY });
    expect(warned.body.data).toMatchObject({ registerUser: { userId: 'warn' } });
    expect(warned.body.errors).toEqual([
      { path: ['registerUser'], data: { a: 1 }, errorType: 'WARNING', errorInfo: { b: 2 }, locations: [{ line: 1, column: 42, sourceName: null }], message: 'appended' },
    ]);
  });

  it('answers validation errors in graphql-java terms', async () => {
    const { status, body } = await post(server.graphqlUrl, { query: '{ registration(registrationId: "x") { nope } }' }, { 'x-api-key': API_KEY });
    expect(status).toBe(400);
    expect(body).toEqual({
      data: null,
      errors: [
        {
          path: null,
          locations: [{ line: 1, column: 39, sourceName: null }],
          message: "Validation error of type FieldUndefined: Field 'nope' in type 'Registration' is undefined",
        },
      ],
    });
    const syntax = await post(server.graphqlUrl, { query: '{ registration(' }, { 'x-api-key': API_KEY });
    expect(syntax.status).toBe(400);
    expect(syntax.body.errors![0]!.message).toMatch(/^Invalid Syntax/);
    const bad = await post(server.graphqlUrl, { query: REGISTRATION, variables: {} }, { 'x-api-key': API_KEY });
    expect(bad.status).toBe(400);
    expect(bad.body.errors![0]!.message).toMatch(/\$id/);
  });

  it('rejects malformed JSON, oversized bodies, other paths and methods; answers CORS preflight', async () => {
    expect(await post(server.graphqlUrl, '{nope', { 'x-api-key': API_KEY })).toMatchObject({ status: 400, body: { errors: [{ errorType: 'MalformedHttpRequestException' }] } });
    const big = await post(server.graphqlUrl, { query: '{ __typename }', pad: 'x'.repeat(70 * 1024) }, { 'x-api-key': API_KEY });
    expect(big).toMatchObject({ status: 413, body: { errors: [{ errorType: 'PayloadTooLargeException' }] } });
    expect((await fetch(server.graphqlUrl.replace('/graphql', '/other'), { method: 'POST' })).status).toBe(404);
    expect((await fetch(server.graphqlUrl)).status).toBe(405);
    const preflight = await fetch(server.graphqlUrl, { method: 'OPTIONS' });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('x-api-key');
  });
});
