/**
 * The pipelines' `before` handlers: arguments are checked before any data source runs, with
 * typed errors (errorType INVALID_INPUT / IMAGE_TOO_LARGE, errorInfo naming the field).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appSyncError, buildBundles, makeCtx, type Bundles } from './harness';

let bundles: Bundles;
beforeAll(async () => {
  bundles = await buildBundles();
});
afterAll(() => bundles.cleanup());

const MAX_BASE64 = 1398104;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const good = { s3Key: 'uploads/0b1c2d3e' };

async function before(code: string, args: Record<string, unknown>) {
  const m = await bundles.load(code);
  const ctx = makeCtx({ args, fieldName: code.split('.')[1], typeName: code.split('.')[0] });
  return { ctx, run: () => m.request(ctx) };
}

async function expectError(code: string, args: Record<string, unknown>, errorType: string, info: Record<string, unknown>) {
  const { run } = await before(code, args);
  const e = appSyncError(run);
  expect(e.errorType).toBe(errorType);
  expect(e.errorInfo).toEqual(info);
  expect(e.data).toBeNull();
  expect(e.message.length).toBeGreaterThan(10);
  return e;
}

async function expectOk(code: string, args: Record<string, unknown>) {
  const { ctx, run } = await before(code, args);
  expect(run()).toEqual({});
  return ctx;
}

const invalid = (field: string) => ({ field });

describe('userId', () => {
  const reg = (userId: unknown) => ({ input: { userId, image: good } });
  it.each([
    ['empty', ''],
    ['a space', 'a b'],
    ['a slash', 'a/b'],
    ['a hash (key separator)', 'USER#x'],
    ['129 characters', 'x'.repeat(129)],
    ['a trailing newline', 'abc\n'],
    ['non-ASCII', 'jürgen'],
  ])('rejects %s', async (_name, userId) => {
    await expectError('Mutation.registerUser', reg(userId), 'INVALID_INPUT', invalid('input.userId'));
  });

  it.each([['x'], ['x'.repeat(128)], ['user_1.a-b:c'], ['ABC-123']])('accepts %s', async (userId) => {
    await expectOk('Mutation.registerUser', reg(userId));
  });

  it.each([
    ['Mutation.registerWithIdCard', { input: { userId: 'a b', image: good, idCard: good } }, 'input.userId'],
    ['Mutation.updatePhoto', { input: { userId: 'a b', image: good } }, 'input.userId'],
    ['Mutation.authenticate', { input: { userId: 'a b', image: good } }, 'input.userId'],
    ['Mutation.deleteUser', { userId: 'a b' }, 'userId'],
    ['Query.user', { userId: 'a b' }, 'userId'],
    ['Query.faceRecords', { userId: '' }, 'userId'],
  ])('%s checks it', async (code, args, field) => {
    await expectError(code, args, 'INVALID_INPUT', invalid(field));
  });
});

describe('ImageInput', () => {
  const reg = (image: unknown) => ({ input: { userId: 'u1', image } });
  it('rejects a missing image', async () => {
    await expectError('Mutation.registerUser', reg(null), 'INVALID_INPUT', invalid('input.image'));
  });
  it('rejects neither s3Key nor base64', async () => {
    const e = await expectError('Mutation.registerUser', reg({}), 'INVALID_INPUT', invalid('input.image'));
    expect(e.message).toContain('exactly one');
  });
  it('rejects both s3Key and base64', async () => {
    await expectError('Mutation.registerUser', reg({ s3Key: 'uploads/a', base64: 'QUJD' }), 'INVALID_INPUT', invalid('input.image'));
  });
  it('treats null as absent', async () => {
    await expectOk('Mutation.registerUser', reg({ s3Key: null, base64: 'QUJD' }));
    await expectOk('Mutation.registerUser', reg({ s3Key: 'uploads/a', base64: null }));
  });
  it.each([['faces/u1/f.jpg'], ['uploads/'], ['../uploads/x'], ['Uploads/x'], ['uploads/' + 'k'.repeat(1017)]])(
    'rejects s3Key %s',
    async (s3Key) => {
      await expectError('Mutation.registerUser', reg({ s3Key }), 'INVALID_INPUT', invalid('input.image.s3Key'));
    },
  );
  it('accepts a key under uploads/', async () => {
    await expectOk('Mutation.registerUser', reg({ s3Key: 'uploads/' + 'k'.repeat(1016) }));
  });
  it('rejects empty base64', async () => {
    await expectError('Mutation.registerUser', reg({ base64: '' }), 'INVALID_INPUT', invalid('input.image.base64'));
  });
  it('accepts base64 of exactly 1 MiB and rejects one character more as IMAGE_TOO_LARGE', async () => {
    await expectOk('Mutation.registerUser', reg({ base64: 'A'.repeat(MAX_BASE64) }));
    const e = await expectError('Mutation.registerUser', reg({ base64: 'A'.repeat(MAX_BASE64 + 1) }), 'IMAGE_TOO_LARGE', {
      field: 'input.image.base64',
      maxBytes: 1048576,
    });
    expect(e.message).toContain('createUploadUrl');
  });
  it('checks the ID card image of registerWithIdCard as input.idCard', async () => {
    const args = (idCard: unknown) => ({ input: { userId: 'u1', image: good, idCard } });
    await expectError('Mutation.registerWithIdCard', args(undefined), 'INVALID_INPUT', invalid('input.idCard'));
    await expectError('Mutation.registerWithIdCard', args({ s3Key: 'idcards/x' }), 'INVALID_INPUT', invalid('input.idCard.s3Key'));
    await expectError('Mutation.registerWithIdCard', args({ base64: 'A'.repeat(MAX_BASE64 + 1) }), 'IMAGE_TOO_LARGE', {
      field: 'input.idCard.base64',
      maxBytes: 1048576,
    });
    await expectOk('Mutation.registerWithIdCard', args({ base64: 'QUJD' }));
  });
  it.each([
    ['Mutation.updatePhoto', { input: { userId: 'u1', image: {} } }, 'input.image'],
    ['Mutation.authenticate', { input: { userId: 'u1', image: { s3Key: 'x' } } }, 'input.image.s3Key'],
    ['Query.searchFaces', { image: { s3Key: 'uploads/a', base64: 'QUJD' } }, 'image'],
  ])('%s checks it', async (code, args, field) => {
    await expectError(code, args, 'INVALID_INPUT', invalid(field));
  });
  it('Query.searchFaces caps inline images too', async () => {
    await expectError('Query.searchFaces', { image: { base64: 'A'.repeat(MAX_BASE64 + 1) } }, 'IMAGE_TOO_LARGE', {
      field: 'image.base64',
      maxBytes: 1048576,
    });
  });
});

describe('registrationId', () => {
  const codes = ['Mutation.registerUser', 'Mutation.registerWithIdCard', 'Mutation.updatePhoto'] as const;
  const input = (registrationId?: unknown) => ({
    input: { userId: 'u1', image: good, idCard: good, ...(registrationId === undefined ? {} : { registrationId }) },
  });

  it.each(codes)('%s stashes the given registrationId', async (code) => {
    const ctx = await expectOk(code, input('registration-42:a.b_c'));
    expect(ctx.stash).toEqual({ registrationId: 'registration-42:a.b_c' });
  });

  it.each(codes)('%s stashes a new id when none is given (absent or null)', async (code) => {
    const a = await expectOk(code, input());
    const b = await expectOk(code, input(null));
    expect(a.stash.registrationId).toMatch(UUID);
    expect(b.stash.registrationId).toMatch(UUID);
    expect(a.stash.registrationId).not.toBe(b.stash.registrationId);
  });

  it.each(codes)('%s rejects a malformed registrationId', async (code) => {
    await expectError(code, input('bad id'), 'INVALID_INPUT', invalid('input.registrationId'));
    await expectError(code, input('r'.repeat(129)), 'INVALID_INPUT', invalid('input.registrationId'));
    // a guessable id would let others read the registration
    await expectError(code, input('r'.repeat(15)), 'INVALID_INPUT', invalid('input.registrationId'));
    await expectOk(code, input('r'.repeat(16)));
  });

  it('authenticate stashes nothing', async () => {
    const ctx = await expectOk('Mutation.authenticate', { input: { userId: 'u1', image: good } });
    expect(ctx.stash).toEqual({});
  });

  it.each([
    ['Query.registration', { registrationId: 'a b' }, 'registrationId'],
    ['Subscription.onRegistrationProgress', { registrationId: '' }, 'registrationId'],
  ])('%s checks it', async (code, args, field) => {
    await expectError(code, args, 'INVALID_INPUT', invalid(field));
  });
});

describe('other arguments', () => {
  const tooLarge = { field: 'input.properties', maxBytes: 4096 };
  it('registerUser and registerWithIdCard cap properties at 4 KB', async () => {
    const props = (n: number) => JSON.stringify({ k: 'v'.repeat(n - 8) });
    expect(props(4096)).toHaveLength(4096);
    await expectOk('Mutation.registerUser', { input: { userId: 'u1', image: good, properties: props(4096) } });
    await expectError('Mutation.registerUser', { input: { userId: 'u1', image: good, properties: props(4097) } }, 'INVALID_INPUT', tooLarge);
    await expectError(
      'Mutation.registerWithIdCard',
      { input: { userId: 'u1', image: good, idCard: good, properties: { k: 'v'.repeat(5000) } } },
      'INVALID_INPUT',
      tooLarge,
    );
  });

  it('the properties cap counts UTF-8 bytes of the JSON text as stored, not characters', async () => {
    // 4096 characters, 4097 bytes: "é" is two bytes in UTF-8; "€" three.
    const parsed = { k: 'é' + 'v'.repeat(4087) };
    expect(JSON.stringify(parsed)).toHaveLength(4096);
    expect(Buffer.byteLength(JSON.stringify(parsed))).toBe(4097);
    await expectError('Mutation.registerUser', { input: { userId: 'u1', image: good, properties: parsed } }, 'INVALID_INPUT', tooLarge);
    const fits = { k: '€' + 'v'.repeat(4085) };
    expect(Buffer.byteLength(JSON.stringify(fits))).toBe(4096);
    await expectOk('Mutation.registerUser', { input: { userId: 'u1', image: good, properties: fits } });
    // What is stored is compact JSON: the parsed value is measured, however the client spaced its text.
    await expectOk('Mutation.registerUser', { input: { userId: 'u1', image: good, properties: { k: ' '.repeat(4088) } } });
    await expectError('Mutation.registerWithIdCard', { input: { userId: 'u1', image: good, idCard: good, properties: { k: '€'.repeat(1400) } } }, 'INVALID_INPUT', tooLarge);
  });

  it('properties must be a JSON object (AppSync hands AWSJSON arguments over parsed)', async () => {
    const args = (properties: unknown) => ({ input: { userId: 'u1', image: good, properties } });
    await expectOk('Mutation.registerUser', args({ plan: 'gold', n: 1 }));
    await expectOk('Mutation.registerUser', args('{"plan":"gold"}'));
    await expectOk('Mutation.registerUser', args(null));
    for (const bad of [[1, 2], 42, true]) {
      await expectError('Mutation.registerUser', args(bad), 'INVALID_INPUT', invalid('input.properties'));
    }
  });

  it('createUploadUrl accepts JPEG and PNG only', async () => {
    await expectOk('Mutation.createUploadUrl', { input: { purpose: 'SELFIE', contentType: 'image/jpeg' } });
    await expectOk('Mutation.createUploadUrl', { input: { purpose: 'ID_CARD', contentType: 'image/png' } });
    await expectError('Mutation.createUploadUrl', { input: { purpose: 'SELFIE', contentType: 'image/gif' } }, 'INVALID_INPUT', invalid('input.contentType'));
  });

  it.each([[0], [101], [2.5], [-1]])('listUsers rejects limit %s', async (limit) => {
    await expectError('Query.listUsers', { limit }, 'INVALID_INPUT', invalid('limit'));
  });

  it('listUsers stashes limit (default 20), status (default ACTIVE) and nextToken', async () => {
    expect((await expectOk('Query.listUsers', {})).stash).toEqual({ limit: 20, status: 'ACTIVE', nextToken: null });
    expect((await expectOk('Query.listUsers', { limit: 1, status: 'PENDING', nextToken: 'tok' })).stash).toEqual({
      limit: 1,
      status: 'PENDING',
      nextToken: 'tok',
    });
    expect((await expectOk('Query.listUsers', { limit: 100, status: null, nextToken: null })).stash).toEqual({
      limit: 100,
      status: 'ACTIVE',
      nextToken: null,
    });
    await expectError('Query.listUsers', { nextToken: '' }, 'INVALID_INPUT', invalid('nextToken'));
  });

  it('searchFaces checks limit 1..100 and threshold 0..100 when given', async () => {
    await expectOk('Query.searchFaces', { image: good });
    await expectOk('Query.searchFaces', { image: good, limit: 100, threshold: 0 });
    await expectOk('Query.searchFaces', { image: good, limit: 1, threshold: 99.5 });
    await expectError('Query.searchFaces', { image: good, limit: 0 }, 'INVALID_INPUT', invalid('limit'));
    await expectError('Query.searchFaces', { image: good, limit: 101 }, 'INVALID_INPUT', invalid('limit'));
    await expectError('Query.searchFaces', { image: good, threshold: 100.5 }, 'INVALID_INPUT', invalid('threshold'));
    await expectError('Query.searchFaces', { image: good, threshold: -1 }, 'INVALID_INPUT', invalid('threshold'));
  });

  it('user, faceRecords and registration stash the id their function reads', async () => {
    expect((await expectOk('Query.user', { userId: 'u1' })).stash).toEqual({ userId: 'u1' });
    expect((await expectOk('Query.faceRecords', { userId: 'u2' })).stash).toEqual({ userId: 'u2' });
    expect((await expectOk('Query.registration', { registrationId: 'r3' })).stash).toEqual({ registrationId: 'r3' });
  });
});

describe('after handlers', () => {
  it.each([
    'Mutation.createUploadUrl',
    'Mutation.registerUser',
    'Mutation.registerWithIdCard',
    'Mutation.updatePhoto',
    'Mutation.authenticate',
    'Mutation.deleteUser',
    'Mutation.publishRegistrationProgress',
    'Query.searchFaces',
    'Query.user',
    'Query.listUsers',
    'Query.faceRecords',
    'Query.registration',
    'User.faces',
  ])('%s returns the last function’s result', async (code) => {
    const m = await bundles.load(code);
    const prev = { some: 'result', n: 1, nested: { list: [1, 'two', null] } };
    expect(m.response(makeCtx({ prevResult: prev }))).toEqual(prev);
    expect(m.response(makeCtx({ prevResult: 'another' }))).toBe('another');
  });
});
