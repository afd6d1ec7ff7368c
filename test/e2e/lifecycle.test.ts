/**
 * The stack's life: one stack per data directory (a second start is a clear error, in this
 * process and from `npm start`), and everything — users, faces, images, the API key, admin
 * tokens — survives a restart.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphQLClient } from '../../cli/graphql';
import * as op from '../../cli/operations';
import { DataDirLockedError, startLocalStack } from '../../local/stack/index';
import { LOCK_FILE } from '../../local/stack/lock';
import { PHOTOS, authenticate, haveSharedFaces, register, repoRoot, startTestStack, warnIfNoSharedFaces, type TestStack } from './helpers';

warnIfNoSharedFaces('the restart-with-a-registered-face part of test/e2e/lifecycle.test.ts');

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facegate-e2e-life-'));
let t: TestStack | undefined;

beforeAll(async () => {
  t = await startTestStack(dataDir);
});
afterAll(async () => {
  await t?.stack.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('local stack lifecycle', { timeout: 90_000 }, () => {
  it('writes local.json with the URLs, the API key, an admin token and the user pool for face sign-in', () => {
    const info = JSON.parse(fs.readFileSync(path.join(dataDir, 'local.json'), 'utf8')) as Record<string, unknown>;
    expect(info).toEqual({
      graphqlUrl: t!.stack.graphqlUrl,
      realtimeUrl: t!.stack.realtimeUrl,
      apiKey: t!.stack.apiKey,
      adminToken: t!.stack.adminToken,
      userPool: t!.stack.userPool,
      endpoints: t!.stack.endpoints,
      region: 'us-east-1',
      tableName: 'facegate',
      bucketName: 'facegate-images',
      collectionId: 'facegate',
      credentials: t!.stack.credentials,
    });
    expect(t!.stack.userPool).toEqual({
      endpoint: t!.stack.endpoints.cognito,
      region: t!.stack.region,
      userPoolId: expect.stringMatching(new RegExp(`^${t!.stack.region}_\\w+$`)),
      userPoolClientId: expect.stringMatching(/^[a-z0-9]{26}$/),
    });
    expect(t!.stack.graphqlUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    expect(fs.readFileSync(path.join(dataDir, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid));
  });

  it('refuses a second start on the same data directory with a clear error', async () => {
    const error = await startLocalStack({ dataDir, port: 0, log: false }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DataDirLockedError);
    expect((error as Error).message).toContain(`in use by another facegate stack (pid ${process.pid})`);
    // …and the running stack is unharmed.
    const client = new GraphQLClient({ graphqlUrl: t!.stack.graphqlUrl });
    await expect(client.request(op.LIST_USERS, {}, { token: t!.stack.adminToken })).resolves.toBeTruthy();
  });

  it('`npm start` on a data directory in use exits 1 with the same message', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/stack/main.ts', '--data', dataDir, '--port', '0'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(output).toContain(`is in use by another facegate stack (pid ${process.pid})`);
    expect(output).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('`npm start` serves, and stops cleanly on Ctrl-C (SIGINT): exit 0, lock removed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facegate-e2e-sigint-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/stack/main.ts', '--data', dir, '--port', '0', '--workers', '1'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
    });
    let output = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      const onData = (c: Buffer) => {
        output += c.toString();
        if (output.includes('Ctrl-C to stop')) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      void exited.then((code) => reject(new Error(`npm start exited early (${code}):\n${output}`)));
    });
    expect(output).toMatch(/ready in \d+\.\d s/);
    const info = JSON.parse(fs.readFileSync(path.join(dir, 'local.json'), 'utf8')) as { graphqlUrl: string; apiKey: string; webUrl: string };
    // The web app, on the GraphQL port, built if it was stale.
    expect(info.webUrl).toBe(new URL('/', info.graphqlUrl).toString());
    expect(output).toContain(`Web app     ${info.webUrl}`);
    const page = await fetch(info.webUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root"></div>');
    const client = new GraphQLClient({ graphqlUrl: info.graphqlUrl });
    const ticket = await client.request<op.CreateUploadUrlData>(op.CREATE_UPLOAD_URL, { input: { purpose: 'SELFIE', contentType: 'image/jpeg' } }, { apiKey: info.apiKey });
    expect(ticket.createUploadUrl.key).toMatch(/^uploads\/selfie\//);
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(true);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('SIGINT, stopping');
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps users, faces, the API key and admin tokens across a restart', async () => {
    const before = t!;
    if (haveSharedFaces) {
      await register(before, 'carol', PHOTOS.carol.enroll, `restart-${Date.now()}-carol`);
    }
    const oldToken = before.stack.adminToken;
    await before.stack.close();
    t = undefined;
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);

    t = await startTestStack(dataDir);
    expect(t.stack.apiKey).toBe(before.stack.apiKey);
    expect({ ...t.stack.userPool, endpoint: undefined }).toEqual({ ...before.stack.userPool, endpoint: undefined });
    // The token issued before the restart is still accepted (the signing key persists).
    const { listUsers } = await t.client.request<op.ListUsersData>(op.LIST_USERS, {}, { token: oldToken });
    if (haveSharedFaces) {
      expect(listUsers.items.map((u) => u.userId)).toEqual(['carol']);
      const result = await authenticate(t, 'carol', PHOTOS.carol.other);
      expect(result.authenticated).toBe(true);
    }
  });
});
