/**
 * What the local stores acknowledged survives the process being killed (SIGKILL): dynalite's
 * PutItem, s3rver's PutObject (bytes intact) and the face engine's CreateUser, written as fast
 * as they are answered until a kill at a random moment, then read back after a restart on the
 * same directory. The whole stack under kills is test/e2e/crash.test.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateCollectionCommand, CreateUserCommand, ListUsersCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom, seedFrom } from '../../../bench/lib/random';
import { repoRoot } from '../../support/shared-faces';

const credentials = { accessKeyId: 'AKIADURABLE', secretAccessKey: 'durable-secret' };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facegate-durable-'));
let running: ChildProcess | undefined;
afterAll(() => {
  running?.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Stores {
  child: ChildProcess;
  dynamodb: DynamoDBClient;
  s3: S3Client;
  rekognition: RekognitionClient;
}

async function start(): Promise<Stores> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'fixtures/stores-child.ts'), dir, credentials.accessKeyId, credentials.secretAccessKey], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  running = child;
  const urls = await new Promise<Record<'dynamodb' | 's3' | 'rekognition', string>>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!) as never);
    });
    child.once('exit', (code) => reject(new Error(`stores exited with ${code}`)));
  });
  const common = { region: 'us-east-1', credentials, maxAttempts: 1 };
  return {
    child,
    dynamodb: new DynamoDBClient({ ...common, endpoint: urls.dynamodb }),
    s3: new S3Client({ ...common, endpoint: urls.s3, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }),
    rekognition: new RekognitionClient({ ...common, endpoint: urls.rekognition }),
  };
}

function kill(stores: Stores): Promise<void> {
  const exited = new Promise<void>((resolve) => stores.child.once('exit', () => resolve()));
  stores.child.kill('SIGKILL');
  for (const client of [stores.dynamodb, stores.s3, stores.rekognition]) client.destroy();
  return exited;
}

const sha = (bytes: Uint8Array) => crypto.createHash('sha256').update(bytes).digest('hex');

describe('local stores under SIGKILL', { timeout: 60_000 }, () => {
  it('every write acknowledged before the kill is there after a restart (3 kills at random moments)', async () => {
    const seed = seedFrom(process.env.FACEGATE_DURABILITY_SEED);
    const rand = seededRandom(seed);
    console.log(`durability: seed ${seed} (FACEGATE_DURABILITY_SEED=${seed} repeats this run)`);
    let stores = await start();
    await stores.dynamodb.send(
      new CreateTableCommand({ TableName: 'durable', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] }),
    );
    await stores.rekognition.send(new CreateCollectionCommand({ CollectionId: 'c' }));
    const acked = { items: [] as string[], objects: new Map<string, string>(), users: [] as string[] };
    let n = 0;
    for (let round = 0; round < 3; round++) {
      let killed = false;
      const writer = async () => {
        while (!killed) {
          const id = `w${n++}`;
          const kind = n % 3;
          try {
            if (kind === 0) {
              await stores.dynamodb.send(new PutItemCommand({ TableName: 'durable', Item: { pk: { S: id }, v: { S: 'x'.repeat(500) } } }));
              acked.items.push(id);
            } else if (kind === 1) {
              const body = crypto.randomBytes(20_000 + Math.floor(rand() * 200_000));
              await stores.s3.send(new PutObjectCommand({ Bucket: 'durable', Key: `o/${id}.bin`, Body: body, ContentType: 'application/octet-stream' }));
              acked.objects.set(`o/${id}.bin`, sha(body));
            } else {
              await stores.rekognition.send(new CreateUserCommand({ CollectionId: 'c', UserId: id }));
              acked.users.push(id);
            }
          } catch {
            return; // the kill: this write was not acknowledged
          }
        }
      };
      const writers = Array.from({ length: 6 }, writer);
      await new Promise((r) => setTimeout(r, 150 + rand() * 600));
      killed = true;
      await kill(stores);
      await Promise.all(writers);
      stores = await start();
    }
    console.log(`durability: ${acked.items.length} items, ${acked.objects.size} objects, ${acked.users.length} users acknowledged over 3 kills`);
    try {
      expect(acked.items.length + acked.objects.size + acked.users.length).toBeGreaterThan(30);
      for (const id of acked.items) {
        const { Item } = await stores.dynamodb.send(new GetItemCommand({ TableName: 'durable', Key: { pk: { S: id } }, ConsistentRead: true }));
        expect(Item?.pk?.S, `item ${id} (seed ${seed})`).toBe(id);
      }
      for (const [key, digest] of acked.objects) {
        const out = await stores.s3.send(new GetObjectCommand({ Bucket: 'durable', Key: key }));
        expect(sha(await out.Body!.transformToByteArray()), `object ${key} (seed ${seed})`).toBe(digest);
      }
      const users = new Set<string>();
      let token: string | undefined;
      do {
        const page = await stores.rekognition.send(new ListUsersCommand({ CollectionId: 'c', NextToken: token }));
        for (const u of page.Users ?? []) users.add(u.UserId!);
        token = page.NextToken;
      } while (token);
      expect(acked.users.filter((u) => !users.has(u)), `users (seed ${seed})`).toEqual([]);
    } finally {
      await kill(stores);
    }
  });
});
