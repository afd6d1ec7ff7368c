/**
 * The time budget of one step invocation, carried through its async calls (AsyncLocalStorage),
 * so every AWS call made on the invocation's behalf — in any adapter — knows how long is left
 * without the flows passing a deadline around. Outside a budget (scripts, the local stack's own
 * clients) nothing is limited.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { TimeBudget } from '../../core/ports';

interface Scope {
  /** Epoch ms after which no AWS call starts or is retried. */
  deadline: number;
}

const scope = new AsyncLocalStorage<Scope>();

/** Runs `fn` with `ms` to spend. */
export function runWithinBudget<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  return scope.run({ deadline: Date.now() + ms }, fn);
}

/** Milliseconds left in the current budget; undefined outside one. */
export function budgetLeftMs(): number | undefined {
  const current = scope.getStore();
  return current ? current.deadline - Date.now() : undefined;
}

/** TimeBudget on the invocation's budget: cleanup gets what is left, or the grace if that is longer. */
export class InvocationBudget implements TimeBudget {
  constructor(private readonly graceMs: number) {}

  cleanup<T>(fn: () => Promise<T>): Promise<T> {
    const current = scope.getStore();
    if (!current) return fn();
    return scope.run({ deadline: Math.max(current.deadline, Date.now() + this.graceMs) }, fn);
  }
}
