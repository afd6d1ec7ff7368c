/**
 * The web build, kept fresh without a separate command: `npm start` (and the browser test) call
 * ensureWebBuild(), which rebuilds dist/web only when an input changed. Inputs: every file under
 * web/, package-lock.json (dependency versions), and the repository files the last build
 * imported from outside web/ (cli/operations.ts, …), which the build records in dist/web/.inputs.json.
 * Vite runs in a child process (offline: nothing is fetched), into a temporary directory that
 * replaces dist/web when done, so a server never sees half a build (and a build another process
 * finished meanwhile is kept).
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

export const WEB_DIR = fileURLToPath(new URL('.', import.meta.url));
const REPO_ROOT = path.resolve(WEB_DIR, '..');
export const WEB_BUILD_DIR = path.join(REPO_ROOT, 'dist', 'web');
const STAMP = '.inputs.json';

interface Stamp {
  hash: string;
  /** Repository-relative paths outside web/ that the bundle imported. */
  imported: string[];
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** One hash over the inputs' paths and contents (a missing file hashes as missing). */
export function inputsHash(imported: string[]): string {
  const files = [...filesUnder(WEB_DIR), path.join(REPO_ROOT, 'package-lock.json'), ...imported.map((f) => path.join(REPO_ROOT, f))];
  const hash = crypto.createHash('sha256');
  for (const file of [...new Set(files)].sort()) {
    hash.update(path.relative(REPO_ROOT, file)).update('\0');
    hash.update(fs.existsSync(file) ? fs.readFileSync(file) : 'missing').update('\0');
  }
  return hash.digest('hex');
}

/** Vite plugin: writes the stamp of what this build was made from into the output directory. */
export function recordBuildInputs(repoRoot: string): Plugin {
  let outDir = '';
  let imported: string[] = [];
  return {
    name: 'facegate-record-build-inputs',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    generateBundle() {
      imported = [...this.getModuleIds()]
        .map((id) => id.split('?')[0]!)
        .filter((id) => path.isAbsolute(id) && id.startsWith(repoRoot) && !id.includes(`${path.sep}node_modules${path.sep}`) && !id.startsWith(WEB_DIR))
        .map((id) => path.relative(repoRoot, id))
        .sort();
    },
    closeBundle() {
      const stamp: Stamp = { hash: inputsHash(imported), imported };
      fs.writeFileSync(path.join(outDir, STAMP), JSON.stringify(stamp, null, 2) + '\n');
    },
  };
}

/** Why dist/web must be rebuilt, or null when it is up to date. */
export function staleReason(dir = WEB_BUILD_DIR): string | null {
  let stamp: Stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(path.join(dir, STAMP), 'utf8')) as Stamp;
  } catch {
    return 'not built yet';
  }
  if (!fs.existsSync(path.join(dir, 'index.html'))) return 'not built yet';
  return inputsHash(stamp.imported) === stamp.hash ? null : 'its sources changed';
}

export interface WebBuild {
  dir: string;
  /** Whether this call built it (false: it was up to date). */
  built: boolean;
  ms: number;
}

/** Builds dist/web when stale (see the top of this file). */
export async function ensureWebBuild(options: { log?: (line: string) => void } = {}): Promise<WebBuild> {
  const started = performance.now();
  const reason = staleReason();
  if (reason === null) return { dir: WEB_BUILD_DIR, built: false, ms: Math.round(performance.now() - started) };
  options.log?.(`[web] building the web app (${reason})…`);
  const tmp = `${WEB_BUILD_DIR}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  const vite = path.join(path.dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  const args = [vite, 'build', '--config', path.join(WEB_DIR, 'vite.config.ts'), '--outDir', tmp, '--emptyOutDir', '--logLevel', 'warn'];
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => output.push(d.toString()));
    child.stderr.on('data', (d: Buffer) => output.push(d.toString()));
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new Error(`the web build failed (vite exit ${code}):\n${output.join('').trim()}`);
  }
  // Another process (a second npm start, a test) may have built the same inputs meanwhile: keep
  // that one rather than pull it from under a server that is serving it.
  if (staleReason() === null) fs.rmSync(tmp, { recursive: true, force: true });
  else {
    fs.rmSync(WEB_BUILD_DIR, { recursive: true, force: true });
    fs.renameSync(tmp, WEB_BUILD_DIR);
  }
  const ms = Math.round(performance.now() - started);
  options.log?.(`[web] built in ${(ms / 1000).toFixed(1)} s`);
  return { dir: WEB_BUILD_DIR, built: true, ms };
}
