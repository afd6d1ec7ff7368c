import { describe, expect, it } from 'vitest';
import { FacegateError } from '../../core/errors';
import { registerSteps } from '../../functions/register';
import { adminSteps } from '../../functions/admin';
import { authenticateSteps } from '../../functions/authenticate';
import { uploadSteps } from '../../functions/uploads';
import { accountSteps } from '../../functions/account';
import type { StepEvent } from '../../functions/lib/contract';
import { readFunctionEnv } from '../../functions/lib/env';
import { registrationIdOf, stepHandler } from '../../functions/lib/handler';
import { createWorld, fakeImageBase64, traces } from '../support/fakes';

const event = (step: StepEvent['step'], args: Record<string, unknown>, stash: StepEvent['stash'] = {}): StepEvent => ({ step, args, identity: null, stash });

describe('stepHandler', () => {
  it('answers {result} with what the flow returned, building dependencies once', async () => {
    const world = createWorld();
    let built = 0;
    const handler = stepHandler(
      registerSteps,
      () => {
        built += 1;
        return world;
      },
    );
    const response = await handler(event('registerUser', { input: { userId: 'u1', image: { base64: fakeImageBase64({ person: 'a' }) } } }, { registrationId: 'registration-reg-1' }));
    expect(response.error).toBeUndefined();
    expect(response.result).toMatchObject({ userId: 'u1', registrationId: 'registration-reg-1', status: 'SUCCEEDED' });
    expect(traces(world, 'u1').profile?.status).toBe('ACTIVE');
    await handler(event('registerUser', { input: { userId: 'u2', image: { base64: fakeImageBase64({ person: 'b' }) } } }, { registrationId: 'registration-reg-2' }));
    expect(built).toBe(1);
  });

  it('answers an expected failure as {error} with its type, message and info', async () => {
    const handler = stepHandler({ authenticate: async () => Promise.reject(new FacegateError('LOCKED_OUT', 'Too many', { retryAfter: 'then' })) }, () => createWorld());
    expect(await handler(event('authenticate', {}))).toEqual({ error: { type: 'LOCKED_OUT', message: 'Too many', info: { retryAfter: 'then' } } });
  });

  it('answers an unexpected failure as INTERNAL without its details', async () => {
    const handler = stepHandler({ authenticate: async () => Promise.reject(new Error('secret table name')) }, () => createWorld());
    const response = await handler(event('authenticate', {}));
    expect(response.error?.type).toBe('INTERNAL');
    expect(JSON.stringify(response)).not.toContain('secret');
  });

  it('refuses a step it does not serve, and a malformed event', async () => {
    const handler = stepHandler({ authenticate: async () => 'ok' }, () => createWorld());
    expect((await handler(event('deleteUser', {}))).error?.type).toBe('INTERNAL');
    expect((await handler({ step: 'authenticate' } as unknown as StepEvent)).error?.type).toBe('INTERNAL');
    expect(await handler(event('authenticate', {}))).toEqual({ result: 'ok' });
  });

  it('a registration step without a stashed registrationId fails loudly', async () => {
    const handler = stepHandler({ registerUser: async (_, e) => registrationIdOf(e) }, () => createWorld());
    expect((await handler(event('registerUser', { input: {} }))).error?.type).toBe('INTERNAL');
  });
});

