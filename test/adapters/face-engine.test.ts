import {
  AssociateFacesCommand,
  CompareFacesCommand,
  ConflictException,
  CreateUserCommand,
  DeleteFacesCommand,
  DeleteUserCommand,
  DetectFacesCommand,
  DisassociateFacesCommand,
  ImageTooLargeException,
  IndexFacesCommand,
  InvalidImageFormatException,
  InvalidParameterException,
  InvalidS3ObjectException,
  ListFacesCommand,
  ListUsersCommand,
  RekognitionClient,
  ResourceNotFoundException,
  SearchFacesByImageCommand,
  SearchFacesCommand,
  SearchUsersByImageCommand,
  ThrottlingException,
} from '@aws-sdk/client-rekognition';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { RekognitionFaceEngine, rekognitionToken } from '../../adapters/rekognition/face-engine';
import { FacegateError } from '../../core/errors';

const rek = mockClient(RekognitionClient);
const engine = new RekognitionFaceEngine({
  client: new RekognitionClient({ region: 'eu-west-1' }),
  collectionId: 'faces-col',
  bucket: 'img-bucket',
});
const S3_IMAGE = { kind: 's3', key: 'uploads/abc.jpg' } as const;
const BYTES = new Uint8Array([0xff, 0xd8, 0xff, 0xe0]);
const BYTES_IMAGE = { kind: 'bytes', bytes: BYTES } as const;
const F1 = '11111111-1111-4111-8111-111111111111';
const F2 = '22222222-2222-4222-8222-222222222222';
const F3 = '33333333-3333-4333-8333-333333333333';
const meta = { $metadata: {} };

const rekDetail = {
  BoundingBox: { Width: 0.31, Height: 0.42, Left: 0.2, Top: 0.15 },
  Confidence: 99.7,
  Pose: { Yaw: -4.5, Pitch: 2.25, Roll: 1.5 },
  Quality: { Brightness: 71.2, Sharpness: 88.1 },
  Sunglasses: { Value: false, Confidence: 97.5 },
  EyesOpen: { Value: true, Confidence: 96.25 },
  Smile: { Value: true, Confidence: 50 },
};
const portDetail = {
  boundingBox: { width: 0.31, height: 0.42, left: 0.2, top: 0.15 },
  confidence: 99.7,
  pose: { yaw: -4.5, pitch: 2.25, roll: 1.5 },
  quality: { brightness: 71.2, sharpness: 88.1 },
  sunglasses: { value: false, confidence: 97.5 },
  eyesOpen: { value: true, confidence: 96.25 },
};

beforeEach(() => rek.reset());

describe('detectFaces', () => {
  it('sends S3Object with Attributes ALL and translates every face', async () => {
    rek.on(DetectFacesCommand).resolves({ FaceDetails: [rekDetail, { Confidence: 50 }] });
    const faces = await engine.detectFaces(S3_IMAGE);
    expect(rek.commandCalls(DetectFacesCommand)[0]!.args[0].input).toEqual({
      Image: { S3Object: { Bucket: 'img-bucket', Name: 'uploads/abc.jpg' } },
      Attributes: ['DEFAULT', 'EYES_OPEN', 'SUNGLASSES'],
    });
    expect(faces).toEqual([
      portDetail,
      {
        boundingBox: { width: 0, height: 0, left: 0, top: 0 },
        confidence: 50,
        pose: { yaw: 0, pitch: 0, roll: 0 },
        quality: { brightness: 0, sharpness: 0 },
      },
    ]);
  });

  it('sends Bytes for a bytes image', async () => {
    rek.on(DetectFacesCommand).resolves({ FaceDetails: [] });
    expect(await engine.detectFaces(BYTES_IMAGE)).toEqual([]);
    expect(rek.commandCalls(DetectFacesCommand)[0]!.args[0].input).toEqual({ Image: { Bytes: BYTES }, Attributes: ['DEFAULT', 'EYES_OPEN', 'SUNGLASSES'] });
  });

  it.each([
    [new InvalidImageFormatException({ message: 'Request has invalid image format', ...meta }), 'INVALID_IMAGE'],
    [new InvalidS3ObjectException({ message: 'Unable to get object metadata from S3', ...meta }), 'INVALID_IMAGE'],
    [new ImageTooLargeException({ message: 'Image size is too large', ...meta }), 'IMAGE_TOO_LARGE'],
  ])('maps %s to a FacegateError', async (error, type) => {
    rek.on(DetectFacesCommand).rejects(error);
    const caught = await engine.detectFaces(S3_IMAGE).catch((e: unknown) => e);
    expect(caught).toBeInstanceOf(FacegateError);
    expect((caught as FacegateError).type).toBe(type);
  });

  it('lets other errors through unchanged', async () => {
    const throttled = new ThrottlingException({ message: 'slow down', ...meta });
    rek.on(DetectFacesCommand).rejects(throttled);
    await expect(engine.detectFaces(S3_IMAGE)).rejects.toBe(throttled);
  });
});

