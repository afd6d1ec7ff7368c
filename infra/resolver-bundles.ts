import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildResolvers } from '../resolvers/build';

/** Bundle text by manifest code name (`Mutation.registerUser`, `functions/invokeStep`, …). */
export type ResolverBundles = ReadonlyMap<string, string>;

/**
 * Builds every APPSYNC_JS bundle of resolvers/manifest.ts with resolvers/build.ts (the same
 * bundles the local server runs) and returns their text. The stack inlines them into the
 * template, so nothing but the template carries resolver code.
 */
export async function bundleResolvers(): Promise<ResolverBundles> {
  const dir = mkdtempSync(join(tmpdir(), 'facegate-resolvers-'));
  try {
    const built = await buildResolvers(dir);
    return new Map(built.map((b) => [b.code, readFileSync(b.file, 'utf8')]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
