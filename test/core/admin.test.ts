import { describe, expect, it } from 'vitest';
import { configEnvName, defaultConfig, loadConfig } from '../../core/config';
import { createUploadUrl } from '../../core/flows/createUploadUrl';
import { register } from '../../core/flows/register';
import { faceImageUrl } from '../../core/flows/faceImageUrl';
import { searchFaces } from '../../core/flows/searchFaces';
import { createWorld, SAME_PERSON, stageUpload } from '../support/fakes';
import { expectError } from '../support/helpers';

describe('searchFaces', () => {
  it('finds the enrolled owners of a face, best first, at the given threshold', async () => {
    const world = createWorld();
    const a = await register(world, { userId: 'ua', image: { s3Key: stageUpload(world, { person: 'alice' }) }, registrationId: 'registration-00r1' });
    await register(world, { userId: 'ub', image: { s3Key: stageUpload(world, { person: 'bob' }) }, registrationId: 'registration-00r2' });
    const matches = await searchFaces(world, { image: { s3Key: stageUpload(world, { person: 'alice' }) } });
    expect(matches).toEqual([{ userId: 'ua', faceId: a.faceId, similarity: SAME_PERSON }]);
    expect(await searchFaces(world, { image: { s3Key: stageUpload(world, { person: 'alice' }) }, threshold: 0, limit: 1 })).toHaveLength(1);
    expect(await searchFaces(world, { image: { s3Key: stageUpload(world, { person: 'alice' }) }, threshold: 0 })).toHaveLength(2);
  });

  it.each([
    [{ limit: 0 }, 'limit'],
    [{ limit: 101 }, 'limit'],
    [{ threshold: 101 }, 'threshold'],
    [{ threshold: -1 }, 'threshold'],
  ])('rejects %o', async (args, field) => {
    const world = createWorld();
    await expectError(searchFaces(world, { image: { s3Key: stageUpload(world, { person: 'x' }) }, ...args }), 'INVALID_INPUT', { field });
  });
});

describe('faceImageUrl', () => {
  it('presigns a GET of the face record’s own image key, valid imageUrlTtlSeconds', async () => {
    const world = createWorld();
    const a = await register(world, { userId: 'ua', image: { s3Key: stageUpload(world, { person: 'alice' }) }, registrationId: 'registration-00r1' });
    const [face] = await world.records.listFaces('ua');
    const got = await faceImageUrl(world, { userId: 'ua', faceId: a.faceId });
    expect(got).toEqual({
      userId: 'ua',
      faceId: a.faceId,
      url: `https://bucket.example/${face!.imageKey}?X-Amz-Expires=300&X-Amz-Signature=fake`,
      expiresAt: new Date(world.clock.time + 300_000).toISOString(),
    });
    expect(face!.imageKey).toMatch(/^faces\/ua\//);
    const shorter = await faceImageUrl({ ...world, config: { ...world.config, imageUrlTtlSeconds: 60 } }, { userId: 'ua', faceId: a.faceId });
    expect(shorter?.url).toContain('X-Amz-Expires=60');
  });

  it('null for a face the user does not have (another user’s face included)', async () => {
    const world = createWorld();
    const a = await register(world, { userId: 'ua', image: { s3Key: stageUpload(world, { person: 'alice' }) }, registrationId: 'registration-00r1' });
    await register(world, { userId: 'ub', image: { s3Key: stageUpload(world, { person: 'bob' }) }, registrationId: 'registration-00r2' });
    expect(await faceImageUrl(world, { userId: 'ub', faceId: a.faceId })).toBeNull();
    expect(await faceImageUrl(world, { userId: 'nobody', faceId: a.faceId })).toBeNull();
  });

  it.each([
    [{ userId: 'u 1', faceId: 'f1' }, 'userId'],
    [{ userId: 'u1', faceId: '../f1' }, 'faceId'],
    [{ userId: 'u1', faceId: '' }, 'faceId'],
  ])('rejects %o', async (args, field) => {
    await expectError(faceImageUrl(createWorld(), args), 'INVALID_INPUT', { field });
  });
});

describe('createUploadUrl', () => {
  it('presigns a PUT under uploads/<purpose>/ with its headers, expiry and cap', async () => {
    const world = createWorld();
    const ticket = await createUploadUrl(world, { purpose: 'ID_CARD', contentType: 'image/png' });
    expect(ticket.key).toMatch(/^uploads\/id_card\/[0-9a-f-]{36}\.png$/);
    expect(ticket.url).toContain(ticket.key);
    expect(JSON.parse(ticket.headers)).toEqual({ 'content-type': 'image/png' });
    expect(ticket.expiresAt).toBe(new Date(world.clock.time + 300_000).toISOString());
    expect(ticket.maxBytes).toBe(defaultConfig.maxUploadBytes);
  });

  it('refuses other content types', async () => {
    await expectError(createUploadUrl(createWorld(), { purpose: 'SELFIE', contentType: 'image/gif' }), 'INVALID_INPUT', { field: 'contentType' });
  });
});

describe('config', () => {
  it('reads overrides from FACEGATE_* variables', () => {
    expect(configEnvName('authThreshold')).toBe('FACEGATE_AUTH_THRESHOLD');
    const config = loadConfig({ FACEGATE_AUTH_THRESHOLD: '98.5', FACEGATE_KEPT_FACES: '1' });
    expect(config).toEqual({ ...defaultConfig, authThreshold: 98.5, keptFaces: 1 });
  });

  it('refuses a fraction where the 0–100 scale is meant, and values off the scale', () => {
    expect(() => loadConfig({ FACEGATE_AUTH_THRESHOLD: '0.99' })).toThrow(/0–100 scale.*99/);
    expect(() => loadConfig({ FACEGATE_DUPLICATE_THRESHOLD: '120' })).toThrow(/0–100/);
    expect(() => loadConfig({ FACEGATE_KEPT_FACES: 'many' })).toThrow(/non-negative number/);
  });

  it('thresholds default to Rekognition-scale values', () => {
    expect(defaultConfig).toMatchObject({ duplicateThreshold: 95, idCardThreshold: 95, authThreshold: 99, minFaceConfidence: 90, maxPoseDegrees: 30 });
  });
});

describe('registrationId', () => {
  it('must be hard to guess when the client chooses it: 16 or more characters', async () => {
    const world = createWorld();
    await expectError(register(world, { userId: 'u1', image: { s3Key: stageUpload(world, { person: 'a' }) }, registrationId: 'short-id' }), 'INVALID_INPUT', { field: 'registrationId' });
    expect(world.records.registrations.size).toBe(0);
  });

  it('accepts properties as AppSync passes AWSJSON (parsed) and stores them as JSON text', async () => {
    const world = createWorld();
    await register(world, { userId: 'u1', image: { s3Key: stageUpload(world, { person: 'a' }) }, registrationId: 'registration-0001', properties: { plan: 'gold' } });
    expect(world.records.users.get('u1')?.properties).toBe('{"plan":"gold"}');
  });
});
