/**
 * Subscription.onRegistrationProgress → NONE. Subscribers get only the events of their
 * registration: the filter is on the published RegistrationProgress.registrationId.
 */
import { extensions, util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { SubscriptionOnRegistrationProgressArgs } from '../schema/generated/graphql';
import { checkId } from './lib/validate';

export function request(ctx: Context<SubscriptionOnRegistrationProgressArgs>): Record<string, never> {
  checkId(ctx.args.registrationId, 'registrationId');
  return {};
}

export function response(ctx: Context<SubscriptionOnRegistrationProgressArgs>): null {
  extensions.setSubscriptionFilter(
    util.transform.toSubscriptionFilter({ registrationId: { eq: ctx.args.registrationId } }),
  );
  return null;
}
