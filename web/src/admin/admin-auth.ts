/**
 * Who the console acts as. Two ways, chosen by config.json:
 *
 * - **Local stack** (`stage: "local"` with an `adminToken`): the stack's own admin token, a
 *   Cognito-style JWT of group "admins" that `npm start` issues and serves to this machine only.
 *   Requests carry it as `Authorization`. Never for a deployed build: the deployed config has no
 *   token (web/config.ts refuses one outside stage local).
 * - **AWS**: a Cognito sign-in to the admins' user pool (invite-only, TOTP MFA required) with
 *   Amplify Auth — signIn, then confirmSignIn for the TOTP setup or code (AdminSignIn.tsx) —
 *   after which requests use `authMode: 'userPool'`.
 */
import { fetchAuthSession, signOut } from 'aws-amplify/auth';
import type { WebConfig } from '../../config';
import { USER_POOL, type Auth } from '../shared/api';

export const ADMIN_GROUP = 'admins';

export interface AdminSession {
  auth: Auth;
  /** Who is signed in (the token's username). */
  who: string;
  how: 'local-token' | 'cognito';
  signOut?(): Promise<void>;
}

/** A JWT's payload (not verified here: the API verifies it). */
export function jwtClaims(token: string): Record<string, unknown> {
  const part = token.split('.')[1] ?? '';
  const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
  return JSON.parse(json) as Record<string, unknown>;
}

const groupsOf = (claims: Record<string, unknown>): string[] => (Array.isArray(claims['cognito:groups']) ? (claims['cognito:groups'] as string[]) : []);
const nameOf = (claims: Record<string, unknown>): string => String(claims['cognito:username'] ?? claims.username ?? claims.sub ?? 'admin');

/** The local stack's token session, or null when this config has none. */
export function localSession(config: WebConfig): AdminSession | null {
  if (config.stage !== 'local' || !config.adminToken) return null;
  return { auth: { kind: 'token', token: config.adminToken }, who: nameOf(jwtClaims(config.adminToken)), how: 'local-token' };
}

export class NotAnAdminError extends Error {}

/** The Cognito session Amplify holds, if signed in; NotAnAdminError when the user is not in the admins group. */
export async function cognitoSession(): Promise<AdminSession | null> {
  const { tokens } = await fetchAuthSession();
  if (!tokens?.idToken) return null;
  const claims = tokens.idToken.payload as Record<string, unknown>;
  if (!groupsOf(claims).includes(ADMIN_GROUP)) {
    await signOut();
    throw new NotAnAdminError(`${nameOf(claims)} is not in the ${ADMIN_GROUP} group`);
  }
  return { auth: USER_POOL, who: nameOf(claims), how: 'cognito', signOut: () => signOut() };
}
