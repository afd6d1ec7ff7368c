/**
 * The local user pool's accounts and refresh tokens, in `<dir>/users.json` (mode 0600), written
 * whole on every change (a local pool holds a handful of accounts). Without a directory it lives
 * in memory. Refresh tokens are kept by their SHA-256, never as issued.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export type UserStatus = 'FORCE_CHANGE_PASSWORD' | 'CONFIRMED';

export interface StoredUser {
  username: string;
  sub: string;
  status: UserStatus;
  enabled: boolean;
  attributes: Record<string, string>;
  /** Epoch seconds. */
  createdAt: number;
  updatedAt: number;
}

export interface StoredRefreshToken {
  username: string;
  clientId: string;
  /** Shared by the tokens of one sign-in (their origin_jti): revoking the refresh token revokes them. */
  originJti: string;
  /** Epoch seconds. */
  authTime: number;
  expiresAt: number;
}

interface StoreFile {
  users: Record<string, StoredUser>;
  refreshTokens: Record<string, StoredRefreshToken>;
  /** origin_jti → when its tokens expire anyway (epoch seconds). */
  revoked: Record<string, number>;
}

export const USERS_FILE = 'users.json';

const hashOf = (token: string): string => createHash('sha256').update(token).digest('hex');

export class UserStore {
  private constructor(
    private readonly file: string | undefined,
    private readonly data: StoreFile,
  ) {}

  static open(dir: string | undefined): UserStore {
    if (!dir) return new UserStore(undefined, { users: {}, refreshTokens: {}, revoked: {} });
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, USERS_FILE);
    if (!fs.existsSync(file)) return new UserStore(file, { users: {}, refreshTokens: {}, revoked: {} });
    let data: StoreFile;
    try {
      data = JSON.parse(fs.readFileSync(file, 'utf8')) as StoreFile;
    } catch {
      throw new Error(`${file} is not a local Cognito user store; move it away to start afresh`);
    }
    return new UserStore(file, { users: data.users ?? {}, refreshTokens: data.refreshTokens ?? {}, revoked: data.revoked ?? {} });
  }

  get(username: string): StoredUser | undefined {
    return Object.hasOwn(this.data.users, username) ? this.data.users[username] : undefined;
  }

  /** Every account, by username. */
  list(): StoredUser[] {
    return Object.values(this.data.users).sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
  }

  create(username: string, attributes: Record<string, string>, now: number): StoredUser {
    const user: StoredUser = { username, sub: randomUUID(), status: 'FORCE_CHANGE_PASSWORD', enabled: true, attributes, createdAt: now, updatedAt: now };
    this.data.users[username] = user;
    this.save();
    return user;
  }

  update(username: string, patch: Partial<Omit<StoredUser, 'username' | 'sub'>>, now: number): void {
    const user = this.get(username);
    if (!user) return;
    Object.assign(user, patch, { updatedAt: now });
    this.save();
  }

  /** The account and every refresh token it holds. */
  delete(username: string): void {
    delete this.data.users[username];
    this.dropRefreshTokens((t) => t.username === username);
    this.save();
  }

  addRefreshToken(token: string, record: StoredRefreshToken): void {
    this.data.refreshTokens[hashOf(token)] = record;
    this.save();
  }

  refreshToken(token: string): StoredRefreshToken | undefined {
    const key = hashOf(token);
    return Object.hasOwn(this.data.refreshTokens, key) ? this.data.refreshTokens[key] : undefined;
  }

  /** RevokeToken: the refresh token, and the tokens issued with it until they expire. */
  revokeRefreshToken(token: string, tokensExpireAt: number): void {
    const record = this.refreshToken(token);
    if (!record) return;
    delete this.data.refreshTokens[hashOf(token)];
    this.data.revoked[record.originJti] = tokensExpireAt;
    this.save();
  }

  /** GlobalSignOut: every refresh token of the user, and every token issued with them. */
  signOutEverywhere(username: string, tokensExpireAt: number): void {
    for (const record of Object.values(this.data.refreshTokens)) if (record.username === username) this.data.revoked[record.originJti] = tokensExpireAt;
    this.dropRefreshTokens((t) => t.username === username);
    this.save();
  }

  isRevoked(originJti: string): boolean {
    return Object.hasOwn(this.data.revoked, originJti);
  }

  /** Forgets what has expired anyway. */
  prune(now: number): void {
    this.dropRefreshTokens((t) => t.expiresAt <= now);
    for (const [jti, until] of Object.entries(this.data.revoked)) if (until <= now) delete this.data.revoked[jti];
    this.save();
  }

  private dropRefreshTokens(which: (t: StoredRefreshToken) => boolean): void {
    for (const [key, record] of Object.entries(this.data.refreshTokens)) if (which(record)) delete this.data.refreshTokens[key];
  }

  private save(): void {
    if (!this.file) return;
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.data, null, 2) + '\n', { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }
}
