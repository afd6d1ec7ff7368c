import { expect } from 'vitest';
import { FacegateError } from '../../core/errors';

export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Waits, a macrotask at a time, until `condition` holds (fails after ~2 s of polling). */
export async function until(condition: () => boolean, attempts = 2000): Promise<void> {
  for (let i = 0; i < attempts; i += 1) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 1));
  }
  throw new Error('condition never held');
}

/** Asserts the promise fails with a FacegateError of `type` (and `info` fields, if given). */
export async function expectError(promise: Promise<unknown>, type: string, info?: Record<string, unknown>): Promise<FacegateError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected ${type}`).toBeInstanceOf(FacegateError);
  const typed = error as FacegateError;
  expect({ type: typed.type, message: typed.message }).toMatchObject({ type });
  if (info) expect(typed.info).toMatchObject(info);
  return typed;
}
