/**
 * Runs INSIDE the APPSYNC_JS sandbox (a node:vm context), bundled by esbuild into one script at
 * runtime start: `@aws-appsync/utils` (util, runtime, extensions) as AppSync documents it, the
 * module registry the resolver bundles are loaded into, and the dispatcher the host drives.
 *
 * Nothing here may touch Node: the context has no require, process, Buffer or fetch. The host
 * lends three functions (random bytes, log, clock-free) that take and return primitives only,
 * so no host-realm object ever reaches resolver code. Values cross the boundary as JSON strings.
 */

interface HostBridge {
  randomHex(bytes: number): string;
  log(level: string, line: string): void;
}

declare const __facegateHost: HostBridge;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = Record<string, unknown>;

const host: HostBridge = __facegateHost;

class UtilError {
  constructor(
    readonly message: string,
    readonly errorType: string | null,
    readonly data: unknown,
    readonly errorInfo: unknown,
  ) {}
}

class EarlyReturn {
  constructor(
    readonly value: unknown,
    readonly skipTo: 'END' | 'NEXT' | null,
  ) {}
}

interface FieldErrorOut {
  message: string;
  errorType: string | null;
  data: unknown;
  errorInfo: unknown;
}

interface Invocation {
  ctx: Obj;
  errors: FieldErrorOut[];
  subscriptionFilter: unknown;
  invalidationFilter: unknown;
  invalidations: unknown[];
  evictions: unknown[];
}

let current: Invocation | null = null;

function active(): Invocation {
  if (current === null) throw new Error('@aws-appsync/utils used outside a handler');
  return current;
}

const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const asText = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

// ---------------------------------------------------------------- ids and encodings

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function autoId(): string {
  const h = host.randomHex(16).split('');
  h[12] = '4';
  h[16] = '89ab'[parseInt(h[16] ?? '0', 16) & 3] ?? '8';
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

function autoUlid(): string {
  let time = Date.now();
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[time % 32] + out;
    time = Math.floor(time / 32);
  }
  const rnd = BigInt('0x' + host.randomHex(10));
  let rest = '';
  let r = rnd;
  for (let i = 0; i < 16; i++) {
    rest = CROCKFORD[Number(r % 32n)] + rest;
    r = r / 32n;
  }
  return out + rest;
}

function autoKsuid(): string {
  const ts = Math.floor(Date.now() / 1000) - 1400000000;
  let n = BigInt('0x' + ts.toString(16).padStart(8, '0') + host.randomHex(16));
  let out = '';
  for (let i = 0; i < 27; i++) {
    out = BASE62[Number(n % 62n)] + out;
    n = n / 62n;
  }
  return out;
}

function utf8Bytes(s: string): number[] {
  const bin = unescape(encodeURIComponent(s));
  const out: number[] = [];
  for (let i = 0; i < bin.length; i++) out.push(bin.charCodeAt(i));
  return out;
}

function base64Encode(s: string): string {
  const b = utf8Bytes(asText(s));
  let out = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = ((b[i] ?? 0) << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    out += BASE64[(n >> 18) & 63]! + BASE64[(n >> 12) & 63]!;
    out += i + 1 < b.length ? BASE64[(n >> 6) & 63]! : '=';
    out += i + 2 < b.length ? BASE64[n & 63]! : '=';
  }
  return out;
}

function base64Decode(s: string): string {
  const clean = asText(s).replace(/[^A-Za-z0-9+/]/g, '');
  let bin = '';
  for (let i = 0; i < clean.length; i += 4) {
    const c = [0, 1, 2, 3].map((k) => BASE64.indexOf(clean[i + k] ?? 'A'));
    const n = (c[0]! << 18) | (c[1]! << 12) | (c[2]! << 6) | c[3]!;
    bin += String.fromCharCode((n >> 16) & 255);
    if (i + 2 < clean.length) bin += String.fromCharCode((n >> 8) & 255);
    if (i + 3 < clean.length) bin += String.fromCharCode(n & 255);
  }
  return decodeURIComponent(escape(bin));
}