describe('the four step Lambdas', () => {
  it('run the flows from AppSync arguments, end to end on fakes', async () => {
    const world = createWorld();
    const deps = () => world;
    const [register, authenticate, admin, uploads] = [stepHandler(registerSteps, deps), stepHandler(authenticateSteps, deps), stepHandler(adminSteps, deps), stepHandler(uploadSteps, deps)];
    const image = (person: string) => ({ base64: fakeImageBase64({ person }) });

    const ticket = await uploads(event('createUploadUrl', { input: { purpose: 'SELFIE', contentType: 'image/jpeg' } }));
    expect((ticket.result as { key: string }).key).toMatch(/^uploads\/selfie\//);
    const registered = await register(event('registerUser', { input: { userId: 'u1', image: image('ada'), properties: { plan: 'gold' } } }, { registrationId: 'registration-0001' }));
    expect(registered.result).toMatchObject({ userId: 'u1', kind: 'REGISTER', status: 'SUCCEEDED' });
    const updated = await register(event('updatePhoto', { input: { userId: 'u1', image: image('ada') } }, { registrationId: 'registration-0002' }));
    expect(updated.result).toMatchObject({ kind: 'UPDATE_PHOTO' });
    const withCard = await register(event('registerWithIdCard', { input: { userId: 'u2', image: image('bo'), idCard: image('bo') } }, { registrationId: 'registration-0003' }));
    expect(withCard.result).toMatchObject({ kind: 'REGISTER_WITH_ID_CARD', idCardSimilarity: 99.6 });
    expect((await authenticate(event('authenticate', { input: { userId: 'u1', image: image('ada') } }))).result).toMatchObject({ authenticated: true });
    expect((await authenticate(event('authenticate', { input: { userId: 'u1', image: image('bo') } }))).error?.type).toBe('FACE_MISMATCH');
    const asAdmin = (e: StepEvent): StepEvent => ({ ...e, identity: { sub: 's1', username: 'root', groups: ['admins'] } });
    expect((await admin(asAdmin(event('searchFaces', { image: image('ada') })))).result).toEqual([expect.objectContaining({ userId: 'u1' }), expect.objectContaining({ userId: 'u1' })]);
    const faceId = (registered.result as { faceId: string }).faceId;
    expect((await admin(asAdmin(event('faceImageUrl', { userId: 'u1', faceId })))).result).toMatchObject({ userId: 'u1', faceId, url: expect.stringContaining(`faces/u1/${faceId}`) });
    expect((await admin(asAdmin(event('deleteUser', { userId: 'u1' })))).result).toMatchObject({ userId: 'u1', deletedFaces: 2 });
    expect((await admin(asAdmin(event('deleteUser', { userId: 'u1' })))).error?.type).toBe('USER_NOT_FOUND');
  });

  it('admin steps refuse callers outside the admins group, whatever reached them', async () => {
    const world = createWorld();
    const register = stepHandler(registerSteps, () => world);
    const admin = stepHandler(adminSteps, () => world);
    const image = { base64: fakeImageBase64({ person: 'ada' }) };
    await register(event('registerUser', { input: { userId: 'u1', image } }, { registrationId: 'registration-0001' }));
    const callers = [null, { sub: 's1', username: 'op', groups: null }, { sub: 's1', username: 'op', groups: ['operators'] }, { accountId: '1', userArn: 'arn:aws:iam::1:user/x' }];
    for (const identity of callers) {
      for (const e of [event('deleteUser', { userId: 'u1' }), event('searchFaces', { image }), event('faceImageUrl', { userId: 'u1', faceId: 'f1' })]) {
        const answer = await admin({ ...e, identity });
        expect(answer.error).toMatchObject({ type: 'UNAUTHORIZED', message: expect.stringContaining('admins') });
      }
    }
    // Nothing was erased.
    expect(await world.records.getUser('u1')).toMatchObject({ status: 'ACTIVE' });
  });
});

describe('function environment', () => {
  it('names every missing variable', () => {
    expect(() => readFunctionEnv({ TABLE_NAME: 't' })).toThrow('Missing environment: BUCKET_NAME, COLLECTION_ID');
  });

  it('reads the table, bucket, collection, API URL and region', () => {
    expect(readFunctionEnv({ TABLE_NAME: 't', BUCKET_NAME: 'b', COLLECTION_ID: 'c', GRAPHQL_URL: 'http://x/graphql', AWS_REGION: 'eu-west-1' })).toEqual({
      tableName: 't',
      bucketName: 'b',
      collectionId: 'c',
      graphqlUrl: 'http://x/graphql',
      region: 'eu-west-1',
      idDocumentReader: 'none',
    });
    expect(readFunctionEnv({ TABLE_NAME: 't', BUCKET_NAME: 'b', COLLECTION_ID: 'c', ID_DOCUMENT_READER: 'textract' }).idDocumentReader).toBe('textract');
    expect(() => readFunctionEnv({ TABLE_NAME: 't', BUCKET_NAME: 'b', COLLECTION_ID: 'c', ID_DOCUMENT_READER: 'ocr' })).toThrow(/textract or none/);
  });
});

describe('the manifest and the step Lambdas agree', () => {
  it('each Lambda data source lists exactly the steps its handler serves', async () => {
    const { dataSources } = await import('../../resolvers/manifest');
    const tables: Record<string, object> = { register: registerSteps, authenticate: authenticateSteps, admin: adminSteps, uploads: uploadSteps, account: accountSteps };
    const lambdas = dataSources.flatMap((d) => (d.kind === 'AWS_LAMBDA' ? [d] : []));
    expect(lambdas.map((d) => d.lambda).sort()).toEqual(Object.keys(tables).sort());
    for (const d of lambdas) expect([...d.steps].sort(), d.lambda).toEqual(Object.keys(tables[d.lambda]!).sort());
  });
});