describe('indexFace', () => {
  it('indexes one face with AUTO quality filter, ExternalImageId = userId and all attributes', async () => {
    rek.on(IndexFacesCommand).resolves({
      FaceRecords: [{ Face: { FaceId: F1, ExternalImageId: 'alice' }, FaceDetail: rekDetail }],
      UnindexedFaces: [{ FaceDetail: { ...rekDetail, Confidence: 80 }, Reasons: ['EXCEEDS_MAX_FACES', 'LOW_SHARPNESS'] }],
    });
    const outcome = await engine.indexFace(S3_IMAGE, 'alice');
    expect(rek.commandCalls(IndexFacesCommand)[0]!.args[0].input).toEqual({
      CollectionId: 'faces-col',
      Image: { S3Object: { Bucket: 'img-bucket', Name: 'uploads/abc.jpg' } },
      ExternalImageId: 'alice',
      MaxFaces: 1,
      QualityFilter: 'AUTO',
      DetectionAttributes: ['DEFAULT', 'EYES_OPEN', 'SUNGLASSES'],
    });
    expect(outcome).toEqual({
      indexed: { faceId: F1, detail: portDetail },
      unindexed: [{ detail: { ...portDetail, confidence: 80 }, reasons: ['EXCEEDS_MAX_FACES', 'LOW_SHARPNESS'] }],
    });
  });

  it('says when the call was retried (an earlier attempt may have indexed a face too)', async () => {
    rek.on(IndexFacesCommand).resolves({ FaceRecords: [{ Face: { FaceId: F1 }, FaceDetail: rekDetail }], $metadata: { attempts: 2 } });
    expect(await engine.indexFace(S3_IMAGE, 'alice')).toMatchObject({ retried: true });
    rek.on(IndexFacesCommand).resolves({ FaceRecords: [{ Face: { FaceId: F1 }, FaceDetail: rekDetail }], $metadata: { attempts: 1 } });
    expect(await engine.indexFace(S3_IMAGE, 'alice')).not.toHaveProperty('retried');
  });

  it('returns indexed null when the only face was filtered', async () => {
    rek.on(IndexFacesCommand).resolves({
      FaceRecords: [],
      UnindexedFaces: [{ FaceDetail: rekDetail, Reasons: ['LOW_FACE_QUALITY'] }],
    });
    const outcome = await engine.indexFace(BYTES_IMAGE, 'user.name:1_x-y');
    expect(outcome.indexed).toBeNull();
    expect(outcome.unindexed[0]!.reasons).toEqual(['LOW_FACE_QUALITY']);
    expect(rek.commandCalls(IndexFacesCommand)[0]!.args[0].input.Image).toEqual({ Bytes: BYTES });
  });

  it.each(['', 'has space', 'slash/no', 'ü', 'x'.repeat(256)])('rejects the ExternalImageId %j before calling', async (bad) => {
    await expect(engine.indexFace(S3_IMAGE, bad)).rejects.toMatchObject({ type: 'INVALID_INPUT' });
    expect(rek.calls()).toHaveLength(0);
  });

  it('maps image errors', async () => {
    rek.on(IndexFacesCommand).rejects(new ImageTooLargeException({ message: 'too large', ...meta }));
    await expect(engine.indexFace(S3_IMAGE, 'alice')).rejects.toMatchObject({ type: 'IMAGE_TOO_LARGE' });
  });
});

