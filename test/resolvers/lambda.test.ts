/**
 * functions/invokeStep: the exact Invoke request the step Lambdas receive (functions/lib/contract.ts)
 * and how their StepResponse becomes the field's value or a typed GraphQL error; plus whole
 * pipelines run through the manifest against a fake Lambda.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StepEvent, StepResponse } from '../../functions/lib/contract';
import { appSyncError, buildBundles, makeCtx, runPipeline, type Bundles, type DataSourceCall } from './harness';

let bundles: Bundles;
beforeAll(async () => {
  bundles = await buildBundles();
});
afterAll(() => bundles.cleanup());

const iamIdentity = {
  accountId: '123456789012',
  cognitoIdentityPoolId: 'eu-west-1:pool',
  cognitoIdentityId: 'eu-west-1:id',
  sourceIp: ['203.0.113.7'],
  username: 'AROA:cli',
  userArn: 'arn:aws:sts::123456789012:assumed-role/app/cli',
  cognitoIdentityAuthType: 'unauthenticated',
  cognitoIdentityAuthProvider: '',
};

describe('functions/invokeStep request', () => {
  it('invokes with {step: fieldName, args, identity, stash}', async () => {
    const fn = await bundles.load('functions/invokeStep');
    const args = { input: { userId: 'u1', image: { s3Key: 'uploads/a' }, registrationId: 'r1' } };
    const ctx = makeCtx({ typeName: 'Mutation', fieldName: 'registerUser', args, identity: iamIdentity, stash: { registrationId: 'r1' } });
    const payload: StepEvent = { step: 'registerUser', args, identity: iamIdentity, stash: { registrationId: 'r1' } };
    expect(fn.request(ctx)).toEqual({ operation: 'Invoke', payload });
  });

  it('sends identity null for API-key callers (AppSync leaves ctx.identity unset)', async () => {
    const fn = await bundles.load('functions/invokeStep');
    const ctx = makeCtx({ typeName: 'Mutation', fieldName: 'authenticate', args: { input: { userId: 'u1' } } });
    const request = fn.request(ctx) as { payload: StepEvent };
    expect(JSON.parse(JSON.stringify(request))).toEqual({
      operation: 'Invoke',
      payload: { step: 'authenticate', args: { input: { userId: 'u1' } }, identity: null, stash: {} },
    });
  });
});

describe('functions/invokeStep response', () => {
  const respond = async (result: unknown, error?: { message: string; type: string }) => {
    const fn = await bundles.load('functions/invokeStep');
    return () => fn.response(makeCtx({ typeName: 'Mutation', fieldName: 'registerUser', result, error }));
  };

  it('returns {result}.result', async () => {
    const value = { registrationId: 'r1', userId: 'u1', removedFaceIds: [] };
    expect((await respond({ result: value } satisfies StepResponse))()).toEqual(value);
  });

  it('maps {error} to util.error(message, type, null, info) with the same type', async () => {
    const response: StepResponse = {
      error: { type: 'POOR_QUALITY', message: 'The face is too dark', info: { reasons: ['LOW_BRIGHTNESS'], brightness: 12.5 } },
    };
    const e = appSyncError(await respond(response));
    expect(e.message).toBe('The face is too dark');
    expect(e.errorType).toBe('POOR_QUALITY');
    expect(e.data).toBeNull();
    expect(e.errorInfo).toEqual({ reasons: ['LOW_BRIGHTNESS'], brightness: 12.5 });
  });

  it.each(['FACE_ALREADY_REGISTERED', 'LOCKED_OUT', 'CONFLICT', 'USER_NOT_FOUND'])('keeps errorType %s', async (type) => {
    const e = appSyncError(await respond({ error: { type, message: 'm', info: { k: type } } }));
    expect([e.errorType, e.errorInfo]).toEqual([type, { k: type }]);
  });

  it('passes ctx.error (a thrown Lambda error) through with its type', async () => {
    const e = appSyncError(await respond(null, { message: 'Task timed out after 30.00 seconds', type: 'Lambda:Unhandled' }));
    expect(e.message).toBe('Task timed out after 30.00 seconds');
    expect(e.errorType).toBe('Lambda:Unhandled');
  });

  it('treats an empty response as INTERNAL', async () => {
    const e = appSyncError(await respond(null));
    expect(e.errorType).toBe('INTERNAL');
    expect(e.message).toContain('registerUser');
  });

  it('a null result is a value, not an error', async () => {
    expect((await respond({ result: null }))()).toBeNull();
  });
});

describe('Lambda pipelines (manifest → bundles → fake Lambda)', () => {
  const fakeLambda = (calls: DataSourceCall[], response: StepResponse) => (call: DataSourceCall) => {
    calls.push(call);
    return { result: response };
  };

  it.each([
    ['Mutation', 'createUploadUrl', { input: { purpose: 'SELFIE', contentType: 'image/jpeg' } }, 'uploads'],
    ['Mutation', 'registerUser', { input: { userId: 'u1', image: { s3Key: 'uploads/a' }, registrationId: 'registration-r9-0000' } }, 'register'],
    ['Mutation', 'registerWithIdCard', { input: { userId: 'u1', image: { s3Key: 'uploads/a' }, idCard: { s3Key: 'uploads/b' }, registrationId: 'registration-r9-0000' } }, 'register'],
    ['Mutation', 'updatePhoto', { input: { userId: 'u1', image: { base64: 'QUJD' }, registrationId: 'registration-r9-0000' } }, 'register'],
    ['Mutation', 'authenticate', { input: { userId: 'u1', image: { s3Key: 'uploads/a' } } }, 'authenticate'],
    ['Mutation', 'deleteUser', { userId: 'u1' }, 'admin'],
    ['Query', 'searchFaces', { image: { s3Key: 'uploads/a' }, limit: 5 }, 'admin'],
    ['Query', 'me', {}, 'account'],
    ['Mutation', 'updateMyPhoto', { input: { image: { s3Key: 'uploads/a' }, registrationId: 'registration-r9-0000' } }, 'register'],
    ['Mutation', 'deleteMe', {}, 'account'],
    ['Query', 'faceImageUrl', { userId: 'u1', faceId: 'f1' }, 'admin'],
  ])('%s.%s invokes the %s Lambda once and returns its result', async (typeName, fieldName, args, lambda) => {
    const calls: DataSourceCall[] = [];
    const value = { field: fieldName, ok: true };
    const run = await runPipeline(bundles, typeName, fieldName, { args, identity: iamIdentity }, fakeLambda(calls, { result: value }));
    expect(run.result).toEqual(value);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.dataSource).toMatchObject({ name: lambda, kind: 'AWS_LAMBDA', lambda });
    const stash = ['registerUser', 'registerWithIdCard', 'updatePhoto', 'updateMyPhoto'].includes(fieldName) ? { registrationId: 'registration-r9-0000' } : {};
    expect(calls[0]?.request).toEqual({ operation: 'Invoke', payload: { step: fieldName, args, identity: iamIdentity, stash } });
  });

  it('a registration without registrationId sends the generated one to the Lambda', async () => {
    const calls: DataSourceCall[] = [];
    const args = { input: { userId: 'u1', image: { s3Key: 'uploads/a' } } };
    const run = await runPipeline(bundles, 'Mutation', 'registerUser', { args }, fakeLambda(calls, { result: { ok: 1 } }));
    expect(run.result).toEqual({ ok: 1 });
    const sent = (calls[0]?.request as { payload: StepEvent }).payload;
    // payload.stash is ctx.stash as the before handler left it
    expect(sent.stash.registrationId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(sent.stash).toEqual({ registrationId: sent.stash.registrationId });
    expect(sent.identity).toBeNull();
    const again = await runPipeline(bundles, 'Mutation', 'registerUser', { args }, fakeLambda(calls, { result: { ok: 1 } }));
    expect(again.result).toEqual({ ok: 1 });
    expect((calls[1]?.request as { payload: StepEvent }).payload.stash.registrationId).not.toBe(sent.stash.registrationId);
  });

  it('updateMyPhoto checks its image like updatePhoto before the Lambda, and takes no userId', async () => {
    const calls: DataSourceCall[] = [];
    const args = { input: { image: { s3Key: 'faces/u2/x.jpg' } } };
    await expect(runPipeline(bundles, 'Mutation', 'updateMyPhoto', { args }, fakeLambda(calls, { result: {} }))).rejects.toMatchObject({
      errorType: 'INVALID_INPUT',
      errorInfo: { field: 'input.image.s3Key' },
    });
    expect(calls).toHaveLength(0);
  });

  it('invalid arguments never reach the Lambda', async () => {
    const calls: DataSourceCall[] = [];
    const args = { input: { userId: 'u1', image: { s3Key: 'faces/u2/x.jpg' } } };
    await expect(runPipeline(bundles, 'Mutation', 'authenticate', { args }, fakeLambda(calls, { result: {} }))).rejects.toMatchObject({
      errorType: 'INVALID_INPUT',
      errorInfo: { field: 'input.image.s3Key' },
    });
    expect(calls).toHaveLength(0);
  });

  it('faceImageUrl checks userId and faceId before the Lambda', async () => {
    const calls: DataSourceCall[] = [];
    for (const args of [{ userId: 'u 1', faceId: 'f1' }, { userId: 'u1', faceId: '../x' }, { userId: 'u1' }]) {
      await expect(runPipeline(bundles, 'Query', 'faceImageUrl', { args }, fakeLambda(calls, { result: {} }))).rejects.toMatchObject({ errorType: 'INVALID_INPUT' });
    }
    expect(calls).toHaveLength(0);
  });

  it('a Lambda {error} surfaces from the whole pipeline with its type and info', async () => {
    const calls: DataSourceCall[] = [];
    const args = { input: { userId: 'u1', image: { s3Key: 'uploads/a' } } };
    const answer = fakeLambda(calls, { error: { type: 'LOCKED_OUT', message: 'Too many attempts', info: { retryAfter: '2026-01-01T00:15:00Z' } } });
    await expect(runPipeline(bundles, 'Mutation', 'authenticate', { args }, answer)).rejects.toMatchObject({
      message: 'Too many attempts',
      errorType: 'LOCKED_OUT',
      errorInfo: { retryAfter: '2026-01-01T00:15:00Z' },
    });
  });
});
