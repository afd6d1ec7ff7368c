/** A client's upload: createUploadUrl, then the presigned PUT (benchmarks and end-to-end tests). */
import type { GraphQLClient, Authorization } from '../../cli/graphql';
import * as op from '../../cli/operations';

export interface UploadOptions {
  purpose?: 'SELFIE' | 'ID_CARD';
  contentType?: string;
}

/** Uploads `bytes` as a browser would; returns the s3Key to pass as ImageInput.s3Key. */
export async function uploadBytes(client: GraphQLClient, auth: Authorization, bytes: Uint8Array, { purpose = 'SELFIE', contentType = 'image/jpeg' }: UploadOptions = {}): Promise<string> {
  const { createUploadUrl: ticket } = await client.request<op.CreateUploadUrlData>(op.CREATE_UPLOAD_URL, { input: { purpose, contentType } } satisfies op.CreateUploadUrlVars, auth);
  const response = await fetch(ticket.url, { method: 'PUT', headers: JSON.parse(ticket.headers) as Record<string, string>, body: new Uint8Array(bytes) }); // a copy: the DOM-typed browser tests compile this too
  if (!response.ok) throw new Error(`upload failed: ${response.status} ${await response.text()}`);
  return ticket.key;
}

let distinctCount = 0;

/**
 * The same photo with bytes of its own: a tag after the image's end, which decoders ignore. The
 * face engine keeps recent images' analyses keyed by their bytes (one model pass per image), so a
 * benchmark that sends one photo again and again would otherwise time the cache, not the flow.
 */
export function distinctBytes(bytes: Buffer): Buffer {
  distinctCount += 1;
  return Buffer.concat([bytes, Buffer.from(`facegate-bench-${process.pid}-${distinctCount}`)]);
}
