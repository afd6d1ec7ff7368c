/** startLocalStack's failure paths: nothing is left running or locked. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startLocalStack } from '../../../local/stack/index';
import { LOCK_FILE } from '../../../local/stack/lock';

describe('startLocalStack', () => {
  it('fails clearly on a broken secrets file and releases the data directory', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stack-start-'));
    fs.writeFileSync(path.join(dir, 'secrets.json'), '{"apiKey": 1}');
    await expect(startLocalStack({ dataDir: dir, port: 0, log: false })).rejects.toThrow(/secrets.json is not a facegate secrets file/);
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('names the file when secrets.json is not JSON at all (truncated write), instead of a bare SyntaxError', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stack-start-'));
    fs.writeFileSync(path.join(dir, 'secrets.json'), '{"apiKey": "da2-');
    await expect(startLocalStack({ dataDir: dir, port: 0, log: false })).rejects.toThrow(/secrets.json is not a facegate secrets file/);
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
