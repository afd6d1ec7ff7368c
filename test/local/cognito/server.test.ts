/**
 * The local Cognito user pool alone (local/cognito), driven by the AWS SDK's Cognito client as
 * any app or Lambda would: the admin calls (SigV4), the custom authentication flow with a simple
 * "magic word" set of triggers (the trigger events Cognito sends, checked field by field), tokens
 * the local AppSync auth accepts, refresh, revocation, persistence, and Cognito's error names.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  ListUsersCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { CreateAuthChallengeTriggerEvent, DefineAuthChallengeTriggerEvent, VerifyAuthChallengeResponseTriggerEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLocalAuth, generateCognitoKeyPair, isUnauthorized } from '../../../local/appsync/auth';
import { startCognitoServer, type CognitoServer, type CustomAuthTriggers } from '../../../local/cognito/index';

const REGION = 'eu-west-1';
const POOL = `${REGION}_LocalUsers`;
const CLIENT = 'local-face-client';
const ADMIN = { accessKeyId: 'AKIALOCALCOGNITO0001', secretAccessKey: 'local-cognito-secret' };
const keys = generateCognitoKeyPair();

/** A challenge answered by the word the private parameters hold; three tries. */
class MagicWord implements CustomAuthTriggers {
  readonly events: (DefineAuthChallengeTriggerEvent | CreateAuthChallengeTriggerEvent | VerifyAuthChallengeResponseTriggerEvent)[] = [];
  failWith: string | undefined;

  async defineAuthChallenge(event: DefineAuthChallengeTriggerEvent) {
    this.events.push(structuredClone(event));
    if (this.failWith) throw new Error(this.failWith);
    const { session } = event.request;
    const last = session.at(-1);
    if (last?.challengeResult) event.response = { issueTokens: true, failAuthentication: false };
    else if (session.length >= 3) event.response = { issueTokens: false, failAuthentication: true };
    else event.response = { issueTokens: false, failAuthentication: false, challengeName: 'CUSTOM_CHALLENGE' };
    return event;
  }

  async createAuthChallenge(event: CreateAuthChallengeTriggerEvent) {
    this.events.push(structuredClone(event));
    event.response = { publicChallengeParameters: { hint: 'say the word' }, privateChallengeParameters: { word: `open-${event.request.session.length}` }, challengeMetadata: `WORD-${event.request.session.length}` };
    return event;
  }

  async verifyAuthChallengeResponse(event: VerifyAuthChallengeResponseTriggerEvent) {
    this.events.push(structuredClone(event));
    event.response.answerCorrect = event.request.challengeAnswer === event.request.privateChallengeParameters.word;
    return event;
  }
}

let dataDir: string;
let server: CognitoServer;
let triggers: MagicWord;
let clock: { now: number } = { now: Date.now() };
let cognito: CognitoIdentityProviderClient;
let unsigned: CognitoIdentityProviderClient;

async function start() {
  server = await startCognitoServer({
    userPoolId: POOL,
    clientId: CLIENT,
    region: REGION,
    privateKey: keys.privateKey,
    triggers,
    adminCredentials: ADMIN,
    dataDir,
    sessionTtlSeconds: 180,
    now: () => new Date(clock.now),
  });
  cognito = new CognitoIdentityProviderClient({ region: REGION, endpoint: server.url, credentials: ADMIN });
  unsigned = new CognitoIdentityProviderClient({ region: REGION, endpoint: server.url, credentials: { accessKeyId: 'AKIAOTHER', secretAccessKey: 'x' } });
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facegate-cognito-'));
  triggers = new MagicWord();
  await start();
});
afterAll(async () => {
  await server.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});
afterEach(() => {
  triggers.events.length = 0;
  triggers.failWith = undefined;
  clock = { now: Date.now() };
});

const failure = async (p: Promise<unknown>): Promise<{ name: string; message: string }> => {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(error, 'expected a Cognito error').toBeInstanceOf(Error);
  return { name: error!.name, message: error!.message };
};

const initiate = (username: string) => cognito.send(new InitiateAuthCommand({ AuthFlow: 'CUSTOM_AUTH', ClientId: CLIENT, AuthParameters: { USERNAME: username } }));
const answer = (username: string, session: string, word: string) =>
  cognito.send(new RespondToAuthChallengeCommand({ ChallengeName: 'CUSTOM_CHALLENGE', ClientId: CLIENT, Session: session, ChallengeResponses: { USERNAME: username, ANSWER: word } }));

