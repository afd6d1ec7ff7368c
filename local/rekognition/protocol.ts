/**
 * Amazon's JSON 1.1 wire protocol as Rekognition uses it: `POST /`, `X-Amz-Target:
 * RekognitionService.<Operation>`, `Content-Type: application/x-amz-json-1.1`. Errors are HTTP 400
 * (500 for internal ones) with body `{"__type": "<Name>", "message": "..."}` and the same name in
 * the `x-amzn-errortype` header; the SDK's awsJson1_1 deserializer reads the header first, then
 * `code`, then `__type`, and raises the modelled exception class of that name.
 */
export const TARGET_PREFIX = 'RekognitionService.';
export const CONTENT_TYPE = 'application/x-amz-json-1.1';

export type ErrorName =
  | 'InvalidParameterException'
  | 'InvalidImageFormatException'
  | 'ImageTooLargeException'
  | 'ResourceNotFoundException'
  | 'ResourceAlreadyExistsException'
  | 'ConflictException'
  | 'IdempotentParameterMismatchException'
  | 'ServiceQuotaExceededException'
  | 'InvalidPaginationTokenException'
  | 'InvalidS3ObjectException'
  | 'AccessDeniedException'
  | 'ValidationException'
  | 'UnknownOperationException'
  | 'SerializationException'
  | 'InternalServerError';

export class RekognitionError extends Error {
  constructor(readonly type: ErrorName, message: string, readonly status = type === 'InternalServerError' ? 500 : 400) {
    super(message);
    this.name = type;
  }
}

export function errorBody(err: RekognitionError): string {
  return JSON.stringify({ __type: err.type, message: err.message, Message: err.message });
}

export const invalidParameter = (message: string) => new RekognitionError('InvalidParameterException', message);
export const notFound = (message: string) => new RekognitionError('ResourceNotFoundException', message);
