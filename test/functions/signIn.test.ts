/**
 * The face sign-in trigger Lambdas (AWS event shapes from @types/aws-lambda in, the event with
 * its response out) and the steps of signed-in users (the userId is the token's, never an
 * argument; a token of another pool is UNAUTHORIZED).
 */
import type {
  CreateAuthChallengeTriggerEvent,
  DefineAuthChallengeTriggerEvent,
  VerifyAuthChallengeResponseTriggerEvent,
} from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { register } from '../../core/flows/register';
import { accountSteps } from '../../functions/account';
import { createAuthChallenge } from '../../functions/createAuthChallenge';
import { defineAuthChallenge } from '../../functions/defineAuthChallenge';
import { signedInUserId, userPoolIssuer } from '../../functions/lib/caller';
import type { StepEvent } from '../../functions/lib/contract';
import { stepHandler } from '../../functions/lib/handler';
import { triggerHandler } from '../../functions/lib/trigger';
import { registerSteps } from '../../functions/register';
import { verifyAuthChallengeResponse } from '../../functions/verifyAuthChallengeResponse';
import { createWorld, fakeImage, stageUpload, traces, type World } from '../support/fakes';

const POOL = 'eu-west-1_endusers';
const common = (userName: string) => ({
  version: '1',
  region: 'eu-west-1',
  userPoolId: POOL,
  userName,
  callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'client-1' },
});

const defineEvent = (userName: string, session: DefineAuthChallengeTriggerEvent['request']['session'], userNotFound = false): DefineAuthChallengeTriggerEvent => ({
  ...common(userName),
  triggerSource: 'DefineAuthChallenge_Authentication',
  request: { userAttributes: {}, session, userNotFound },
  response: { issueTokens: false, failAuthentication: false },
});

const createEvent = (userName: string, session: CreateAuthChallengeTriggerEvent['request']['session'], clientMetadata?: Record<string, string>): CreateAuthChallengeTriggerEvent => ({
  ...common(userName),
  triggerSource: 'CreateAuthChallenge_Authentication',
  request: { userAttributes: {}, challengeName: 'CUSTOM_CHALLENGE', session, ...(clientMetadata ? { clientMetadata } : {}) },
  response: { publicChallengeParameters: {}, privateChallengeParameters: {}, challengeMetadata: '' },
});

const verifyEvent = (userName: string, privateChallengeParameters: Record<string, string>, challengeAnswer: string): VerifyAuthChallengeResponseTriggerEvent => ({
  ...common(userName),
  triggerSource: 'VerifyAuthChallengeResponse_Authentication',
  request: { userAttributes: {}, privateChallengeParameters, challengeAnswer },
  response: { answerCorrect: false },
});

async function enrolled(world: World, userId: string) {
  await register(world, { userId, image: { s3Key: stageUpload(world, { person: userId }) }, registrationId: `reg-${userId}-0000000000` });
}

describe('the trigger Lambdas', () => {
  it('run one sign-in: Define asks, Create issues a ticket, Verify accepts the uploaded face, Define issues tokens', async () => {
    const world = createWorld();
    await enrolled(world, 'alice');
    const define = triggerHandler(defineAuthChallenge, () => world);
    const create = triggerHandler(createAuthChallenge, () => world);
    const verify = triggerHandler(verifyAuthChallengeResponse, () => world);

    expect((await define(defineEvent('alice', []))).response).toEqual({ issueTokens: false, failAuthentication: false, challengeName: 'CUSTOM_CHALLENGE' });
    const created = (await create(createEvent('alice', []))).response;
    expect(created.publicChallengeParameters).toMatchObject({ uploadKey: expect.stringMatching(/^uploads\/signin\/.+\.jpg$/), attempt: '1', maxAttempts: '3' });
    expect(created.privateChallengeParameters.key).toBe(created.publicChallengeParameters.uploadKey);
    expect(created.challengeMetadata).toMatch(/^FACE:/);

    world.images.put(created.publicChallengeParameters.uploadKey!, fakeImage({ person: 'alice' }));
    const verified = await verify(verifyEvent('alice', created.privateChallengeParameters, created.publicChallengeParameters.uploadKey!));
    expect(verified.response).toEqual({ answerCorrect: true });

    const session = [{ challengeName: 'CUSTOM_CHALLENGE' as const, challengeResult: true, challengeMetadata: created.challengeMetadata }];
    expect((await define(defineEvent('alice', session))).response).toEqual({ issueTokens: true, failAuthentication: false });
  });

  it('Create asks for PNG through ClientMetadata.contentType', async () => {
    const world = createWorld();
    const create = triggerHandler(createAuthChallenge, () => world);
    expect((await create(createEvent('alice', [], { contentType: 'image/png' }))).response.publicChallengeParameters.uploadKey).toMatch(/\.png$/);
  });

  it('Verify refuses a wrong answer as answerCorrect false', async () => {
    const world = createWorld();
    const create = triggerHandler(createAuthChallenge, () => world);
    const verify = triggerHandler(verifyAuthChallengeResponse, () => world);
    const created = (await create(createEvent('alice', []))).response;
    expect((await verify(verifyEvent('alice', created.privateChallengeParameters, 'uploads/selfie/other.jpg'))).response).toEqual({ answerCorrect: false });
  });

  it('a locked-out user makes Define throw "LOCKED_OUT: … {retryAfter}" (Cognito: UserLambdaValidationException)', async () => {
    const world = createWorld();
    const now = world.clock.now().getTime();
    world.records.attempts.set('alice', { userId: 'alice', failures: 5, windowStart: new Date(now).toISOString(), lockedUntil: new Date(now + 60_000).toISOString(), version: 1 });
    const define = triggerHandler(defineAuthChallenge, () => world);
    const error = await define(defineEvent('alice', [])).then(() => undefined, (e: unknown) => e as Error);
    // The errorInfo travels at the end of the message (Cognito passes it on): the retry time for the client to show.
    expect(error?.message).toBe(`LOCKED_OUT: Too many failed attempts: try again later {"retryAfter":"${new Date(now + 60_000).toISOString()}"}`);
  });

  it('an unexpected failure throws INTERNAL without its details', async () => {
    const world = createWorld();
    world.records.getAttempts = () => Promise.reject(new Error('secret table name'));
    const define = triggerHandler(defineAuthChallenge, () => world);
    const error = await define(defineEvent('alice', [])).then(() => undefined, (e: unknown) => e as Error);
    expect(error?.message).toBe('INTERNAL: an unexpected error occurred');
  });
});