describe('searchFacesByImage', () => {
  it('sends the threshold on the 0–100 scale, MaxFaces and QualityFilter NONE; maps matches', async () => {
    rek.on(SearchFacesByImageCommand).resolves({
      FaceMatches: [
        { Similarity: 99.2, Face: { FaceId: F1, ExternalImageId: 'alice', UserId: 'alice' } },
        { Similarity: 96.1, Face: { FaceId: F2, ExternalImageId: 'bob' } },
      ],
    });
    const matches = await engine.searchFacesByImage(S3_IMAGE, { threshold: 95, maxResults: 5 });
    expect(rek.commandCalls(SearchFacesByImageCommand)[0]!.args[0].input).toEqual({
      CollectionId: 'faces-col',
      Image: { S3Object: { Bucket: 'img-bucket', Name: 'uploads/abc.jpg' } },
      FaceMatchThreshold: 95,
      MaxFaces: 5,
      QualityFilter: 'NONE',
    });
    expect(matches).toEqual([
      { faceId: F1, userId: 'alice', similarity: 99.2 },
      { faceId: F2, userId: 'bob', similarity: 96.1 },
    ]);
  });

  it.each([
    'There are no faces in the image. Should be at least 1.',
    'there are no faces in the image',
    'No face detected in the image',
  ])('returns [] when Rekognition says %j', async (message) => {
    rek.on(SearchFacesByImageCommand).rejects(new InvalidParameterException({ message, ...meta }));
    expect(await engine.searchFacesByImage(BYTES_IMAGE, { threshold: 95, maxResults: 1 })).toEqual([]);
  });

  it('propagates other InvalidParameterExceptions', async () => {
    const e = new InvalidParameterException({ message: 'Request has invalid parameters', ...meta });
    rek.on(SearchFacesByImageCommand).rejects(e);
    await expect(engine.searchFacesByImage(BYTES_IMAGE, { threshold: 95, maxResults: 1 })).rejects.toBe(e);
  });

  it('maps image errors', async () => {
    rek.on(SearchFacesByImageCommand).rejects(new InvalidImageFormatException({ message: 'bad', ...meta }));
    await expect(engine.searchFacesByImage(S3_IMAGE, { threshold: 95, maxResults: 1 })).rejects.toMatchObject({
      type: 'INVALID_IMAGE',
    });
  });
});

describe('searchFaces', () => {
  it('searches by FaceId and drops the face itself', async () => {
    rek.on(SearchFacesCommand).resolves({
      SearchedFaceId: F1,
      FaceMatches: [
        { Similarity: 100, Face: { FaceId: F1, ExternalImageId: 'alice' } },
        { Similarity: 97.5, Face: { FaceId: F2, ExternalImageId: 'carol' } },
      ],
    });
    const matches = await engine.searchFaces(F1, { threshold: 90, maxResults: 10 });
    expect(rek.commandCalls(SearchFacesCommand)[0]!.args[0].input).toEqual({
      CollectionId: 'faces-col',
      FaceId: F1,
      FaceMatchThreshold: 90,
      MaxFaces: 10,
    });
    expect(matches).toEqual([{ faceId: F2, userId: 'carol', similarity: 97.5 }]);
  });

  it('rejects a malformed face id', async () => {
    await expect(engine.searchFaces('not-a-face', { threshold: 90, maxResults: 1 })).rejects.toMatchObject({
      type: 'INVALID_INPUT',
    });
  });
});

describe('searchUsersByImage', () => {
  it('sends UserMatchThreshold and MaxUsers, returns user matches', async () => {
    rek.on(SearchUsersByImageCommand).resolves({
      UserMatches: [
        { Similarity: 99.5, User: { UserId: 'alice', UserStatus: 'ACTIVE' } },
        { Similarity: 98, User: {} },
      ],
    });
    const matches = await engine.searchUsersByImage(BYTES_IMAGE, { threshold: 99, maxResults: 3 });
    expect(rek.commandCalls(SearchUsersByImageCommand)[0]!.args[0].input).toEqual({
      CollectionId: 'faces-col',
      Image: { Bytes: BYTES },
      UserMatchThreshold: 99,
      MaxUsers: 3,
      QualityFilter: 'NONE',
    });
    expect(matches).toEqual([{ userId: 'alice', similarity: 99.5 }]);
  });

  it('returns [] for an image without a face', async () => {
    rek
      .on(SearchUsersByImageCommand)
      .rejects(new InvalidParameterException({ message: 'There are no faces in the image. Should be at least 1.', ...meta }));
    expect(await engine.searchUsersByImage(S3_IMAGE, { threshold: 99, maxResults: 3 })).toEqual([]);
  });
});

describe('compareFaces', () => {
  it('sends SimilarityThreshold and returns the best similarity', async () => {
    rek.on(CompareFacesCommand).resolves({ FaceMatches: [{ Similarity: 96.5 }, { Similarity: 98.75 }, { Similarity: 95.1 }] });
    const best = await engine.compareFaces(S3_IMAGE, { kind: 's3', key: 'uploads/card.jpg' }, 95);
    expect(rek.commandCalls(CompareFacesCommand)[0]!.args[0].input).toEqual({
      SourceImage: { S3Object: { Bucket: 'img-bucket', Name: 'uploads/abc.jpg' } },
      TargetImage: { S3Object: { Bucket: 'img-bucket', Name: 'uploads/card.jpg' } },
      SimilarityThreshold: 95,
    });
    expect(best).toBe(98.75);
  });

  it('returns null when nothing reaches the threshold', async () => {
    rek.on(CompareFacesCommand).resolves({ FaceMatches: [], UnmatchedFaces: [{ Confidence: 99 }] });
    expect(await engine.compareFaces(S3_IMAGE, BYTES_IMAGE, 95)).toBeNull();
  });

  it('returns null when the source has no face', async () => {
    rek
      .on(CompareFacesCommand)
      .rejects(new InvalidParameterException({ message: 'There are no faces in the image. Should be at least 1.', ...meta }));
    expect(await engine.compareFaces(S3_IMAGE, BYTES_IMAGE, 95)).toBeNull();
  });
});

