/**
 * Argument checks shared by the pipeline resolvers' `before` handlers. Every failure is a typed
 * AppSync error (`util.error(message, type, null, info)`) with `info.field` naming the argument,
 * so a client sees INVALID_INPUT / IMAGE_TOO_LARGE before any Lambda runs.
 *
 * APPSYNC_JS: no regex literals (util.matches), no throw, no `in`.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { ImageInput, InputMaybe } from '../../schema/generated/graphql';
import { MAX_PROPERTIES_BYTES } from '../../schema/limits';

export { MAX_PROPERTIES_BYTES };

/** userId and registrationId: what the table keys and Rekognition ExternalImageId accept. */
export const ID_PATTERN = '^[a-zA-Z0-9_.\\-:]{1,128}$';
/**
 * A client-chosen registrationId is also the key to read the registration through the
 * `registration` query, so it must be hard to guess: at least 16 characters (use a UUID).
 */
export const REGISTRATION_ID_PATTERN = '^[a-zA-Z0-9_.\\-:]{16,128}$';
/** Inline images: 1 MiB decoded. */
export const MAX_INLINE_IMAGE_BYTES = 1048576;
/** Base64 length of MAX_INLINE_IMAGE_BYTES bytes: 4 * ceil(1048576 / 3). */
export const MAX_INLINE_BASE64_CHARS = 1398104;
export const UPLOAD_PREFIX = 'uploads/';
export const MAX_S3_KEY_CHARS = 1024;
export const DEFAULT_LIST_LIMIT = 20;
export const MAX_LIST_LIMIT = 100;
export const UPLOAD_CONTENT_TYPES = ['image/jpeg', 'image/png'];

export function invalid(field: string, message: string): never {
  return util.error(message, 'INVALID_INPUT', null, { field: field });
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null;
}

/** A userId / registrationId: a string matching ID_PATTERN. */
export function checkId(value: unknown, field: string): string {
  if (typeof value !== 'string' || !util.matches(ID_PATTERN, value)) {
    invalid(field, field + ' must be 1-128 characters of letters, digits, _ . - :');
  }
  return value as string;
}

/** An optional id: null/undefined pass, anything else must match ID_PATTERN. */
export function checkOptionalId(value: unknown, field: string): string | null {
  if (isBlank(value)) {
    return null;
  }
  return checkId(value, field);
}

/** An optional client-chosen registrationId: 16–128 id characters. */
export function checkOptionalRegistrationId(value: unknown, field: string): string | null {
  if (isBlank(value)) {
    return null;
  }
  if (typeof value !== 'string' || !util.matches(REGISTRATION_ID_PATTERN, value)) {
    invalid(field, field + ' must be 16-128 characters of letters, digits, _ . - : (a UUID, say)');
  }
  return value as string;
}

/**
 * The registration mutations' before step: the client's registrationId (checked) or a new one,
 * stashed for the step Lambda, which keys the registration and its progress events by it.
 */
export function stashRegistrationId(ctx: Context, given: unknown): void {
  ctx.stash.registrationId = checkOptionalRegistrationId(given, 'input.registrationId') ?? util.autoId();
}

/** ImageInput: exactly one of s3Key (under uploads/) or base64 (at most 1 MiB decoded). */
export function checkImage(image: InputMaybe<ImageInput> | undefined, field: string): void {
  if (isBlank(image)) {
    invalid(field, field + ' is required');
  }
  const img = image as ImageInput;
  const hasKey = !isBlank(img.s3Key);
  const hasBase64 = !isBlank(img.base64);
  if (hasKey === hasBase64) {
    invalid(field, field + ' must give exactly one of s3Key or base64');
  }
  if (hasKey) {
    const key = img.s3Key as string;
    if (typeof key !== 'string' || !key.startsWith(UPLOAD_PREFIX) || key.length <= UPLOAD_PREFIX.length) {
      invalid(field + '.s3Key', field + '.s3Key must be a key under ' + UPLOAD_PREFIX + ' returned by createUploadUrl');
    }
    if (key.length > MAX_S3_KEY_CHARS) {
      invalid(field + '.s3Key', field + '.s3Key is longer than ' + MAX_S3_KEY_CHARS + ' characters');
    }
    return;
  }
  const data = img.base64 as string;
  if (typeof data !== 'string' || data.length === 0) {
    invalid(field + '.base64', field + '.base64 must be a non-empty string');
  }
  if (data.length > MAX_INLINE_BASE64_CHARS) {
    util.error(
      field + ' is larger than ' + MAX_INLINE_IMAGE_BYTES + ' bytes: upload it with createUploadUrl and pass s3Key',
      'IMAGE_TOO_LARGE',
      null,
      { field: field + '.base64', maxBytes: MAX_INLINE_IMAGE_BYTES },
    );
  }
}

/**
 * UTF-8 bytes of a string. APPSYNC_JS has neither TextEncoder nor Buffer: util.urlEncode writes
 * each byte as one character or as one %XX escape, so the bytes are its length less two per '%'.
 */
export function utf8Bytes(text: string): number {
  const encoded = util.urlEncode(text);
  return encoded.length - 2 * (encoded.split('%').length - 1);
}

/**
 * AWSJSON properties: optional, a JSON object of at most MAX_PROPERTIES_BYTES (UTF-8) of JSON
 * text as stored. AppSync parses AWSJSON arguments before the resolver runs, so an object
 * arrives here (and goes on to the Lambda as one) and is measured as JSON.stringify writes it,
 * as the flow stores it; a string is accepted too (a runtime that does not parse), measured as is.
 */
export function checkProperties(value: unknown, field: string): void {
  if (isBlank(value)) {
    return;
  }
  if (typeof value !== 'string' && (typeof value !== 'object' || Array.isArray(value))) {
    invalid(field, field + ' must be a JSON object');
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (utf8Bytes(text) > MAX_PROPERTIES_BYTES) {
    util.error(field + ' is larger than ' + MAX_PROPERTIES_BYTES + ' bytes of JSON (UTF-8)', 'INVALID_INPUT', null, {
      field: field,
      maxBytes: MAX_PROPERTIES_BYTES,
    });
  }
}

/** An optional integer within [min, max]; `fallback` when absent. */
export function checkIntRange<F extends number | null>(value: InputMaybe<number> | undefined, field: string, min: number, max: number, fallback: F): number | F {
  if (isBlank(value)) {
    return fallback;
  }
  const n = value as number;
  if (typeof n !== 'number' || Math.floor(n) !== n || n < min || n > max) {
    invalid(field, field + ' must be an integer from ' + min + ' to ' + max);
  }
  return n;
}

/** An optional paging token (the data source's own, opaque): a non-empty string; null when absent. */
export function checkOptionalNextToken(value: InputMaybe<string> | undefined, listing: string): string | null {
  if (isBlank(value)) {
    return null;
  }
  if (typeof value !== 'string' || value.length === 0) {
    invalid('nextToken', 'nextToken must be a token returned by ' + listing);
  }
  return value as string;
}

/** An optional number within [min, max]; null when absent. */
export function checkOptionalNumberRange(value: InputMaybe<number> | undefined, field: string, min: number, max: number): number | null {
  if (isBlank(value)) {
    return null;
  }
  const n = value as number;
  if (typeof n !== 'number' || n < min || n > max) {
    invalid(field, field + ' must be a number from ' + min + ' to ' + max);
  }
  return n;
}