async function signIn(username: string) {
  const started = await initiate(username);
  const done = await answer(username, started.Session!, 'open-0');
  return done.AuthenticationResult!;
}

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

describe('admin operations (SigV4, the UserDirectory adapter\'s calls)', () => {
  it('create, get, confirm and delete an account, with Cognito\'s shapes', async () => {
    const created = await cognito.send(new AdminCreateUserCommand({ UserPoolId: POOL, Username: 'alice', MessageAction: 'SUPPRESS', TemporaryPassword: 'Temp-Passw0rd-long' }));
    expect(created.User).toMatchObject({ Username: 'alice', Enabled: true, UserStatus: 'FORCE_CHANGE_PASSWORD', UserCreateDate: expect.any(Date) });
    const sub = created.User!.Attributes!.find((a) => a.Name === 'sub')?.Value;
    expect(sub).toMatch(/^[0-9a-f-]{36}$/);
    await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: POOL, Username: 'alice', Password: 'An0ther-long-one!', Permanent: true }));
    const got = await cognito.send(new AdminGetUserCommand({ UserPoolId: POOL, Username: 'alice' }));
    expect(got).toMatchObject({ Username: 'alice', UserStatus: 'CONFIRMED', Enabled: true, UserAttributes: [{ Name: 'sub', Value: sub }] });

    expect(await failure(cognito.send(new AdminCreateUserCommand({ UserPoolId: POOL, Username: 'alice' })))).toEqual({ name: 'UsernameExistsException', message: 'User account already exists' });
    expect(await failure(cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: POOL, Username: 'alice', Password: 'short', Permanent: true })))).toMatchObject({ name: 'InvalidPasswordException' });
    expect(await failure(cognito.send(new AdminGetUserCommand({ UserPoolId: `${REGION}_Other`, Username: 'alice' })))).toEqual({ name: 'ResourceNotFoundException', message: `User pool ${REGION}_Other does not exist.` });

    await cognito.send(new AdminCreateUserCommand({ UserPoolId: POOL, Username: 'gone' }));
    await cognito.send(new AdminDeleteUserCommand({ UserPoolId: POOL, Username: 'gone' }));
    for (const call of [new AdminGetUserCommand({ UserPoolId: POOL, Username: 'gone' }), new AdminDeleteUserCommand({ UserPoolId: POOL, Username: 'gone' })]) {
      expect(await failure(cognito.send(call as AdminGetUserCommand))).toEqual({ name: 'UserNotFoundException', message: 'User does not exist.' });
    }
  });

  it('ListUsers pages the accounts by username (Limit, PaginationToken), refuses a Filter or a bad Limit', async () => {
    for (const name of ['list-c', 'list-a', 'list-b']) await cognito.send(new AdminCreateUserCommand({ UserPoolId: POOL, Username: name }));
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await cognito.send(new ListUsersCommand({ UserPoolId: POOL, Limit: 2, ...(token ? { PaginationToken: token } : {}) }));
      expect(page.Users!.length).toBeLessThanOrEqual(2);
      for (const u of page.Users!) expect(u).toMatchObject({ Username: expect.any(String), Enabled: true, UserStatus: expect.any(String), UserCreateDate: expect.any(Date) });
      seen.push(...page.Users!.map((u) => u.Username!));
      token = page.PaginationToken;
      pages++;
    } while (token);
    expect(seen.filter((u) => u.startsWith('list-'))).toEqual(['list-a', 'list-b', 'list-c']);
    expect(seen).toEqual([...seen].sort());
    expect(pages).toBe(Math.ceil(seen.length / 2));
    expect(await failure(cognito.send(new ListUsersCommand({ UserPoolId: POOL, Filter: 'username = "list-a"' })))).toMatchObject({ name: 'InvalidParameterException' });
    expect(await failure(cognito.send(new ListUsersCommand({ UserPoolId: POOL, Limit: 61 })))).toMatchObject({ name: 'InvalidParameterException' });
    expect(await failure(cognito.send(new ListUsersCommand({ UserPoolId: `${REGION}_Other` })))).toMatchObject({ name: 'ResourceNotFoundException' });
    for (const name of ['list-a', 'list-b', 'list-c']) await cognito.send(new AdminDeleteUserCommand({ UserPoolId: POOL, Username: name }));
  });

  it('refuse a request signed with other credentials, or not signed at all', async () => {
    expect(await failure(unsigned.send(new AdminGetUserCommand({ UserPoolId: POOL, Username: 'alice' })))).toMatchObject({ name: 'UnrecognizedClientException' });
    const raw = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.AdminDeleteUser' },
      body: JSON.stringify({ UserPoolId: POOL, Username: 'alice' }),
    });
    expect(raw.status).toBe(400);
    expect(raw.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(await raw.json()).toEqual({ __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
  });
});