describe('users', () => {
  it('createUser sends the token and returns true', async () => {
    rek.on(CreateUserCommand).resolves({});
    expect(await engine.createUser('alice', 'reg-123')).toBe(true);
    expect(rek.commandCalls(CreateUserCommand)[0]!.args[0].input).toEqual({
      CollectionId: 'faces-col',
      UserId: 'alice',
      ClientRequestToken: 'reg-123',
    });
  });

  it('createUser returns false on ConflictException (someone else created it)', async () => {
    rek.on(CreateUserCommand).rejects(new ConflictException({ message: 'A User with the same Id already exists', ...meta }));
    expect(await engine.createUser('alice', 'reg-123')).toBe(false);
  });

  it('hashes a token that does not fit the ClientRequestToken pattern', async () => {
    rek.on(CreateUserCommand).resolves({});
    await engine.createUser('alice', 'reg:with:colons');
    const token = rek.commandCalls(CreateUserCommand)[0]!.args[0].input.ClientRequestToken;
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(token).toBe(rekognitionToken('reg:with:colons'));
    expect(rekognitionToken('a'.repeat(64))).toBe('a'.repeat(64));
    expect(rekognitionToken('a'.repeat(65))).toHaveLength(64);
    expect(rekognitionToken('a'.repeat(65))).not.toBe('a'.repeat(64));
  });

  it('createUser rejects a userId longer than 128', async () => {
    await expect(engine.createUser('u'.repeat(129), 't')).rejects.toMatchObject({ type: 'INVALID_INPUT' });
    expect(rek.calls()).toHaveLength(0);
  });

  it('associateFaces sends UserId, FaceIds and token', async () => {
    rek.on(AssociateFacesCommand).resolves({ AssociatedFaces: [{ FaceId: F1 }] });
    await engine.associateFaces('alice', [F1], 'reg-1');
    expect(rek.commandCalls(AssociateFacesCommand)[0]!.args[0].input).toEqual({
      CollectionId: 'faces-col',
      UserId: 'alice',
      FaceIds: [F1],
      ClientRequestToken: 'reg-1',
    });
  });

  it('associateFaces throws when a face was not associated', async () => {
    rek.on(AssociateFacesCommand).resolves({
      AssociatedFaces: [{ FaceId: F1 }],
      UnsuccessfulFaceAssociations: [{ FaceId: F2, Reasons: ['LOW_MATCH_CONFIDENCE'], Confidence: 40 }],
    });
    await expect(engine.associateFaces('alice', [F1, F2], 'reg-1')).rejects.toThrow(/LOW_MATCH_CONFIDENCE/);
  });

  it('disassociateFaces tolerates FACE_NOT_FOUND and a missing user, throws otherwise', async () => {
    rek
      .on(DisassociateFacesCommand)
      .resolvesOnce({ UnsuccessfulFaceDisassociations: [{ FaceId: F2, Reasons: ['FACE_NOT_FOUND'] }] })
      .rejectsOnce(new ResourceNotFoundException({ message: 'no user', ...meta }))
      .resolvesOnce({ UnsuccessfulFaceDisassociations: [{ FaceId: F1, Reasons: ['ASSOCIATED_TO_A_DIFFERENT_USER'] }] });
    await engine.disassociateFaces('alice', [F1, F2]);
    expect(rek.commandCalls(DisassociateFacesCommand)[0]!.args[0].input).toEqual({
      CollectionId: 'faces-col',
      UserId: 'alice',
      FaceIds: [F1, F2],
    });
    await engine.disassociateFaces('alice', [F1]);
    await expect(engine.disassociateFaces('alice', [F1])).rejects.toThrow(/ASSOCIATED_TO_A_DIFFERENT_USER/);
    expect(rek.commandCalls(DisassociateFacesCommand)).toHaveLength(3);
  });

  it('deleteUser tolerates ResourceNotFoundException only', async () => {
    const e = new ThrottlingException({ message: 'slow', ...meta });
    rek
      .on(DeleteUserCommand)
      .rejectsOnce(new ResourceNotFoundException({ message: 'gone', ...meta }))
      .rejectsOnce(e);
    await engine.deleteUser('alice');
    expect(rek.commandCalls(DeleteUserCommand)[0]!.args[0].input).toEqual({ CollectionId: 'faces-col', UserId: 'alice' });
    await expect(engine.deleteUser('alice')).rejects.toBe(e);
  });

  it('empty face lists make no call', async () => {
    await engine.associateFaces('alice', [], 't');
    await engine.disassociateFaces('alice', []);
    await engine.deleteFaces([]);
    expect(rek.calls()).toHaveLength(0);
  });
});

