/**
 * Fault injection on its own: the spec, the plan's decisions, and the proxies' wire answers as
 * the real AWS SDK clients read them (error names, status codes, faults), forwarding through to
 * dynalite and s3rver (signatures intact), and a held request that the client gave up on never
 * reaching the service.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DetectFacesCommand, IndexFacesCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaultProxies, type FaultProxies } from '../../local/faults/index';
import { FaultPlan, FaultSpecError, parseFaultSpec } from '../../local/faults/spec';
import { operationOf } from '../../local/faults/wire';
import { ensureTable } from '../../local/stack/provision';
import { startDynamoDb, startS3, type RunningService } from '../../local/stack/services';

process.env.AWS_REQUEST_CHECKSUM_CALCULATION = 'WHEN_REQUIRED';
process.env.AWS_RESPONSE_CHECKSUM_VALIDATION = 'WHEN_REQUIRED';

describe('the fault spec', () => {
  it('reads services, operations, effects and when', () => {
    const spec = parseFaultSpec('rekognition:IndexFaces=throttle@first:2, dynamodb:PutItem=InternalServerError@25%, s3=slow:3000@every:3, *=error@0.5, seed=7');
    expect(spec.seed).toBe(7);
    expect(spec.rules.map(({ service, operation, effect, when }) => ({ service, operation, effect, when }))).toEqual([
      { service: 'rekognition', operation: 'IndexFaces', effect: { kind: 'error', name: 'throttle' }, when: { kind: 'first', n: 2 } },
      { service: 'dynamodb', operation: 'PutItem', effect: { kind: 'error', name: 'InternalServerError' }, when: { kind: 'rate', p: 0.25 } },
      { service: 's3', operation: '*', effect: { kind: 'slow', ms: 3000 }, when: { kind: 'every', n: 3 } },
      { service: '*', operation: '*', effect: { kind: 'error', name: 'error' }, when: { kind: 'rate', p: 0.5 } },
    ]);
    expect(parseFaultSpec('').rules).toEqual([]);
  });

  it.each([
    ['lambda=throttle', /unknown service "lambda"/],
    ['rekognition:IndexFace=throttle', /unknown operation "IndexFace" for rekognition/],
    ['s3:PutObject=ThrottlingException', /"ThrottlingException" is not a s3 error here \(SlowDown, InternalError/],
    ['dynamodb=slow', /is not a dynamodb error here/],
    ['rekognition=throttle@150%', /rate 150% is not between 0 and 1/],
    ['rekognition=throttle@first:0', /first needs a count of at least 1/],
    ['rekognition=throttle@sometimes', /"@sometimes" is not a rate/],
    ['rekognition', /no "="/],
    ['*=SlowDown', /with service \* use throttle, error or slow/],
  ])('refuses %s clearly', (text, message) => {
    expect(() => parseFaultSpec(text)).toThrow(FaultSpecError);
    expect(() => parseFaultSpec(text)).toThrow(message);
  });
});

describe('the plan', () => {
  const decisions = (spec: string, service: 'rekognition' | 'dynamodb' | 's3', operation: string, n: number) => {
    const plan = new FaultPlan(parseFaultSpec(spec));
    return Array.from({ length: n }, () => (plan.decide(service, operation) ? 'x' : '.')).join('');
  };

  it('first:n, every:n and rates (seeded: the same seed, the same decisions)', () => {
    expect(decisions('rekognition:IndexFaces=throttle@first:2', 'rekognition', 'IndexFaces', 5)).toBe('xx...');
    expect(decisions('rekognition:IndexFaces=throttle@first:2', 'rekognition', 'DetectFaces', 3)).toBe('...');
    expect(decisions('dynamodb=error@every:3', 'dynamodb', 'GetItem', 7)).toBe('..x..x.');
    const a = decisions('s3=throttle@0.5,seed=42', 's3', 'PutObject', 200);
    expect(decisions('s3=throttle@0.5,seed=42', 's3', 'PutObject', 200)).toBe(a);
    expect(decisions('s3=throttle@0.5,seed=43', 's3', 'PutObject', 200)).not.toBe(a);
    const share = a.split('').filter((c) => c === 'x').length / a.length;
    expect(share).toBeGreaterThan(0.35);
    expect(share).toBeLessThan(0.65);
  });

  it('tries rules in order and records what it injected', () => {
    const plan = new FaultPlan(parseFaultSpec('rekognition:IndexFaces=error@first:1,rekognition=throttle'));
    plan.decide('rekognition', 'IndexFaces');
    plan.decide('rekognition', 'IndexFaces');
    plan.decide('dynamodb', 'GetItem');
    expect(plan.injected).toEqual([
      { service: 'rekognition', operation: 'IndexFaces', effect: 'InternalServerError', rule: 'rekognition:IndexFaces=error@first:1' },
      { service: 'rekognition', operation: 'IndexFaces', effect: 'ThrottlingException', rule: 'rekognition=throttle' },
    ]);
  });
});

describe('S3 operations from method, path and headers', () => {
  it.each([
    ['HEAD', '/b/uploads/x.jpg', 'HeadObject', {}],
    ['GET', '/b/faces/u/f.jpg', 'GetObject', {}],
    ['GET', '/b?list-type=2&prefix=uploads%2F', 'ListObjectsV2', {}],
    ['PUT', '/b/uploads/x.jpg?X-Amz-Signature=abc', 'PutObject', {}],
    ['PUT', '/b/faces/u/f.jpg', 'CopyObject', { 'x-amz-copy-source': 'b/uploads/x.jpg' }],
    ['DELETE', '/b/uploads/x.jpg', 'DeleteObject', {}],
    ['POST', '/b?delete', 'DeleteObjects', {}],
    ['OPTIONS', '/b/uploads/x.jpg', 'Preflight', {}],
  ])('%s %s → %s', (method, url, expected, headers) => {
    expect(operationOf('s3', method, url, headers)).toBe(expected);
  });
});

describe('the proxies, as the AWS SDK sees them', () => {
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const region = 'us-east-1';
  let dir: string;
  let dynamo: RunningService;
  let s3: RunningService;
  let engine: http.Server;
  let engineCalls = 0;
  let faults: FaultProxies;
  const urls: Record<'rekognition' | 'dynamodb' | 's3', string> = { rekognition: '', dynamodb: '', s3: '' };
  const once = { maxAttempts: 1 };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faults-'));
    [dynamo, s3] = await Promise.all([
      startDynamoDb({ host: '127.0.0.1' }),
      startS3({ directory: path.join(dir, 's3'), host: '127.0.0.1', bucket: 'b', credentials: [credentials] }),
    ]);
    // A stand-in for the face engine: answers DetectFaces with no faces.
    engine = http.createServer((req, res) => {
      engineCalls += 1;
      req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end('{"FaceDetails":[]}'));
    });
    await new Promise<void>((r) => engine.listen(0, '127.0.0.1', r));
    faults = createFaultProxies({ spec: '', host: '127.0.0.1' });
    urls.dynamodb = await faults.front('dynamodb', dynamo.url);
    urls.s3 = await faults.front('s3', s3.url);
    urls.rekognition = await faults.front('rekognition', `http://127.0.0.1:${(engine.address() as AddressInfo).port}`);
    await ensureTable(new DynamoDBClient({ endpoint: urls.dynamodb, region, credentials }), 'tbl');
  });
  afterAll(async () => {
    await faults?.close();
    await Promise.all([dynamo?.close(), s3?.close(), new Promise((r) => engine?.close(r))]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const rekognition = () => new RekognitionClient({ endpoint: urls.rekognition, region, credentials, ...once });
  const dynamodb = () => new DynamoDBClient({ endpoint: urls.dynamodb, region, credentials, ...once });
  const bucketClient = () => new S3Client({ endpoint: urls.s3, region, credentials, forcePathStyle: true, ...once });
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('expected an error');
      },
      (e: { name: string; $fault: string; $metadata: { httpStatusCode?: number }; message: string }) => ({ name: e.name, fault: e.$fault, status: e.$metadata.httpStatusCode }),
    );

  it.each([
    ['ThrottlingException', 400],
    ['ProvisionedThroughputExceededException', 400],
    ['InternalServerError', 500],
  ])('Rekognition %s (%i)', async (name, status) => {
    faults.control.set(`rekognition:IndexFaces=${name}`);
    expect(await failure(rekognition().send(new IndexFacesCommand({ CollectionId: 'c', Image: { Bytes: new Uint8Array([1]) } })))).toMatchObject({ name, status });
    const calls = engineCalls;
    expect((await rekognition().send(new DetectFacesCommand({ Image: { Bytes: new Uint8Array([1]) } }))).FaceDetails).toEqual([]);
    expect(engineCalls).toBe(calls + 1); // other operations pass through
  });

  it.each([
    ['ThrottlingException', 400],
    ['ProvisionedThroughputExceededException', 400],
    ['InternalServerError', 500],
  ])('DynamoDB %s (%i), JSON 1.0 __type com.amazonaws.dynamodb.v20120810#…', async (name, status) => {
    faults.control.set(`dynamodb:PutItem=${name}`);
    const put = () => dynamodb().send(new PutItemCommand({ TableName: 'tbl', Item: { pk: { S: 'a' }, sk: { S: 'b' } } }));
    expect(await failure(put())).toMatchObject({ name, status });
    const raw = await fetch(urls.dynamodb, { method: 'POST', headers: { 'x-amz-target': 'DynamoDB_20120810.PutItem', 'content-type': 'application/x-amz-json-1.0' }, body: '{}' });
    expect(raw.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(await raw.json()).toMatchObject({ __type: `com.amazonaws.dynamodb.v20120810#${name}`, message: expect.any(String) });
    faults.control.clear();
    await put();
    expect((await dynamodb().send(new GetItemCommand({ TableName: 'tbl', Key: { pk: { S: 'a' }, sk: { S: 'b' } } }))).Item).toBeDefined();
  });

  it.each([
    ['SlowDown', 503],
    ['InternalError', 500],
  ])('S3 %s (%i), as XML; a HEAD answer without a body', async (name, status) => {
    faults.control.set(`s3:PutObject=${name},s3:HeadObject=${name}`);
    expect(await failure(bucketClient().send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' })))).toMatchObject({ name, status });
    const raw = await fetch(`${urls.s3}/b/k`, { method: 'PUT', body: 'x' });
    expect(raw.status).toBe(status);
    expect(await raw.text()).toMatch(new RegExp(`^<\\?xml version="1.0" encoding="UTF-8"\\?>\\n<Error><Code>${name}</Code><Message>[^<]+</Message><RequestId>`));
    const head = await fetch(`${urls.s3}/b/k`, { method: 'HEAD' });
    expect({ status: head.status, body: await head.text() }).toEqual({ status, body: '' });
    expect((await failure(bucketClient().send(new HeadObjectCommand({ Bucket: 'b', Key: 'k' })))).status).toBe(status);
  });

  it('forwards signed and presigned S3 requests unchanged (s3rver checks the signatures)', async () => {
    faults.control.clear();
    const client = bucketClient();
    await client.send(new PutObjectCommand({ Bucket: 'b', Key: 'signed', Body: 'hello' }));
    expect(await (await client.send(new GetObjectCommand({ Bucket: 'b', Key: 'signed' }))).Body?.transformToString()).toBe('hello');
    const url = await getSignedUrl(client, new PutObjectCommand({ Bucket: 'b', Key: 'presigned', ContentType: 'image/jpeg' }), { expiresIn: 60 });
    expect((await fetch(url, { method: 'PUT', headers: { 'content-type': 'image/jpeg' }, body: 'jpeg' })).status).toBe(200);
    expect((await client.send(new HeadObjectCommand({ Bucket: 'b', Key: 'presigned' }))).ContentLength).toBe(4);
  });

  it('slow: holds the request, then forwards it; a client that gave up meanwhile never reaches the service', async () => {
    faults.control.set('dynamodb:PutItem=slow:400');
    const started = Date.now();
    await dynamodb().send(new PutItemCommand({ TableName: 'tbl', Item: { pk: { S: 'slow' }, sk: { S: '1' } } }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);

    faults.control.set('dynamodb:PutItem=slow:1500');
    const impatient = new DynamoDBClient({ endpoint: urls.dynamodb, region, credentials, maxAttempts: 1, requestHandler: { requestTimeout: 200, throwOnRequestTimeout: true } });
    expect((await failure(impatient.send(new PutItemCommand({ TableName: 'tbl', Item: { pk: { S: 'slow' }, sk: { S: '2' } } })))).name).toBe('TimeoutError');
    await new Promise((r) => setTimeout(r, 1700));
    faults.control.clear();
    expect((await dynamodb().send(new GetItemCommand({ TableName: 'tbl', Key: { pk: { S: 'slow' }, sk: { S: '2' } } }))).Item).toBeUndefined();
    expect(faults.control.injected()).toEqual([]); // cleared: a fresh plan
  });
});
