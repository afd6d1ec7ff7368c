/**
 * Face sign-in end to end on the local stack, with Amplify JS v6 as an app uses it (unchanged,
 * configured with `userPoolEndpoint`): signIn (CUSTOM_WITHOUT_SRP) → the client uploads its
 * selfie to the challenge's ticket → confirmSignIn with the ticket's key → tokens → GraphQL with
 * authMode 'userPool'. Genuine face in, another person out, replayed keys out, three strikes,
 * the lockout shared with the authenticate mutation, unknown users alike; what Amplify calls;
 * the fields of signed-in users (me, updateMyPhoto, deleteMe); and a user token over every root
 * field of the schema: nothing of anyone else is reachable with it.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { AdminGetUserCommand, CognitoIdentityProviderClient, GetTokensFromRefreshTokenCommand, GetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { Amplify } from 'aws-amplify';
import { generateClient } from 'aws-amplify/api';
import { confirmSignIn, fetchAuthSession, fetchUserAttributes, getCurrentUser, signIn, signOut } from 'aws-amplify/auth';
import { cognitoUserPoolsTokenProvider } from 'aws-amplify/auth/cognito';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GraphQLRequestError } from '../../cli/graphql';
import * as op from '../../cli/operations';
import { signInWithFace } from '../../cli/signin';
import { loadSchema } from '../../local/appsync/server/schema';
import { PHOTOS, authenticate, haveSharedFaces, photoPath, photoVariantOf, register, runCliOn, startTestStack, upload, warnIfNoSharedFaces, watchProgress, type Photo, type TestStack } from './helpers';

warnIfNoSharedFaces('the face sign-in end-to-end tests (test/e2e/signin.test.ts)');

/** Amplify's token store, as an app may give it (`setKeyValueStorage`): here to read the refresh token back. */
class MemoryStorage {
  readonly items = new Map<string, string>();
  async setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  async getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  async removeItem(key: string) {
    this.items.delete(key);
  }
  async clear() {
    this.items.clear();
  }
  refreshToken(): string | undefined {
    return [...this.items.entries()].find(([k]) => k.endsWith('.refreshToken'))?.[1];
  }
}

type Challenge = Record<string, string>;

