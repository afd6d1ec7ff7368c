/**
 * `@aws-appsync/utils` as the sandbox provides it, exercised from module code the way resolver
 * bundles call it. Expected values follow AWS's APPSYNC_JS reference (util, util.dynamodb,
 * util.transform, util.time) — e.g. toDynamoDB keeps numbers as numbers ({N: 12345}).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type HandlerOutcome, type Sandbox } from '../../../local/appsync/runtime';

let sandbox: Sandbox;
let n = 0;
beforeAll(async () => {
  sandbox = await createSandbox({ timeoutMs: 200 });
});

const ctxInit = {
  arguments: {},
  identity: null,
  source: null,
  info: { fieldName: 'f', parentTypeName: 'Query', variables: {}, selectionSetList: [], selectionSetGraphQL: '' },
  request: { headers: {}, domainName: null },
};

/** Runs `body` as a request handler of a fresh module; returns the outcome and what was recorded. */
async function run(body: string) {
  const code = 'utils' + (n += 1);
  await sandbox.load(
    code,
    `import { util, runtime, extensions } from '@aws-appsync/utils';\nexport function request(ctx) { ${body} }\nexport function response(ctx) { return null; }`,
  );
  const inv = sandbox.open(ctxInit);
  const outcome: HandlerOutcome = inv.run(code, 'request');
  return { outcome, record: inv.end() };
}

async function value(expression: string): Promise<unknown> {
  const { outcome } = await run(`return ${expression};`);
  if (outcome.kind !== 'value') throw new Error(JSON.stringify(outcome));
  return outcome.value;
}

describe('util errors', () => {
  it('util.error throws message, errorType, data, errorInfo and stops the handler', async () => {
    const { outcome } = await run(`util.error('nope', 'BAD', {a: 1}, {field: 'x'}); return 1;`);
    expect(outcome).toEqual({ kind: 'error', error: { message: 'nope', errorType: 'BAD', data: { a: 1 }, errorInfo: { field: 'x' } } });
  });

  it('util.error with only a message has null type, data and info', async () => {
    const { outcome } = await run(`util.error('just this');`);
    expect(outcome).toEqual({ kind: 'error', error: { message: 'just this', errorType: null, data: null, errorInfo: null } });
  });

  it('util.appendError records and goes on', async () => {
    const { outcome, record } = await run(`util.appendError('a', 'T1'); util.appendError('b', 'T2', {d: 1}, {i: 2}); return 'done';`);
    expect(outcome).toEqual({ kind: 'value', value: 'done' });
    expect(record.errors).toEqual([
      { message: 'a', errorType: 'T1', data: null, errorInfo: null },
      { message: 'b', errorType: 'T2', data: { d: 1 }, errorInfo: { i: 2 } },
    ]);
  });

  it('util.unauthorized is errorType Unauthorized, message Unauthorized', async () => {
    const { outcome } = await run(`util.unauthorized();`);
    expect(outcome).toEqual({ kind: 'error', error: { message: 'Unauthorized', errorType: 'Unauthorized', data: null, errorInfo: null } });
  });
});

describe('ids', () => {
  it('autoId is a UUID v4, different each time', async () => {
    const ids = (await value(`[util.autoId(), util.autoId(), util.autoId()]`)) as string[];
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(3);
  });

  it('autoUlid is 26 Crockford characters starting with the current time', async () => {
    const before = Date.now();
    const ulid = (await value(`util.autoUlid()`)) as string;
    expect(ulid).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    const ms = [...ulid.slice(0, 10)].reduce((t, c) => t * 32 + '0123456789ABCDEFGHJKMNPQRSTVWXYZ'.indexOf(c), 0);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(Date.now());
  });

  it('autoKsuid is 27 base62 characters', async () => {
    expect(await value(`util.autoKsuid()`)).toMatch(/^[0-9A-Za-z]{27}$/);
  });
});

