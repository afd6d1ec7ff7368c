/** Where tests find the repository and the labelled photos of ../shared/faces (read-only, never copied). */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const sharedFaces = path.resolve(repoRoot, '../shared/faces');
/** The set is there: its pair list (engine verification) and its identity list (who is who). */
export const haveSharedFaces = ['pairs.csv', 'identities.csv'].every((f) => fs.existsSync(path.join(sharedFaces, f)));

/** Tests that need the photos skip loudly without them. */
export function warnIfNoSharedFaces(what: string): void {
  if (!haveSharedFaces) {
    console.warn(`\n!!! SKIPPING ${what}: labelled photos not found at ${sharedFaces} (see shared/faces/README.md; CI has them)\n`);
  }
}