describe.skipIf(!haveSharedFaces)('face sign-in with Amplify JS v6 (local stack, real faces)', { timeout: 120_000 }, () => {
  let t: TestStack;
  let cognito: CognitoIdentityProviderClient;
  const storage = new MemoryStorage();
  /** The Cognito operations Amplify called, in order (X-Amz-Target), since the last reset. */
  const cognitoCalls: string[] = [];
  const realFetch = globalThis.fetch;

  beforeAll(async () => {
    t = await startTestStack();
    const { userPool } = t.stack;
    cognito = new CognitoIdentityProviderClient({ region: userPool.region, endpoint: userPool.endpoint, credentials: t.stack.credentials });
    await Promise.all([
      // Phone-shaped photos (issue 9): alice enrolls with a 3:4 portrait and signs in with a 9:16 one.
      photoVariantOf(t, PHOTOS.alice.enroll, '3:4 crop').then((portrait) => register(t, 'alice', portrait, randomUUID())),
      register(t, 'bob', PHOTOS.bob.enroll, randomUUID()),
      register(t, 'dave', PHOTOS.dave.enroll, randomUUID()),
    ]);
    globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const url = String(input instanceof Request ? input.url : input);
      const target = new Headers(init?.headers).get('x-amz-target');
      if (url.startsWith(userPool.endpoint) && target) cognitoCalls.push(target.replace('AWSCognitoIdentityProviderService.', ''));
      return realFetch(input, init);
    }) as typeof fetch;
    Amplify.configure({
      Auth: { Cognito: { userPoolId: userPool.userPoolId, userPoolClientId: userPool.userPoolClientId, userPoolEndpoint: userPool.endpoint } },
      API: { GraphQL: { endpoint: t.stack.graphqlUrl, region: t.stack.region, defaultAuthMode: 'userPool' } },
    });
    // After configure, which installs the default storage (in memory under Node).
    cognitoUserPoolsTokenProvider.setKeyValueStorage(storage);
  });
  afterEach(async () => {
    await signOut().catch(() => undefined);
    cognitoCalls.length = 0;
  });
  afterAll(async () => {
    globalThis.fetch = realFetch;
    await t?.stack.close();
    if (t) fs.rmSync(t.dataDir, { recursive: true, force: true });
  });

  /** The client's part of a challenge: PUT the photo to the ticket with its headers; the answer is its key. */
  async function uploadTo(challenge: Challenge, photo: Photo): Promise<string> {
    const bytes = typeof photo === 'string' ? fs.readFileSync(photoPath(photo)) : photo.bytes;
    const response = await realFetch(challenge.uploadUrl!, { method: 'PUT', headers: JSON.parse(challenge.uploadHeaders!) as Record<string, string>, body: new Uint8Array(bytes) });
    expect(response.ok).toBe(true);
    return challenge.uploadKey!;
  }

  async function start(username: string): Promise<Challenge> {
    const started = await signIn({ username, options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } });
    expect(started).toMatchObject({ isSignedIn: false, nextStep: { signInStep: 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE' } });
    return (started.nextStep as { additionalInfo: Challenge }).additionalInfo;
  }

  /** Answers the challenge; the next challenge when refused, null when signed in. */
  async function answer(challengeResponse: string): Promise<Challenge | null> {
    const result = await confirmSignIn({ challengeResponse });
    if (result.isSignedIn) return null;
    expect(result.nextStep.signInStep).toBe('CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE');
    return (result.nextStep as { additionalInfo: Challenge }).additionalInfo;
  }

  const rejection = async (p: Promise<unknown>) => {
    const e = await p.then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(e, 'expected a refusal').toBeInstanceOf(Error);
    return { name: e!.name, message: e!.message };
  };

  const client = generateClient();
  const ME = /* GraphQL */ `query Me { me { userId status faceIds hasIdCard properties createdAt updatedAt } }`;

  it('signs in with a genuine photo: tokens, the current user, its attributes and a me query with authMode userPool', async () => {
    const challenge = await start('alice');
    expect(challenge).toEqual({
      uploadUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/facegate-images\/uploads\/signin\/[0-9a-f-]{36}\.jpg\?/),
      uploadHeaders: expect.any(String),
      uploadKey: expect.stringMatching(/^uploads\/signin\/[0-9a-f-]{36}\.jpg$/),
      expiresAt: expect.any(String),
      maxBytes: String(5 * 1024 * 1024),
      attempt: '1',
      maxAttempts: '3',
      USERNAME: 'alice',
    });
    expect(await answer(await uploadTo(challenge, await photoVariantOf(t, PHOTOS.alice.other, '9:16 crop')))).toBeNull();

    const { tokens } = await fetchAuthSession();
    expect(tokens?.accessToken.payload).toMatchObject({ username: 'alice', token_use: 'access', client_id: t.stack.userPool.userPoolClientId });
    expect(tokens?.idToken?.payload).toMatchObject({ 'cognito:username': 'alice', aud: t.stack.userPool.userPoolClientId });
    expect(Number(tokens!.accessToken.payload.exp) * 1000).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(await getCurrentUser()).toMatchObject({ username: 'alice', userId: tokens!.idToken!.payload.sub });
    expect(await fetchUserAttributes()).toEqual({ sub: tokens!.idToken!.payload.sub });

    const me = (await client.graphql({ query: ME, authMode: 'userPool' })) as { data: { me: Record<string, unknown> } };
    expect(me.data.me).toMatchObject({ userId: 'alice', status: 'ACTIVE', hasIdCard: false, properties: null });
    expect(me.data.me.faceIds).toHaveLength(1);
    // What Amplify called, and the sign-in upload is gone.
    expect(cognitoCalls).toEqual(['InitiateAuth', 'RespondToAuthChallenge', 'GetUser']);
  });

  it('refreshes the tokens, and signOut revokes them (RevokeToken)', async () => {
    const challenge = await start('alice');
    expect(await answer(await uploadTo(challenge, PHOTOS.alice.other))).toBeNull();
    const before = (await fetchAuthSession()).tokens!;
    const refreshed = (await fetchAuthSession({ forceRefresh: true })).tokens!;
    expect(refreshed.accessToken.toString()).not.toBe(before.accessToken.toString());
    expect(refreshed.accessToken.payload.origin_jti).toBe(before.accessToken.payload.origin_jti);
    const refreshToken = storage.refreshToken();
    expect(refreshToken, [...storage.items.keys()].join(', ')).toBeDefined();
    await signOut();
    expect(cognitoCalls).toEqual(['InitiateAuth', 'RespondToAuthChallenge', 'GetTokensFromRefreshToken', 'RevokeToken']);
    expect((await fetchAuthSession()).tokens).toBeUndefined();
    const clientId = t.stack.userPool.userPoolClientId;
    expect(await rejection(cognito.send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: refreshToken! })))).toMatchObject({ name: 'NotAuthorizedException' });
    expect(await rejection(cognito.send(new GetUserCommand({ AccessToken: refreshed.accessToken.toString() })))).toEqual({ name: 'NotAuthorizedException', message: 'Access Token has been revoked' });
  });

  it('signs out everywhere (GlobalSignOut)', async () => {
    const challenge = await start('alice');
    expect(await answer(await uploadTo(challenge, PHOTOS.alice.other))).toBeNull();
    const access = (await fetchAuthSession()).tokens!.accessToken.toString();
    await signOut({ global: true });
    expect(cognitoCalls.at(-1)).toBe('GlobalSignOut');
    expect(await rejection(cognito.send(new GetUserCommand({ AccessToken: access })))).toMatchObject({ message: 'Access Token has been revoked' });
  });

  it("refuses another person's face with a new challenge (a new ticket), then lets the genuine face in", async () => {
    const first = await start('alice');
    const second = await answer(await uploadTo(first, PHOTOS.bob.enroll));
    expect(second).toMatchObject({ attempt: '2', maxAttempts: '3' });
    expect(second!.uploadKey).not.toBe(first.uploadKey);
    expect(await answer(await uploadTo(second!, PHOTOS.alice.other))).toBeNull();
    expect((await fetchAuthSession()).tokens?.accessToken.payload.username).toBe('alice');
  });

  it("refuses replayed keys — an earlier sign-in's upload, a staged selfie, an enrolled image — and fails after three answers", async () => {
    const earlier = await start('alice');
    const earlierKey = await uploadTo(earlier, PHOTOS.alice.other);
    expect(await answer(earlierKey)).toBeNull();
    await signOut();

    const staged = await upload(t, PHOTOS.alice.other);
    const { faceRecords } = await t.client.request<{ faceRecords: { imageKey: string }[] }>(`query { faceRecords(userId: "alice") { imageKey } }`, {}, t.admin);
    let challenge: Challenge | null = await start('alice');
    for (const replayed of [earlierKey, staged]) {
      // The genuine face even waits at this challenge's own key: only that key is the answer.
      await uploadTo(challenge!, PHOTOS.alice.other);
      challenge = await answer(replayed);
      expect(challenge, replayed).not.toBeNull();
    }
    expect(await rejection(answer(faceRecords[0]!.imageKey))).toEqual({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    const { attempts } = await lockoutOf('alice');
    expect(attempts).toBeUndefined(); // keys that are not the challenge's are refused before any face check
  });

  /** The lockout counter, as authenticate and sign-in share it (read through authenticate's refusal). */
  async function lockoutOf(userId: string): Promise<{ attempts: unknown }> {
    const { DynamoDBClient, GetItemCommand } = await import('@aws-sdk/client-dynamodb');
    const dynamo = new DynamoDBClient({ region: t.stack.region, credentials: t.stack.credentials, endpoint: t.stack.endpoints.dynamodb });
    const item = await dynamo.send(new GetItemCommand({ TableName: t.stack.tableName, Key: { pk: { S: `USER#${userId}` }, sk: { S: 'ATTEMPTS' } } }));
    dynamo.destroy();
    return { attempts: item.Item };
  }

  it('three strikes fail the sign-in; with the authenticate mutation\'s failures they lock the user out (LOCKED_OUT)', async () => {
    for (let i = 0; i < 2; i += 1) {
      const refused = await authenticate(t, 'bob', PHOTOS.carol.enroll).then(() => null, (e: unknown) => e as GraphQLRequestError);
      expect(refused?.errorType).toBe('FACE_MISMATCH');
    }
    let challenge: Challenge | null = await start('bob');
    for (let i = 0; i < 2; i += 1) challenge = await answer(await uploadTo(challenge!, PHOTOS.carol.enroll));
    expect(await rejection(answer(await uploadTo(challenge!, PHOTOS.carol.other)))).toEqual({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });

    const locked = await rejection(signIn({ username: 'bob', options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } }));
    expect(locked.name).toBe('UserLambdaValidationException');
    expect(locked.message).toMatch(/^DefineAuthChallenge failed with error LOCKED_OUT: Too many failed attempts/);
    const viaMutation = await authenticate(t, 'bob', PHOTOS.bob.other).then(() => null, (e: unknown) => e as GraphQLRequestError);
    expect(viaMutation?.errorType).toBe('LOCKED_OUT');
  });

  it('gives an unknown username the same challenges and the same refusal as a known one with a wrong face', async () => {
    const outcome = async (username: string, file: string) => {
      let challenge: Challenge | null = await start(username);
      const shapes = [Object.keys(challenge).sort()];
      for (let i = 0; i < 2; i += 1) {
        challenge = await answer(await uploadTo(challenge!, file));
        shapes.push(Object.keys(challenge!).sort());
      }
      return { shapes, refusal: await rejection(answer(await uploadTo(challenge!, file))) };
    };
    // The unknown name even comes with an enrolled person's genuine face.
    const unknown = await outcome('nobody', PHOTOS.alice.other);
    const known = await outcome('alice', PHOTOS.carol.enroll);
    expect(unknown).toEqual(known);
    expect(unknown.refusal).toEqual({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
  });

  it('lets a signed-in user replace their own photo (updateMyPhoto, progress to them only) and erase themselves (deleteMe)', async () => {
    const challenge = await start('dave');
    expect(await answer(await uploadTo(challenge, PHOTOS.dave.card))).toBeNull();
    const daveToken = (await fetchAuthSession()).tokens!.accessToken.toString();
    const aliceToken = (await signInWithFace({ endpoint: t.stack.userPool.endpoint, clientId: t.stack.userPool.userPoolClientId }, 'alice', fs.readFileSync(photoPath(PHOTOS.alice.other)), 'image/jpeg')).accessToken;

    // Progress of dave's update reaches dave, not alice, though both name the registrationId.
    const registrationId = randomUUID();
    const mine = watchProgress({ client: t.client, app: { token: daveToken } }, registrationId);
    const theirs = watchProgress({ client: t.client, app: { token: aliceToken } }, registrationId);
    await Promise.all([mine.ready, theirs.ready]);

    const ticket = (await client.graphql({
      query: `mutation T($input: CreateUploadUrlInput!) { createUploadUrl(input: $input) { key url headers } }`,
      variables: { input: { purpose: 'SELFIE', contentType: 'image/jpeg' } },
      authMode: 'userPool',
    })) as { data: { createUploadUrl: { key: string; url: string; headers: string } } };
    const put = await realFetch(ticket.data.createUploadUrl.url, { method: 'PUT', headers: JSON.parse(ticket.data.createUploadUrl.headers) as Record<string, string>, body: fs.readFileSync(photoPath(PHOTOS.dave.card)) });
    expect(put.ok).toBe(true);
    const updated = (await client.graphql({
      query: `mutation U($input: UpdateMyPhotoInput!) { updateMyPhoto(input: $input) { userId kind status faceId } }`,
      variables: { input: { image: { s3Key: ticket.data.createUploadUrl.key }, registrationId } },
      authMode: 'userPool',
    })) as { data: { updateMyPhoto: Record<string, unknown> } };
    expect(updated.data.updateMyPhoto).toMatchObject({ userId: 'dave', kind: 'UPDATE_PHOTO', status: 'SUCCEEDED' });
    await expect.poll(() => mine.events.at(-1)?.step, { timeout: 3000 }).toBe('COMPLETED');
    await Promise.all([mine.close(), theirs.close()]);
    expect(mine.events.every((e) => e.userId === 'dave')).toBe(true);
    expect(theirs.events).toEqual([]);

    const erased = (await client.graphql({ query: `mutation { deleteMe { userId deletedFaces deletedImages } }`, authMode: 'userPool' })) as { data: { deleteMe: Record<string, unknown> } };
    expect(erased.data.deleteMe).toEqual({ userId: 'dave', deletedFaces: 2, deletedImages: 2 });
    expect(((await client.graphql({ query: ME, authMode: 'userPool' })) as { data: { me: unknown } }).data.me).toBeNull();
    expect(await rejection(cognito.send(new AdminGetUserCommand({ UserPoolId: t.stack.userPool.userPoolId, Username: 'dave' })))).toMatchObject({ name: 'UserNotFoundException' });
    await signOut();
    // The face no longer signs anyone in.
    const again = await start('dave');
    const next = await answer(await uploadTo(again, PHOTOS.dave.card));
    expect(next).toMatchObject({ attempt: '2' });
  });

  it('works from the CLI: facegate login prints when the tokens expire; --json prints them; a wrong face exits 1', async () => {
    const run = (...argv: string[]) => runCliOn(t, ...argv);
    const ok = await run('login', '-u', 'alice', '-p', photoPath(PHOTOS.alice.other));
    expect(ok).toMatchObject({ code: 0, err: '' });
    expect(ok.out).toMatch(/^signed in alice\n  ID token      expires \d{4}-\d\d-\d\dT[\d:.]+Z\n  access token  expires /);
    expect(ok.out).not.toMatch(/eyJ/); // no token unless asked
    const json = await run('login', '-u', 'alice', '-p', photoPath(PHOTOS.alice.other), '--json');
    const printed = JSON.parse(json.out) as { accessToken: string; expiresIn: number; expiresAt: { accessToken: string } };
    expect(printed).toMatchObject({ userId: 'alice', idToken: expect.stringMatching(/^eyJ/), accessToken: expect.stringMatching(/^eyJ/), refreshToken: expect.any(String), expiresIn: 3600 });
    const me = await t.client.request<{ me: { userId: string } }>(ME, {}, { token: printed.accessToken });
    expect(me.me.userId).toBe('alice');
    const refused = await run('login', '-u', 'alice', '-p', photoPath(PHOTOS.bob.enroll));
    expect(refused).toMatchObject({ code: 1, err: 'error: face sign-in refused: the face was not accepted (attempt 1 of 3)' });
  });

  describe('a user token over every root field', () => {
    /** One request per root field; `allowed` when a plain signed-in user may call it. */
    const FIELDS: Record<string, { query: string; variables?: Record<string, unknown>; allowed?: boolean }> = {
      'Query.user': { query: `query { user(userId: "bob") { userId } }` },
      'Query.listUsers': { query: `query { listUsers { items { userId } } }` },
      'Query.faceRecords': { query: `query { faceRecords(userId: "bob") { imageKey } }` },
      'Query.searchFaces': { query: `query { searchFaces(image: { s3Key: "uploads/selfie/x.jpg" }) { userId } }` },
      'Query.registration': { query: `query { registration(registrationId: "0123456789abcdef-bob") { userId } }` },
      'Query.faceImageUrl': { query: `query { faceImageUrl(userId: "bob", faceId: "00000000-0000-4000-8000-000000000000") { url } }` },
      'Query.registrations': { query: `query { registrations(userId: "bob") { items { registrationId } } }` },
      'Query.me': { query: ME, allowed: true },
      'Mutation.createUploadUrl': { query: `mutation { createUploadUrl(input: { purpose: SELFIE, contentType: "image/jpeg" }) { key } }`, allowed: true },
      'Mutation.registerUser': { query: `mutation { registerUser(input: { userId: "mallory", image: { s3Key: "uploads/selfie/x.jpg" } }) { userId } }` },
      'Mutation.registerWithIdCard': {
        query: `mutation { registerWithIdCard(input: { userId: "mallory", image: { s3Key: "uploads/selfie/x.jpg" }, idCard: { s3Key: "uploads/id_card/y.jpg" } }) { userId } }`,
      },
      'Mutation.updatePhoto': { query: `mutation { updatePhoto(input: { userId: "bob", image: { s3Key: "uploads/selfie/x.jpg" } }) { userId } }` },
      'Mutation.authenticate': { query: `mutation { authenticate(input: { userId: "bob", image: { s3Key: "uploads/selfie/x.jpg" } }) { userId } }` },
      'Mutation.deleteUser': { query: `mutation { deleteUser(userId: "bob") { userId } }` },
      'Mutation.publishRegistrationProgress': {
        query: `mutation { publishRegistrationProgress(input: { registrationId: "r-0123456789abcdef", userId: "bob", seq: 1, step: STARTED, status: STARTED, at: "2026-01-01T00:00:00Z" }) { userId } }`,
      },
      // Authorized, and bound to the caller: no argument names a user (the schema test and the Lambdas' tests hold that);
      // an image that is not the caller's own upload is refused before anything happens.
      'Mutation.updateMyPhoto': { query: `mutation { updateMyPhoto(input: { image: { s3Key: "faces/bob/f.jpg" } }) { userId } }`, allowed: true },
      'Mutation.deleteMe': { query: `mutation { deleteMe { userId } }`, allowed: true },
      // Allowed, filtered to the caller's own userId (the test above).
      'Subscription.onRegistrationProgress': { query: '', allowed: true },
    };

    it('lists every root field of the schema', () => {
      const { schema } = loadSchema();
      const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((type) => Object.keys(type!.getFields()).map((f) => `${type!.name}.${f}`));
      expect(Object.keys(FIELDS).sort()).toEqual(roots.sort());
      // No field of a signed-in user takes a userId: who they act on is the token's.
      expect(schema.getQueryType()!.getFields().me!.args).toEqual([]);
      expect(schema.getMutationType()!.getFields().deleteMe!.args).toEqual([]);
      expect(Object.keys((schema.getType('UpdateMyPhotoInput') as unknown as { getFields(): object }).getFields()).sort()).toEqual(['image', 'registrationId']);
    });

    it("refuses every field that is not the caller's own, and the admins' token is no end user", async () => {
      const token = (await signInWithFace({ endpoint: t.stack.userPool.endpoint, clientId: t.stack.userPool.userPoolClientId }, 'alice', fs.readFileSync(photoPath(PHOTOS.alice.other)), 'image/jpeg')).accessToken;
      const ask = async (query: string, auth: { token: string }): Promise<{ data?: Record<string, unknown>; error?: GraphQLRequestError }> =>
        t.client.request<Record<string, unknown>>(query, {}, auth).then(
          (data) => ({ data }),
          (e: unknown) => ({ error: e as GraphQLRequestError }),
        );
      for (const [name, { query, allowed }] of Object.entries(FIELDS)) {
        // deleteMe is not run here: the caller would be erased (the test above runs it).
        if (!query || name === 'Mutation.deleteMe') continue;
        const out = await ask(query, { token });
        if (!allowed) {
          expect(out.error?.errorType, name).toBe('Unauthorized');
          continue;
        }
        if (name === 'Mutation.updateMyPhoto') expect(out.error?.errorType, name).toBe('INVALID_INPUT');
        else expect(out.error, name).toBeUndefined();
      }
      expect((await ask(ME, { token })).data).toMatchObject({ me: { userId: 'alice' } });
      // An admin's token (the admins' pool) may call me by the schema, but is nobody's account.
      expect((await ask(ME, t.admin as { token: string })).error?.errorType).toBe('UNAUTHORIZED');
      expect((await ask(FIELDS['Mutation.deleteMe']!.query, t.admin as { token: string })).error?.errorType).toBe('UNAUTHORIZED');
      expect(((await t.client.request<op.ListUsersData>(op.LIST_USERS, {}, t.admin)).listUsers.items.map((u) => u.userId))).toContain('bob');
    });
  });
});
