/** `npm start`'s early failures: clear messages and exit code 1 before any service starts. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
let dataDir: string;
beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stack-main-'));
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const start = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'local/stack/main.ts'), '--data', dataDir, ...args], { cwd: root, encoding: 'utf8', timeout: 30_000 });

describe('npm start', { timeout: 60_000 }, () => {
  it('says the port is in use when it is', async () => {
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    try {
      const out = start('--port', String((taken.address() as net.AddressInfo).port));
      expect(out.status).toBe(1);
      expect(out.stderr).toMatch(/port \d+ is in use/);
    } finally {
      taken.close();
    }
  });

  it('refuses a bad --faults spec (or FACEGATE_FAULTS) with the reason, exit code 2, before starting', () => {
    const out = start('--faults', 'rekognition:IndexFace=throttle');
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/--faults: fault "rekognition:IndexFace=throttle": unknown operation "IndexFace" for rekognition/);
    const env = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'local/stack/main.ts'), '--data', dataDir], {
      cwd: root,
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, FACEGATE_FAULTS: 's3=slow' },
    });
    expect(env.status).toBe(2);
    expect(env.stderr).toMatch(/"slow" is not a s3 error here/);
  });

  it('does not call an address this machine lacks a port in use (it names the host)', () => {
    const out = start('--host', '10.255.255.1', '--port', '4999');
    expect(out.status).toBe(1);
    expect(out.stderr).not.toMatch(/in use/);
    expect(out.stderr).toMatch(/cannot listen on 10\.255\.255\.1:4999 \(EADDRNOTAVAIL\); check --host/);
  });
});
