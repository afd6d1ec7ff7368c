/**
 * Photos travel as the API wants them (never base64 through GraphQL): a presigned S3 PUT — from
 * createUploadUrl, or a face sign-in challenge's — the browser uploads there, and the mutation
 * (or the challenge's answer) gets the S3 key.
 */
import * as op from '../../../cli/operations';
import type { UploadPurpose } from '../../../schema/generated/graphql';
import { API_KEY, ApiError, request, type Auth } from './api';

const UPLOADABLE = ['image/jpeg', 'image/png'];
/** Long side of a photo that is re-encoded (too large, or not JPEG/PNG): plenty for a face. */
const MAX_SIDE = 1600;

/** A JPEG or PNG of at most `maxBytes`: the photo as it is, or re-encoded smaller as JPEG. */
export async function uploadable(photo: Blob, maxBytes: number): Promise<Blob> {
  if (UPLOADABLE.includes(photo.type) && photo.size <= maxBytes) return photo;
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(photo);
  } catch {
    throw new ApiError('This file is not a photo the browser can read', 'INVALID_IMAGE');
  }
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const jpeg = await canvasToJpeg(canvas);
  if (jpeg.size > maxBytes) throw new ApiError('The photo is too large', 'IMAGE_TOO_LARGE', { maxBytes });
  return jpeg;
}

export function canvasToJpeg(canvas: HTMLCanvasElement, quality = 0.92): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('could not encode the photo'))), 'image/jpeg', quality));
}

/** Where a photo goes: a presigned S3 PUT, the headers it was signed with, and the size cap. */
export interface UploadTicket {
  key: string;
  url: string;
  headers: Record<string, string>;
  maxBytes: number;
}

/** The type to ask a ticket for: the photo's own when the API takes it, else the JPEG it will be re-encoded to. */
export const contentTypeOf = (photo: Blob): string => (UPLOADABLE.includes(photo.type) ? photo.type : 'image/jpeg');

/**
 * Uploads `photo` with a ticket: `first` when one was already issued (a sign-in challenge's),
 * else one from `ticketFor(contentType)`. A photo re-encoded to another type (a PNG over the cap
 * becomes JPEG) needs a ticket signed for that type: `ticketFor` is asked again. Returns the
 * ticket the photo went up with (its key is what the API wants).
 */
export async function uploadWith<T extends UploadTicket>(photo: Blob, ticketFor: (contentType: string) => Promise<T>, first?: T): Promise<T> {
  let ticket = first ?? (await ticketFor(contentTypeOf(photo)));
  const body = await uploadable(photo, ticket.maxBytes);
  if (body.type !== ticket.headers['content-type']) ticket = await ticketFor(body.type);
  let response: Response;
  try {
    response = await fetch(ticket.url, { method: 'PUT', headers: ticket.headers, body });
  } catch (e) {
    throw new ApiError(`Cannot upload the photo: ${(e as Error).message}`, 'UploadFailed');
  }
  if (!response.ok) throw new ApiError(`The upload was refused (HTTP ${response.status})`, 'UploadFailed');
  return ticket;
}

/** Uploads a photo for `purpose` through createUploadUrl; returns the key to pass as ImageInput.s3Key. */
export async function uploadPhoto(photo: Blob, purpose: UploadPurpose, auth: Auth = API_KEY): Promise<string> {
  const ticketFor = async (contentType: string): Promise<UploadTicket> => {
    const { createUploadUrl: t } = await request<op.CreateUploadUrlData, op.CreateUploadUrlVars>(op.CREATE_UPLOAD_URL, { input: { purpose, contentType } }, auth);
    return { key: t.key, url: t.url, headers: JSON.parse(t.headers) as Record<string, string>, maxBytes: t.maxBytes };
  };
  return (await uploadWith(photo, ticketFor)).key;
}
