/**
 * `npm start` as a real child process (node --import tsx local/stack/main.ts), for what needs the
 * stack outside the caller's process: the crash test kills it (SIGKILL), the load bench reads
 * its RSS. It runs in a process group of its own, so a kill takes everything it started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { LocalStackInfo } from '../../local/stack/index';
import { repoRoot } from './faces';

export interface StackProcess {
  pid: number;
  info: LocalStackInfo;
  /** From spawn to the "ready" banner, ms. */
  startMs: number;
  /** Resident set size of the stack process, bytes (Linux /proc). */
  rss(): number;
  /** SIGKILL the process group; resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGINT (Ctrl-C): a clean stop. */
  stop(): Promise<void>;
  /** Everything it printed, for a failure message. */
  output(): string;
}

export interface StackProcessOptions {
  dataDir: string;
  /** Face-model worker threads (default 1). */
  workers?: number;
  env?: Record<string, string>;
  /** Give up waiting for ready after this long (default 120 s). */
  timeoutMs?: number;
}

export async function startStackProcess(options: StackProcessOptions): Promise<StackProcess> {
  const started = performance.now();
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'local/stack/main.ts'), '--port', '0', '--data', options.dataDir, '--workers', String(options.workers ?? 1)],
    {
      cwd: repoRoot,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...options.env },
    },
  );
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the stack was not ready within ${options.timeoutMs ?? 120_000} ms:\n${output}`)), options.timeoutMs ?? 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ctrl-C to stop')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the stack exited (${code}) before it was ready:\n${output}`));
    });
  });
  const pid = child.pid!;
  const info = JSON.parse(fs.readFileSync(path.join(options.dataDir, 'local.json'), 'utf8')) as LocalStackInfo;
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(name === 'SIGKILL' ? -pid : pid, name);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
    }
    await exited;
  };
  return {
    pid,
    info,
    startMs: performance.now() - started,
    rss: () => rssOf(pid),
    kill: () => signal('SIGKILL'),
    stop: () => signal('SIGINT'),
    output: () => output,
  };
}

/** VmRSS of a process, bytes. */
export function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  if (!kb) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb) * 1024;
}
