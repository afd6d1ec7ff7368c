/** What the pages say for each refusal: every ErrorType of the schema, its errorInfo details, and Amplify's error shapes. */
import fs from 'node:fs';
import path from 'node:path';
import { Kind, parse, type EnumTypeDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ApiError, toApiError } from '../../web/src/shared/api-error';
import { explain, REASONS, atTimeFromNow } from '../../web/src/shared/errors';
import { repoRoot } from '../support/shared-faces';

const schema = parse(fs.readFileSync(path.join(repoRoot, 'schema', 'schema.graphql'), 'utf8'));
const errorTypes = (schema.definitions.find((d) => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === 'ErrorType') as EnumTypeDefinitionNode).values!.map((v) => v.name.value);

describe('explain', () => {
  it.each(errorTypes)('%s has its own message, not the generic one', (type) => {
    const text = explain(new ApiError('server words', type));
    expect(text.title).not.toBe('The request failed.');
    expect(text.title.length).toBeGreaterThan(10);
  });

  it('POOR_QUALITY lists each reason the screen gave, in words', () => {
    const e = new ApiError('fails', 'POOR_QUALITY', { field: 'image', reasons: ['LOW_BRIGHTNESS', 'EXTREME_POSE', 'SUNGLASSES'] });
    expect(explain(e)).toEqual({ title: 'The photo is not good enough to use.', points: [REASONS.LOW_BRIGHTNESS, REASONS.EXTREME_POSE, REASONS.SUNGLASSES] });
    expect(explain(new ApiError('fails', 'POOR_QUALITY', { field: 'idCard', reasons: ['FACE_TOO_SMALL', 'SMALL_BOUNDING_BOX'] }))).toEqual({
      title: 'The ID card photo is not good enough to use.',
      points: [REASONS.FACE_TOO_SMALL],
    });
  });

  it('LOCKED_OUT says when to try again', () => {
    const now = new Date('2026-05-01T10:00:00Z');
    const e = new ApiError('Too many failed attempts', 'LOCKED_OUT', { retryAfter: '2026-05-01T10:12:30Z' });
    expect(explain(e, now).detail).toContain('(in 13 minutes)');
    expect(atTimeFromNow('2026-05-01T10:00:20Z', now)).toMatch(/\(in 1 minute\)$/);
    expect(atTimeFromNow(undefined, now)).toBe('later');
  });

  it('names the ID card when the refusal is about it, and the size cap', () => {
    expect(explain(new ApiError('x', 'MULTIPLE_FACES', { field: 'idCard' })).title).toBe('There is more than one face in the ID card photo.');
    expect(explain(new ApiError('x', 'NO_FACE', { field: 'image' })).title).toBe('We could not find a face in the photo.');
    expect(explain(new ApiError('x', 'IMAGE_TOO_LARGE', { maxBytes: 5 * 1024 * 1024 })).detail).toBe('The most we take is 5 MB.');
  });

  it('AppSync’s own and unknown types still read well', () => {
    expect(explain(new ApiError('Unauthorized', 'UnauthorizedException')).title).toBe('Not signed in, or not allowed to do this.');
    expect(explain(new ApiError('down', 'NetworkError')).title).toBe('Cannot reach facegate.');
    expect(explain(new ApiError('slow', 'SomethingNew'))).toEqual({ title: 'The request failed.', detail: 'SomethingNew: slow' });
  });

  it('THROTTLED and UNAVAILABLE say nothing was kept and when to try again', () => {
    expect(explain(new ApiError('busy', 'THROTTLED', { retryAfter: 2, service: 'Rekognition' })).detail).toBe('Nothing was changed. Try again in 2 seconds.');
    expect(explain(new ApiError('slow', 'UNAVAILABLE', { retryAfter: 1 })).detail).toBe('Nothing was changed. Try again in 1 second.');
    expect(explain(new ApiError('slow', 'UNAVAILABLE')).detail).toBe('Nothing was changed. Try again in a moment.');
  });
});

describe('toApiError (what Amplify throws)', () => {
  it('a GraphQLResult with AppSync errors keeps errorType and errorInfo', () => {
    const thrown = { data: null, errors: [{ message: 'Too many', errorType: 'LOCKED_OUT', errorInfo: { retryAfter: 'then' }, path: ['authenticate'] }] };
    expect(toApiError(thrown)).toMatchObject({ message: 'Too many', errorType: 'LOCKED_OUT', errorInfo: { retryAfter: 'then' } });
  });

  it('an HTTP-level refusal (401) carries its name on originalError; a failed fetch is a NetworkError', () => {
    expect(toApiError({ data: {}, errors: [{ message: 'Unauthorized', originalError: { name: 'UnauthorizedException', message: 'no' } }] }).errorType).toBe('UnauthorizedException');
    expect(toApiError({ data: {}, errors: [{ message: 'Network error', originalError: { name: 'NetworkError', message: 'Failed to fetch' } }] }).errorType).toBe('NetworkError');
    expect(toApiError(new TypeError('Failed to fetch')).errorType).toBe('NetworkError');
  });

  it('an ApiError passes through', () => {
    const e = new ApiError('x', 'CONFLICT');
    expect(toApiError(e)).toBe(e);
  });
});
