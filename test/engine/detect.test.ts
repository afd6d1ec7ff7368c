/** DetectFaces and CompareFaces through @aws-sdk/client-rekognition against the local engine. */
import {
  CompareFacesCommand,
  DetectFacesCommand,
  ImageTooLargeException,
  InvalidImageFormatException,
  InvalidParameterException,
} from '@aws-sdk/client-rekognition';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pngDeclaring } from '../support/bad-images';
import { blankImage, DEMO_FACE_COUNTS, demoFaces, demoPhoto, startEngine, type Engine } from './helpers';

let engine: Engine;
let faces1: Buffer[]; // single-face crops of sample1.jpg (3 people)

beforeAll(async () => {
  engine = await startEngine({ workers: 2 });
  faces1 = await demoFaces(engine.client, 1);
});
afterAll(() => engine?.stop());

describe('DetectFaces', () => {
  it.each(Object.entries(DEMO_FACE_COUNTS))('finds every face in face-api demo sample%s.jpg (%i faces)', async (i, count) => {
    const r = await engine.client.send(new DetectFacesCommand({ Image: { Bytes: demoPhoto(Number(i) as 1) } }));
    expect(r.FaceDetails).toHaveLength(count);
  });

  it('returns one face for a single-face crop, with the DEFAULT attributes only', async () => {
    expect(faces1).toHaveLength(3);
    const r = await engine.client.send(new DetectFacesCommand({ Image: { Bytes: faces1[0] } }));
    expect(r.FaceDetails).toHaveLength(1);
    const f = r.FaceDetails![0]!;
    const b = f.BoundingBox!;
    for (const v of [b.Left!, b.Top!, b.Width!, b.Height!]) expect(v).toBeGreaterThanOrEqual(0);
    expect(b.Left! + b.Width!).toBeLessThanOrEqual(1.0001);
    expect(b.Width!).toBeGreaterThan(0.2); // a crop with 30 % margin: the face is a big part of it
    expect(f.Confidence!).toBeGreaterThan(90);
    expect(f.Landmarks!.map((l) => l.Type).sort()).toEqual(['eyeLeft', 'eyeRight', 'mouthLeft', 'mouthRight', 'nose']);
    const lm = Object.fromEntries(f.Landmarks!.map((l) => [l.Type, l]));
    expect(lm.eyeLeft!.X!).toBeLessThan(lm.eyeRight!.X!);
    expect(lm.eyeLeft!.Y!).toBeLessThan(lm.mouthLeft!.Y!);
    expect(Math.abs(f.Pose!.Yaw!)).toBeLessThan(45);
    expect(f.Quality!.Brightness!).toBeGreaterThan(5);
    expect(f.Quality!.Sharpness!).toBeGreaterThan(10);
    expect(f.AgeRange).toBeUndefined();
    expect(f.Emotions).toBeUndefined();
  });

  it('returns the estimated attributes with Attributes ALL', async () => {
    const r = await engine.client.send(new DetectFacesCommand({ Image: { Bytes: faces1[0] }, Attributes: ['ALL'] }));
    const f = r.FaceDetails![0]!;
    expect(f.Landmarks!.length).toBe(30);
    expect(f.AgeRange!.Low!).toBeLessThan(f.AgeRange!.High!);
    expect(f.AgeRange!.Low!).toBeGreaterThan(5);
    expect(f.AgeRange!.High!).toBeLessThan(60);
    expect(f.Gender!.Value).toBe('Female');
    expect(f.EyesOpen!.Value).toBe(true);
    expect(f.Sunglasses!.Value).toBe(false);
    expect(f.Emotions!.length).toBeGreaterThan(0);
    expect(f.Emotions![0]!.Confidence!).toBeGreaterThanOrEqual(f.Emotions!.at(-1)!.Confidence!);
  });

  it('computes only the attributes asked for, on top of the default set', async () => {
    const r = await engine.client.send(new DetectFacesCommand({ Image: { Bytes: faces1[0] }, Attributes: ['DEFAULT', 'EYES_OPEN', 'SUNGLASSES'] }));
    const f = r.FaceDetails![0]!;
    expect(f.EyesOpen!.Value).toBe(true);
    expect(f.Sunglasses!.Value).toBe(false);
    expect(f.Pose).toBeDefined();
    expect(f.Quality).toBeDefined();
    expect(f.AgeRange).toBeUndefined();
    expect(f.Gender).toBeUndefined();
    expect(f.Emotions).toBeUndefined();
    expect(f.Smile).toBeUndefined();
    expect(f.Landmarks!.length).toBe(5);
    const g = (await engine.client.send(new DetectFacesCommand({ Image: { Bytes: faces1[0] }, Attributes: ['GENDER'] }))).FaceDetails![0]!;
    expect(g.Gender!.Value).toBe('Female');
    expect(g.EyesOpen).toBeUndefined();
  });

  it('Brightness and Sharpness follow the pixels', async () => {
    const img = faces1[0]!;
    const dark = await sharp(img).modulate({ brightness: 0.3 }).jpeg().toBuffer();
    const blurred = await sharp(img).blur(6).jpeg().toBuffer();
    const [o, d, b] = await Promise.all([img, dark, blurred].map((x) => engine.client.send(new DetectFacesCommand({ Image: { Bytes: x } }))));
    const q = (r: typeof o | undefined) => r!.FaceDetails![0]!.Quality!;
    expect(q(d).Brightness!).toBeLessThan(q(o).Brightness! * 0.6);
    if (b!.FaceDetails!.length) expect(q(b).Sharpness!).toBeLessThan(q(o).Sharpness! - 20);
  });

  it('finds no face in a blank image', async () => {
    const r = await engine.client.send(new DetectFacesCommand({ Image: { Bytes: await blankImage() } }));
    expect(r.FaceDetails).toEqual([]);
  });

  it('refuses what is not an image, images over 5 MB, a missing image and unknown attributes', async () => {
    await expect(engine.client.send(new DetectFacesCommand({ Image: { Bytes: Buffer.from('definitely not a jpeg') } }))).rejects.toBeInstanceOf(InvalidImageFormatException);
    const big = Buffer.alloc(5 * 1024 * 1024 + 10, 1);
    await expect(engine.client.send(new DetectFacesCommand({ Image: { Bytes: big } }))).rejects.toBeInstanceOf(ImageTooLargeException);
    // A decompression bomb: 312 bytes declaring 30000×30000 pixels is too large, not a bad format.
    await expect(engine.client.send(new DetectFacesCommand({ Image: { Bytes: pngDeclaring(30000, 30000) } }))).rejects.toBeInstanceOf(ImageTooLargeException);
    await expect(engine.client.send(new DetectFacesCommand({ Image: {} }))).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(engine.client.send(new DetectFacesCommand({ Image: { Bytes: faces1[0] }, Attributes: ['NOPE' as 'ALL'] }))).rejects.toBeInstanceOf(InvalidParameterException);
  });

  it('runs two requests at once on two workers', async () => {
    // Speed is for bench/engine.ts; here: both workers really were busy at the same time.
    const photo = demoPhoto(4);
    const rs = await Promise.all([1, 2].map(() => engine.client.send(new DetectFacesCommand({ Image: { Bytes: photo } }))));
    expect(rs.map((r) => r.FaceDetails!.length)).toEqual([4, 4]);
    expect(engine.server.workers()).toEqual({ size: 2, peakConcurrency: 2 });
  });
});