/** Java's URLEncoder (application/x-www-form-urlencoded, UTF-8): space → '+', keeps a-zA-Z0-9 . - * _ */
function urlEncode(s: string): string {
  return encodeURIComponent(asText(s))
    .replace(/[!'()~]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
    .replace(/%20/g, '+');
}

function urlDecode(s: string): string {
  return decodeURIComponent(asText(s).replace(/\+/g, ' '));
}

/** Apache StringEscapeUtils.escapeEcmaScript, which AppSync's escapeJavaScript follows. */
function escapeJavaScript(s: string): string {
  let out = '';
  for (const ch of asText(s)) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\' || ch === '"' || ch === "'" || ch === '/') out += '\\' + ch;
    else if (ch === '\b') out += '\\b';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\r') out += '\\r';
    else if (code < 32 || code > 0x7e) {
      const units = code > 0xffff ? [ch.charCodeAt(0), ch.charCodeAt(1)] : [code];
      out += units.map((u) => '\\u' + u.toString(16).toUpperCase().padStart(4, '0')).join('');
    } else out += ch;
  }
  return out;
}

// ---------------------------------------------------------------- time

const pad = (n: number, w: number): string => String(Math.abs(n)).padStart(w, '0');

/** Offset of `zone` from UTC at `ms`, in minutes (IANA names through Intl, or UTC). */
function zoneOffsetMinutes(ms: number, zone: string | undefined): number {
  if (!zone || zone === 'UTC' || zone === 'Z' || zone === 'GMT') return 0;
  const fixed = /^(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})?$/.exec(zone);
  if (fixed) return (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3] ?? 0));
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(ms));
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - (ms - (ms % 1000))) / 60000);
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The common subset of Java DateTimeFormatter patterns: y M d H h m s S a E Z X x and 'quoted'. */
function formatTime(ms: number, format: string, zone?: string): string {
  const offset = zoneOffsetMinutes(ms, zone);
  const d = new Date(ms + offset * 60000);
  const offsetText = (colon: boolean, zUtc: boolean): string => {
    if (offset === 0 && zUtc) return 'Z';
    const sign = offset < 0 ? '-' : '+';
    return sign + pad(Math.floor(Math.abs(offset) / 60), 2) + (colon ? ':' : '') + pad(Math.abs(offset) % 60, 2);
  };
  let out = '';
  let i = 0;
  while (i < format.length) {
    const ch = format[i]!;
    if (ch === "'") {
      const end = format.indexOf("'", i + 1);
      const lit = end === -1 ? format.slice(i + 1) : format.slice(i + 1, end);
      out += lit === '' ? "'" : lit;
      i = end === -1 ? format.length : end + 1;
      continue;
    }
    let n = 1;
    while (format[i + n] === ch) n++;
    i += n;
    switch (ch) {
      case 'y':
      case 'u':
        out += n === 2 ? pad(d.getUTCFullYear() % 100, 2) : pad(d.getUTCFullYear(), n);
        break;
      case 'M':
        out += n >= 4 ? MONTHS[d.getUTCMonth()] : n === 3 ? MONTHS[d.getUTCMonth()]!.slice(0, 3) : pad(d.getUTCMonth() + 1, n);
        break;
      case 'd':
        out += pad(d.getUTCDate(), n);
        break;
      case 'H':
        out += pad(d.getUTCHours(), n);
        break;
      case 'h':
        out += pad(d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12, n);
        break;
      case 'm':
        out += pad(d.getUTCMinutes(), n);
        break;
      case 's':
        out += pad(d.getUTCSeconds(), n);
        break;
      case 'S':
        out += pad(d.getUTCMilliseconds(), 3).slice(0, n).padEnd(n, '0');
        break;
      case 'a':
        out += d.getUTCHours() < 12 ? 'AM' : 'PM';
        break;
      case 'E':
        out += n >= 4 ? DAYS[d.getUTCDay()] : DAYS[d.getUTCDay()]!.slice(0, 3);
        break;
      case 'Z':
        out += offsetText(n >= 4, false);
        break;
      case 'X':
        out += offsetText(n >= 3, true);
        break;
      case 'x':
        out += offsetText(n >= 3, false);
        break;
      default:
        out += ch.repeat(n);
    }
  }
  return out;
}