describe('strings', () => {
  it('matches is Java String.matches: the whole value', async () => {
    expect(await value(`[util.matches('a+', 'aaa'), util.matches('a+', 'aaab'), util.matches('b', 'abc'), util.matches('^[0-9]{2}$', '12')]`)).toEqual([
      true,
      false,
      false,
      true,
    ]);
  });

  it('urlEncode / urlDecode follow java.net.URLEncoder (space as +)', async () => {
    expect(await value(`util.urlEncode("a b&c=d/é*~'")`)).toBe("a+b%26c%3Dd%2F%C3%A9*%7E%27");
    expect(await value(`util.urlDecode('a+b%26c%3Dd%2F%C3%A9')`)).toBe('a b&c=d/é');
  });

  it('base64Encode / base64Decode are UTF-8', async () => {
    expect(await value(`util.base64Encode('héllo wörld')`)).toBe(Buffer.from('héllo wörld').toString('base64'));
    expect(await value(`util.base64Decode('${Buffer.from('ÿ€ ok').toString('base64')}')`)).toBe('ÿ€ ok');
    expect(await value(`[util.base64Encode(''), util.base64Encode('a'), util.base64Encode('ab')]`)).toEqual(['', 'YQ==', 'YWI=']);
  });

  it('escapeJavaScript escapes quotes, slashes, controls and non-ASCII', async () => {
    expect(await value(`util.escapeJavaScript('a"b\\'c\\\\d/e\\nf\\u00e9')`)).toBe('a\\"b\\\'c\\\\d\\/e\\nf\\u00E9');
  });

  it('null / empty / blank checks and defaults', async () => {
    expect(
      await value(
        `[util.isNull(null), util.isNull(undefined), util.isNull(''), util.isNullOrEmpty(''), util.isNullOrEmpty(' '), util.isNullOrBlank(' \\t'), util.isNullOrBlank('x'),
          util.defaultIfNull(null, 'd'), util.defaultIfNull(0, 'd'), util.defaultIfNullOrEmpty('', 'd'), util.defaultIfNullOrBlank('  ', 'd'), util.defaultIfNullOrBlank('v', 'd')]`,
      ),
    ).toEqual([true, true, false, true, false, true, false, 'd', 0, 'd', 'd', 'v']);
  });

  it('typeOf and the is* checks', async () => {
    expect(await value(`[util.typeOf(null), util.typeOf(1), util.typeOf('s'), util.typeOf(true), util.typeOf([]), util.typeOf({})]`)).toEqual([
      'Null', 'Number', 'String', 'Boolean', 'List', 'Map',
    ]);
    expect(await value(`[util.isString('a'), util.isNumber('1'), util.isBoolean(false), util.isList({}), util.isMap({})]`)).toEqual([true, false, true, false, true]);
  });

  it('util.str and util.math', async () => {
    expect(await value(`[util.str.toUpper('aB'), util.str.toLower('aB'), util.str.toReplace('a.b.c', '.', '-'), util.str.normalize('e\\u0301', 'nfc')]`)).toEqual([
      'AB', 'ab', 'a-b-c', 'é',
    ]);
    expect(await value(`[util.math.roundNum(2.5), util.math.roundNum(2.4), util.math.minVal(3, 1), util.math.maxVal(3, 1)]`)).toEqual([3, 2, 1, 3]);
    const r = (await value(`[util.math.randomDouble(), util.math.randomWithinRange(5, 7)]`)) as number[];
    expect(r[0]).toBeGreaterThanOrEqual(0);
    expect(r[0]).toBeLessThan(1);
    expect([5, 6, 7]).toContain(r[1]);
  });
});

describe('util.time', () => {
  it('now* agree with the clock', async () => {
    const before = Date.now();
    const [iso, s, ms] = (await value(`[util.time.nowISO8601(), util.time.nowEpochSeconds(), util.time.nowEpochMilliSeconds()]`)) as [string, number, number];
    expect(iso).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(Date.parse(iso)).toBeGreaterThanOrEqual(before);
    expect(s).toBe(Math.floor(ms / 1000));
    expect(ms).toBeLessThanOrEqual(Date.now());
  });

  it('conversions', async () => {
    expect(
      await value(
        `[util.time.parseISO8601ToEpochMilliSeconds('2018-02-01T17:21:05.000+08:00'), util.time.epochMilliSecondsToSeconds(1517943695750), util.time.epochMilliSecondsToISO8601(1517943695750)]`,
      ),
    ).toEqual([1517476865000, 1517943695, '2018-02-06T19:01:35.750Z']);
  });

  it('formatted (Java patterns), in UTC and in a zone', async () => {
    expect(
      await value(
        `[util.time.epochMilliSecondsToFormatted(1517943695750, 'yyyy-MM-dd HH:mm:ssZ'), util.time.epochMilliSecondsToFormatted(1517943695750, "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", 'Australia/Perth'),
          util.time.epochMilliSecondsToFormatted(1517943695750, 'dd MMM yyyy', 'UTC')]`,
      ),
    ).toEqual(['2018-02-06 19:01:35+0000', '2018-02-07T03:01:35.750+08:00', '06 Feb 2018']);
    expect(await value(`util.time.parseFormattedToEpochMilliSeconds('2018-02-01 09:21:05+0000', 'yyyy-MM-dd HH:mm:ssZ')`)).toBe(1517476865000);
    expect(await value(`util.time.parseFormattedToEpochMilliSeconds('2018-02-01 17:21:05', 'yyyy-MM-dd HH:mm:ss', 'Australia/Perth')`)).toBe(1517476865000);
    expect(await value(`util.time.nowFormatted('yyyy')`)).toBe(String(new Date().getUTCFullYear()));
  });
});

