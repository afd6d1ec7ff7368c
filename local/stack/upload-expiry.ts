/**
 * The local stand-in for the bucket's lifecycle rule on staged uploads. In AWS the image bucket
 * (infra/constructs/storage.ts, rule 'expire-staged-uploads') expires `uploads/` objects after
 * 1 day: registrations delete their staged photos once enrolled, abandoned or failed ones are
 * left to the rule. s3rver has no lifecycle, so the local stack sweeps `uploads/` itself: once
 * at start and then hourly, deleting what was last modified more than a day ago.
 */
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { S3ImageStore } from '../../adapters/s3/image-store';
import { UPLOAD_PREFIX } from '../../core/images';

/** How long a staged upload lives: the 1 day of infra's 'expire-staged-uploads' lifecycle rule. */
export const STAGED_UPLOAD_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** How often the local stack sweeps (S3 itself runs lifecycle about once a day). */
export const UPLOAD_EXPIRY_INTERVAL_MS = 60 * 60 * 1000;

export interface ExpireUploadsOptions {
  client: S3Client;
  bucket: string;
  /** Objects last modified longer ago than this are deleted. Default: 1 day, like the bucket rule. */
  maxAgeMs?: number;
  /** The clock, ms since the epoch. Default Date.now. */
  now?: () => number;
}

/** Deletes the objects under `uploads/` older than `maxAgeMs`; returns how many. */
export async function expireStagedUploads(opts: ExpireUploadsOptions): Promise<number> {
  const maxAgeMs = opts.maxAgeMs ?? STAGED_UPLOAD_MAX_AGE_MS;
  const cutoff = (opts.now ?? Date.now)() - maxAgeMs;
  const expired: string[] = [];
  let token: string | undefined;
  // The whole listing first, then the deletes: nothing is removed from under a continuation token.
  do {
    const page = await opts.client.send(new ListObjectsV2Command({ Bucket: opts.bucket, Prefix: UPLOAD_PREFIX, ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      if (o.Key !== undefined && o.LastModified !== undefined && o.LastModified.getTime() < cutoff) expired.push(o.Key);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);

  // The project's S3 adapter: chunked DeleteObjects, and a per-key failure is an error.
  await new S3ImageStore({ client: opts.client, bucket: opts.bucket }).delete(expired);
  return expired.length;
}

export interface UploadExpiry {
  /** The first sweep, started at once; resolves (never rejects) when it is done. */
  first: Promise<void>;
  /** Stops the hourly sweep and waits for one in progress. */
  close(): Promise<void>;
}

/**
 * Sweeps now and then every `intervalMs` (the timer does not keep the process alive). Failures
 * are logged, never thrown; one line is logged when something was expired.
 */
export function startUploadExpiry(
  opts: ExpireUploadsOptions & { log: (line: string) => void; intervalMs?: number },
): UploadExpiry {
  const age = describeAge(opts.maxAgeMs ?? STAGED_UPLOAD_MAX_AGE_MS);
  let inFlight: Promise<void> | undefined;
  const sweep = (): Promise<void> => {
    // An hourly tick while a slow sweep still runs joins it instead of starting a second one.
    inFlight ??= expireStagedUploads(opts)
      .then(
        (n) => {
          if (n > 0) opts.log(`[stack] expired ${n} staged upload(s) older than ${age}`);
        },
        (e: unknown) => opts.log(`[stack] expiring staged uploads failed: ${(e as Error).message ?? String(e)}`),
      )
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
  const first = sweep();
  const timer = setInterval(() => void sweep(), opts.intervalMs ?? UPLOAD_EXPIRY_INTERVAL_MS);
  timer.unref();
  return {
    first,
    async close() {
      clearInterval(timer);
      await inFlight;
    },
  };
}

function describeAge(ms: number): string {
  const hours = ms / 3_600_000;
  if (hours % 24 === 0) return hours === 24 ? '1 day' : `${hours / 24} days`;
  if (Number.isInteger(hours)) return `${hours} h`;
  return `${Math.round(ms / 1000)} s`;
}
