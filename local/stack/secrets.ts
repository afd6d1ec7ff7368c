/**
 * The stack's credentials, made once and kept in `<data>/secrets.json` (mode 0600) so the API
 * key, the IAM secret and admin tokens stay valid across restarts.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const SECRETS_FILE = 'secrets.json';

export interface LocalSecrets {
  apiKey: string;
  iam: { accessKeyId: string; secretAccessKey: string; accountId: string };
  /** `userPoolId` is the admins' pool; `endUsers` the face sign-in pool and its app client (same signing key). */
  cognito: { userPoolId: string; privateKeyPem: string; publicKeyPem: string; endUsers: { userPoolId: string; clientId: string } };
}

/** The end users' pool and its app client, named as Cognito names them. */
const endUsersPool = (region: string) => ({
  userPoolId: `${region}_users${crypto.randomBytes(3).toString('hex')}`,
  clientId: crypto.randomBytes(20).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, 'x').slice(0, 26),
});

/** AppSync API keys look like da2-<26 chars>. */
const apiKey = (): string => 'da2-' + crypto.randomBytes(20).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, '').padEnd(26, '0').slice(0, 26);

export function generateSecrets(region: string): LocalSecrets {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    apiKey: apiKey(),
    iam: {
      accessKeyId: 'AKIALOCAL' + crypto.randomBytes(6).toString('hex').toUpperCase().slice(0, 11),
      secretAccessKey: crypto.randomBytes(30).toString('base64url'),
      accountId: '000000000000',
    },
    cognito: {
      userPoolId: `${region}_local${crypto.randomBytes(3).toString('hex')}`,
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      endUsers: endUsersPool(region),
    },
  };
}

const isSecrets = (v: unknown): v is Omit<LocalSecrets, 'cognito'> & { cognito: Omit<LocalSecrets['cognito'], 'endUsers'> & Partial<Pick<LocalSecrets['cognito'], 'endUsers'>> } => {
  const s = v as Partial<LocalSecrets> | null;
  return (
    typeof s?.apiKey === 'string' &&
    typeof s.iam?.accessKeyId === 'string' &&
    typeof s.iam.secretAccessKey === 'string' &&
    typeof s.cognito?.privateKeyPem === 'string' &&
    typeof s.cognito.publicKeyPem === 'string' &&
    typeof s.cognito.userPoolId === 'string'
  );
};

/** Reads the data directory's secrets, creating them on first start. */
export function loadOrCreateSecrets(dataDir: string, region: string): { secrets: LocalSecrets; created: boolean } {
  const file = path.join(dataDir, SECRETS_FILE);
  if (fs.existsSync(file)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e;
      parsed = undefined; // truncated or hand-edited: the same clear message as a wrong shape
    }
    if (!isSecrets(parsed)) throw new Error(`${file} is not a facegate secrets file; move it away to start afresh`);
    if (parsed.cognito.endUsers) return { secrets: parsed as LocalSecrets, created: false };
    // A data directory from before face sign-in: its end users' pool is made now, and kept.
    const secrets: LocalSecrets = { ...parsed, cognito: { ...parsed.cognito, endUsers: endUsersPool(region) } };
    fs.writeFileSync(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
    return { secrets, created: false };
  }
  const secrets = generateSecrets(region);
  fs.writeFileSync(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
  return { secrets, created: true };
}