describe('custom authentication (InitiateAuth CUSTOM_AUTH, RespondToAuthChallenge)', () => {
  it('runs Define → Create, answers with a Session and the public parameters plus USERNAME', async () => {
    const started = await initiate('alice');
    expect(started.ChallengeName).toBe('CUSTOM_CHALLENGE');
    expect(started.ChallengeParameters).toEqual({ hint: 'say the word', USERNAME: 'alice' });
    expect(started.Session!.length).toBeGreaterThan(100);
    expect(started.AuthenticationResult).toBeUndefined();
    const [define, create] = triggers.events as [DefineAuthChallengeTriggerEvent, CreateAuthChallengeTriggerEvent];
    const common = { version: '1', region: REGION, userPoolId: POOL, userName: 'alice', callerContext: { awsSdkVersion: expect.any(String), clientId: CLIENT } };
    expect(define).toEqual({
      ...common,
      triggerSource: 'DefineAuthChallenge_Authentication',
      request: { userAttributes: { sub: expect.any(String), 'cognito:user_status': 'CONFIRMED' }, session: [], userNotFound: false, clientMetadata: {} },
      response: { issueTokens: false, failAuthentication: false },
    });
    expect(create).toMatchObject({ ...common, triggerSource: 'CreateAuthChallenge_Authentication', request: { challengeName: 'CUSTOM_CHALLENGE', session: [], userNotFound: false } });
  });

  it('a wrong answer gets a new challenge and a new Session; the old Session answers no more; the right answer gets tokens', async () => {
    const started = await initiate('alice');
    const wrong = await answer('alice', started.Session!, 'nope');
    expect(wrong).toMatchObject({ ChallengeName: 'CUSTOM_CHALLENGE', ChallengeParameters: { USERNAME: 'alice' } });
    expect(wrong.Session).not.toBe(started.Session);
    const verify = triggers.events.find((e) => e.triggerSource === 'VerifyAuthChallengeResponse_Authentication') as VerifyAuthChallengeResponseTriggerEvent;
    expect(verify.request).toEqual({
      userAttributes: expect.objectContaining({ sub: expect.any(String) }),
      privateChallengeParameters: { word: 'open-0' },
      challengeAnswer: 'nope',
      userNotFound: false,
      clientMetadata: {},
    });
    const secondDefine = triggers.events.filter((e) => e.triggerSource === 'DefineAuthChallenge_Authentication')[1] as DefineAuthChallengeTriggerEvent;
    expect(secondDefine.request.session).toEqual([{ challengeName: 'CUSTOM_CHALLENGE', challengeResult: false, challengeMetadata: 'WORD-0' }]);

    expect(await failure(answer('alice', started.Session!, 'open-0'))).toEqual({ name: 'NotAuthorizedException', message: 'Invalid session for the user.' });
    const done = await answer('alice', wrong.Session!, 'open-1');
    expect(done.ChallengeName).toBeUndefined();
    expect(done.AuthenticationResult).toMatchObject({ TokenType: 'Bearer', ExpiresIn: 3600, AccessToken: expect.any(String), IdToken: expect.any(String), RefreshToken: expect.any(String) });
  });

  it('fails when Define says so, with the same answer for an unknown username, whose triggers see userNotFound', async () => {
    const tries = async (username: string) => {
      let step = await initiate(username);
      for (let i = 0; i < 2; i += 1) step = await answer(username, step.Session!, 'nope');
      return failure(answer(username, step.Session!, 'nope'));
    };
    const known = await tries('alice');
    const unknown = await tries('nobody');
    expect(known).toEqual({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    expect(unknown).toEqual(known);
    const ghost = triggers.events.filter((e) => e.userName === 'nobody');
    expect(ghost.length).toBe(3 + 3 + 4); // the same Create, Verify and Define calls as for alice
    for (const e of ghost) expect(e.request).toMatchObject({ userAttributes: {}, userNotFound: true });
  });

  it('never issues tokens to an account that does not exist, whatever Define says', async () => {
    const started = await initiate('nobody');
    expect(await failure(answer('nobody', started.Session!, 'open-0'))).toEqual({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
  });

  it('a Session is good for sessionTtlSeconds', async () => {
    const started = await initiate('alice');
    clock.now += 181_000;
    expect(await failure(answer('alice', started.Session!, 'open-0'))).toEqual({ name: 'NotAuthorizedException', message: 'Invalid session for the user, session is expired.' });
  });

  it('a trigger that throws fails the call with UserLambdaValidationException and its message', async () => {
    triggers.failWith = 'LOCKED_OUT: Too many failed attempts: try again later';
    expect(await failure(initiate('alice'))).toEqual({
      name: 'UserLambdaValidationException',
      message: 'DefineAuthChallenge failed with error LOCKED_OUT: Too many failed attempts: try again later.',
    });
  });

  it('offers no password flow, knows one app client, and checks its input', async () => {
    for (const AuthFlow of ['USER_PASSWORD_AUTH', 'USER_SRP_AUTH'] as const) {
      expect(await failure(cognito.send(new InitiateAuthCommand({ AuthFlow, ClientId: CLIENT, AuthParameters: { USERNAME: 'alice', PASSWORD: 'x' } })))).toEqual({
        name: 'InvalidParameterException',
        message: `${AuthFlow} flow not enabled for this client`,
      });
    }
    expect(await failure(cognito.send(new InitiateAuthCommand({ AuthFlow: 'CUSTOM_AUTH', ClientId: 'other', AuthParameters: { USERNAME: 'alice' } })))).toEqual({
      name: 'ResourceNotFoundException',
      message: 'User pool client other does not exist.',
    });
    expect(await failure(cognito.send(new InitiateAuthCommand({ AuthFlow: 'CUSTOM_AUTH', ClientId: CLIENT, AuthParameters: {} })))).toMatchObject({ name: 'InvalidParameterException' });
    const started = await initiate('alice');
    const noAnswer = cognito.send(new RespondToAuthChallengeCommand({ ChallengeName: 'CUSTOM_CHALLENGE', ClientId: CLIENT, Session: started.Session!, ChallengeResponses: { USERNAME: 'alice' } }));
    expect(await failure(noAnswer)).toMatchObject({ name: 'InvalidParameterException', message: 'Missing required parameter ANSWER' });
    // …which did not use the session up
    expect((await answer('alice', started.Session!, 'open-0')).AuthenticationResult).toBeDefined();
  });
});

describe('tokens', () => {
  it('are Cognito-shaped JWTs the local AppSync auth accepts for this pool and client', async () => {
    const tokens = await signIn('alice');
    const id = claimsOf(tokens.IdToken!);
    const access = claimsOf(tokens.AccessToken!);
    const iss = `https://cognito-idp.${REGION}.amazonaws.com/${POOL}`;
    expect(id).toMatchObject({ iss, aud: CLIENT, token_use: 'id', 'cognito:username': 'alice', sub: expect.any(String) });
    expect(access).toMatchObject({ iss, client_id: CLIENT, token_use: 'access', username: 'alice', sub: id.sub, scope: 'aws.cognito.signin.user.admin' });
    expect(access.origin_jti).toBe(id.origin_jti);
    expect(access.event_id).toBe(id.event_id);
    expect(Number(access.exp) - Number(access.iat)).toBe(3600);
    const appsync = createLocalAuth({ cognito: { userPoolId: POOL, region: REGION, publicKey: keys.publicKey, clientId: CLIENT } });
    for (const token of [tokens.IdToken!, tokens.AccessToken!]) {
      const caller = await appsync.authenticate({ headers: { authorization: token }, path: '/graphql', body: '' });
      expect(isUnauthorized(caller)).toBe(false);
      expect(caller).toMatchObject({ mode: 'AMAZON_COGNITO_USER_POOLS', identity: { username: 'alice', issuer: iss, groups: null } });
    }
  });

  it('GetUser answers with the access token\'s account; refresh gives new ID and access tokens of the same sign-in', async () => {
    const tokens = await signIn('alice');
    const user = await cognito.send(new GetUserCommand({ AccessToken: tokens.AccessToken! }));
    expect(user).toMatchObject({ Username: 'alice', UserAttributes: [{ Name: 'sub', Value: claimsOf(tokens.IdToken!).sub }] });
    const viaInitiate = await cognito.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: CLIENT, AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken! } }));
    const viaRefresh = await cognito.send(new GetTokensFromRefreshTokenCommand({ ClientId: CLIENT, RefreshToken: tokens.RefreshToken! }));
    for (const out of [viaInitiate.AuthenticationResult!, viaRefresh.AuthenticationResult!]) {
      expect(out.RefreshToken).toBeUndefined();
      expect(claimsOf(out.AccessToken!)).toMatchObject({ username: 'alice', origin_jti: claimsOf(tokens.AccessToken!).origin_jti });
    }
    expect(await failure(cognito.send(new GetTokensFromRefreshTokenCommand({ ClientId: CLIENT, RefreshToken: 'forged' })))).toEqual({ name: 'NotAuthorizedException', message: 'Invalid Refresh Token' });
    expect(await failure(cognito.send(new GetUserCommand({ AccessToken: tokens.IdToken! })))).toEqual({ name: 'NotAuthorizedException', message: 'Invalid Access Token' });
  });

  it('RevokeToken ends a sign-in (refresh and its access tokens); GlobalSignOut ends them all', async () => {
    const one = await signIn('alice');
    const two = await signIn('alice');
    await cognito.send(new RevokeTokenCommand({ ClientId: CLIENT, Token: one.RefreshToken! }));
    expect(await failure(cognito.send(new GetTokensFromRefreshTokenCommand({ ClientId: CLIENT, RefreshToken: one.RefreshToken! })))).toMatchObject({ name: 'NotAuthorizedException' });
    expect(await failure(cognito.send(new GetUserCommand({ AccessToken: one.AccessToken! })))).toEqual({ name: 'NotAuthorizedException', message: 'Access Token has been revoked' });
    expect((await cognito.send(new GetUserCommand({ AccessToken: two.AccessToken! }))).Username).toBe('alice');

    await cognito.send(new GlobalSignOutCommand({ AccessToken: two.AccessToken! }));
    expect(await failure(cognito.send(new GetUserCommand({ AccessToken: two.AccessToken! })))).toMatchObject({ message: 'Access Token has been revoked' });
    expect(await failure(cognito.send(new GetTokensFromRefreshTokenCommand({ ClientId: CLIENT, RefreshToken: two.RefreshToken! })))).toMatchObject({ name: 'NotAuthorizedException' });
    const three = await signIn('alice');
    expect((await cognito.send(new GetUserCommand({ AccessToken: three.AccessToken! }))).Username).toBe('alice');
  });

  it('an expired access token is refused as such', async () => {
    const tokens = await signIn('alice');
    clock.now += 3601_000;
    expect(await failure(cognito.send(new GetUserCommand({ AccessToken: tokens.AccessToken! })))).toEqual({ name: 'NotAuthorizedException', message: 'Access Token has expired' });
  });
});