describe('util.dynamodb', () => {
  it('toDynamoDB: numbers stay numbers, null is {NULL: null}', async () => {
    expect(await value(`[util.dynamodb.toDynamoDB('foo'), util.dynamodb.toDynamoDB(12345), util.dynamodb.toDynamoDB(true), util.dynamodb.toDynamoDB(null)]`)).toEqual([
      { S: 'foo' },
      { N: 12345 },
      { BOOL: true },
      { NULL: null },
    ]);
    expect(await value(`util.dynamodb.toDynamoDB(['foo', 123, { bar: 'baz' }])`)).toEqual({ L: [{ S: 'foo' }, { N: 123 }, { M: { bar: { S: 'baz' } } }] });
  });

  it('toMapValues gives one attribute value per key (AWS example)', async () => {
    expect(await value(`util.dynamodb.toMapValues({ foo: 'bar', baz: 1234, beep: ['boop'] })`)).toEqual({
      foo: { S: 'bar' },
      baz: { N: 1234 },
      beep: { L: [{ S: 'boop' }] },
    });
  });

  it('the typed helpers', async () => {
    expect(
      await value(`[util.dynamodb.toString('a'), util.dynamodb.toStringSet(['a', 'b']), util.dynamodb.toNumber(1.5), util.dynamodb.toNumberSet([1, 23, 4.56]),
        util.dynamodb.toBinary('Zm9v'), util.dynamodb.toBinarySet(['Zm9v']), util.dynamodb.toBoolean(false), util.dynamodb.toNull(),
        util.dynamodb.toList(['a', 1]), util.dynamodb.toMap({ a: 1 })]`),
    ).toEqual([
      { S: 'a' }, { SS: ['a', 'b'] }, { N: 1.5 }, { NS: [1, 23, 4.56] }, { B: 'Zm9v' }, { BS: ['Zm9v'] }, { BOOL: false }, { NULL: null },
      { L: [{ S: 'a' }, { N: 1 }] }, { M: { a: { N: 1 } } },
    ]);
  });

  it('S3 objects', async () => {
    expect(await value(`util.dynamodb.toS3Object('foo', 'bar', 'baz', 'beep')`)).toEqual({ S: '{"s3":{"key":"foo","bucket":"bar","region":"baz","version":"beep"}}' });
    expect(await value(`util.dynamodb.toS3Object('foo', 'bar', 'baz')`)).toEqual({ S: '{"s3":{"key":"foo","bucket":"bar","region":"baz"}}' });
    expect(await value(`util.dynamodb.fromS3ObjectJson('{"s3":{"key":"foo","bucket":"bar","region":"baz"}}')`)).toEqual({ key: 'foo', bucket: 'bar', region: 'baz' });
  });
});

