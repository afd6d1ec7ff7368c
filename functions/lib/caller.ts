import { fail } from '../../core/errors';
import type { StepEvent } from './contract';

/** The `iss` of a Cognito user pool's tokens (and AppSync's ctx.identity.issuer for its users). */
export const userPoolIssuer = (userPoolId: string): string =>
  `https://cognito-idp.${userPoolId.split('_')[0]}.amazonaws.com/${userPoolId}`;

/**
 * The userId of a signed-in end user: the username of a user-pool caller whose token the end
 * users' pool (USER_POOL_ID) issued. Never an argument. A token of another pool — the admins'
 * pool, whose usernames are not userIds — or any other caller is UNAUTHORIZED.
 */
export function signedInUserId(event: StepEvent, env: Record<string, string | undefined> = process.env): string {
  const identity = event.identity as { issuer?: unknown; username?: unknown } | null;
  const userPoolId = env.USER_POOL_ID;
  if (!userPoolId || identity?.issuer !== userPoolIssuer(userPoolId) || typeof identity.username !== 'string' || identity.username === '') {
    fail('UNAUTHORIZED', `${event.step} is for users signed in with their face (a token of the end users' user pool)`);
  }
  return identity!.username as string;
}
