/**
 * Photos travel as the API wants them (never base64 through GraphQL): createUploadUrl gives a
 * presigned S3 PUT, the browser uploads there, and the mutation gets the S3 key.
 */
import * as op from '../../../cli/operations';
import type { UploadPurpose } from '../../../schema/generated/graphql';
import { ApiError, request } from './api';

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

const ticketFor = async (purpose: UploadPurpose, contentType: string) =>
  (await request<op.CreateUploadUrlData, op.CreateUploadUrlVars>(op.CREATE_UPLOAD_URL, { input: { purpose, contentType } })).createUploadUrl;

/** Uploads a photo for `purpose`; returns the key to pass as ImageInput.s3Key. */
export async function uploadPhoto(photo: Blob, purpose: UploadPurpose): Promise<string> {
  let ticket = await ticketFor(purpose, UPLOADABLE.includes(photo.type) ? photo.type : 'image/jpeg');
  const body = await uploadable(photo, ticket.maxBytes);
  // A PNG over the cap was re-encoded as JPEG: the PUT must carry the type the URL was signed for.
  if (body.type !== JSON.parse(ticket.headers)['content-type']) ticket = await ticketFor(purpose, body.type);
  let response: Response;
  try {
    response = await fetch(ticket.url, { method: 'PUT', headers: JSON.parse(ticket.headers) as Record<string, string>, body });
  } catch (e) {
    throw new ApiError(`Cannot upload the photo: ${(e as Error).message}`, 'UploadFailed');
  }
  if (!response.ok) throw new ApiError(`The upload was refused (HTTP ${response.status})`, 'UploadFailed');
  return ticket.key;
}