/** Inverse of formatTime for numeric fields (y M d H m s S, offsets); zone when the text has none. */
function parseFormatted(text: string, format: string, zone?: string): number {
  const parts: Record<string, number> = { y: 1970, M: 1, d: 1, H: 0, m: 0, s: 0, S: 0 };
  let offset: number | null = null;
  let pos = 0;
  let i = 0;
  while (i < format.length) {
    const ch = format[i]!;
    if (ch === "'") {
      const end = format.indexOf("'", i + 1);
      const lit = end === -1 ? format.slice(i + 1) : format.slice(i + 1, end);
      pos += lit.length;
      i = end === -1 ? format.length : end + 1;
      continue;
    }
    let n = 1;
    while (format[i + n] === ch) n++;
    i += n;
    if ('yuMdHhmsS'.includes(ch)) {
      const m = /^\d+/.exec(text.slice(pos, pos + (ch === 'y' || ch === 'u' ? Math.max(n, 4) : Math.max(n, 2))));
      if (!m) throw new Error(`Text '${text}' could not be parsed`);
      parts[ch === 'u' ? 'y' : ch === 'h' ? 'H' : ch] = Number(m[0]) * (ch === 'S' ? 10 ** (3 - m[0].length) : 1);
      pos += m[0].length;
    } else if (ch === 'Z' || ch === 'X' || ch === 'x') {
      const m = /^(?:Z|([+-])(\d{2}):?(\d{2}))/.exec(text.slice(pos));
      if (!m) throw new Error(`Text '${text}' could not be parsed`);
      offset = m[0] === 'Z' ? 0 : (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
      pos += m[0].length;
    } else {
      pos += n;
    }
  }
  const local = Date.UTC(parts.y!, parts.M! - 1, parts.d!, parts.H!, parts.m!, parts.s!, parts.S!);
  return local - (offset ?? zoneOffsetMinutes(local, zone)) * 60000;
}

const time = {
  nowISO8601: (): string => new Date().toISOString(),
  nowEpochSeconds: (): number => Math.floor(Date.now() / 1000),
  nowEpochMilliSeconds: (): number => Date.now(),
  nowFormatted: (format: string, zone?: string): string => formatTime(Date.now(), format, zone),
  parseFormattedToEpochMilliSeconds: (text: string, format: string, zone?: string): number => parseFormatted(text, format, zone),
  parseISO8601ToEpochMilliSeconds: (text: string): number => {
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) throw new Error(`Text '${text}' could not be parsed as ISO 8601`);
    return ms;
  },
  epochMilliSecondsToSeconds: (ms: number): number => Math.floor(ms / 1000),
  epochMilliSecondsToISO8601: (ms: number): string => new Date(ms).toISOString(),
  epochMilliSecondsToFormatted: (ms: number, format: string, zone?: string): string => formatTime(ms, format, zone),
};

// ---------------------------------------------------------------- util.dynamodb

type AttributeValue = Record<string, unknown>;

function toDynamoDB(value: unknown): AttributeValue {
  if (value === null || value === undefined) return { NULL: null };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: value };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map((v) => toDynamoDB(v)) };
  if (typeof value === 'object') return { M: toMapValues(value as Obj) };
  throw new Error('util.dynamodb.toDynamoDB: unsupported value of type ' + typeof value);
}

function toMapValues(value: Obj): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const k of Object.keys(value)) {
    if (value[k] !== undefined) out[k] = toDynamoDB(value[k]);
  }
  return out;
}

function s3Json(key: string, bucket: string, region: string, version?: string): string {
  const s3: Obj = { key, bucket, region };
  if (version !== undefined) s3.version = version;
  return JSON.stringify({ s3 });
}

