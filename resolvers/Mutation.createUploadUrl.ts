/** Mutation.createUploadUrl → uploads Lambda (presigned S3 PUT under uploads/). */
import type { Context } from '@aws-appsync/utils';
import type { MutationCreateUploadUrlArgs } from '../schema/generated/graphql';
import { UPLOAD_CONTENT_TYPES, invalid } from './lib/validate';

export function request(ctx: Context<MutationCreateUploadUrlArgs>): Record<string, never> {
  const contentType = ctx.args.input.contentType;
  if (UPLOAD_CONTENT_TYPES.indexOf(contentType) === -1) {
    invalid('input.contentType', 'input.contentType must be one of ' + UPLOAD_CONTENT_TYPES.join(', '));
  }
  return {};
}

export function response(ctx: Context): unknown {
  return ctx.prev.result;
}