describe('steps of signed-in users', () => {
  afterEach(() => vi.unstubAllEnvs());
  const userPoolCaller = (username: string, pool = POOL) => ({ sub: 's-1', issuer: userPoolIssuer(pool), username, claims: {}, sourceIp: [], defaultAuthStrategy: 'ALLOW', groups: null });
  const stepEvent = (step: StepEvent['step'], identity: unknown, args: Record<string, unknown> = {}, stash: StepEvent['stash'] = {}): StepEvent => ({ step, args, identity, stash });

  it('take the userId from a token of the end users\' pool, and refuse everyone else', () => {
    vi.stubEnv('USER_POOL_ID', POOL);
    expect(userPoolIssuer(POOL)).toBe('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_endusers');
    expect(signedInUserId(stepEvent('me', userPoolCaller('alice')))).toBe('alice');
    const refused = [
      null, // API key
      { accountId: '1', userArn: 'arn:aws:iam::1:user/x', username: 'AIDA' }, // IAM
      userPoolCaller('alice', 'eu-west-1_admins'), // the admins' pool: its usernames are not userIds
      userPoolCaller(''),
    ];
    for (const identity of refused) expect(() => signedInUserId(stepEvent('me', identity)), JSON.stringify(identity)).toThrow(/UNAUTHORIZED|signed in/);
    vi.stubEnv('USER_POOL_ID', '');
    expect(() => signedInUserId(stepEvent('me', userPoolCaller('alice')))).toThrow();
  });

  it('me reads the caller\'s own profile whatever the arguments say; deleteMe erases the caller', async () => {
    vi.stubEnv('USER_POOL_ID', POOL);
    const world = createWorld();
    await enrolled(world, 'alice');
    await enrolled(world, 'bob');
    const handler = stepHandler(accountSteps, () => world);
    const me = await handler(stepEvent('me', userPoolCaller('alice'), { userId: 'bob' }));
    expect(me.result).toMatchObject({ userId: 'alice', status: 'ACTIVE', hasIdCard: false, properties: null });
    expect(Object.keys(me.result as object).sort()).toEqual(['createdAt', 'faceIds', 'hasIdCard', 'properties', 'status', 'updatedAt', 'userId']);
    expect((await handler(stepEvent('me', userPoolCaller('alice', 'eu-west-1_admins')))).error?.type).toBe('UNAUTHORIZED');

    const erased = await handler(stepEvent('deleteMe', userPoolCaller('alice'), { userId: 'bob' }));
    expect(erased.result).toMatchObject({ userId: 'alice', deletedFaces: 1 });
    expect(traces(world, 'alice')).toMatchObject({ profile: null, account: false, collectionFaces: [] });
    expect(traces(world, 'bob')).toMatchObject({ profile: expect.objectContaining({ status: 'ACTIVE' }), account: true });
    expect((await handler(stepEvent('me', userPoolCaller('alice')))).result).toBeNull();
    expect((await handler(stepEvent('deleteMe', null))).error?.type).toBe('UNAUTHORIZED');
  });

  it('updateMyPhoto updates the caller\'s photo, never a userId from the input', async () => {
    vi.stubEnv('USER_POOL_ID', POOL);
    const world = createWorld();
    await enrolled(world, 'alice');
    await enrolled(world, 'bob');
    const handler = stepHandler(registerSteps, () => world);
    const input = { userId: 'bob', image: { s3Key: stageUpload(world, { person: 'alice' }) } };
    const response = await handler(stepEvent('updateMyPhoto', userPoolCaller('alice'), { input }, { registrationId: 'registration-upd-0001' }));
    expect(response.result).toMatchObject({ userId: 'alice', kind: 'UPDATE_PHOTO', status: 'SUCCEEDED' });
    expect(traces(world, 'alice').profile?.faceIds).toHaveLength(2);
    expect(traces(world, 'bob').profile?.faceIds).toHaveLength(1);
    const refused = await handler(stepEvent('updateMyPhoto', null, { input }, { registrationId: 'registration-upd-0002' }));
    expect(refused.error?.type).toBe('UNAUTHORIZED');
  });
});