describe('CompareFaces', () => {
  it('matches a face against the photo it came from, and leaves the others unmatched (at 95)', async () => {
    const r = await engine.client.send(new CompareFacesCommand({ SourceImage: { Bytes: faces1[0] }, TargetImage: { Bytes: demoPhoto(1) }, SimilarityThreshold: 95 }));
    expect(r.SourceImageFace!.Confidence!).toBeGreaterThan(90);
    expect(r.FaceMatches).toHaveLength(1);
    expect(r.FaceMatches![0]!.Similarity!).toBeGreaterThanOrEqual(99);
    expect(r.FaceMatches![0]!.Face!.BoundingBox).toBeDefined();
    expect(r.UnmatchedFaces).toHaveLength(2);
  });

  it('does not match other people at the application threshold (95); the model ranks the true face first', async () => {
    // sample6 shows four other women: none may reach 95 (same-person pairs across photos are
    // in verification.test.ts, which needs ../shared/faces)
    const r = await engine.client.send(new CompareFacesCommand({ SourceImage: { Bytes: faces1[0] }, TargetImage: { Bytes: demoPhoto(6) }, SimilarityThreshold: 95 }));
    expect(r.FaceMatches).toEqual([]);
    expect(r.UnmatchedFaces).toHaveLength(4);
    const all = await engine.client.send(new CompareFacesCommand({ SourceImage: { Bytes: faces1[1] }, TargetImage: { Bytes: demoPhoto(1) }, SimilarityThreshold: 0 }));
    expect(all.FaceMatches).toHaveLength(3);
    expect(all.FaceMatches![0]!.Similarity!).toBeGreaterThanOrEqual(99);
    expect(all.FaceMatches![1]!.Similarity!).toBeLessThan(all.FaceMatches![0]!.Similarity! - 5);
  });

  it('needs a face in the source image and a threshold within 0–100', async () => {
    await expect(engine.client.send(new CompareFacesCommand({ SourceImage: { Bytes: await blankImage() }, TargetImage: { Bytes: faces1[0] } }))).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(engine.client.send(new CompareFacesCommand({ SourceImage: { Bytes: faces1[0] }, TargetImage: { Bytes: faces1[0] }, SimilarityThreshold: 101 }))).rejects.toBeInstanceOf(InvalidParameterException);
  });
});
