/**
 * Bundles every resolver and pipeline function of resolvers/manifest.ts into one APPSYNC_JS
 * ES module each: `<outDir>/<code>.js`, with `@aws-appsync/utils` left external (AppSync
 * provides it). Fails when a bundle reaches AppSync's 32 KB limit.
 *
 *   npm run build:resolvers            → dist/resolvers/
 *   tsx resolvers/build.ts <outDir>
 */
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MAX_CODE_BYTES, codeEntries } from './manifest';

export interface BuiltResolver {
  /** The manifest's code name, e.g. `Mutation.registerUser` or `functions/invokeStep`. */
  code: string;
  /** Absolute path of the bundle. */
  file: string;
  bytes: number;
}

/** The repository root (this file lives in <root>/resolvers/). */
export const projectRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

/** Where `npm run build:resolvers` writes. */
export const defaultOutDir = join(projectRoot, 'dist', 'resolvers');

export async function buildResolvers(outDir: string = defaultOutDir): Promise<BuiltResolver[]> {
  const codes = codeEntries();
  const out = resolve(outDir);
  await build({
    absWorkingDir: projectRoot,
    entryPoints: codes.map((code) => ({ in: join(projectRoot, 'resolvers', code + '.ts'), out: code })),
    outdir: out,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'esnext',
    external: ['@aws-appsync/utils'],
    sourcemap: false,
    minify: false,
    treeShaking: true,
    splitting: false,
    logLevel: 'silent',
  });
  const built = codes.map((code) => {
    const file = join(out, code + '.js');
    return { code, file, bytes: statSync(file).size };
  });
  const tooLarge = built.filter((b) => b.bytes >= MAX_CODE_BYTES);
  if (tooLarge.length > 0) {
    throw new Error(
      'APPSYNC_JS bundles must stay under ' + MAX_CODE_BYTES + ' bytes: ' +
        tooLarge.map((b) => `${b.code} is ${b.bytes}`).join(', '),
    );
  }
  return built;
}

/** Bundle text by manifest code name (`Mutation.registerUser`, `functions/invokeStep`, …). */
export type ResolverBundles = ReadonlyMap<string, string>;

/**
 * Every bundle's text, built in a temporary directory that is removed again: for the CDK app
 * (which inlines them into the template) and the local APPSYNC_JS runtime (which loads them).
 */
export async function buildResolverSources(): Promise<ResolverBundles> {
  const dir = mkdtempSync(join(tmpdir(), 'facegate-resolvers-'));
  try {
    const built = await buildResolvers(dir);
    return new Map(built.map((b) => [b.code, readFileSync(b.file, 'utf8')]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  buildResolvers(process.argv[2] ?? defaultOutDir).then(
    (built) => {
      for (const b of built) console.log(`${String(b.bytes).padStart(6)}  ${b.code}.js`);
      console.log(`${built.length} bundles in ${resolve(process.argv[2] ?? defaultOutDir)}`);
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
