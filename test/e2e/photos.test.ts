/**
 * The flows with photos as people take them, end to end on the local stack: portrait selfies
 * register and authenticate, a tall photo of one man is one face, a selfie on its side or upside
 * down is refused as POOR_QUALITY (pose), and each selfie costs one pass of the face models.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelPasses } from '../../local/rekognition/index';
import { PHOTOS, authenticate, haveSharedFaces, photoPath, photoVariantOf, refusal, register, startTestStack, stopTestStack, warnIfNoSharedFaces, type TestStack } from './helpers';

warnIfNoSharedFaces('the end-to-end photo tests (test/e2e/photos.test.ts)');

/** The face models' passes (this process runs the stack's engine) while `fn` runs. */
async function passesOf(fn: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = modelPasses();
  await fn();
  const after = modelPasses();
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - before[k as keyof typeof before]]));
}

describe.skipIf(!haveSharedFaces)('photos of every shape, end to end (local stack, real faces)', { timeout: 60_000 }, () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack();
  });
  afterAll(() => stopTestStack(t));

  it('registers a 9:16 portrait selfie and authenticates with a 3:4 photo of the same person, each selfie costing one decode, detector pass and descriptor', async () => {
    const portrait = await photoVariantOf(t, PHOTOS.carol.enroll, '9:16 crop');
    expect(portrait.height / portrait.width).toBeCloseTo(16 / 9, 1);
    let result: Awaited<ReturnType<typeof register>> | undefined;
    expect(await passesOf(async () => {
      result = await register(t, 'carol', portrait, randomUUID());
    })).toMatchObject({ decode: 1, detect: 1, descriptor: 1 });
    expect(result).toMatchObject({ userId: 'carol', status: 'SUCCEEDED' });

    const other = await photoVariantOf(t, PHOTOS.carol.other, '3:4 pad');
    let auth: Awaited<ReturnType<typeof authenticate>> | undefined;
    expect(await passesOf(async () => {
      auth = await authenticate(t, 'carol', other);
    })).toMatchObject({ decode: 1, detect: 1, descriptor: 1 });
    expect(auth!.authenticated).toBe(true);
    expect(auth!.similarity).toBeGreaterThanOrEqual(t.stack.authThreshold.value);
  });

  it('registers a tall photo of one man as one face (970×2204: the detector used to squash it and count two)', async () => {
    const result = await register(t, 'biden', 'face_recognition/train__biden__biden.jpg', randomUUID());
    expect(result).toMatchObject({ userId: 'biden', status: 'SUCCEEDED' });
  });

  it.each([90, 180])('refuses a selfie turned by %i° as POOR_QUALITY, with the pose as the reason', async (angle) => {
    const turned = await sharp(fs.readFileSync(photoPath(PHOTOS.bob.enroll))).rotate().rotate(angle).jpeg({ quality: 92 }).toBuffer();
    const error = await refusal(register(t, `bob-turned-${angle}`, { bytes: turned }, randomUUID()));
    expect(error.errorType).toBe('POOR_QUALITY');
    expect(error.errorInfo).toMatchObject({ field: 'image', reasons: expect.arrayContaining(['EXTREME_POSE']) });
  });
});
