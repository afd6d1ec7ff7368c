import {
  AnalyzeIDCommand,
  BadDocumentException,
  DocumentTooLargeException,
  InvalidS3ObjectException,
  TextractClient,
  ThrottlingException,
  UnsupportedDocumentException,
} from '@aws-sdk/client-textract';
import type { IdentityDocumentField } from '@aws-sdk/client-textract';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { NoIdDocumentReader } from '../../adapters/id-document/no-id-document-reader';
import { TextractIdDocumentReader, isoDate } from '../../adapters/id-document/textract-id-document-reader';
import { FacegateError } from '../../core/errors';

const textract = mockClient(TextractClient);
const reader = new TextractIdDocumentReader({ client: new TextractClient({ region: 'eu-west-1' }), bucket: 'img-bucket' });
const meta = { $metadata: {} };

const field = (type: string, text: string, normalized?: string): IdentityDocumentField => ({
  Type: { Text: type },
  ValueDetection: {
    Text: text,
    Confidence: 98,
    ...(normalized ? { NormalizedValue: { Value: normalized, ValueType: 'DATE' as const } } : {}),
  },
});

beforeEach(() => textract.reset());

describe('NoIdDocumentReader', () => {
  it('reads nothing', async () => {
    expect(await new NoIdDocumentReader().read({ kind: 's3', key: 'uploads/card' })).toEqual({});
  });
});

describe('TextractIdDocumentReader', () => {
  it('sends the S3 object and maps the fields', async () => {
    textract.on(AnalyzeIDCommand).resolves({
      IdentityDocuments: [
        {
          DocumentIndex: 1,
          IdentityDocumentFields: [
            field('FIRST_NAME', 'JANE'),
            field('MIDDLE_NAME', ''),
            field('LAST_NAME', 'DOE'),
            field('DOCUMENT_NUMBER', ' X1234567 '),
            field('DATE_OF_BIRTH', '31 JAN 1990', '1990-01-31T00:00:00'),
            field('EXPIRATION_DATE', '2031-05-30'),
            field('ADDRESS', '1 Main St'),
          ],
        },
      ],
    });
    const fields = await reader.read({ kind: 's3', key: 'uploads/card.jpg' });
    expect(textract.commandCalls(AnalyzeIDCommand)[0]!.args[0].input).toEqual({
      DocumentPages: [{ S3Object: { Bucket: 'img-bucket', Name: 'uploads/card.jpg' } }],
    });
    expect(fields).toEqual({
      fullName: 'JANE DOE',
      documentNumber: 'X1234567',
      dateOfBirth: '1990-01-31',
      expiresOn: '2031-05-30',
    });
  });

  it('sends bytes and leaves out unreadable dates and empty values', async () => {
    textract.on(AnalyzeIDCommand).resolves({
      IdentityDocuments: [
        {
          IdentityDocumentFields: [
            field('FIRST_NAME', ''),
            field('LAST_NAME', ''),
            field('DOCUMENT_NUMBER', ''),
            field('DATE_OF_BIRTH', '01/02/1990'),
            field('EXPIRATION_DATE', '2031-02-30'),
          ],
        },
      ],
    });
    const bytes = new Uint8Array([1, 2]);
    expect(await reader.read({ kind: 'bytes', bytes })).toEqual({});
    expect(textract.commandCalls(AnalyzeIDCommand)[0]!.args[0].input).toEqual({ DocumentPages: [{ Bytes: bytes }] });
  });

  it('returns {} when no document was found', async () => {
    textract.on(AnalyzeIDCommand).resolves({ IdentityDocuments: [] });
    expect(await reader.read({ kind: 's3', key: 'k' })).toEqual({});
  });

  it.each([
    [new BadDocumentException({ message: 'bad', ...meta }), 'INVALID_IMAGE'],
    [new UnsupportedDocumentException({ message: 'unsupported', ...meta }), 'INVALID_IMAGE'],
    [new InvalidS3ObjectException({ message: 'no object', ...meta }), 'INVALID_IMAGE'],
    [new DocumentTooLargeException({ message: 'large', ...meta }), 'IMAGE_TOO_LARGE'],
  ])('maps %s', async (error, type) => {
    textract.on(AnalyzeIDCommand).rejects(error);
    const caught = await reader.read({ kind: 's3', key: 'k' }).catch((e: unknown) => e);
    expect(caught).toBeInstanceOf(FacegateError);
    expect((caught as FacegateError).type).toBe(type);
  });

  it('lets other errors through', async () => {
    const e = new ThrottlingException({ message: 'slow', ...meta });
    textract.on(AnalyzeIDCommand).rejects(e);
    await expect(reader.read({ kind: 's3', key: 'k' })).rejects.toBe(e);
  });

  it('isoDate accepts only real calendar dates', () => {
    expect(isoDate('2024-02-29T00:00:00')).toBe('2024-02-29');
    expect(isoDate('2023-02-29')).toBeUndefined();
    expect(isoDate('29.02.2024')).toBeUndefined();
    expect(isoDate(undefined)).toBeUndefined();
  });
});
