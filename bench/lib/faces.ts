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

/**
 * The photos with more than one person (identities.csv lists the single-person ones), with how
 * many faces each shows. `small`: faces so small that the detector (which sees the photo at
 * 256 px) may miss them once a pad shrinks the photo further — test__obama_and_biden.jpg's girl
 * at the lower right, looking down (about 15 px wide at the detector's input in the original,
 * 11–12 px in its 3:4 and 16:9 pads). A fourth person at its right edge shows no face.
 */
export const GROUP_PHOTOS: readonly { file: string; faces: number; small: number }[] = [
  { file: 'face_recognition/two_people.jpg', faces: 2, small: 0 },
  { file: 'face_recognition/test__obama_and_biden.jpg', faces: 3, small: 1 },
  { file: 'face_recognition/test__kit_with_rose.jpg', faces: 2, small: 0 },
];
