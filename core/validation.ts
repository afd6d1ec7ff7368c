import { MAX_PROPERTIES_BYTES } from '../schema/limits';
import { fail } from './errors';

/** Rekognition's UserId / ExternalImageId alphabet, so a userId can name faces and users as is. */
const ID_PATTERN = /^[a-zA-Z0-9_.\-:]{1,128}$/;
/** The registrationId is also the key to read a registration: it must be hard to guess. */
const REGISTRATION_ID_PATTERN = /^[a-zA-Z0-9_.\-:]{16,128}$/;

export function validateUserId(userId: unknown): string {
  if (typeof userId !== 'string' || !ID_PATTERN.test(userId)) {
    fail('INVALID_INPUT', 'userId must be 1–128 characters of a-z A-Z 0-9 _ . - :', { field: 'userId' });
  }
  return userId as string;
}

/** Face ids are Rekognition's (UUIDs); the same alphabet as userIds keeps them key-safe. */
export function validateFaceId(faceId: unknown): string {
  if (typeof faceId !== 'string' || !ID_PATTERN.test(faceId)) {
    fail('INVALID_INPUT', 'faceId must be 1–128 characters of a-z A-Z 0-9 _ . - :', { field: 'faceId' });
  }
  return faceId as string;
}

export function validateRegistrationId(registrationId: unknown): string {
  if (typeof registrationId !== 'string' || !REGISTRATION_ID_PATTERN.test(registrationId)) {
    fail('INVALID_INPUT', 'registrationId must be 16–128 characters of a-z A-Z 0-9 _ . - : (a UUID, say)', { field: 'registrationId' });
  }
  return registrationId as string;
}

/**
 * `properties` is AWSJSON: a JSON object of at most MAX_PROPERTIES_BYTES of UTF-8 JSON text as
 * stored. AppSync hands AWSJSON arguments to resolvers already parsed, so it may arrive as an
 * object or as its JSON text; it is stored (and measured) as compact JSON text.
 */
export function validateProperties(properties: unknown): string | undefined {
  if (properties === null || properties === undefined) return undefined;
  let parsed: unknown = properties;
  if (typeof properties === 'string') {
    try {
      parsed = JSON.parse(properties);
    } catch {
      fail('INVALID_INPUT', 'properties must be a JSON object', { field: 'properties' });
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    fail('INVALID_INPUT', 'properties must be a JSON object', { field: 'properties' });
  }
  const text = JSON.stringify(parsed);
  if (Buffer.byteLength(text, 'utf8') > MAX_PROPERTIES_BYTES) {
    fail('INVALID_INPUT', `properties must be at most ${MAX_PROPERTIES_BYTES} bytes of JSON (UTF-8)`, { field: 'properties', maxBytes: MAX_PROPERTIES_BYTES });
  }
  return text;
}