const dynamodb = {
  toDynamoDB,
  toMapValues,
  toString: (s: string): AttributeValue => ({ S: s }),
  toStringSet: (l: string[]): AttributeValue => ({ SS: l }),
  toNumber: (n: number): AttributeValue => ({ N: n }),
  toNumberSet: (l: number[]): AttributeValue => ({ NS: l }),
  toBinary: (b: string): AttributeValue => ({ B: b }),
  toBinarySet: (l: string[]): AttributeValue => ({ BS: l }),
  toBoolean: (b: boolean): AttributeValue => ({ BOOL: b }),
  toNull: (): AttributeValue => ({ NULL: null }),
  toList: (l: unknown[]): AttributeValue => ({ L: l.map((v) => toDynamoDB(v)) }),
  toMap: (m: Obj): AttributeValue => ({ M: toMapValues(m) }),
  toS3Object: (key: string, bucket: string, region: string, version?: string): AttributeValue => ({ S: s3Json(key, bucket, region, version) }),
  fromS3ObjectJson: (json: string): unknown => {
    const parsed = JSON.parse(json) as { s3?: unknown };
    return parsed.s3;
  },
};

// ---------------------------------------------------------------- util.transform

const COMPARISONS: Record<string, string> = { eq: '=', ne: '<>', le: '<=', lt: '<', ge: '>=', gt: '>' };
const ATTRIBUTE_TYPES: Record<string, string> = {
  null: 'NULL', string: 'S', stringSet: 'SS', number: 'N', numberSet: 'NS', binary: 'B', binarySet: 'BS', boolean: 'BOOL', list: 'L', map: 'M',
};

class Unrenderable {}

interface Rendered {
  names: Record<string, string>;
  values: Record<string, AttributeValue>;
}

function renderOperators(path: string, valueName: string, ops: unknown, out: Rendered, allowSize: boolean): string[] {
  if (!isObj(ops)) throw new Unrenderable();
  const parts: string[] = [];
  for (const op of Object.keys(ops)) {
    const v = ops[op];
    const name = `:${valueName}_${op}`;
    if (Object.prototype.hasOwnProperty.call(COMPARISONS, op)) {
      out.values[name] = toDynamoDB(v);
      parts.push(`(${path} ${COMPARISONS[op]} ${name})`);
    } else if (op === 'contains' || op === 'notContains' || op === 'beginsWith') {
      out.values[name] = toDynamoDB(v);
      const fn = op === 'beginsWith' ? 'begins_with' : 'contains';
      parts.push(`(${op === 'notContains' ? 'NOT ' : ''}${fn}(${path},${name}))`);
    } else if (op === 'between') {
      if (!Array.isArray(v) || v.length < 2) throw new Unrenderable();
      out.values[name + '_start'] = toDynamoDB(v[0]);
      out.values[name + '_end'] = toDynamoDB(v[1]);
      parts.push(`(${path} BETWEEN ${name}_start AND ${name}_end)`);
    } else if (op === 'in') {
      if (!Array.isArray(v)) throw new Unrenderable();
      if (v.length === 0) {
        parts.push('(null)');
        continue;
      }
      const names = v.map((item, i) => {
        out.values[`${name}_${i}`] = toDynamoDB(item);
        return `${name}_${i}`;
      });
      parts.push(`(${path} IN (${names.join(', ')}))`);
    } else if (op === 'attributeExists') {
      if (typeof v !== 'boolean') throw new Unrenderable();
      parts.push(`(${v ? 'attribute_exists' : 'attribute_not_exists'}(${path}))`);
    } else if (op === 'attributeType') {
      const code = typeof v === 'string' && Object.prototype.hasOwnProperty.call(ATTRIBUTE_TYPES, v) ? ATTRIBUTE_TYPES[v] : undefined;
      if (!code) throw new Unrenderable();
      out.values[name] = { S: code };
      parts.push(`(attribute_type(${path},${name}))`);
    } else if (op === 'size' && allowSize) {
      parts.push(...renderOperators(`size(${path})`, `${valueName}_size`, v, out, false));
    } else {
      throw new Unrenderable();
    }
  }
  return parts;
}

