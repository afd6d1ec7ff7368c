/** Query.searchFaces (admins) → admin Lambda (1:N search). */
import type { Context } from '@aws-appsync/utils';
import type { QuerySearchFacesArgs } from '../schema/generated/graphql';
import { MAX_LIST_LIMIT, checkImage, checkIntRange, checkOptionalNumberRange } from './lib/validate';

export function request(ctx: Context<QuerySearchFacesArgs>): Record<string, never> {
  checkImage(ctx.args.image, 'image');
  checkIntRange(ctx.args.limit, 'limit', 1, MAX_LIST_LIMIT, null);
  checkOptionalNumberRange(ctx.args.threshold, 'threshold', 0, 100);
  return {};
}

export function response(ctx: Context): unknown {
  return ctx.prev.result;
}
