/**
 * What the local endpoints' calls look like on the wire, as far as fault injection needs:
 * which operation a request is, and the error response each service really sends.
 *
 * - Rekognition, JSON 1.1: `X-Amz-Target: RekognitionService.<Op>`; errors are
 *   `{"__type", "Code", "Logref", "Message"}` with `x-amzn-ErrorType`
 *   (docs.aws.amazon.com/rekognition/latest/dg/error-handling.html). ThrottlingException and
 *   ProvisionedThroughputExceededException are 400, InternalServerError 500.
 * - DynamoDB, JSON 1.0: `X-Amz-Target: DynamoDB_20120810.<Op>`; errors are
 *   `{"__type": "com.amazonaws.dynamodb.v20120810#<Name>", "message"}`
 *   (docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html):
 *   throttling 400, InternalServerError 500.
 * - S3, REST-XML, path style (`/<bucket>/<key>`): the operation follows from the method, the
 *   path, the query and x-amz-copy-source; errors are `<Error><Code>…</Code><Message>…` with
 *   x-amz-request-id: SlowDown 503, InternalError 500. A HEAD answer has no body.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Service } from './spec';

export function operationOf(service: Service, method: string, url: string, headers: IncomingHttpHeaders): string {
  if (service !== 's3') {
    const target = String(headers['x-amz-target'] ?? '');
    const dot = target.lastIndexOf('.');
    return dot >= 0 ? target.slice(dot + 1) : 'Unknown';
  }
  const { pathname, searchParams: q } = new URL(url, 'http://local');
  const [bucket = '', ...key] = pathname.split('/').filter((part) => part !== '');
  const hasKey = key.length > 0;
  switch (method) {
    case 'OPTIONS':
      return 'Preflight';
    case 'HEAD':
      return hasKey ? 'HeadObject' : 'HeadBucket';
    case 'GET':
      if (!bucket) return 'ListBuckets';
      if (hasKey) return 'GetObject';
      if (q.has('cors')) return 'GetBucketCors';
      return q.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
    case 'PUT':
      if (!hasKey) return q.has('cors') ? 'PutBucketCors' : 'CreateBucket';
      if (q.has('partNumber')) return 'UploadPart';
      return headers['x-amz-copy-source'] ? 'CopyObject' : 'PutObject';
    case 'POST':
      if (q.has('delete')) return 'DeleteObjects';
      if (q.has('uploads')) return 'CreateMultipartUpload';
      return q.has('uploadId') ? 'CompleteMultipartUpload' : 'PostObject';
    case 'DELETE':
      if (!hasKey) return 'DeleteBucket';
      return q.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
    default:
      return 'Unknown';
  }
}

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const MESSAGES: Record<Service, Record<string, [status: number, message: string]>> = {
  rekognition: {
    ThrottlingException: [400, 'Slow down; sudden increase in rate of requests.'],
    ProvisionedThroughputExceededException: [400, 'Provisioned Rate exceeded.'],
    InternalServerError: [500, 'Internal server error'],
  },
  dynamodb: {
    ThrottlingException: [400, 'Rate of requests exceeds the allowed throughput.'],
    ProvisionedThroughputExceededException: [400, 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.'],
    InternalServerError: [500, 'Internal server error'],
  },
  s3: {
    SlowDown: [503, 'Please reduce your request rate.'],
    InternalError: [500, 'We encountered an internal error. Please try again.'],
  },
};

/** The error `name` as `service` answers it (names are checked by the spec parser). */
export function errorResponse(service: Service, name: string, method: string): WireResponse {
  const [status, message] = MESSAGES[service][name] ?? [500, 'Internal error'];
  if (service === 'rekognition') {
    const body = JSON.stringify({ __type: name, Code: name, Logref: randomUUID(), Message: message });
    return { status, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID(), 'x-amzn-errortype': name }, body };
  }
  if (service === 'dynamodb') {
    const body = JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${name}`, message });
    return { status, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() }, body };
  }
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  const hostId = randomBytes(24).toString('base64');
  const headers = { 'x-amz-request-id': requestId, 'x-amz-id-2': hostId };
  if (method === 'HEAD') return { status, headers, body: '' };
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${name}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId><HostId>${hostId}</HostId></Error>`;
  return { status, headers: { ...headers, 'content-type': 'application/xml' }, body };
}
