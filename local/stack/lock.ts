/**
 * One stack per data directory: dynalite's LevelDB would crash the process if two opened the
 * same path. The lock file holds the owner's pid; a lock left by a dead process is taken over.
 */
import fs from 'node:fs';
import path from 'node:path';

export const LOCK_FILE = 'facegate.lock';

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The data directory ${dataDir} is in use by another facegate stack (pid ${pid}). ` +
        `Stop that one (Ctrl-C) or pass another --data directory.`,
    );
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  path: string;
  release(): void;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Locks `dataDir` for this process, or throws DataDirLockedError naming the holder. */
export function lockDataDir(dataDir: string, pid = process.pid): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, `${pid}\n`, { flag: 'wx' });
      let released = false;
      return {
        path: file,
        release() {
          if (released) return;
          released = true;
          try {
            if (fs.readFileSync(file, 'utf8').trim() === String(pid)) fs.unlinkSync(file);
          } catch {
            // already gone
          }
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = Number.parseInt(readOr(file, ''), 10);
    // Our own pid (a second stack in this process) is a live holder too.
    if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) throw new DataDirLockedError(dataDir, holder);
    // Stale (dead pid or garbage): remove it and retry the exclusive create.
    fs.rmSync(file, { force: true });
  }
  throw new Error(`Could not lock ${dataDir}: the lock file keeps reappearing`);
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}
