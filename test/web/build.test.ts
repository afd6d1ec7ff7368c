/** The web build's freshness check (web/build.ts): a stamp of its inputs decides whether npm start rebuilds. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inputsHash, staleReason } from '../../web/build';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facegate-web-build-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const stamp = (hash: string, imported: string[] = []) => fs.writeFileSync(path.join(dir, '.inputs.json'), JSON.stringify({ hash, imported }));

describe('staleReason', () => {
  it('a directory without a build or stamp is not built yet', () => {
    expect(staleReason(dir)).toBe('not built yet');
    stamp(inputsHash([]));
    expect(staleReason(dir)).toBe('not built yet'); // no index.html
  });

  it('fresh while the inputs hash as stamped; stale once they do not', () => {
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html>');
    stamp(inputsHash(['cli/operations.ts']), ['cli/operations.ts']);
    expect(staleReason(dir)).toBeNull();
    stamp('0'.repeat(64), ['cli/operations.ts']);
    expect(staleReason(dir)).toBe('its sources changed');
  });

  it('the hash covers the imported files outside web/, and a missing one', () => {
    expect(inputsHash(['cli/operations.ts'])).not.toBe(inputsHash([]));
    expect(inputsHash(['cli/operations.ts'])).toBe(inputsHash(['cli/operations.ts']));
    expect(inputsHash(['no/such/file.ts'])).not.toBe(inputsHash([]));
  });
});
