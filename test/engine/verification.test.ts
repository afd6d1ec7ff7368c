/**
 * Same person vs different people on the labelled photos in ../shared/faces (skipped, loudly,
 * when they are missing), through CompareFaces and the user API as the application uses them.
 */
import {
  AssociateFacesCommand,
  CompareFacesCommand,
  CreateCollectionCommand,
  CreateUserCommand,
  DetectFacesCommand,
  IndexFacesCommand,
  SearchUsersByImageCommand,
} from '@aws-sdk/client-rekognition';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveSharedFaces, sharedFaces, sharedPhoto, startEngine, warnIfNoSharedFaces, type Engine } from './helpers';

warnIfNoSharedFaces('verification tests (test/engine/verification.test.ts)');

interface Pair { a: string; b: string; same: boolean }
function pairs(): Pair[] {
  return fs.readFileSync(path.join(sharedFaces, 'pairs.csv'), 'utf8').trim().split('\n').slice(1)
    .map((l) => l.split(',')).map((r) => ({ a: r[1]!, b: r[2]!, same: r[3] === 'same' }));
}

describe.skipIf(!haveSharedFaces)('verification on ../shared/faces', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await startEngine({ workers: 2 });
  });
  afterAll(() => engine?.stop());

  it('CompareFaces at the default threshold (80): genuine pairs match, impostors do not (every 8th pair)', async () => {
    const sample = pairs().filter((_, i) => i % 8 === 0);
    let right = 0;
    const wrong: string[] = [];
    await Promise.all(
      sample.map(async (p) => {
        const r = await engine.client.send(new CompareFacesCommand({ SourceImage: { Bytes: sharedPhoto(p.a) }, TargetImage: { Bytes: sharedPhoto(p.b) } }));
        const matched = (r.FaceMatches ?? []).length > 0;
        if (matched === p.same) right++;
        else wrong.push(`${p.a} ${p.b} ${p.same ? 'same' : 'different'}`);
      }),
    );
    expect(sample.length).toBeGreaterThan(70);
    expect(right / sample.length, `wrong: ${wrong.join('; ')}`).toBeGreaterThanOrEqual(0.96);
  }, 120_000);

  it('registers a person, finds them from another photo at 95 and refuses someone else at 99', async () => {
    const C = 'verification';
    await engine.client.send(new CreateCollectionCommand({ CollectionId: C }));
    // deepface img1/img2/img4 show the same person (pairs.csv: same); img17 another one
    const enrol = await engine.client.send(new IndexFacesCommand({ CollectionId: C, Image: { Bytes: sharedPhoto('deepface/img1.jpg') }, ExternalImageId: 'user-1', MaxFaces: 1, QualityFilter: 'AUTO' }));
    expect(enrol.FaceRecords).toHaveLength(1);
    await engine.client.send(new CreateUserCommand({ CollectionId: C, UserId: 'user-1' }));
    await engine.client.send(new AssociateFacesCommand({ CollectionId: C, UserId: 'user-1', FaceIds: [enrol.FaceRecords![0]!.Face!.FaceId!] }));
    const ok = await engine.client.send(new SearchUsersByImageCommand({ CollectionId: C, Image: { Bytes: sharedPhoto('deepface/img2.jpg') }, UserMatchThreshold: 95 }));
    expect(ok.UserMatches!.map((m) => m.User!.UserId)).toEqual(['user-1']);
    const other = await engine.client.send(new SearchUsersByImageCommand({ CollectionId: C, Image: { Bytes: sharedPhoto('deepface/img17.jpg') }, UserMatchThreshold: 99 }));
    expect(other.UserMatches).toEqual([]);
  });

  it('counts the faces in multi-person photos', async () => {
    const two = await engine.client.send(new DetectFacesCommand({ Image: { Bytes: sharedPhoto('face_recognition/two_people.jpg') } }));
    expect(two.FaceDetails).toHaveLength(2);
  });
});
