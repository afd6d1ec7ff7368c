import { Kind } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scalarImplementations } from '../../../local/appsync/server/scalars';
import { API_KEY, post, startTestServer, type TestServer } from './helpers';

const cases: Record<keyof typeof scalarImplementations, { valid: unknown[]; invalid: unknown[] }> = {
  AWSDate: { valid: ['1970-01-01', '2024-02-29', '1970-01-01Z', '1970-01-01-07:00', '1970-01-01+05:30:10'], invalid: ['1970-1-1', '2023-02-29', '1970-13-01', '01/02/1970', 1, '1970-01-01T00:00Z'] },
  AWSTime: { valid: ['12:00', '12:00:59', '12:00:00.123', '12:00:00.123456789', '12:00Z', '12:00:00-07:00'], invalid: ['24:00', '12:60', '12', '12:00:00.', 'noon', 1200] },
  AWSDateTime: {
    valid: ['1970-01-01T12:00Z', '1970-01-01T12:00:00.123Z', '1970-01-01T12:00:00-07:00', '2025-01-02T03:04:05.678+01:00:30'],
    invalid: ['1970-01-01T12:00:00', '1970-01-01 12:00Z', '1970-01-01', '1970-01-32T00:00Z', 0],
  },
  AWSTimestamp: { valid: [0, -1, 1700000000], invalid: [1.5, '1700000000', null, Number.MAX_VALUE] },
  AWSEmail: { valid: ['a@example.com', 'first.last+tag@sub.example.org', 'user@localhost'], invalid: ['nope', 'a@', '@b.com', 'a b@c.com', 'a@b@c.com', 1] },
  AWSJSON: { valid: ['{"a":1}', '[1,2]', '"x"', '3', 'null'], invalid: ['{a:1}', '', 'undefined', { a: 1 }] },
  AWSURL: { valid: ['https://example.com/a?b=c', 'http://127.0.0.1:8080', 'mailto:a@b.com', 's3://bucket/key'], invalid: ['example.com', '/relative/path', 'http://', 'not a url', 3] },
  AWSPhone: { valid: ['+1 555 123 4567', '555-123-4567', '+44 (20) 7946 0958', '+12065551212'], invalid: ['phone', '+1 555 CALL', '12', '+1234567890123456789'] },
  AWSIPAddress: { valid: ['127.0.0.1', '10.0.0.0/8', '::1', '2001:db8::/32', '0.0.0.0/0'], invalid: ['256.0.0.1', '1.2.3', '10.0.0.0/33', '::1/129', 'localhost', '1.2.3.4/'] },
};

describe('AppSync scalars', () => {
  for (const [name, { valid, invalid }] of Object.entries(cases)) {
    const scalar = scalarImplementations[name as keyof typeof cases];
    it(`${name}: accepts ${valid.length} valid values, rejects ${invalid.length} invalid ones`, () => {
      for (const v of valid) expect(() => scalar.parseValue(v), `${name} ${JSON.stringify(v)}`).not.toThrow();
      for (const v of invalid) expect(() => scalar.parseValue(v), `${name} ${JSON.stringify(v)}`).toThrow(new RegExp(`Invalid ${name} value`));
    });
  }

  it('parses AWSJSON for resolvers and serializes objects back to JSON strings', () => {
    const json = scalarImplementations.AWSJSON;
    expect(json.parseValue('{"a":[1,2]}')).toEqual({ a: [1, 2] });
    expect(json.parseLiteral({ kind: Kind.STRING, value: '{"a":1}' }, undefined)).toEqual({ a: 1 });
    expect(json.serialize({ a: 1 })).toBe('{"a":1}');
    expect(json.serialize('{"a":1}')).toBe('{"a":1}');
  });

  it('checks literals too (a number is not an AWSDateTime, a string is not an AWSTimestamp)', () => {
    expect(() => scalarImplementations.AWSDateTime.parseLiteral({ kind: Kind.INT, value: '1' }, undefined)).toThrow(/Invalid AWSDateTime/);
    expect(() => scalarImplementations.AWSTimestamp.parseLiteral({ kind: Kind.STRING, value: '1' }, undefined)).toThrow(/Invalid AWSTimestamp/);
    expect(scalarImplementations.AWSTimestamp.parseLiteral({ kind: Kind.INT, value: '17' }, undefined)).toBe(17);
  });

  it('fails invalid output values (a resolver returning a bad AWSDateTime is a field error)', () => {
    expect(() => scalarImplementations.AWSDateTime.serialize('yesterday')).toThrow(/Invalid AWSDateTime/);
    expect(scalarImplementations.AWSDateTime.serialize(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
  });

  describe('through the server', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer();
    });
    afterAll(() => server.close());

    it('rejects an invalid AWSJSON variable and an invalid AWSURL literal before any resolver runs', async () => {
      const calls = server.runtime.calls.length;
      const query = 'mutation R($input: RegisterUserInput!) { registerUser(input: $input) { userId } }';
      const bad = await post(server.graphqlUrl, { query, variables: { input: { userId: 'a', image: {}, properties: '{nope' } } }, { 'x-api-key': API_KEY });
      expect(bad.status).toBe(400);
      expect(bad.body.errors![0]!.message).toMatch(/Invalid AWSJSON value/);
      const literal = await post(server.graphqlUrl, { query: 'mutation { registerUser(input: {userId: "a", image: {}, properties: "[1"}) { userId } }' }, { 'x-api-key': API_KEY });
      expect(literal.status).toBe(400);
      expect(literal.body.errors![0]!.message).toMatch(/^Validation error of type WrongType: .*Invalid AWSJSON value/);
      expect(server.runtime.calls.length).toBe(calls);
    });
  });
});
