/** Query.me (signed-in users) → account Lambda: the caller's profile, the userId taken from the token there. */
import type { Context } from '@aws-appsync/utils';

export function request(_ctx: Context): Record<string, never> {
  return {};
}

export function response(ctx: Context): unknown {
  return ctx.prev.result;
}
