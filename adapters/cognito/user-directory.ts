/**
 * UserDirectory on an Amazon Cognito user pool (the end users' pool; the local stack's
 * Cognito-compatible endpoint offline, through AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER).
 *
 * An account is created with no invitation (MessageAction SUPPRESS) and confirmed with a random
 * permanent password that is never kept: the pool's app client allows custom authentication
 * only, so the face (the pool's triggers) is the one way in. Confirming keeps the account out of
 * FORCE_CHANGE_PASSWORD, a state meant for password users.
 */
import { randomBytes } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  ListUsersCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { DirectoryInventory, Page, UserDirectory } from '../../core/ports';

export interface CognitoUserDirectoryOptions {
  client: CognitoIdentityProviderClient;
  userPoolId: string;
}

const nameOf = (e: unknown): string | undefined => (typeof e === 'object' && e !== null && 'name' in e ? String(e.name) : undefined);

/** Satisfies any password policy (upper, lower, digit, symbol, ≥ 12) and is thrown away. */
const unusablePassword = (): string => `${randomBytes(32).toString('base64url')}Aa1!`;

export class CognitoUserDirectory implements UserDirectory, DirectoryInventory {
  private readonly client: CognitoIdentityProviderClient;
  private readonly userPoolId: string;

  constructor({ client, userPoolId }: CognitoUserDirectoryOptions) {
    this.client = client;
    this.userPoolId = userPoolId;
  }

  async ensureUser(userId: string): Promise<boolean> {
    const { userPoolId: UserPoolId } = this;
    try {
      await this.client.send(
        new AdminCreateUserCommand({ UserPoolId, Username: userId, MessageAction: 'SUPPRESS', TemporaryPassword: unusablePassword() }),
      );
    } catch (e) {
      if (nameOf(e) !== 'UsernameExistsException') throw e;
      // Linked: confirm it only if it was left half made (created, never confirmed).
      const existing = await this.client.send(new AdminGetUserCommand({ UserPoolId, Username: userId }));
      if (existing.UserStatus === 'FORCE_CHANGE_PASSWORD') await this.confirm(userId);
      return false;
    }
    try {
      await this.confirm(userId);
    } catch (e) {
      // The caller cannot undo an account it was never told about: remove it here.
      await this.deleteUser(userId).catch(() => undefined);
      throw e;
    }
    return true;
  }

  async deleteUser(userId: string): Promise<void> {
    try {
      await this.client.send(new AdminDeleteUserCommand({ UserPoolId: this.userPoolId, Username: userId }));
    } catch (e) {
      if (nameOf(e) !== 'UserNotFoundException') throw e;
    }
  }

  /** ListUsers, 60 (Cognito's most) at a time, usernames only. */
  async listAccounts(nextToken?: string): Promise<Page<string>> {
    const page = await this.client.send(
      new ListUsersCommand({ UserPoolId: this.userPoolId, Limit: 60, ...(nextToken ? { PaginationToken: nextToken } : {}) }),
    );
    return { items: (page.Users ?? []).flatMap((u) => (u.Username ? [u.Username] : [])), ...(page.PaginationToken ? { nextToken: page.PaginationToken } : {}) };
  }

  private async confirm(userId: string): Promise<void> {
    await this.client.send(
      new AdminSetUserPasswordCommand({ UserPoolId: this.userPoolId, Username: userId, Password: unusablePassword(), Permanent: true }),
    );
  }
}
