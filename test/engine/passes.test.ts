/**
 * One image, one pass of the models: the application sends one selfie to two operations at once
 * (IndexFaces ∥ SearchFacesByImage to register, DetectFaces ∥ SearchUsersByImage to authenticate);
 * the engine decodes it and runs the detector once, whichever request comes first and whichever
 * worker is free. Counted by the engine's model-pass counters.
 */
import {
  CompareFacesCommand,
  CreateCollectionCommand,
  DetectFacesCommand,
  IndexFacesCommand,
  SearchFacesByImageCommand,
  SearchUsersByImageCommand,
} from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoFaces, startEngine, type Engine } from './helpers';

const SCREEN = ['DEFAULT', 'EYES_OPEN', 'SUNGLASSES'] as const;

describe('model passes per image', () => {
  let cached: Engine;
  let uncached: Engine;
  let faces: Buffer[];
  beforeAll(async () => {
    [cached, uncached] = await Promise.all([startEngine({ workers: 2 }), startEngine({ workers: 2, imageCache: { maxEntries: 0 } })]);
    faces = await demoFaces(cached.client, 3);
    for (const e of [cached, uncached]) await e.client.send(new CreateCollectionCommand({ CollectionId: 'c' }));
  });
  afterAll(async () => {
    await Promise.all([cached?.stop(), uncached?.stop()]);
  });

  /** Model passes while `fn` runs. */
  const passesOf = async (e: Engine, fn: () => Promise<unknown>) => {
    const before = e.server.modelPasses();
    await fn();
    const after = e.server.modelPasses();
    return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - before[k as keyof typeof before]]));
  };
  const register = (e: Engine, bytes: Buffer) => Promise.all([
    e.client.send(new IndexFacesCommand({ CollectionId: 'c', Image: { Bytes: bytes }, MaxFaces: 1, QualityFilter: 'AUTO', DetectionAttributes: [...SCREEN] })),
    e.client.send(new SearchFacesByImageCommand({ CollectionId: 'c', Image: { Bytes: bytes }, FaceMatchThreshold: 95, QualityFilter: 'NONE' })),
  ]);
  const authenticate = (e: Engine, bytes: Buffer) => Promise.all([
    e.client.send(new DetectFacesCommand({ Image: { Bytes: bytes }, Attributes: [...SCREEN] })),
    e.client.send(new SearchUsersByImageCommand({ CollectionId: 'c', Image: { Bytes: bytes }, UserMatchThreshold: 99, QualityFilter: 'NONE' })),
  ]);

  it('registering (IndexFaces ∥ SearchFacesByImage on the same bytes) decodes, detects and describes the selfie once', async () => {
    expect(await passesOf(cached, () => register(cached, faces[0]!))).toMatchObject({ decode: 1, detect: 1, descriptor: 1 });
    // without the cache each request runs the models: what the counters are there to catch
    expect(await passesOf(uncached, () => register(uncached, faces[0]!))).toMatchObject({ decode: 2, detect: 2, descriptor: 2 });
  });

  it('authenticating (DetectFaces ∥ SearchUsersByImage) too, whichever request is answered first', async () => {
    expect(await passesOf(cached, () => authenticate(cached, faces[1]!))).toMatchObject({ decode: 1, detect: 1, descriptor: 1 });
    // the descriptor-less request first, then the one that needs it: only the descriptor is added
    expect(await passesOf(cached, async () => {
      await cached.client.send(new DetectFacesCommand({ Image: { Bytes: faces[2]! }, Attributes: [...SCREEN] }));
      await cached.client.send(new SearchUsersByImageCommand({ CollectionId: 'c', Image: { Bytes: faces[2]! }, UserMatchThreshold: 99 }));
    })).toMatchObject({ decode: 1, detect: 1, descriptor: 1 });
  });

  it('CompareFaces analyses its target anew, so a comparison costs the same whether its target was just seen or not', async () => {
    const compare = (source: Buffer, target: Buffer) => cached.client.send(new CompareFacesCommand({ SourceImage: { Bytes: source }, TargetImage: { Bytes: target } }));
    await authenticate(cached, faces[0]!); // the selfie is cached, as in authenticate
    // against itself (authenticate's comparison for an unknown user) and against another, cached, image
    expect(await passesOf(cached, () => compare(faces[0]!, faces[0]!))).toMatchObject({ decode: 1, detect: 1, descriptor: 1 });
    expect(await passesOf(cached, () => compare(faces[0]!, faces[1]!))).toMatchObject({ decode: 1, detect: 1, descriptor: 1 });
  });

  it('different bytes are different images', async () => {
    expect(await passesOf(cached, () => Promise.all(faces.slice(0, 2).map((b) => cached.client.send(new DetectFacesCommand({ Image: { Bytes: Buffer.concat([b, Buffer.from([0])]) } })))))).toMatchObject({ decode: 2, detect: 2, descriptor: 0 });
  });
});
