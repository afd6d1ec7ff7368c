/**
 * AppSync enhanced subscription filters: a filterGroup is an OR of groups; the filters of a group
 * are ANDed. https://docs.aws.amazon.com/appsync/latest/devguide/aws-appsync-real-time-enhanced-filtering.html
 */
import type { FilterRule, SubscriptionFilter } from '../contract';

export const FILTER_OPERATORS = [
  'eq', 'ne', 'le', 'lt', 'ge', 'gt', 'contains', 'notContains', 'beginsWith', 'in', 'notIn', 'between', 'containsAny',
] as const;

/** Reads `a.b.c` from nested objects. */
const read = (data: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), data);

export const sameValue = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(a) === JSON.stringify(b);
};

/** Compares numbers with numbers and strings with strings; anything else is not comparable. */
const compare = (a: unknown, b: unknown): number | undefined => {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
};
const ordered = (a: unknown, b: unknown, test: (c: number) => boolean) => {
  const c = compare(a, b);
  return c !== undefined && test(c);
};

function ruleMatches(rule: FilterRule, data: unknown): boolean {
  const actual = read(data, rule.fieldName);
  const { value } = rule;
  switch (rule.operator) {
    case 'eq':
      return sameValue(actual, value);
    case 'ne':
      return !sameValue(actual, value);
    case 'lt':
      return ordered(actual, value, (c) => c < 0);
    case 'le':
      return ordered(actual, value, (c) => c <= 0);
    case 'gt':
      return ordered(actual, value, (c) => c > 0);
    case 'ge':
      return ordered(actual, value, (c) => c >= 0);
    case 'contains':
      if (typeof actual === 'string') return typeof value === 'string' && actual.includes(value);
      return Array.isArray(actual) && actual.some((v) => sameValue(v, value));
    case 'notContains':
      if (typeof actual === 'string') return typeof value === 'string' && !actual.includes(value);
      return Array.isArray(actual) ? !actual.some((v) => sameValue(v, value)) : actual === undefined || actual === null;
    case 'beginsWith':
      return typeof actual === 'string' && typeof value === 'string' && actual.startsWith(value);
    case 'in':
      return Array.isArray(value) && value.some((v) => sameValue(actual, v));
    case 'notIn':
      return Array.isArray(value) && !value.some((v) => sameValue(actual, v));
    case 'between': {
      if (!Array.isArray(value) || value.length !== 2) return false;
      const [lo, hi] = value as [unknown, unknown];
      return ordered(actual, lo, (c) => c >= 0) && ordered(actual, hi, (c) => c <= 0);
    }
    case 'containsAny':
      return Array.isArray(actual) && Array.isArray(value) && value.some((v) => actual.some((a) => sameValue(a, v)));
    default:
      return false;
  }
}

/** Problems with a filter (unknown operator, bad operand), as messages; empty when valid. */
export function validateFilter(filter: SubscriptionFilter): string[] {
  const problems: string[] = [];
  if (!Array.isArray(filter?.filterGroup)) return ['filter has no filterGroup array'];
  filter.filterGroup.forEach((group, g) => {
    if (!Array.isArray(group?.filters)) {
      problems.push(`filterGroup[${g}] has no filters array`);
      return;
    }
    group.filters.forEach((rule, f) => {
      const where = `filterGroup[${g}].filters[${f}]`;
      if (typeof rule?.fieldName !== 'string' || rule.fieldName === '') problems.push(`${where}: fieldName missing`);
      if (!(FILTER_OPERATORS as readonly string[]).includes(rule?.operator)) problems.push(`${where}: unknown operator ${String(rule?.operator)}`);
      if (['in', 'notIn', 'containsAny'].includes(rule?.operator) && !Array.isArray(rule.value)) problems.push(`${where}: ${rule.operator} needs a list`);
      if (rule?.operator === 'between' && (!Array.isArray(rule.value) || rule.value.length !== 2)) problems.push(`${where}: between needs [low, high]`);
    });
  });
  return problems;
}

/** Whether an event's data passes the filter (no filter or no groups: everything passes). */
export function matchesFilter(filter: SubscriptionFilter | undefined, data: unknown): boolean {
  if (!filter || filter.filterGroup.length === 0) return true;
  return filter.filterGroup.some((group) => group.filters.every((rule) => ruleMatches(rule, data)));
}
