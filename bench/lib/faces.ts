/** The labelled photos in ../shared/faces (read-only, never copied into the repo). */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const facesDir = path.resolve(repoRoot, '../shared/faces');

/** The set is there: its pair list (verification) and its identity list (who is who). */
export function haveFaces(): boolean {
  return ['pairs.csv', 'identities.csv'].every((f) => fs.existsSync(path.join(facesDir, f)));
}

export interface Pair {
  a: string;
  b: string;
  same: boolean;
}

function rows(file: string): string[][] {
  return fs
    .readFileSync(path.join(facesDir, file), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
}

export function pairs(): Pair[] {
  return rows('pairs.csv').map((r) => ({ a: r[1] as string, b: r[2] as string, same: r[3] === 'same' }));
}

export function identities(): { file: string; identity: string }[] {
  return rows('identities.csv').map((r) => ({ file: r[0] as string, identity: r[1] as string }));
}

export function read(file: string): Buffer {
  return fs.readFileSync(path.join(facesDir, file));
}
