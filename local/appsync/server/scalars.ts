/**
 * AppSync's scalars with the validation AppSync documents:
 * https://docs.aws.amazon.com/appsync/latest/devguide/scalars.html
 */
import { isIP } from 'node:net';
import { GraphQLError, GraphQLScalarType, Kind, type GraphQLSchema, type ValueNode } from 'graphql';

const OFFSET = '(?:Z|[+-]\\d{2}:\\d{2}(?::\\d{2})?)';
const DATE = '(\\d{4})-(\\d{2})-(\\d{2})';
const TIME = '(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.\\d{1,9})?)?';
const DATE_RE = new RegExp(`^${DATE}${OFFSET}?$`);
const TIME_RE = new RegExp(`^${TIME}${OFFSET}?$`);
const DATETIME_RE = new RegExp(`^${DATE}T${TIME}${OFFSET}$`);

const validDate = (y: string, m: string, d: string) => {
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
};
const validTime = (h: string, m: string, s: string | undefined) => Number(h) <= 23 && Number(m) <= 59 && (s === undefined || Number(s) <= 59);

const validators: Record<string, (value: string) => boolean> = {
  AWSDate: (v) => {
    const m = DATE_RE.exec(v);
    return !!m && validDate(m[1]!, m[2]!, m[3]!);
  },
  AWSTime: (v) => {
    const m = TIME_RE.exec(v);
    return !!m && validTime(m[1]!, m[2]!, m[3]);
  },
  AWSDateTime: (v) => {
    const m = DATETIME_RE.exec(v);
    return !!m && validDate(m[1]!, m[2]!, m[3]!) && validTime(m[4]!, m[5]!, m[6]);
  },
  AWSEmail: (v) => /^[^\s@"(),:;<>[\\\]]+@[^\s@"(),:;<>[\\\]]+$/.test(v) && !v.endsWith('.') && !/@\./.test(v),
  AWSURL: (v) => {
    if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/.test(v)) return false;
    try {
      new URL(v);
      return true;
    } catch {
      return false;
    }
  },
  AWSPhone: (v) => {
    if (!/^\+?[\d\s().-]+$/.test(v)) return false;
    const digits = v.replace(/\D/g, '').length;
    return digits >= 3 && digits <= 15;
  },
  AWSIPAddress: (v) => {
    const [address, prefix, ...rest] = v.split('/');
    if (rest.length > 0 || !address) return false;
    const family = isIP(address);
    if (family === 0) return false;
    if (prefix === undefined) return true;
    return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
  },
};

const invalid = (name: string, value: unknown, node?: ValueNode) =>
  new GraphQLError(`Invalid ${name} value: ${JSON.stringify(value) ?? String(value)}`, node ? { nodes: node } : undefined);

function stringScalar(name: string): Pick<GraphQLScalarType, 'serialize' | 'parseValue' | 'parseLiteral'> {
  const check = validators[name]!;
  const accept = (value: unknown, node?: ValueNode): string => {
    if (typeof value !== 'string' || !check(value)) throw invalid(name, value, node);
    return value;
  };
  return {
    serialize: (value) => accept(value instanceof Date ? value.toISOString() : value),
    parseValue: (value) => accept(value),
    parseLiteral: (node) => {
      if (node.kind !== Kind.STRING) throw invalid(name, node.kind === Kind.NULL ? null : (node as { value?: unknown }).value, node);
      return accept(node.value, node);
    },
  };
}

const timestamp: Pick<GraphQLScalarType, 'serialize' | 'parseValue' | 'parseLiteral'> = {
  serialize: (value) => {
    const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw invalid('AWSTimestamp', value);
    return n;
  },
  parseValue: (value) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalid('AWSTimestamp', value);
    return value;
  },
  parseLiteral: (node) => {
    if (node.kind !== Kind.INT) throw invalid('AWSTimestamp', (node as { value?: unknown }).value ?? null, node);
    const n = Number(node.value);
    if (!Number.isSafeInteger(n)) throw invalid('AWSTimestamp', node.value, node);
    return n;
  },
};

/** AWSJSON: a JSON string on the wire, parsed for resolvers, stringified on the way out. */
const json: Pick<GraphQLScalarType, 'serialize' | 'parseValue' | 'parseLiteral'> = {
  serialize: (value) => {
    if (typeof value === 'string') {
      try {
        JSON.parse(value);
        return value;
      } catch {
        return JSON.stringify(value);
      }
    }
    return JSON.stringify(value);
  },
  parseValue: (value) => {
    if (typeof value !== 'string') throw invalid('AWSJSON', value);
    try {
      return JSON.parse(value) as unknown;
    } catch {
      throw invalid('AWSJSON', value);
    }
  },
  parseLiteral: (node) => {
    if (node.kind !== Kind.STRING) throw invalid('AWSJSON', (node as { value?: unknown }).value ?? null, node);
    try {
      return JSON.parse(node.value) as unknown;
    } catch {
      throw invalid('AWSJSON', node.value, node);
    }
  },
};

export const APPSYNC_SCALARS = ['AWSDate', 'AWSTime', 'AWSDateTime', 'AWSTimestamp', 'AWSEmail', 'AWSJSON', 'AWSURL', 'AWSPhone', 'AWSIPAddress'] as const;

export const scalarImplementations: Record<(typeof APPSYNC_SCALARS)[number], Pick<GraphQLScalarType, 'serialize' | 'parseValue' | 'parseLiteral'>> = {
  AWSDate: stringScalar('AWSDate'),
  AWSTime: stringScalar('AWSTime'),
  AWSDateTime: stringScalar('AWSDateTime'),
  AWSTimestamp: timestamp,
  AWSEmail: stringScalar('AWSEmail'),
  AWSJSON: json,
  AWSURL: stringScalar('AWSURL'),
  AWSPhone: stringScalar('AWSPhone'),
  AWSIPAddress: stringScalar('AWSIPAddress'),
};

/** Give the schema's AppSync scalars their behaviour (in place). */
export function installScalars(schema: GraphQLSchema): void {
  for (const name of APPSYNC_SCALARS) {
    const type = schema.getType(name);
    if (type instanceof GraphQLScalarType) Object.assign(type, scalarImplementations[name]);
  }
}
