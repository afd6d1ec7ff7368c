/** Mutation.deleteMe (signed-in users) → account Lambda: the right to erasure, for the caller's own account. */
import type { Context } from '@aws-appsync/utils';

export function request(_ctx: Context): Record<string, never> {
  return {};
}

export function response(ctx: Context): unknown {
  return ctx.prev.result;
}
