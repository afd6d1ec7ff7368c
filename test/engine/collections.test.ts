/**
 * Collections, faces, users, S3Object images, errors and persistence across a restart — all
 * through @aws-sdk/client-rekognition against the local engine.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import {
  AssociateFacesCommand,
  CompareFacesCommand,
  ConflictException,
  CreateCollectionCommand,
  CreateUserCommand,
  DeleteCollectionCommand,
  DeleteFacesCommand,
  DeleteUserCommand,
  DescribeCollectionCommand,
  DisassociateFacesCommand,
  IndexFacesCommand,
  InvalidParameterException,
  InvalidS3ObjectException,
  InvalidPaginationTokenException,
  ListCollectionsCommand,
  ListFacesCommand,
  ListUsersCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  SearchFacesByImageCommand,
  SearchFacesCommand,
  SearchUsersByImageCommand,
  SearchUsersCommand,
} from '@aws-sdk/client-rekognition';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blankImage, demoFaces, demoPhoto, startEngine, type Engine } from './helpers';

// A minimal S3 stand-in for the S3Object path: GET /<bucket>/<key> (path style).
const objects = new Map<string, Buffer>();
const s3 = http.createServer((req, res) => {
  const body = objects.get(decodeURIComponent((req.url ?? '').split('?')[0] ?? ''));
  if (req.method === 'GET' && body) {
    res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': body.length });
    res.end(body);
  } else {
    res.writeHead(404, { 'content-type': 'application/xml' });
    res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>');
  }
});

let engine: Engine;
let people: Buffer[]; // three different people, one crop each (sample1)
let samePerson: Buffer; // the first person again: a different crop of the same photo, resized
const C = 'test-collection';

beforeAll(async () => {
  await new Promise<void>((resolve) => s3.listen(0, '127.0.0.1', resolve));
  process.env.AWS_ENDPOINT_URL_S3 = `http://127.0.0.1:${(s3.address() as AddressInfo).port}`;
  engine = await startEngine();
  people = await demoFaces(engine.client, 1);
  samePerson = await sharp(people[0]).extract({ left: 8, top: 6, width: (await sharp(people[0]).metadata()).width! - 16, height: (await sharp(people[0]).metadata()).height! - 12 }).resize({ width: 180 }).jpeg({ quality: 80 }).toBuffer();
});
afterAll(async () => {
  await engine?.stop();
  s3.close();
});

describe('collections', () => {
  it('creates, describes, lists and deletes collections', async () => {
    const created = await engine.client.send(new CreateCollectionCommand({ CollectionId: C }));
    expect(created.StatusCode).toBe(200);
    expect(created.CollectionArn).toMatch(/^aws:rekognition:us-east-1:\d{12}:collection\/test-collection$/);
    await engine.client.send(new CreateCollectionCommand({ CollectionId: 'other.one-2' }));
    const list = await engine.client.send(new ListCollectionsCommand({}));
    expect(list.CollectionIds).toEqual(['other.one-2', C]);
    const d = await engine.client.send(new DescribeCollectionCommand({ CollectionId: C }));
    expect(d.FaceCount).toBe(0);
    expect(d.UserCount).toBe(0);
    expect(d.CollectionARN).toBe(created.CollectionArn);
    expect(d.CreationTimestamp).toBeInstanceOf(Date);
    expect(Math.abs(d.CreationTimestamp!.getTime() - Date.now())).toBeLessThan(60_000);
    const page1 = await engine.client.send(new ListCollectionsCommand({ MaxResults: 1 }));
    expect(page1.CollectionIds).toEqual(['other.one-2']);
    const page2 = await engine.client.send(new ListCollectionsCommand({ MaxResults: 1, NextToken: page1.NextToken }));
    expect(page2.CollectionIds).toEqual([C]);
    expect(page2.NextToken).toBeUndefined();
    expect((await engine.client.send(new DeleteCollectionCommand({ CollectionId: 'other.one-2' }))).StatusCode).toBe(200);
    expect((await engine.client.send(new ListCollectionsCommand({}))).CollectionIds).toEqual([C]);
  });

  it('raises AWS errors for duplicates, unknown and malformed ids', async () => {
    await expect(engine.client.send(new CreateCollectionCommand({ CollectionId: C }))).rejects.toBeInstanceOf(ResourceAlreadyExistsException);
    await expect(engine.client.send(new DescribeCollectionCommand({ CollectionId: 'missing' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(engine.client.send(new DeleteCollectionCommand({ CollectionId: 'missing' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(engine.client.send(new CreateCollectionCommand({ CollectionId: 'bad id/..' }))).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(engine.client.send(new ListCollectionsCommand({ NextToken: 'garbage!' }))).rejects.toBeInstanceOf(InvalidPaginationTokenException);
    await expect(engine.client.send(new IndexFacesCommand({ CollectionId: 'missing', Image: { Bytes: people[0] } }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});

const faceIdOf: string[] = [];

describe('faces', () => {
  it('indexes one face per person with ExternalImageId, and reports the rest of a group photo as unindexed', async () => {
    for (const [i, img] of people.entries()) {
      const r = await engine.client.send(new IndexFacesCommand({ CollectionId: C, Image: { Bytes: img }, ExternalImageId: `person:${i}`, MaxFaces: 1, QualityFilter: 'AUTO' }));
      expect(r.FaceRecords).toHaveLength(1);
      const f = r.FaceRecords![0]!.Face!;
      expect(f.FaceId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(f.ImageId).toMatch(/^[0-9a-f-]{36}$/);
      expect(f.ExternalImageId).toBe(`person:${i}`);
      expect(f.Confidence!).toBeGreaterThan(90);
      expect(r.FaceRecords![0]!.FaceDetail!.BoundingBox).toEqual(f.BoundingBox);
      faceIdOf.push(f.FaceId!);
    }
    const group = await engine.client.send(new IndexFacesCommand({ CollectionId: C, Image: { Bytes: demoPhoto(4) }, MaxFaces: 2, DetectionAttributes: ['ALL'] }));
    expect(group.FaceRecords).toHaveLength(2);
    expect(group.UnindexedFaces).toHaveLength(2);
    expect(group.UnindexedFaces!.every((u) => u.Reasons!.includes('EXCEEDS_MAX_FACES'))).toBe(true);
    expect(group.FaceRecords![0]!.FaceDetail!.AgeRange).toBeDefined();
    const sizes = group.FaceRecords!.map((r) => r.Face!.BoundingBox!.Width! * r.Face!.BoundingBox!.Height!);
    const left = group.UnindexedFaces!.map((u) => u.FaceDetail!.BoundingBox!.Width! * u.FaceDetail!.BoundingBox!.Height!);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(Math.max(...left)); // the largest faces are kept
    const ids = new Set(group.FaceRecords!.map((r) => r.Face!.ImageId));
    expect(ids.size).toBe(1); // one ImageId per call
    await engine.client.send(new DeleteFacesCommand({ CollectionId: C, FaceIds: group.FaceRecords!.map((r) => r.Face!.FaceId!) }));
    expect((await engine.client.send(new DescribeCollectionCommand({ CollectionId: C }))).FaceCount).toBe(3);
  });

  it('filters poor faces with QualityFilter and validates its inputs', async () => {
    const tiny = await sharp(people[1]).resize({ width: 40 }).toBuffer();
    const r = await engine.client.send(new IndexFacesCommand({ CollectionId: C, Image: { Bytes: tiny }, QualityFilter: 'HIGH' }));
    expect(r.FaceRecords).toEqual([]);
    if (r.UnindexedFaces!.length) expect(r.UnindexedFaces![0]!.Reasons).toContain('SMALL_BOUNDING_BOX');
    await expect(engine.client.send(new IndexFacesCommand({ CollectionId: C, Image: { Bytes: people[0] }, ExternalImageId: 'not valid!' }))).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(engine.client.send(new IndexFacesCommand({ CollectionId: C, Image: { Bytes: people[0] }, MaxFaces: 0 }))).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(engine.client.send(new IndexFacesCommand({ CollectionId: C, Image: { Bytes: people[0] }, QualityFilter: 'BEST' as 'AUTO' }))).rejects.toBeInstanceOf(InvalidParameterException);
  });

  // The three women of face-api's sample1.jpg are look-alikes to the 128-d model (two of them reach
  // 97.5: README "Limits", hard impostors): "nobody else" is checked at the authentication bar, 99.
  it('finds the right person with SearchFacesByImage (and nobody else at 99)', async () => {
    const r = await engine.client.send(new SearchFacesByImageCommand({ CollectionId: C, Image: { Bytes: samePerson }, FaceMatchThreshold: 99 }));
    expect(r.FaceMatches).toHaveLength(1);
    expect(r.FaceMatches![0]!.Face!.ExternalImageId).toBe('person:0');
    expect(r.FaceMatches![0]!.Face!.FaceId).toBe(faceIdOf[0]);
    expect(r.FaceMatches![0]!.Similarity!).toBeGreaterThanOrEqual(99);
    expect(r.SearchedFaceConfidence!).toBeGreaterThan(90);
    expect(r.SearchedFaceBoundingBox!.Width!).toBeGreaterThan(0.2);
    expect(r.FaceModelVersion).toBeTruthy();
    const all = await engine.client.send(new SearchFacesByImageCommand({ CollectionId: C, Image: { Bytes: samePerson }, FaceMatchThreshold: 0, MaxFaces: 2 }));
    expect(all.FaceMatches).toHaveLength(2);
    expect(all.FaceMatches![0]!.Similarity!).toBeGreaterThan(all.FaceMatches![1]!.Similarity!);
  });

  it('refuses thresholds outside 0–100 and images without a face', async () => {
    await expect(engine.client.send(new SearchFacesByImageCommand({ CollectionId: C, Image: { Bytes: samePerson }, FaceMatchThreshold: 100.5 }))).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(engine.client.send(new SearchFacesByImageCommand({ CollectionId: C, Image: { Bytes: samePerson }, FaceMatchThreshold: -1 }))).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(engine.client.send(new SearchFacesByImageCommand({ CollectionId: C, Image: { Bytes: await blankImage() } }))).rejects.toBeInstanceOf(InvalidParameterException);
  });

  it('reads images from S3 (S3Object) through AWS_ENDPOINT_URL_S3', async () => {
    objects.set('/uploads/selfie.jpg', samePerson);
    const r = await engine.client.send(new SearchFacesByImageCommand({ CollectionId: C, Image: { S3Object: { Bucket: 'uploads', Name: 'selfie.jpg' } }, FaceMatchThreshold: 99 }));
    expect(r.FaceMatches!.map((m) => m.Face!.ExternalImageId)).toEqual(['person:0']);
    const cmp = await engine.client.send(new CompareFacesCommand({ SourceImage: { S3Object: { Bucket: 'uploads', Name: 'selfie.jpg' } }, TargetImage: { Bytes: people[0] }, SimilarityThreshold: 95 }));
    expect(cmp.FaceMatches).toHaveLength(1);
    await expect(engine.client.send(new SearchFacesByImageCommand({ CollectionId: C, Image: { S3Object: { Bucket: 'uploads', Name: 'missing.jpg' } } }))).rejects.toBeInstanceOf(InvalidS3ObjectException);
  });

  it('searches by FaceId, lists with pagination and filters', async () => {
    const dup = await engine.client.send(new IndexFacesCommand({ CollectionId: C, Image: { Bytes: samePerson }, ExternalImageId: 'person:0', MaxFaces: 1 }));
    const dupId = dup.FaceRecords![0]!.Face!.FaceId!;
    const s = await engine.client.send(new SearchFacesCommand({ CollectionId: C, FaceId: faceIdOf[0], FaceMatchThreshold: 95 }));
    expect(s.SearchedFaceId).toBe(faceIdOf[0]);
    expect(s.FaceMatches!.map((m) => m.Face!.FaceId)).toEqual([dupId]); // itself excluded
    await expect(engine.client.send(new SearchFacesCommand({ CollectionId: C, FaceId: 'not-a-uuid' }))).rejects.toBeInstanceOf(InvalidParameterException);
    const p1 = await engine.client.send(new ListFacesCommand({ CollectionId: C, MaxResults: 3 }));
    expect(p1.Faces).toHaveLength(3);
    expect(p1.NextToken).toBeTruthy();
    const p2 = await engine.client.send(new ListFacesCommand({ CollectionId: C, MaxResults: 3, NextToken: p1.NextToken }));
    expect(p2.Faces!.map((f) => f.FaceId)).toEqual([dupId]);
    expect(p2.NextToken).toBeUndefined();
    const only = await engine.client.send(new ListFacesCommand({ CollectionId: C, FaceIds: [faceIdOf[1]!] }));
    expect(only.Faces!.map((f) => f.ExternalImageId)).toEqual(['person:1']);
    expect(only.Faces![0]!.IndexFacesModelVersion).toBeTruthy();
    const del = await engine.client.send(new DeleteFacesCommand({ CollectionId: C, FaceIds: [dupId, '11111111-2222-3333-4444-555555555555'] }));
    expect(del.DeletedFaces).toEqual([dupId]);
    expect(del.UnsuccessfulFaceDeletions).toEqual([{ FaceId: '11111111-2222-3333-4444-555555555555', Reasons: ['FACE_NOT_FOUND'] }]);
  });
});

describe('users', () => {
  it('creates users, idempotently with the same ClientRequestToken, and refuses duplicates', async () => {
    await engine.client.send(new CreateUserCommand({ CollectionId: C, UserId: 'alice', ClientRequestToken: 'tok-1' }));
    await engine.client.send(new CreateUserCommand({ CollectionId: C, UserId: 'alice', ClientRequestToken: 'tok-1' }));
    await expect(engine.client.send(new CreateUserCommand({ CollectionId: C, UserId: 'alice' }))).rejects.toBeInstanceOf(ConflictException);
    await engine.client.send(new CreateUserCommand({ CollectionId: C, UserId: 'bob:2' }));
    await expect(engine.client.send(new CreateUserCommand({ CollectionId: C, UserId: 'no spaces' }))).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(engine.client.send(new CreateUserCommand({ CollectionId: 'missing', UserId: 'x' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    const l = await engine.client.send(new ListUsersCommand({ CollectionId: C }));
    expect(l.Users).toEqual([{ UserId: 'alice', UserStatus: 'CREATED' }, { UserId: 'bob:2', UserStatus: 'CREATED' }]);
  });

  it('associates faces (one user per face) and reports each failure reason', async () => {
    const a = await engine.client.send(new AssociateFacesCommand({ CollectionId: C, UserId: 'alice', FaceIds: [faceIdOf[0]!] }));
    expect(a.AssociatedFaces).toEqual([{ FaceId: faceIdOf[0] }]);
    expect(a.UnsuccessfulFaceAssociations).toEqual([]);
    expect(a.UserStatus).toBe('ACTIVE');
    // another person's face does not match alice's existing face
    const low = await engine.client.send(new AssociateFacesCommand({ CollectionId: C, UserId: 'alice', FaceIds: [faceIdOf[1]!], UserMatchThreshold: 95 }));
    expect(low.AssociatedFaces).toEqual([]);
    expect(low.UnsuccessfulFaceAssociations![0]!.Reasons).toEqual(['LOW_MATCH_CONFIDENCE']);
    const b = await engine.client.send(new AssociateFacesCommand({ CollectionId: C, UserId: 'bob:2', FaceIds: [faceIdOf[1]!, faceIdOf[0]!, '11111111-2222-3333-4444-555555555555'] }));
    expect(b.AssociatedFaces).toEqual([{ FaceId: faceIdOf[1] }]);
    const reasons = Object.fromEntries(b.UnsuccessfulFaceAssociations!.map((u) => [u.FaceId, u.Reasons]));
    expect(reasons[faceIdOf[0]!]).toEqual(['ASSOCIATED_TO_A_DIFFERENT_USER']);
    expect(reasons['11111111-2222-3333-4444-555555555555']).toEqual(['FACE_NOT_FOUND']);
    await expect(engine.client.send(new AssociateFacesCommand({ CollectionId: C, UserId: 'nobody', FaceIds: [faceIdOf[2]!] }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    const faces = await engine.client.send(new ListFacesCommand({ CollectionId: C, UserId: 'alice' }));
    expect(faces.Faces!.map((f) => [f.FaceId, f.UserId])).toEqual([[faceIdOf[0], 'alice']]);
  });

  it('finds users by image and by user id', async () => {
    const r = await engine.client.send(new SearchUsersByImageCommand({ CollectionId: C, Image: { Bytes: samePerson }, UserMatchThreshold: 99 }));
    expect(r.UserMatches).toHaveLength(1);
    expect(r.UserMatches![0]!.User).toEqual({ UserId: 'alice', UserStatus: 'ACTIVE' });
    expect(r.UserMatches![0]!.Similarity!).toBeGreaterThanOrEqual(99);
    expect(r.SearchedFace!.FaceDetail!.BoundingBox).toBeDefined();
    const group = await engine.client.send(new SearchUsersByImageCommand({ CollectionId: C, Image: { Bytes: demoPhoto(1) }, UserMatchThreshold: 95 }));
    expect(group.UnsearchedFaces).toHaveLength(2);
    expect(group.UnsearchedFaces![0]!.Reasons).toEqual(['FACE_NOT_LARGEST']);
    const byFace = await engine.client.send(new SearchUsersCommand({ CollectionId: C, FaceId: faceIdOf[0], UserMatchThreshold: 95 }));
    expect(byFace.SearchedFace).toEqual({ FaceId: faceIdOf[0] });
    expect(byFace.UserMatches).toEqual([]); // alice's own face: she is excluded, nobody else matches
    const byUser = await engine.client.send(new SearchUsersCommand({ CollectionId: C, UserId: 'bob:2', UserMatchThreshold: 0 }));
    expect(byUser.SearchedUser).toEqual({ UserId: 'bob:2' });
    expect(byUser.UserMatches!.map((m) => m.User!.UserId)).toEqual(['alice']);
    await expect(engine.client.send(new SearchUsersCommand({ CollectionId: C }))).rejects.toBeInstanceOf(InvalidParameterException);
  });

  it('keeps associated faces from deletion, disassociates, and deletes users', async () => {
    const del = await engine.client.send(new DeleteFacesCommand({ CollectionId: C, FaceIds: [faceIdOf[1]!] }));
    expect(del.DeletedFaces).toEqual([]);
    expect(del.UnsuccessfulFaceDeletions).toEqual([{ FaceId: faceIdOf[1], UserId: 'bob:2', Reasons: ['ASSOCIATED_TO_AN_EXISTING_USER'] }]);
    const d = await engine.client.send(new DisassociateFacesCommand({ CollectionId: C, UserId: 'bob:2', FaceIds: [faceIdOf[1]!, faceIdOf[0]!] }));
    expect(d.DisassociatedFaces).toEqual([{ FaceId: faceIdOf[1] }]);
    expect(d.UnsuccessfulFaceDisassociations).toEqual([{ FaceId: faceIdOf[0], UserId: 'alice', Reasons: ['ASSOCIATED_TO_A_DIFFERENT_USER'] }]);
    expect(d.UserStatus).toBe('CREATED');
    await engine.client.send(new DeleteUserCommand({ CollectionId: C, UserId: 'bob:2' }));
    await expect(engine.client.send(new DeleteUserCommand({ CollectionId: C, UserId: 'bob:2' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect((await engine.client.send(new DeleteFacesCommand({ CollectionId: C, FaceIds: [faceIdOf[1]!] }))).DeletedFaces).toEqual([faceIdOf[1]]);
    expect((await engine.client.send(new DescribeCollectionCommand({ CollectionId: C }))).UserCount).toBe(1);
  });
});

// Three engine restarts (model loading each time): more than the default 20 s when the suite's
// other stacks share the cores.
describe('persistence', { timeout: 90_000 }, () => {
  it('keeps collections, faces, users and associations across a restart, even with a torn journal tail', async () => {
    const before = await engine.client.send(new ListFacesCommand({ CollectionId: C }));
    await engine.server.close();
    // simulate a crash in the middle of an append: half a record at the end of the journal
    const dir = path.join(engine.dataDir, 'collections');
    const journal = fs.readdirSync(dir).find((f) => f.endsWith('.journal'))!;
    fs.appendFileSync(path.join(dir, journal), '0badc0de {"t":"faces","faces":[{"faceId":"tor');
    await engine.restart();
    const after = await engine.client.send(new ListFacesCommand({ CollectionId: C }));
    expect(after.Faces).toEqual(before.Faces);
    expect((await engine.client.send(new ListUsersCommand({ CollectionId: C }))).Users).toEqual([{ UserId: 'alice', UserStatus: 'ACTIVE' }]);
    const r = await engine.client.send(new SearchUsersByImageCommand({ CollectionId: C, Image: { Bytes: samePerson }, UserMatchThreshold: 99 }));
    expect(r.UserMatches!.map((m) => m.User!.UserId)).toEqual(['alice']);
    // still writable after the repair
    await engine.client.send(new CreateUserCommand({ CollectionId: C, UserId: 'carol' }));
    await engine.restart();
    expect((await engine.client.send(new DescribeCollectionCommand({ CollectionId: C }))).UserCount).toBe(2);
    await engine.client.send(new DeleteCollectionCommand({ CollectionId: C }));
    await engine.restart();
    expect((await engine.client.send(new ListCollectionsCommand({}))).CollectionIds).toEqual([]);
  });
});
