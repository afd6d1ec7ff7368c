import { describe, expect, it } from 'vitest';
import type { FilterRule } from '../../../local/appsync/contract';
import { matchesFilter, validateFilter } from '../../../local/appsync/server/filters';

const one = (fieldName: string, operator: string, value: unknown) => ({ filterGroup: [{ filters: [{ fieldName, operator, value }] }] });
const event = { id: 'r-1', seq: 3, name: 'Alice Smith', tags: ['a', 'b'], nested: { level: 2 }, missing: null };

describe('enhanced subscription filters', () => {
  it.each<[string, string, unknown, boolean]>([
    ['id', 'eq', 'r-1', true],
    ['id', 'eq', 'r-2', false],
    ['id', 'ne', 'r-2', true],
    ['id', 'ne', 'r-1', false],
    ['seq', 'lt', 4, true],
    ['seq', 'lt', 3, false],
    ['seq', 'le', 3, true],
    ['seq', 'gt', 2, true],
    ['seq', 'gt', 3, false],
    ['seq', 'ge', 3, true],
    ['seq', 'ge', '3', false],
    ['name', 'gt', 'Aa', true],
    ['name', 'contains', 'Smith', true],
    ['name', 'contains', 'Bob', false],
    ['tags', 'contains', 'a', true],
    ['tags', 'contains', 'z', false],
    ['name', 'notContains', 'Bob', true],
    ['tags', 'notContains', 'a', false],
    ['name', 'beginsWith', 'Ali', true],
    ['name', 'beginsWith', 'Smith', false],
    ['seq', 'in', [1, 3, 5], true],
    ['seq', 'in', [1, 2], false],
    ['seq', 'notIn', [1, 2], true],
    ['seq', 'notIn', [3], false],
    ['seq', 'between', [3, 5], true],
    ['seq', 'between', [4, 5], false],
    ['tags', 'containsAny', ['z', 'b'], true],
    ['tags', 'containsAny', ['z'], false],
    ['nested.level', 'eq', 2, true],
    ['missing', 'eq', null, true],
    ['absent', 'eq', 'x', false],
  ])('%s %s %j → %s', (field, operator, value, expected) => {
    expect(matchesFilter(one(field, operator, value), event)).toBe(expected);
  });

  it('ANDs filters in a group and ORs the groups', () => {
    const rule = (fieldName: string, operator: string, value: unknown): FilterRule => ({ fieldName, operator, value });
    const both = { filterGroup: [{ filters: [rule('id', 'eq', 'r-1'), rule('seq', 'gt', 5)] }] };
    expect(matchesFilter(both, event)).toBe(false);
    const either = { filterGroup: [{ filters: [rule('seq', 'gt', 5)] }, { filters: [rule('id', 'eq', 'r-1')] }] };
    expect(matchesFilter(either, event)).toBe(true);
    expect(matchesFilter(undefined, event)).toBe(true);
    expect(matchesFilter({ filterGroup: [] }, event)).toBe(true);
  });

  it('reports unknown operators and bad operands', () => {
    expect(validateFilter(one('id', 'eq', 'x'))).toEqual([]);
    expect(validateFilter(one('id', 'like', 'x'))[0]).toMatch(/unknown operator like/);
    expect(validateFilter(one('id', 'in', 'x'))[0]).toMatch(/in needs a list/);
    expect(validateFilter(one('id', 'between', [1]))[0]).toMatch(/between needs/);
  });
});
