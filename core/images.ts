import type { ImageInput } from '../schema/generated/graphql';
import type { Deps } from './deps';
import { fail } from './errors';
import type { ImageRef } from './ports';

/** Clients may only point at their own staged uploads, never at enrolled images. */
export const UPLOAD_PREFIX = 'uploads/';
const ALLOWED_TYPES = new Set(['image/jpeg', 'image/png']);

export interface ResolvedImage {
  ref: ImageRef;
  contentType: 'image/jpeg' | 'image/png';
  /** The staged upload this came from, removed once it has served its purpose (see discardStagedUploads). */
  stagedKey?: string;
  /** When the staged upload was written (S3 LastModified, whole seconds), when the store says. */
  uploadedAt?: Date;
}

export function sniffContentType(bytes: Uint8Array): 'image/jpeg' | 'image/png' | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png';
  return null;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Turns an ImageInput into something the face engine can read, checking what can be checked
 * without reading pixels: exactly one source, size caps, format. `field` names the argument
 * in errors (image, idCard).
 */
export async function resolveImage(deps: Deps, input: ImageInput | null | undefined, field: string): Promise<ResolvedImage> {
  const { s3Key, base64 } = input ?? {};
  const hasKey = typeof s3Key === 'string' && s3Key !== '';
  const hasBytes = typeof base64 === 'string' && base64 !== '';
  if (hasKey === hasBytes) fail('INVALID_INPUT', `${field} needs exactly one of s3Key or base64`, { field });

  if (hasBytes) {
    const { maxInlineImageBytes } = deps.config;
    const compact = (base64 as string).replace(/\s/g, '');
    if (Math.floor((compact.length * 3) / 4) > maxInlineImageBytes + 2) {
      fail('IMAGE_TOO_LARGE', `${field} is larger than ${maxInlineImageBytes} bytes inline: upload it with createUploadUrl`, { field, maxBytes: maxInlineImageBytes });
    }
    if (!BASE64.test(compact)) fail('INVALID_IMAGE', `${field}.base64 is not valid base64`, { field });
    const bytes = new Uint8Array(Buffer.from(compact, 'base64'));
    if (bytes.length > maxInlineImageBytes) {
      fail('IMAGE_TOO_LARGE', `${field} is larger than ${maxInlineImageBytes} bytes inline: upload it with createUploadUrl`, { field, maxBytes: maxInlineImageBytes });
    }
    const contentType = sniffContentType(bytes);
    if (!contentType) fail('INVALID_IMAGE', `${field} is not a JPEG or PNG image`, { field });
    return { ref: { kind: 'bytes', bytes }, contentType: contentType! };
  }

  const key = s3Key as string;
  if (!isStagedKey(key)) {
    fail('INVALID_INPUT', `${field}.s3Key must be a key returned by createUploadUrl`, { field });
  }
  const stored = await deps.images.describe(key);
  if (!stored) fail('INVALID_IMAGE', `${field}.s3Key does not exist (not uploaded yet, or expired)`, { field });
  const { maxUploadBytes } = deps.config;
  if (stored!.size > maxUploadBytes) fail('IMAGE_TOO_LARGE', `${field} is larger than ${maxUploadBytes} bytes`, { field, maxBytes: maxUploadBytes });
  if (stored!.size === 0) fail('INVALID_IMAGE', `${field} is empty`, { field });
  const contentType = (stored!.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (!ALLOWED_TYPES.has(contentType)) fail('INVALID_IMAGE', `${field} must be image/jpeg or image/png`, { field, contentType });
  return {
    ref: { kind: 's3', key },
    contentType: contentType as ResolvedImage['contentType'],
    stagedKey: key,
    ...(stored!.lastModified ? { uploadedAt: stored!.lastModified } : {}),
  };
}

/** A key a client may name: a staged upload, never an enrolled image (and no way out of uploads/). */
export const isStagedKey = (key: string): boolean => key.startsWith(UPLOAD_PREFIX) && !key.includes('..');

/** The staged uploads images came from (inline images have none). */
export const stagedKeysOf = (images: (ResolvedImage | undefined)[]): string[] =>
  images.flatMap((image) => (image?.stagedKey ? [image.stagedKey] : []));

/** The staged uploads image inputs name, read from the arguments alone (only keys a client may name). */
export const requestedStagedKeys = (inputs: (ImageInput | null | undefined)[]): string[] =>
  inputs.flatMap((input) => (typeof input?.s3Key === 'string' && isStagedKey(input.s3Key) ? [input.s3Key] : []));

/**
 * Removes the client's staged uploads once they have served their purpose (copied into an
 * enrollment, a verification or registration decided). Best effort: a failed delete is logged
 * and never changes the answer; the bucket's lifecycle rule is the backstop.
 */
export async function discardStagedUploads(deps: Deps, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  try {
    await deps.images.delete(keys);
  } catch (error) {
    deps.logger.warn('staged upload not removed (lifecycle will expire it)', { error: String(error) });
  }
}

export const extensionOf = (contentType: string): string => (contentType === 'image/png' ? 'png' : 'jpg');
