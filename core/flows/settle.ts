/**
 * Parallel calls where every outcome matters: a flow must know what each call created before
 * it can undo, so it waits for all of them (Promise.all would forget the ones still running).
 */
export function settle<T extends readonly unknown[]>(
  promises: { readonly [K in keyof T]: Promise<T[K]> },
): Promise<{ -readonly [K in keyof T]: PromiseSettledResult<T[K]> }> {
  return Promise.allSettled(promises) as never;
}

export function firstRejection(results: readonly PromiseSettledResult<unknown>[]): unknown {
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  return rejected ? (rejected.reason ?? new Error('rejected')) : undefined;
}

/** The value of a result known to be fulfilled (checked with firstRejection first). */
export function value<T>(result: PromiseSettledResult<T>): T {
  if (result.status !== 'fulfilled') throw result.reason;
  return result.value;
}
