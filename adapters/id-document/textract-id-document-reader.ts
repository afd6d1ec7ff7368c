/**
 * IdDocumentReader on Amazon Textract AnalyzeID (passports, driving licences, ID cards).
 *
 * - fullName: FIRST_NAME, MIDDLE_NAME and LAST_NAME joined with spaces (the parts present).
 * - documentNumber: DOCUMENT_NUMBER.
 * - dateOfBirth / expiresOn: DATE_OF_BIRTH / EXPIRATION_DATE as ISO dates (YYYY-MM-DD), from
 *   Textract's normalized date value, or the raw text when it already is an ISO date. A date that
 *   cannot be read unambiguously is left out rather than guessed (the GraphQL type is AWSDate).
 * - Empty values are left out; an image Textract finds no document in gives {}.
 */
import { AnalyzeIDCommand } from '@aws-sdk/client-textract';
import type { AnalyzeIDDetections, Document, TextractClient } from '@aws-sdk/client-textract';
import { FacegateError } from '../../core/errors';
import type { IdCardFields, IdDocumentReader, ImageRef } from '../../core/ports';

export interface TextractIdDocumentReaderOptions {
  client: TextractClient;
  /** The bucket `{kind: 's3'}` image keys live in. */
  bucket: string;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/;

/** YYYY-MM-DD when `value` starts with a valid ISO calendar date, else undefined. */
export function isoDate(value: string | undefined): string | undefined {
  const m = value === undefined ? null : ISO_DATE.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d] = m as unknown as [string, string, string, string];
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d)) {
    return undefined;
  }
  return `${y}-${mo}-${d}`;
}

const text = (v: AnalyzeIDDetections | undefined): string | undefined => {
  const t = v?.Text?.trim();
  return t ? t : undefined;
};

const dateOf = (v: AnalyzeIDDetections | undefined): string | undefined =>
  (v?.NormalizedValue?.ValueType === 'DATE' ? isoDate(v.NormalizedValue.Value) : undefined) ?? isoDate(v?.Text);

const errorName = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null && 'name' in e && typeof e.name === 'string' ? e.name : undefined;

export class TextractIdDocumentReader implements IdDocumentReader {
  private readonly client: TextractClient;
  private readonly bucket: string;

  constructor({ client, bucket }: TextractIdDocumentReaderOptions) {
    this.client = client;
    this.bucket = bucket;
  }

  async read(image: ImageRef): Promise<IdCardFields> {
    const page: Document =
      image.kind === 's3' ? { S3Object: { Bucket: this.bucket, Name: image.key } } : { Bytes: image.bytes };
    let out;
    try {
      out = await this.client.send(new AnalyzeIDCommand({ DocumentPages: [page] }));
    } catch (e) {
      switch (errorName(e)) {
        case 'BadDocumentException':
        case 'UnsupportedDocumentException':
        case 'InvalidS3ObjectException':
          throw new FacegateError('INVALID_IMAGE', 'The ID document image cannot be read.', { cause: errorName(e) });
        case 'DocumentTooLargeException':
          throw new FacegateError('IMAGE_TOO_LARGE', 'The ID document image is too large.', { cause: errorName(e) });
        default:
          throw e;
      }
    }
    const fields = new Map<string, AnalyzeIDDetections | undefined>();
    for (const f of out.IdentityDocuments?.[0]?.IdentityDocumentFields ?? []) {
      const type = f.Type?.Text;
      if (type && !fields.has(type)) fields.set(type, f.ValueDetection);
    }
    const result: IdCardFields = {};
    const name = ['FIRST_NAME', 'MIDDLE_NAME', 'LAST_NAME']
      .map((t) => text(fields.get(t)))
      .filter((p): p is string => p !== undefined)
      .join(' ');
    if (name) result.fullName = name;
    const documentNumber = text(fields.get('DOCUMENT_NUMBER'));
    if (documentNumber) result.documentNumber = documentNumber;
    const dateOfBirth = dateOf(fields.get('DATE_OF_BIRTH'));
    if (dateOfBirth) result.dateOfBirth = dateOfBirth;
    const expiresOn = dateOf(fields.get('EXPIRATION_DATE'));
    if (expiresOn) result.expiresOn = expiresOn;
    return result;
  }
}