function renderFilter(filter: unknown, prefix: string, out: Rendered): string {
  if (!isObj(filter)) throw new Unrenderable();
  const parts: string[] = [];
  for (const key of Object.keys(filter)) {
    const v = filter[key];
    if (key === 'and' || key === 'or') {
      if (!Array.isArray(v)) throw new Unrenderable();
      const members = v.map((m, i) => renderFilter(m, `${prefix}${key}_${i}_`, out));
      if (members.length === 0) continue;
      parts.push(members.length === 1 ? members[0]! : '(' + members.join(key === 'and' ? ' AND ' : ' OR ') + ')');
    } else if (key === 'not') {
      if (!Array.isArray(v)) throw new Unrenderable();
      const members = v.map((m) => renderFilter(m, `${prefix}not_`, out));
      parts.push('(NOT ' + members.join(' AND ') + ')');
    } else {
      out.names['#' + key] = key;
      const ops = renderOperators('#' + key, prefix + key, v, out, true);
      if (ops.length === 1) parts.push(ops[0]!);
      else if (ops.length > 1) parts.push('(' + ops.join(' AND ') + ')');
    }
  }
  return parts.join(' AND ');
}

/** util.transform.toDynamoDBFilterExpression / toDynamoDBConditionExpression: a JSON string, or null. */
function toDynamoDBExpression(filter: unknown): string | null {
  const out: Rendered = { names: {}, values: {} };
  try {
    const expression = renderFilter(filter, '', out);
    return JSON.stringify({ expression, expressionNames: out.names, expressionValues: out.values });
  } catch (e) {
    if (e instanceof Unrenderable) return null;
    throw e;
  }
}

interface FilterRule {
  fieldName: string;
  operator: string;
  value: unknown;
}

type Alternatives = FilterRule[][];

function product(a: Alternatives, b: Alternatives): Alternatives {
  const out: Alternatives = [];
  for (const x of a) for (const y of b) out.push(x.concat(y));
  return out;
}

/** Each key of a filter object is a list of alternatives; the object is their product. */
function subscriptionAlternatives(filter: unknown, ignored: string[]): Alternatives {
  if (!isObj(filter)) return [];
  let acc: Alternatives = [[]];
  for (const key of Object.keys(filter)) {
    const v = filter[key];
    let alts: Alternatives;
    if (key === 'and' && Array.isArray(v)) {
      alts = v.reduce<Alternatives>((a, m) => product(a, subscriptionAlternatives(m, ignored)), [[]]);
    } else if (key === 'or' && Array.isArray(v)) {
      alts = v.flatMap((m) => subscriptionAlternatives(m, ignored));
    } else if (ignored.indexOf(key) !== -1) {
      continue;
    } else {
      alts = isObj(v) ? Object.keys(v).map((op) => [{ fieldName: key, operator: op, value: clone(v[op]) }]) : [];
    }
    acc = product(acc, alts);
  }
  return acc;
}

function toSubscriptionFilter(filter: unknown, ignoredFields?: string[], rules?: unknown): { filterGroup: { filters: FilterRule[] }[] } | null {
  if (!isObj(filter)) return null;
  const ignored = Array.isArray(ignoredFields) ? ignoredFields.map(String) : [];
  let groups = subscriptionAlternatives(filter, ignored);
  if (isObj(rules)) {
    const ruleAlts = Object.keys(rules).flatMap((k) => {
      const ops = rules[k];
      return isObj(ops) ? Object.keys(ops).map((op) => [{ fieldName: k, operator: op, value: clone(ops[op]) }]) : [];
    });
    if (ruleAlts.length > 0) groups = product(groups, ruleAlts);
  }
  return { filterGroup: groups.filter((g) => g.length > 0).map((filters) => ({ filters })) };
}

// ---------------------------------------------------------------- the module

const typeOf = (v: unknown): string => {
  if (v === null || v === undefined) return 'Null';
  if (Array.isArray(v)) return 'List';
  if (typeof v === 'number') return 'Number';
  if (typeof v === 'string') return 'String';
  if (typeof v === 'boolean') return 'Boolean';
  return 'Map';
};
const isNull = (v: unknown): boolean => v === null || v === undefined;
const isNullOrEmpty = (v: unknown): boolean => isNull(v) || v === '';
const isNullOrBlank = (v: unknown): boolean => isNull(v) || (typeof v === 'string' && v.trim() === '');