describe('the server', () => {
  it('keeps accounts and refresh tokens across a restart on the same directory', async () => {
    const tokens = await signIn('alice');
    await server.close();
    await start();
    expect((await cognito.send(new AdminGetUserCommand({ UserPoolId: POOL, Username: 'alice' }))).UserStatus).toBe('CONFIRMED');
    expect((await cognito.send(new GetTokensFromRefreshTokenCommand({ ClientId: CLIENT, RefreshToken: tokens.RefreshToken! }))).AuthenticationResult?.AccessToken).toBeDefined();
    const file = fs.readFileSync(path.join(dataDir, 'users.json'), 'utf8');
    expect(file).not.toContain(tokens.RefreshToken!);
    expect(fs.statSync(path.join(dataDir, 'users.json')).mode & 0o777).toBe(0o600);
  });

  it('answers a browser\'s preflight, and names unknown operations', async () => {
    const preflight = await fetch(server.url, { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-headers': 'content-type,x-amz-target,x-amz-user-agent,cache-control' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    for (const h of ['content-type', 'x-amz-target', 'x-amz-user-agent', 'cache-control']) expect(preflight.headers.get('access-control-allow-headers')).toContain(h);
    const unknown = await fetch(server.url, { method: 'POST', headers: { 'x-amz-target': 'AWSCognitoIdentityProviderService.SignUp' }, body: '{}' });
    expect([unknown.status, unknown.headers.get('x-amzn-errortype')]).toEqual([400, 'UnknownOperationException']);
  });
});