describe('util.transform', () => {
  it('toDynamoDBFilterExpression: a JSON string (AWS example)', async () => {
    const out = await value(`util.transform.toDynamoDBFilterExpression({ title: { contains: 'Hello World' } })`);
    expect(JSON.parse(out as string)).toEqual({
      expression: '(contains(#title,:title_contains))',
      expressionNames: { '#title': 'title' },
      expressionValues: { ':title_contains': { S: 'Hello World' } },
    });
  });

  it('fields, groups, not, between, in, size, attributeExists', async () => {
    const out = await value(
      `JSON.parse(util.transform.toDynamoDBConditionExpression({ a: { ge: 1, le: 5 }, or: [{ b: { eq: 'x' } }, { not: [{ c: { between: [1, 9] } }] }], d: { in: ['p', 'q'] }, e: { size: { gt: 2 } }, f: { attributeExists: false } }))`,
    );
    expect(out).toEqual({
      expression:
        '((#a >= :a_ge) AND (#a <= :a_le)) AND ((#b = :or_0_b_eq) OR (NOT (#c BETWEEN :or_1_not_c_between_start AND :or_1_not_c_between_end))) AND (#d IN (:d_in_0, :d_in_1)) AND (size(#e) > :e_size_gt) AND (attribute_not_exists(#f))',
      expressionNames: { '#a': 'a', '#b': 'b', '#c': 'c', '#d': 'd', '#e': 'e', '#f': 'f' },
      expressionValues: {
        ':a_ge': { N: 1 },
        ':a_le': { N: 5 },
        ':or_0_b_eq': { S: 'x' },
        ':or_1_not_c_between_start': { N: 1 },
        ':or_1_not_c_between_end': { N: 9 },
        ':d_in_0': { S: 'p' },
        ':d_in_1': { S: 'q' },
        ':e_size_gt': { N: 2 },
      },
    });
    expect(await value(`[util.transform.toDynamoDBFilterExpression({ a: { bogus: 1 } }), util.transform.toDynamoDBFilterExpression(null)]`)).toEqual([null, null]);
  });

  it('toSubscriptionFilter: fields AND-ed in one group', async () => {
    expect(await value(`util.transform.toSubscriptionFilter({ registrationId: { eq: 'r1' }, seq: { gt: 2 } })`)).toEqual({
      filterGroup: [{ filters: [{ fieldName: 'registrationId', operator: 'eq', value: 'r1' }, { fieldName: 'seq', operator: 'gt', value: 2 }] }],
    });
  });

  it('toSubscriptionFilter: or, and, two operators on a field multiply out into groups', async () => {
    const out = await value(
      `util.transform.toSubscriptionFilter({ percentageUp: { lte: 50, gte: 20 }, and: [{ title: { ne: 'Book1' } }, { downvotes: { gt: 2000 } }], or: [{ author: { eq: 'Admin' } }, { isPublished: { eq: false } }] })`,
    );
    const f = (fieldName: string, operator: string, v: unknown) => ({ fieldName, operator, value: v });
    const common = [f('title', 'ne', 'Book1'), f('downvotes', 'gt', 2000)];
    expect(out).toEqual({
      filterGroup: [
        { filters: [f('percentageUp', 'lte', 50), ...common, f('author', 'eq', 'Admin')] },
        { filters: [f('percentageUp', 'lte', 50), ...common, f('isPublished', 'eq', false)] },
        { filters: [f('percentageUp', 'gte', 20), ...common, f('author', 'eq', 'Admin')] },
        { filters: [f('percentageUp', 'gte', 20), ...common, f('isPublished', 'eq', false)] },
      ],
    });
  });

  it('toSubscriptionFilter: ignored fields, rules, empty and unreadable filters', async () => {
    expect(await value(`util.transform.toSubscriptionFilter({ a: { eq: 1 }, and: [{ b: { eq: 2 } }] }, ['b'])`)).toEqual({
      filterGroup: [{ filters: [{ fieldName: 'a', operator: 'eq', value: 1 }] }],
    });
    expect(await value(`util.transform.toSubscriptionFilter({ a: { eq: 1 } }, [], { r1: { gte: 250 }, r2: { eq: 'p' } })`)).toEqual({
      filterGroup: [
        { filters: [{ fieldName: 'a', operator: 'eq', value: 1 }, { fieldName: 'r1', operator: 'gte', value: 250 }] },
        { filters: [{ fieldName: 'a', operator: 'eq', value: 1 }, { fieldName: 'r2', operator: 'eq', value: 'p' }] },
      ],
    });
    expect(await value(`[util.transform.toSubscriptionFilter({}), util.transform.toSubscriptionFilter({ a: {} })]`)).toEqual([{ filterGroup: [] }, { filterGroup: [] }]);
    expect(await value(`[util.transform.toSubscriptionFilter(null), util.transform.toSubscriptionFilter([]), util.transform.toSubscriptionFilter('{"a":{"eq":1}}')]`)).toEqual([
      null,
      null,
      null,
    ]);
  });
});

describe('runtime and extensions', () => {
  it('runtime.earlyReturn stops the handler with the value and skipTo', async () => {
    expect((await run(`runtime.earlyReturn({ hello: 'world' }); return 1;`)).outcome).toEqual({ kind: 'early', value: { hello: 'world' }, skipTo: null });
    expect((await run(`runtime.earlyReturn(2, { skipTo: 'END' });`)).outcome).toEqual({ kind: 'early', value: 2, skipTo: 'END' });
  });

  it('extensions record the subscription filter, invalidations and evictions', async () => {
    const { record } = await run(
      `extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter({ a: { eq: 1 } })); extensions.setSubscriptionInvalidationFilter({ x: 1 }); extensions.invalidateSubscriptions({ subscriptionField: 'on', payload: {} }); extensions.evictFromApiCache('Query', 'user', { 'ctx.args.userId': 'u1' }); return null;`,
    );
    expect(record.subscriptionFilter).toEqual({ filterGroup: [{ filters: [{ fieldName: 'a', operator: 'eq', value: 1 }] }] });
    expect(record.invalidationFilter).toEqual({ x: 1 });
    expect(record.invalidations).toEqual([{ subscriptionField: 'on', payload: {} }]);
    expect(record.evictions).toEqual([{ typeName: 'Query', fieldName: 'user', keys: { 'ctx.args.userId': 'u1' } }]);
  });
});