const util = {
  error(message: string, errorType?: string, data?: unknown, errorInfo?: unknown): never {
    throw new UtilError(asText(message), errorType ?? null, clone(data) ?? null, clone(errorInfo) ?? null);
  },
  appendError(message: string, errorType?: string, data?: unknown, errorInfo?: unknown): void {
    active().errors.push({ message: asText(message), errorType: errorType ?? null, data: clone(data) ?? null, errorInfo: clone(errorInfo) ?? null });
  },
  unauthorized(): never {
    throw new UtilError('Unauthorized', 'Unauthorized', null, null);
  },
  autoId,
  autoUlid,
  autoKsuid,
  matches(pattern: string, value: string): boolean {
    return new RegExp('^(?:' + pattern + ')$').test(asText(value));
  },
  escapeJavaScript,
  urlEncode,
  urlDecode,
  base64Encode,
  base64Decode,
  isNull,
  isNullOrEmpty,
  isNullOrBlank,
  defaultIfNull: <T>(v: T, d: T): T => (isNull(v) ? d : v),
  defaultIfNullOrEmpty: <T>(v: T, d: T): T => (isNullOrEmpty(v) ? d : v),
  defaultIfNullOrBlank: <T>(v: T, d: T): T => (isNullOrBlank(v) ? d : v),
  isString: (v: unknown): boolean => typeof v === 'string',
  isNumber: (v: unknown): boolean => typeof v === 'number',
  isBoolean: (v: unknown): boolean => typeof v === 'boolean',
  isList: (v: unknown): boolean => Array.isArray(v),
  isMap: (v: unknown): boolean => isObj(v),
  typeOf,
  time,
  dynamodb,
  transform: {
    toDynamoDBFilterExpression: toDynamoDBExpression,
    toDynamoDBConditionExpression: toDynamoDBExpression,
    toSubscriptionFilter,
  },
  str: {
    toUpper: (s: string): string => asText(s).toUpperCase(),
    toLower: (s: string): string => asText(s).toLowerCase(),
    toReplace: (s: string, find: string, replace: string): string => asText(s).split(find).join(replace),
    normalize: (s: string, form: string): string => asText(s).normalize(asText(form).toUpperCase()),
  },
  math: {
    roundNum: (n: number): number => Math.round(n),
    minVal: (a: number, b: number): number => Math.min(a, b),
    maxVal: (a: number, b: number): number => Math.max(a, b),
    randomDouble: (): number => Math.random(),
    randomWithinRange: (start: number, end: number): number => start + Math.floor(Math.random() * (end - start + 1)),
  },
};

const runtime = {
  earlyReturn(value?: unknown, options?: { skipTo?: 'END' | 'NEXT' }): never {
    throw new EarlyReturn(value, options?.skipTo ?? null);
  },
};

const extensions = {
  setSubscriptionFilter(filter: unknown): void {
    active().subscriptionFilter = clone(filter);
  },
  setSubscriptionInvalidationFilter(filter: unknown): void {
    active().invalidationFilter = clone(filter);
  },
  invalidateSubscriptions(obj: unknown): void {
    active().invalidations.push(clone(obj));
  },
  evictFromApiCache(typeName: string, fieldName: string, keys: unknown): void {
    active().evictions.push(clone({ typeName, fieldName, keys }));
  },
};

const utilsModule = Object.freeze({ util, runtime, extensions });

// ---------------------------------------------------------------- modules and dispatch

type Factory = (require: (id: string) => unknown, module: { exports: Obj }, exports: Obj) => void;
const modules: Record<string, Obj> = {};

function requireModule(id: string): unknown {
  if (id === '@aws-appsync/utils') return utilsModule;
  throw new Error(`Cannot find module '${id}': APPSYNC_JS provides only @aws-appsync/utils`);
}

const invocations: Record<string, Invocation> = {};

