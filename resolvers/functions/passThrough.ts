/**
 * NONE data source: hands the previous step's result (the `before` handler's return value) to the
 * next one unchanged. Serves publishRegistrationProgress (the input becomes the published event)
 * and onRegistrationProgress (nothing to fetch; the filter is set in the resolver's `after`).
 */
import { util } from '@aws-appsync/utils';
import type { Context, NONERequest } from '@aws-appsync/utils';

export function request(ctx: Context): NONERequest {
  return { payload: ctx.prev.result };
}

export function response(ctx: Context): unknown {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  return ctx.result;
}
