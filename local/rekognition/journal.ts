/**
 * Append-only journal of JSON records, one per line, each prefixed with its CRC-32:
 * `<crc32 hex, 8 chars> <json>\n`. Appends are fsync'ed before the caller applies them. On open,
 * replay stops at the first record that is incomplete or fails its checksum (a torn tail from a
 * crash mid-write) and the file is truncated there, so the store never sees half a record.
 * `rewrite` replaces the whole journal atomically: temp file + fsync + rename + directory fsync.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

function crc(text: string): string {
  return zlib.crc32(text).toString(16).padStart(8, '0');
}

export function encodeRecord(rec: unknown): string {
  const json = JSON.stringify(rec);
  return `${crc(json)} ${json}\n`;
}

export interface ReplayResult<T> {
  records: T[];
  /** Bytes dropped from the tail (torn or corrupt). */
  dropped: number;
}

export function replay<T>(file: string): ReplayResult<T> {
  const buf = fs.readFileSync(file);
  const records: T[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const nl = buf.indexOf(0x0a, pos);
    if (nl < 0) break; // torn: no newline
    const line = buf.subarray(pos, nl).toString('utf8');
    const sum = line.slice(0, 8);
    const json = line.slice(9);
    if (line.charAt(8) !== ' ' || crc(json) !== sum) break;
    let rec: T;
    try {
      rec = JSON.parse(json) as T;
    } catch {
      break;
    }
    records.push(rec);
    pos = nl + 1;
  }
  const dropped = buf.length - pos;
  if (dropped > 0) {
    fs.truncateSync(file, pos);
  }
  return { records, dropped };
}

export function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // some filesystems refuse directory fsync; the rename is still atomic
  }
}

/** Writes `records` to `file` atomically (temp + fsync + rename). */
export function rewrite(file: string, records: unknown[]): void {
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  const fd = fs.openSync(tmp, 'w');
  try {
    let chunk = '';
    for (const r of records) {
      chunk += encodeRecord(r);
      if (chunk.length > 1 << 20) {
        fs.writeSync(fd, chunk);
        chunk = '';
      }
    }
    if (chunk) fs.writeSync(fd, chunk);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}

export class Journal {
  private fd: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {
    this.fd = fs.openSync(file, 'a');
  }

  /** Appends records durably (one write + fdatasync); resolves once they are on disk. */
  append(records: unknown[]): Promise<void> {
    const text = records.map(encodeRecord).join('');
    const run = this.queue.then(
      () =>
        new Promise<void>((resolve, reject) => {
          fs.write(this.fd, text, (err) => {
            if (err) return reject(err);
            fs.fdatasync(this.fd, (err2) => (err2 ? reject(err2) : resolve()));
          });
        }),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.queue;
    fs.closeSync(this.fd);
  }

  /** Replaces the journal's content with `records` (compaction), then reopens for appends. */
  async compact(records: unknown[]): Promise<void> {
    await this.queue;
    fs.closeSync(this.fd);
    rewrite(this.file, records);
    this.fd = fs.openSync(this.file, 'a');
  }
}