function format(v: unknown): string {
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

const console = {
  log: (...a: unknown[]): void => host.log('INFO', a.map(format).join(' ')),
  info: (...a: unknown[]): void => host.log('INFO', a.map(format).join(' ')),
  debug: (...a: unknown[]): void => host.log('DEBUG', a.map(format).join(' ')),
  warn: (...a: unknown[]): void => host.log('WARN', a.map(format).join(' ')),
  error: (...a: unknown[]): void => host.log('ERROR', a.map(format).join(' ')),
};

interface Patch {
  prev?: { result: Json };
  result?: Json;
  error?: { message: string; type: string } | null;
  clearResult?: boolean;
}

const api = {
  define(code: string, factory: Factory): void {
    const module = { exports: {} as Obj };
    factory(requireModule, module, module.exports);
    modules[code] = module.exports;
  },
  has(code: string, handler: string): boolean {
    return typeof modules[code]?.[handler] === 'function';
  },
  begin(id: string, ctxJson: string): void {
    const init = JSON.parse(ctxJson) as Obj;
    const args = (init.arguments ?? {}) as Obj;
    const ctx: Obj = {
      arguments: args,
      args,
      identity: init.identity,
      source: init.source,
      stash: isObj(init.stash) ? init.stash : {},
      prev: { result: undefined },
      info: init.info,
      request: init.request,
      env: init.env ?? {},
    };
    invocations[id] = { ctx, errors: [], subscriptionFilter: undefined, invalidationFilter: undefined, invalidations: [], evictions: [] };
  },
  /** Runs one handler; answers a JSON outcome: value, error (util.error), early (runtime.earlyReturn) or crash. */
  run(id: string, code: string, handler: string, patchJson: string): string {
    const inv = invocations[id];
    if (!inv) throw new Error('no invocation ' + id);
    const patch = JSON.parse(patchJson) as Patch;
    const ctx = inv.ctx;
    if (patch.prev) ctx.prev = patch.prev;
    if (patch.clearResult) {
      delete ctx.result;
      delete ctx.error;
    }
    if ('result' in patch) ctx.result = patch.result;
    if (patch.error) ctx.error = patch.error;
    const fn = modules[code]?.[handler];
    if (typeof fn !== 'function') {
      return JSON.stringify({ kind: 'crash', name: 'Error', message: `${code} does not export ${handler}` });
    }
    current = inv;
    try {
      const value = (fn as (c: Obj) => unknown)(ctx);
      return JSON.stringify({ kind: 'value', value: value === undefined ? null : value });
    } catch (e) {
      if (e instanceof UtilError) {
        return JSON.stringify({ kind: 'error', error: { message: e.message, errorType: e.errorType, data: e.data, errorInfo: e.errorInfo } });
      }
      if (e instanceof EarlyReturn) {
        return JSON.stringify({ kind: 'early', value: e.value === undefined ? null : e.value, skipTo: e.skipTo });
      }
      const err = e as { name?: unknown; message?: unknown };
      return JSON.stringify({
        kind: 'crash',
        name: typeof err?.name === 'string' ? err.name : 'Error',
        message: typeof err?.message === 'string' ? err.message : String(e),
      });
    } finally {
      current = null;
    }
  },
  stash(id: string): string {
    return JSON.stringify(invocations[id]?.ctx.stash ?? {});
  },
  end(id: string): string {
    const inv = invocations[id];
    delete invocations[id];
    if (!inv) return '{}';
    return JSON.stringify({
      errors: inv.errors,
      subscriptionFilter: inv.subscriptionFilter ?? null,
      invalidationFilter: inv.invalidationFilter ?? null,
      invalidations: inv.invalidations,
      evictions: inv.evictions,
    });
  },
};

Object.defineProperty(globalThis, '__facegate', { value: Object.freeze(api), enumerable: false, writable: false, configurable: false });
Object.defineProperty(globalThis, 'console', { value: Object.freeze(console), enumerable: false, writable: false, configurable: false });
delete (globalThis as { __facegateHost?: unknown }).__facegateHost;
export {};
