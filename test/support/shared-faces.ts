/** Where tests find the repository and the labelled photos of ../shared/faces (bench/lib/faces.ts locates both). */
import { facesDir, haveFaces, repoRoot } from '../../bench/lib/faces';

export { repoRoot };
export const sharedFaces = facesDir;
export const haveSharedFaces = haveFaces();

/** Tests that need the photos skip loudly without them. */
export function warnIfNoSharedFaces(what: string): void {
  if (!haveSharedFaces) {
    console.warn(`\n!!! SKIPPING ${what}: labelled photos not found at ${sharedFaces} (see shared/faces/README.md; CI has them)\n`);
  }
}