describe('deleteFaces', () => {
  const ids = (n: number): string[] =>
    Array.from({ length: n }, (_, i) => `${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`);

  it('deletes in chunks of at most 4096', async () => {
    rek.on(DeleteFacesCommand).resolves({ DeletedFaces: [] });
    const all = ids(4097);
    await engine.deleteFaces(all);
    const calls = rek.commandCalls(DeleteFacesCommand);
    expect(calls).toHaveLength(2);
    expect(calls[0]!.args[0].input).toEqual({ CollectionId: 'faces-col', FaceIds: all.slice(0, 4096) });
    expect(calls[1]!.args[0].input).toEqual({ CollectionId: 'faces-col', FaceIds: [all[4096]] });
  });

  it('tolerates FACE_NOT_FOUND', async () => {
    rek.on(DeleteFacesCommand).resolves({
      DeletedFaces: [F1],
      UnsuccessfulFaceDeletions: [{ FaceId: F2, Reasons: ['FACE_NOT_FOUND'] }],
    });
    await expect(engine.deleteFaces([F1, F2])).resolves.toBeUndefined();
  });

  it('throws on any other deletion failure', async () => {
    rek.on(DeleteFacesCommand).resolves({
      DeletedFaces: [F1],
      UnsuccessfulFaceDeletions: [
        { FaceId: F2, Reasons: ['FACE_NOT_FOUND'] },
        { FaceId: F3, Reasons: ['ASSOCIATED_TO_AN_EXISTING_USER'], UserId: 'alice' },
      ],
    });
    await expect(engine.deleteFaces([F1, F2, F3])).rejects.toThrow(/ASSOCIATED_TO_AN_EXISTING_USER/);
  });
});

describe('inventory (facegate doctor)', () => {
  it('listFaces: one page of the collection, owner and association per face, the next token', async () => {
    rek
      .on(ListFacesCommand)
      .resolvesOnce({
        Faces: [{ FaceId: F1, ExternalImageId: 'alice', UserId: 'alice' }, { FaceId: F2, ExternalImageId: 'bob' }, { ExternalImageId: 'no-id' }, { FaceId: F3 }],
        NextToken: 'page-2',
        ...meta,
      })
      .resolvesOnce({ Faces: [], ...meta });
    expect(await engine.listFaces()).toEqual({
      items: [{ faceId: F1, externalImageId: 'alice', userId: 'alice' }, { faceId: F2, externalImageId: 'bob' }, { faceId: F3 }],
      nextToken: 'page-2',
    });
    expect(await engine.listFaces('page-2')).toEqual({ items: [] });
    expect(rek.commandCalls(ListFacesCommand).map((c) => c.args[0].input)).toEqual([
      { CollectionId: 'faces-col', MaxResults: 4096 },
      { CollectionId: 'faces-col', MaxResults: 4096, NextToken: 'page-2' },
    ]);
  });

  it('listUsers: the user ids of a page, the next token', async () => {
    rek.on(ListUsersCommand).resolvesOnce({ Users: [{ UserId: 'alice', UserStatus: 'ACTIVE' }, { UserStatus: 'CREATED' }, { UserId: 'bob' }], NextToken: 't2', ...meta });
    expect(await engine.listUsers()).toEqual({ items: ['alice', 'bob'], nextToken: 't2' });
    expect(rek.commandCalls(ListUsersCommand)[0]!.args[0].input).toEqual({ CollectionId: 'faces-col', MaxResults: 500 });
    rek.on(ListUsersCommand).resolves({ ...meta });
    expect(await engine.listUsers('t2')).toEqual({ items: [] });
    expect(rek.commandCalls(ListUsersCommand)[1]!.args[0].input).toEqual({ CollectionId: 'faces-col', MaxResults: 500, NextToken: 't2' });
  });

  it('a listing error propagates (the doctor must not take a failed listing for an empty one)', async () => {
    rek.on(ListFacesCommand).rejects(new ResourceNotFoundException({ message: 'no collection', ...meta }));
    await expect(engine.listFaces()).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
