import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  InternalErrorException,
  ListUsersCommand,
  UserNotFoundException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { CognitoUserDirectory } from '../../adapters/cognito/user-directory';

const cognito = mockClient(CognitoIdentityProviderClient);
const client = new CognitoIdentityProviderClient({ region: 'eu-west-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 'SECRET' } });
const directory = new CognitoUserDirectory({ client, userPoolId: 'eu-west-1_users' });
const meta = { $metadata: {} };

beforeEach(() => cognito.reset());

describe('ensureUser', () => {
  it('creates the account without an invitation and confirms it with a throw-away password', async () => {
    cognito.on(AdminCreateUserCommand).resolves({ User: { Username: 'alice', UserStatus: 'FORCE_CHANGE_PASSWORD' } });
    cognito.on(AdminSetUserPasswordCommand).resolves({});
    expect(await directory.ensureUser('alice')).toBe(true);
    const create = cognito.commandCalls(AdminCreateUserCommand)[0]!.args[0].input;
    expect(create).toEqual({ UserPoolId: 'eu-west-1_users', Username: 'alice', MessageAction: 'SUPPRESS', TemporaryPassword: expect.any(String) });
    const set = cognito.commandCalls(AdminSetUserPasswordCommand)[0]!.args[0].input;
    expect(set).toEqual({ UserPoolId: 'eu-west-1_users', Username: 'alice', Password: expect.any(String), Permanent: true });
    // Long, of every character class, and never the same twice.
    for (const password of [create.TemporaryPassword!, set.Password!]) expect(password).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)(?=.*[^A-Za-z0-9]).{40,}$/);
    expect(set.Password).not.toBe(create.TemporaryPassword);
  });

  it('links an account that exists: no new password for a confirmed one', async () => {
    cognito.on(AdminCreateUserCommand).rejects(new UsernameExistsException({ message: 'User account already exists', ...meta }));
    cognito.on(AdminGetUserCommand).resolves({ Username: 'alice', UserStatus: 'CONFIRMED' });
    expect(await directory.ensureUser('alice')).toBe(false);
    expect(cognito.commandCalls(AdminGetUserCommand)[0]!.args[0].input).toEqual({ UserPoolId: 'eu-west-1_users', Username: 'alice' });
    expect(cognito.commandCalls(AdminSetUserPasswordCommand)).toHaveLength(0);
  });

  it('links and confirms an account left half made (FORCE_CHANGE_PASSWORD)', async () => {
    cognito.on(AdminCreateUserCommand).rejects(new UsernameExistsException({ message: 'User account already exists', ...meta }));
    cognito.on(AdminGetUserCommand).resolves({ Username: 'alice', UserStatus: 'FORCE_CHANGE_PASSWORD' });
    cognito.on(AdminSetUserPasswordCommand).resolves({});
    expect(await directory.ensureUser('alice')).toBe(false);
    expect(cognito.commandCalls(AdminSetUserPasswordCommand)).toHaveLength(1);
  });

  it('deletes the account it created when confirming it fails, then rethrows', async () => {
    const failure = new InternalErrorException({ message: 'boom', ...meta });
    cognito.on(AdminCreateUserCommand).resolves({});
    cognito.on(AdminSetUserPasswordCommand).rejects(failure);
    cognito.on(AdminDeleteUserCommand).resolves({});
    await expect(directory.ensureUser('alice')).rejects.toBe(failure);
    expect(cognito.commandCalls(AdminDeleteUserCommand)[0]!.args[0].input).toEqual({ UserPoolId: 'eu-west-1_users', Username: 'alice' });
  });

  it('rethrows any other failure to create', async () => {
    const failure = new InternalErrorException({ message: 'boom', ...meta });
    cognito.on(AdminCreateUserCommand).rejects(failure);
    await expect(directory.ensureUser('alice')).rejects.toBe(failure);
  });
});

describe('deleteUser', () => {
  it('deletes the account; a missing one is not an error; others are', async () => {
    const failure = new InternalErrorException({ message: 'boom', ...meta });
    cognito
      .on(AdminDeleteUserCommand)
      .resolvesOnce({})
      .rejectsOnce(new UserNotFoundException({ message: 'User does not exist.', ...meta }))
      .rejectsOnce(failure);
    await directory.deleteUser('alice');
    await directory.deleteUser('alice');
    await expect(directory.deleteUser('alice')).rejects.toBe(failure);
    expect(cognito.commandCalls(AdminDeleteUserCommand)[0]!.args[0].input).toEqual({ UserPoolId: 'eu-west-1_users', Username: 'alice' });
  });
});

describe('listAccounts (the doctor)', () => {
  it('pages ListUsers 60 at a time and gives the usernames', async () => {
    cognito
      .on(ListUsersCommand)
      .resolvesOnce({ Users: [{ Username: 'alice' }, { Username: 'bob' }], PaginationToken: 'page-2' })
      .resolvesOnce({ Users: [{ Username: 'carol' }, {}] });
    expect(await directory.listAccounts()).toEqual({ items: ['alice', 'bob'], nextToken: 'page-2' });
    expect(await directory.listAccounts('page-2')).toEqual({ items: ['carol'] });
    expect(cognito.commandCalls(ListUsersCommand).map((c) => c.args[0].input)).toEqual([
      { UserPoolId: 'eu-west-1_users', Limit: 60 },
      { UserPoolId: 'eu-west-1_users', Limit: 60, PaginationToken: 'page-2' },
    ]);
  });
});
