/** Query.faceImageUrl (admins) → admin Lambda: a presigned GET of an enrolled face's image, or null. */
import type { Context } from '@aws-appsync/utils';
import type { QueryFaceImageUrlArgs } from '../schema/generated/graphql';
import { checkId } from './lib/validate';

export function request(ctx: Context<QueryFaceImageUrlArgs>): Record<string, never> {
  checkId(ctx.args.userId, 'userId');
  checkId(ctx.args.faceId, 'faceId');
  return {};
}

export function response(ctx: Context): unknown {
  return ctx.prev.result;
}
