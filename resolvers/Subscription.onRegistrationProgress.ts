/**
 * Subscription.onRegistrationProgress → NONE. Subscribers get only the events of their
 * registration: the filter is on the published RegistrationProgress.registrationId. A signed-in
 * user (a user-pool caller outside the admins group) gets only their own: the filter also
 * requires userId to be the caller's username.
 */
import { extensions, util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { SubscriptionOnRegistrationProgressArgs } from '../schema/generated/graphql';
import { ADMIN_GROUP } from '../functions/lib/contract';
import { checkId } from './lib/validate';

export function request(ctx: Context<SubscriptionOnRegistrationProgressArgs>): Record<string, never> {
  checkId(ctx.args.registrationId, 'registrationId');
  return {};
}

interface UserPoolIdentity {
  issuer?: string;
  username?: string;
  groups?: string[] | null;
}

export function response(ctx: Context<SubscriptionOnRegistrationProgressArgs>): null {
  const identity = ctx.identity as UserPoolIdentity | null | undefined;
  const userPoolCaller = identity !== null && identity !== undefined && typeof identity.issuer === 'string';
  const groups = userPoolCaller && identity.groups ? identity.groups : [];
  if (userPoolCaller && groups.indexOf(ADMIN_GROUP) === -1) {
    extensions.setSubscriptionFilter(
      util.transform.toSubscriptionFilter({ registrationId: { eq: ctx.args.registrationId }, userId: { eq: identity.username } }),
    );
    return null;
  }
  extensions.setSubscriptionFilter(
    util.transform.toSubscriptionFilter({ registrationId: { eq: ctx.args.registrationId } }),
  );
  return null;
}
