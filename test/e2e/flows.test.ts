/**
 * The flows end to end, over HTTP and the real-time socket, against the local stack `npm start`
 * runs, with real faces: register (every progress event on a subscription opened first),
 * authenticate, the typed refusals, updatePhoto, the admin calls and their authorization, and
 * a deleteUser that leaves nothing behind (checked in S3, DynamoDB and the collection directly).
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { ListFacesCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as op from '../../cli/operations';
import { PHOTOS, authenticate, haveSharedFaces, photoPath, photoVariantOf, refusal, register, runCliOn, startTestStack, stopTestStack, upload, warnIfNoSharedFaces, watchProgress, type TestStack } from './helpers';

warnIfNoSharedFaces('the end-to-end flow tests (test/e2e/flows.test.ts)');

describe.skipIf(!haveSharedFaces)('facegate end to end (local stack, real faces)', { timeout: 60_000 }, () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack();
  });
  afterAll(() => stopTestStack(t));

  // Phone-shaped photos throughout (issue 9): a 9:16 portrait selfie enrolls, a 3:4 one signs in,
  // a 16:9 landscape photo of someone else is refused.
  it('registers a person from a 9:16 portrait selfie, and a subscription opened first receives every progress event in order', async () => {
    const registrationId = randomUUID();
    const watch = watchProgress(t, registrationId);
    await watch.ready;
    const result = await register(t, 'alice', await photoVariantOf(t, PHOTOS.alice.enroll, '9:16 crop'), registrationId);
    expect(result).toMatchObject({ registrationId, userId: 'alice', kind: 'REGISTER', status: 'SUCCEEDED' });
    expect(result.faceId).toMatch(/^[0-9a-f-]{36}$/);

    // The flow flushes its events before answering; delivery is asynchronous, so poll briefly.
    await expect.poll(() => watch.events.at(-1)?.step, { timeout: 3000 }).toBe('COMPLETED');
    await watch.close();
    expect(watch.errors).toEqual([]);
    const { events } = watch;
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events[0]).toMatchObject({ step: 'STARTED', status: 'SUCCEEDED', registrationId, userId: 'alice' });
    expect(events.at(-1)).toMatchObject({ step: 'COMPLETED', status: 'SUCCEEDED' });
    for (const step of ['SCREENING', 'DUPLICATE_CHECK', 'INDEXING', 'SAVING']) {
      expect(events.filter((e) => e.step === step).map((e) => e.status)).toEqual(['STARTED', 'SUCCEEDED']);
    }

    // The same history, for a client that subscribes late.
    const { registration } = await t.client.request<op.RegistrationData>(op.REGISTRATION, { registrationId }, t.app);
    expect(registration).toMatchObject({ status: 'SUCCEEDED', faceId: result.faceId });
    expect(registration!.events.map((e) => [e.seq, e.step, e.status])).toEqual(events.map((e) => [e.seq, e.step, e.status]));
  });

  it('authenticates with another photo of the same person, 3:4 portrait', async () => {
    const result = await authenticate(t, 'alice', await photoVariantOf(t, PHOTOS.alice.other, '3:4 pad'));
    expect(result.authenticated).toBe(true);
    expect(result.similarity).toBeGreaterThanOrEqual(t.stack.authThreshold.value);
  });

  it("refuses someone else's face with FACE_MISMATCH", async () => {
    const error = await refusal(authenticate(t, 'alice', await photoVariantOf(t, PHOTOS.bob.enroll, '16:9 pad')));
    expect(error.errorType).toBe('FACE_MISMATCH');
  });

  it('refuses the same face under another userId with FACE_ALREADY_REGISTERED, and says so on the subscription', async () => {
    const registrationId = randomUUID();
    const watch = watchProgress(t, registrationId);
    await watch.ready;
    const error = await refusal(register(t, 'alice-again', PHOTOS.alice.other, registrationId));
    expect(error.errorType).toBe('FACE_ALREADY_REGISTERED');
    await expect.poll(() => watch.events.at(-1)?.step, { timeout: 3000 }).toBe('COMPLETED');
    await watch.close();
    expect(watch.events.at(-1)).toMatchObject({ status: 'FAILED', errorType: 'FACE_ALREADY_REGISTERED' });
  });

  it('refuses a photo with two faces with MULTIPLE_FACES', async () => {
    const error = await refusal(register(t, 'group', PHOTOS.group, randomUUID()));
    expect(error.errorType).toBe('MULTIPLE_FACES');
  });

  it('updates the photo of a registered user', async () => {
    const s3Key = await upload(t, await photoVariantOf(t, PHOTOS.alice.other, '9:16 pad'));
    const vars: op.UpdatePhotoVars = { input: { userId: 'alice', image: { s3Key }, registrationId: randomUUID() } };
    const { updatePhoto } = await t.client.request<op.UpdatePhotoData>(op.UPDATE_PHOTO, vars, t.app);
    expect(updatePhoto).toMatchObject({ userId: 'alice', kind: 'UPDATE_PHOTO', status: 'SUCCEEDED', removedFaceIds: [] });
  });

  it('lists users with the admin token, and refuses the API key as Unauthorized', async () => {
    const { listUsers } = await t.client.request<op.ListUsersData>(op.LIST_USERS, { limit: 50 }, t.admin);
    const alice = listUsers.items.find((u) => u.userId === 'alice');
    expect(alice).toMatchObject({ status: 'ACTIVE' });
    expect(alice!.faceIds).toHaveLength(2);
    expect(listUsers.items.map((u) => u.userId)).not.toContain('alice-again');

    expect((await refusal(t.client.request(op.LIST_USERS, {}, t.app))).errorType).toBe('Unauthorized');
    expect((await refusal(t.client.request(op.DELETE_USER, { userId: 'alice' }, t.app))).errorType).toBe('Unauthorized');
  });

  it("shows admins a face's image through a short-lived presigned GET, and the user's registrations", async () => {
    const { user } = await t.client.request<op.UserData>(op.USER, { userId: 'alice' }, t.admin);
    expect(user!.faces).toHaveLength(2);
    const face = user!.faces[0]!;
    const { faceImageUrl } = await t.client.request<op.FaceImageUrlData>(op.FACE_IMAGE_URL, { userId: 'alice', faceId: face.faceId }, t.admin);
    const url = new URL(faceImageUrl!.url);
    expect(url.pathname).toBe(`/${t.stack.bucketName}/${face.imageKey}`);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    const image = await fetch(url);
    expect(image.status).toBe(200);
    expect(Buffer.from(await image.arrayBuffer()).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect((await t.client.request<op.FaceImageUrlData>(op.FACE_IMAGE_URL, { userId: 'bob', faceId: face.faceId }, t.admin)).faceImageUrl).toBeNull();
    expect((await refusal(t.client.request(op.FACE_IMAGE_URL, { userId: 'alice', faceId: face.faceId }, t.app))).errorType).toBe('Unauthorized');

    const { registrations } = await t.client.request<op.RegistrationsData>(op.REGISTRATIONS, { userId: 'alice' }, t.admin);
    expect(registrations.items.map((r) => [r.kind, r.status])).toEqual([
      ['UPDATE_PHOTO', 'SUCCEEDED'],
      ['REGISTER', 'SUCCEEDED'],
    ]);
    expect((await refusal(t.client.request(op.REGISTRATIONS, { userId: 'alice' }, t.app))).errorType).toBe('Unauthorized');
  });

  it('deletes a user with the admin token: no object, record or face is left, and authentication fails', async () => {
    const { deleteUser } = await t.client.request<op.DeleteUserData>(op.DELETE_USER, { userId: 'alice' }, t.admin);
    expect(deleteUser).toMatchObject({ userId: 'alice', deletedFaces: 2, deletedImages: 2 });

    const { region, credentials, endpoints } = t.stack;
    const s3 = new S3Client({ region, credentials, endpoint: endpoints.s3, forcePathStyle: true });
    const objects = await s3.send(new ListObjectsV2Command({ Bucket: t.stack.bucketName }));
    const keys = (objects.Contents ?? []).map((o) => o.Key ?? '');
    expect(keys.filter((k) => k.startsWith('faces/alice/') || k.startsWith('idcards/alice/'))).toEqual([]);

    const dynamo = new DynamoDBClient({ region, credentials, endpoint: endpoints.dynamodb });
    const items = await dynamo.send(new ScanCommand({ TableName: t.stack.tableName }));
    expect((items.Items ?? []).filter((i) => i.pk?.S === 'USER#alice')).toEqual([]);

    const rekognition = new RekognitionClient({ region, credentials, endpoint: endpoints.rekognition });
    const faces = await rekognition.send(new ListFacesCommand({ CollectionId: t.stack.collectionId, MaxResults: 4096 }));
    expect((faces.Faces ?? []).filter((f) => f.ExternalImageId === 'alice' || f.UserId === 'alice')).toEqual([]);

    expect((await refusal(authenticate(t, 'alice', PHOTOS.alice.other))).errorType).toBe('FACE_MISMATCH');
  });

  it('works from the CLI: register (live steps), auth, users, delete', async () => {
    const run = (...argv: string[]) => runCliOn(t, ...argv);
    const reg = await run('register', '-u', 'bob', '-p', photoPath(PHOTOS.bob.enroll));
    expect(reg).toMatchObject({ code: 0, err: '' });
    expect(reg.out).toMatch(/DUPLICATE_CHECK\s+SUCCEEDED/);
    expect(reg.out).toMatch(/COMPLETED\s+SUCCEEDED/);
    expect(reg.out).toContain('registered bob: face ');

    // watch after the fact: the history, ending with COMPLETED, exit 0.
    const registrationId = /registrationId ([0-9a-f-]{36})/.exec(reg.out)?.[1];
    expect(registrationId).toBeDefined();
    const watched = await run('watch', registrationId!);
    expect(watched.code).toBe(0);
    expect(watched.out).toMatch(/REGISTER of bob, SUCCEEDED/);
    expect(watched.out).toMatch(/COMPLETED\s+SUCCEEDED/);

    expect(await run('auth', '-u', 'bob', '-p', photoPath(PHOTOS.bob.other))).toMatchObject({ code: 0, out: expect.stringContaining('authenticated bob') });
    const mismatch = await run('auth', '-u', 'bob', '-p', photoPath(PHOTOS.carol.enroll));
    expect(mismatch).toMatchObject({ code: 1, err: expect.stringContaining('error: FACE_MISMATCH: ') });

    expect((await run('users')).out).toMatch(/^bob\s+ACTIVE\s+1 /m);
    const noAdmin = await run('users', '--endpoint', t.stack.graphqlUrl, '--api-key', t.stack.apiKey, '--admin-token', 'not-a-jwt');
    expect(noAdmin).toMatchObject({ code: 1, err: expect.stringMatching(/^error: Unauthorized/) });
    expect(await run('delete', '-u', 'bob')).toMatchObject({ code: 0, out: 'deleted bob: 1 face(s), 1 image(s)' });

    // watch live: started before the registration exists, it follows it to the end.
    const liveId = `live-watch-${Date.now()}-dave`;
    const live = run('watch', liveId);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const liveReg = await run('register', '-u', 'dave-live', '-p', photoPath(PHOTOS.dave.enroll), '--registration-id', liveId);
    expect(liveReg.code).toBe(0);
    const liveOut = await live;
    expect(liveOut.code).toBe(0);
    expect(liveOut.out).toMatch(/not started yet/);
    expect(liveOut.out).toMatch(/STARTED\s+SUCCEEDED[\s\S]*COMPLETED\s+SUCCEEDED/);
    expect((await run('delete', '-u', 'dave-live')).code).toBe(0);

    // With an ID card (another photo of the same person stands in for the card's portrait).
    const withCard = await run('register', '-u', 'dave', '-p', photoPath(PHOTOS.dave.enroll), '--id-card', photoPath(PHOTOS.dave.card));
    expect(withCard).toMatchObject({ code: 0, err: '' });
    expect(withCard.out).toMatch(/ID_CARD_MATCH\s+SUCCEEDED/);
    expect(withCard.out).toMatch(/registered dave: .*ID card similarity 9\d\.\d/);
    expect(await run('delete', '-u', 'dave')).toMatchObject({ code: 0, out: 'deleted dave: 1 face(s), 2 image(s)' });
  });
});
