/**
 * A small stand-in for what AppSync provides at run time as `@aws-appsync/utils` (the npm
 * package is types only). Tests load the resolver bundles with their `@aws-appsync/utils`
 * specifier rewritten to this file. Only the surface the resolvers use is here, and it behaves
 * as AppSync documents it:
 *
 * - util.error throws an AppSyncError (AppSync stops the handler and reports
 *   message / errorType / data / errorInfo); util.appendError records and goes on.
 * - util.matches is Java's String.matches: the pattern must match the WHOLE value.
 * - util.dynamodb.toDynamoDB / toMapValues produce DynamoDB attribute values ({S}, {N: "1"}, …).
 * - util.transform.toSubscriptionFilter turns `{field: {op: value}}` into a filterGroup.
 * - runtime.earlyReturn throws an EarlyReturn carrying the value.
 * - extensions.* record their arguments in `recorded`.
 */
import { randomUUID } from 'node:crypto';

export class AppSyncError extends Error {
  constructor(
    message: string,
    readonly errorType: string | undefined,
    readonly data: unknown,
    readonly errorInfo: unknown,
  ) {
    super(message);
    this.name = 'AppSyncError';
  }
}

export class EarlyReturn extends Error {
  constructor(
    readonly value: unknown,
    readonly options: unknown,
  ) {
    super('runtime.earlyReturn');
    this.name = 'EarlyReturn';
  }
}

export interface AppendedError {
  message: string;
  errorType?: string;
  data?: unknown;
  errorInfo?: unknown;
}

export interface Recorded {
  appendedErrors: AppendedError[];
  subscriptionFilters: unknown[];
  invalidationFilters: unknown[];
  invalidations: unknown[];
  evictions: unknown[][];
}

export const recorded: Recorded = {
  appendedErrors: [],
  subscriptionFilters: [],
  invalidationFilters: [],
  invalidations: [],
  evictions: [],
};

export function resetStandin(): void {
  recorded.appendedErrors.length = 0;
  recorded.subscriptionFilters.length = 0;
  recorded.invalidationFilters.length = 0;
  recorded.invalidations.length = 0;
  recorded.evictions.length = 0;
}

export type AttributeValue =
  | { S: string }
  | { N: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { L: AttributeValue[] }
  | { M: Record<string, AttributeValue> };

function toDynamoDB(value: unknown): AttributeValue {
  if (value === null || value === undefined) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(toDynamoDB) };
  if (typeof value === 'object') return { M: toMapValues(value as Record<string, unknown>) };
  throw new TypeError(`toDynamoDB: unsupported value ${String(value)}`);
}

function toMapValues(value: Record<string, unknown>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== undefined) out[k] = toDynamoDB(v);
  }
  return out;
}

interface FilterRule {
  fieldName: string;
  operator: string;
  value: unknown;
}

function rulesOf(obj: Record<string, unknown>): FilterRule[] {
  const rules: FilterRule[] = [];
  for (const [fieldName, ops] of Object.entries(obj)) {
    if (fieldName === 'or' || fieldName === 'and') continue;
    for (const [operator, value] of Object.entries(ops as Record<string, unknown>)) {
      rules.push({ fieldName, operator, value });
    }
  }
  return rules;
}

/** `{a: {eq: 1}, b: {ne: 2}}` → one group (AND); `{or: [x, y]}` → one group per alternative. */
function toSubscriptionFilter(obj: Record<string, unknown>): { filterGroup: { filters: FilterRule[] }[] } {
  const base = rulesOf(obj);
  const alternatives = (obj.or as Record<string, unknown>[] | undefined) ?? [];
  if (alternatives.length === 0) return { filterGroup: [{ filters: base }] };
  return { filterGroup: alternatives.map((alt) => ({ filters: base.concat(rulesOf(alt)) })) };
}

export const util = {
  error(message: string, errorType?: string, data?: unknown, errorInfo?: unknown): never {
    throw new AppSyncError(message, errorType, data, errorInfo);
  },
  appendError(message: string, errorType?: string, data?: unknown, errorInfo?: unknown): void {
    recorded.appendedErrors.push({ message, errorType, data, errorInfo });
  },
  autoId(): string {
    return randomUUID();
  },
  matches(pattern: string, value: string): boolean {
    return new RegExp('^(?:' + pattern + ')$').test(value);
  },
  time: {
    nowISO8601(): string {
      return new Date().toISOString();
    },
  },
  dynamodb: { toDynamoDB, toMapValues },
  transform: { toSubscriptionFilter },
};

export const runtime = {
  earlyReturn(value?: unknown, options?: unknown): never {
    throw new EarlyReturn(value, options);
  },
};

export const extensions = {
  setSubscriptionFilter(filter: unknown): void {
    recorded.subscriptionFilters.push(filter);
  },
  setSubscriptionInvalidationFilter(filter: unknown): void {
    recorded.invalidationFilters.push(filter);
  },
  invalidateSubscriptions(obj: unknown): void {
    recorded.invalidations.push(obj);
  },
  evictFromApiCache(typeName: string, fieldName: string, keys: unknown): void {
    recorded.evictions.push([typeName, fieldName, keys]);
  },
};
