import type { CreateUploadUrlInput, UploadTicket } from '../../schema/generated/graphql';
import type { Deps } from '../deps';
import { fail } from '../errors';
import { UPLOAD_PREFIX, extensionOf } from '../images';

const CONTENT_TYPES = new Set(['image/jpeg', 'image/png']);

/** A presigned S3 PUT for one image; the client passes the key back as ImageInput.s3Key. */
export async function createUploadUrl(deps: Deps, input: CreateUploadUrlInput): Promise<UploadTicket> {
  const contentType = (input.contentType ?? '').toLowerCase();
  if (!CONTENT_TYPES.has(contentType)) fail('INVALID_INPUT', 'contentType must be image/jpeg or image/png', { field: 'contentType' });
  if (input.purpose !== 'SELFIE' && input.purpose !== 'ID_CARD') fail('INVALID_INPUT', 'purpose must be SELFIE or ID_CARD', { field: 'purpose' });
  const key = `${UPLOAD_PREFIX}${input.purpose.toLowerCase()}/${deps.ids.newId()}.${extensionOf(contentType)}`;
  return issueUploadTicket(deps, key, contentType);
}

/** The presigned PUT of `key` (under uploads/), valid FACEGATE_UPLOAD_URL_TTL_SECONDS. */
export async function issueUploadTicket(deps: Deps, key: string, contentType: string): Promise<UploadTicket> {
  const ttl = deps.config.uploadUrlTtlSeconds;
  const { url, headers } = await deps.images.presignUpload(key, contentType, ttl);
  return {
    key,
    url,
    headers: JSON.stringify(headers),
    expiresAt: new Date(deps.clock.now().getTime() + ttl * 1000).toISOString(),
    maxBytes: deps.config.maxUploadBytes,
  };
}
