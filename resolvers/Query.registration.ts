/** Query.registration → DynamoDB Query REG#<registrationId>: status and event history, or null. */
import type { Context } from '@aws-appsync/utils';
import type { QueryRegistrationArgs } from '../schema/generated/graphql';
import { checkId } from './lib/validate';

export function request(ctx: Context<QueryRegistrationArgs>): Record<string, never> {
  ctx.stash.registrationId = checkId(ctx.args.registrationId, 'registrationId');
  return {};
}

export function response(ctx: Context): unknown {
  return ctx.prev.result;
}
