import { FACE_ATTRIBUTES, type FaceAttribute } from './model/types';
/** Request field checks with AWS's patterns and limits; all failures are InvalidParameterException. */
import { invalidParameter, RekognitionError } from './protocol';

const COLLECTION_ID = /^[a-zA-Z0-9_.-]{1,255}$/;
const EXTERNAL_ID = /^[a-zA-Z0-9_.\-:]{1,255}$/;
const USER_ID = /^[a-zA-Z0-9_.\-:]{1,128}$/;
const FACE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TOKEN = /^[a-zA-Z0-9-_]{1,64}$/;

export type Json = Record<string, unknown>;

function validation(message: string): RekognitionError {
  // AWS reports constraint violations of the request shape as ValidationException for most
  // services, but Rekognition answers InvalidParameterException: keep that.
  return invalidParameter(message);
}

export function str(body: Json, name: string, required: true): string;
export function str(body: Json, name: string, required?: false): string | undefined;
export function str(body: Json, name: string, required = false): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) {
    if (required) throw validation(`1 validation error detected: Value null at '${lower(name)}' failed to satisfy constraint: Member must not be null`);
    return undefined;
  }
  if (typeof v !== 'string') throw validation(`${name} must be a string`);
  return v;
}

export function num(body: Json, name: string, min: number, max: number): number | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw validation(`1 validation error detected: Value '${String(v)}' at '${lower(name)}' failed to satisfy constraint: Member must have value between ${min} and ${max}`);
  }
  return v;
}

export function collectionId(body: Json): string {
  const v = str(body, 'CollectionId', true);
  if (!COLLECTION_ID.test(v)) throw validation(`1 validation error detected: Value '${v}' at 'collectionId' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.\\-]+`);
  return v;
}

export function externalImageId(body: Json): string | undefined {
  const v = str(body, 'ExternalImageId');
  if (v !== undefined && !EXTERNAL_ID.test(v)) throw validation(`1 validation error detected: Value '${v}' at 'externalImageId' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.\\-:]+`);
  return v;
}

export function userId(body: Json, required: true): string;
export function userId(body: Json, required: false): string | undefined;
export function userId(body: Json, required: boolean): string | undefined {
  const v = required ? str(body, 'UserId', true) : str(body, 'UserId');
  if (v !== undefined && !USER_ID.test(v)) throw validation(`1 validation error detected: Value '${v}' at 'userId' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.\\-:]+`);
  return v;
}

export function faceId(v: unknown, field = 'faceId'): string {
  if (typeof v !== 'string' || !FACE_ID.test(v)) throw validation(`1 validation error detected: Value '${String(v)}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`);
  return v;
}

export function faceIds(body: Json, max: number): string[] {
  const v = body.FaceIds;
  if (!Array.isArray(v) || v.length < 1 || v.length > max) throw validation(`FaceIds must be a list of 1 to ${max} face ids`);
  return v.map((x) => faceId(x, 'faceIds'));
}

export function clientToken(body: Json): string | undefined {
  const v = str(body, 'ClientRequestToken');
  if (v !== undefined && !TOKEN.test(v)) throw validation(`1 validation error detected: Value '${v}' at 'clientRequestToken' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9-_]+$`);
  return v;
}

/** Similarity thresholds are percentages: 0–100. */
export function threshold(body: Json, name: string, dflt: number): number {
  return num(body, name, 0, 100) ?? dflt;
}

export function oneOf<T extends string>(body: Json, name: string, allowed: readonly T[], dflt: T): T {
  const v = str(body, name);
  if (v === undefined) return dflt;
  if (!(allowed as readonly string[]).includes(v)) throw validation(`1 validation error detected: Value '${v}' at '${lower(name)}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`);
  return v as T;
}

/**
 * Attributes / DetectionAttributes: DEFAULT (or nothing) is the default set only; ALL is every
 * attribute; any other values are those attributes on top of the default set, as in AWS.
 */
export function attributes(body: Json): { all: boolean; extra: FaceAttribute[] } {
  const v = body.Attributes ?? body.DetectionAttributes;
  if (v === undefined || v === null) return { all: false, extra: [] };
  if (!Array.isArray(v)) throw validation('Attributes must be a list');
  const known: readonly string[] = FACE_ATTRIBUTES;
  for (const a of v) if (typeof a !== 'string' || !(a === 'DEFAULT' || a === 'ALL' || known.includes(a))) throw validation(`Invalid attribute: ${String(a)}`);
  if (v.includes('ALL')) return { all: true, extra: [...FACE_ATTRIBUTES] };
  return { all: false, extra: (v as string[]).filter((a): a is FaceAttribute => known.includes(a)) };
}

function lower(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
