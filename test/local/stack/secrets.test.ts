/** The stack's secrets.json: made once, kept; a file from before face sign-in gains the end users' pool, once. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SECRETS_FILE, loadOrCreateSecrets } from '../../../local/stack/secrets';

describe('loadOrCreateSecrets', () => {
  it('makes the end users\' pool and client ids with the rest, and keeps them', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stack-secrets-'));
    const first = loadOrCreateSecrets(dir, 'eu-west-1');
    expect(first.created).toBe(true);
    expect(first.secrets.cognito.endUsers).toEqual({ userPoolId: expect.stringMatching(/^eu-west-1_users[0-9a-f]{6}$/), clientId: expect.stringMatching(/^[a-z0-9]{26}$/) });
    expect(first.secrets.cognito.endUsers.userPoolId).not.toBe(first.secrets.cognito.userPoolId);
    expect(loadOrCreateSecrets(dir, 'eu-west-1')).toEqual({ secrets: first.secrets, created: false });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('adds them to a data directory made before face sign-in, keeping its API key and signing key', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stack-secrets-'));
    const { secrets } = loadOrCreateSecrets(dir, 'us-east-1');
    const { endUsers: _, ...oldCognito } = secrets.cognito;
    fs.writeFileSync(path.join(dir, SECRETS_FILE), JSON.stringify({ ...secrets, cognito: oldCognito }));
    const upgraded = loadOrCreateSecrets(dir, 'us-east-1');
    expect(upgraded.created).toBe(false);
    expect(upgraded.secrets).toMatchObject({ apiKey: secrets.apiKey, cognito: { privateKeyPem: secrets.cognito.privateKeyPem, endUsers: expect.any(Object) } });
    expect(loadOrCreateSecrets(dir, 'us-east-1').secrets).toEqual(upgraded.secrets);
    expect(fs.statSync(path.join(dir, SECRETS_FILE)).mode & 0o777).toBe(0o600);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
