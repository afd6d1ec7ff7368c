import type { Deps } from './deps';
import { fail, isConditionFailed } from './errors';
import type { AuthAttempts } from './ports';

/**
 * Repeated failed authentications lock a userId out for a while. Counted per claimed userId,
 * known or not, so the lock reveals nothing about which users exist.
 */
export async function assertNotLocked(deps: Deps, userId: string): Promise<AuthAttempts | null> {
  const attempts = await deps.records.getAttempts(userId);
  const lockedUntil = attempts?.lockedUntil;
  if (lockedUntil && Date.parse(lockedUntil) > deps.clock.now().getTime()) {
    fail('LOCKED_OUT', 'Too many failed attempts: try again later', { retryAfter: lockedUntil });
  }
  return attempts;
}

export async function recordFailure(deps: Deps, userId: string, current: AuthAttempts | null): Promise<void> {
  const { lockoutMaxFailures, lockoutWindowSeconds } = deps.config;
  const windowMs = lockoutWindowSeconds * 1000;
  let seen = current;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const now = deps.clock.now().getTime();
    const inWindow = seen !== null && now - Date.parse(seen.windowStart) < windowMs;
    const failures = inWindow ? seen!.failures + 1 : 1;
    const next: AuthAttempts = {
      userId,
      failures,
      windowStart: inWindow ? seen!.windowStart : new Date(now).toISOString(),
      version: (seen?.version ?? 0) + 1,
      ...(failures >= lockoutMaxFailures ? { lockedUntil: new Date(now + windowMs).toISOString() } : {}),
    };
    try {
      await deps.records.putAttempts(next, seen?.version ?? 0);
      if (next.lockedUntil) deps.logger.warn('user locked out', { userId, failures, lockedUntil: next.lockedUntil });
      return;
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      seen = await deps.records.getAttempts(userId);
    }
  }
  deps.logger.warn('failed authentication not counted: too much contention', { userId });
}

export async function clearFailures(deps: Deps, current: AuthAttempts | null): Promise<void> {
  if (current && current.failures > 0) await deps.records.deleteAttempts(current.userId);
}
