/**
 * The fault spec of `npm start -- --faults <spec>` (or FACEGATE_FAULTS): which calls to the local
 * Rekognition, DynamoDB and S3 endpoints fail or slow down, and how often.
 *
 *   spec   := item ("," item)*
 *   item   := target "=" effect ["@" when]  |  "seed=" integer
 *   target := service [":" operation]        service: rekognition | dynamodb | s3 | *
 *                                             operation: an API name (IndexFaces, PutItem,
 *                                             HeadObject…) or *; default *
 *   effect := throttle                        the service's throttling error
 *           | error                           the service's internal error
 *           | <AWS error name>                one of the service's (see ERRORS)
 *           | slow:<ms>                       hold the request <ms> before it reaches the service
 *   when   := <p> | <p>%                      at random with probability p (seeded: reproducible)
 *           | first:<n>                       the first n matching calls
 *           | every:<n>                       every n-th matching call
 *           (default: every matching call)
 *
 * e.g. `rekognition:IndexFaces=throttle@first:2,dynamodb:PutItem=error@25%,s3=slow:3000,seed=7`.
 * Items are tried in order; the first whose target matches and whose `when` fires applies.
 */

import { seededRandom } from './random';

export const SERVICES = ['rekognition', 'dynamodb', 's3'] as const;
export type Service = (typeof SERVICES)[number];

/** The error names each service really answers for throttling and internal failures. */
export const ERRORS: Record<Service, readonly string[]> = {
  rekognition: ['ThrottlingException', 'ProvisionedThroughputExceededException', 'InternalServerError'],
  dynamodb: ['ThrottlingException', 'ProvisionedThroughputExceededException', 'InternalServerError'],
  s3: ['SlowDown', 'InternalError'],
};
const ALIASES: Record<'throttle' | 'error', Record<Service, string>> = {
  throttle: { rekognition: 'ThrottlingException', dynamodb: 'ProvisionedThroughputExceededException', s3: 'SlowDown' },
  error: { rekognition: 'InternalServerError', dynamodb: 'InternalServerError', s3: 'InternalError' },
};

/** Operation names a target may name (what ./operations.ts reads off the wire). */
export const OPERATIONS: Record<Service, readonly string[]> = {
  rekognition: [
    'CreateCollection', 'DeleteCollection', 'DescribeCollection', 'ListCollections', 'DetectFaces', 'CompareFaces', 'IndexFaces',
    'ListFaces', 'DeleteFaces', 'SearchFaces', 'SearchFacesByImage', 'CreateUser', 'DeleteUser', 'ListUsers', 'AssociateFaces',
    'DisassociateFaces', 'SearchUsers', 'SearchUsersByImage',
  ],
  dynamodb: [
    'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'BatchGetItem', 'BatchWriteItem', 'TransactGetItems',
    'TransactWriteItems', 'CreateTable', 'DescribeTable', 'DeleteTable', 'UpdateTable', 'ListTables', 'DescribeTimeToLive', 'UpdateTimeToLive',
  ],
  s3: [
    'HeadObject', 'GetObject', 'PutObject', 'CopyObject', 'DeleteObject', 'DeleteObjects', 'ListObjectsV2', 'ListObjects', 'HeadBucket',
    'CreateBucket', 'DeleteBucket', 'ListBuckets', 'CreateMultipartUpload', 'UploadPart', 'CompleteMultipartUpload', 'AbortMultipartUpload',
    'PutBucketCors', 'GetBucketCors', 'Preflight',
  ],
};

export type Effect = { kind: 'error'; name: string | 'throttle' | 'error' } | { kind: 'slow'; ms: number };
export type When = { kind: 'always' } | { kind: 'rate'; p: number } | { kind: 'first'; n: number } | { kind: 'every'; n: number };

export interface FaultRule {
  service: Service | '*';
  operation: string;
  effect: Effect;
  when: When;
  /** The item as written, for logs and errors. */
  text: string;
}

export interface FaultSpec {
  rules: FaultRule[];
  seed: number;
  /** The spec as written. */
  text: string;
}

export class FaultSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultSpecError';
  }
}

const DEFAULT_SEED = 1;

export function parseFaultSpec(text: string): FaultSpec {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  const rules: FaultRule[] = [];
  let seed = DEFAULT_SEED;
  for (const item of items) {
    const seedMatch = /^seed=(\d+)$/.exec(item);
    if (seedMatch) {
      seed = Number(seedMatch[1]);
      continue;
    }
    rules.push(parseRule(item));
  }
  return { rules, seed, text: items.join(',') };
}

function parseRule(item: string): FaultRule {
  const bad = (why: string): never => {
    throw new FaultSpecError(`fault "${item}": ${why} (expected service[:Operation]=throttle|error|<ErrorName>|slow:<ms>[@<p>|<p>%|first:<n>|every:<n>])`);
  };
  const eq = item.indexOf('=');
  if (eq <= 0) bad('no "="');
  const [serviceText, operation = '*', ...extra] = item.slice(0, eq).split(':');
  if (extra.length > 0) bad('too many ":" in the target');
  const service = serviceText === '*' ? '*' : (SERVICES as readonly string[]).includes(serviceText!) ? (serviceText as Service) : bad(`unknown service "${serviceText}" (rekognition, dynamodb, s3 or *)`);
  if (operation !== '*') {
    const services = service === '*' ? SERVICES : [service];
    if (!services.some((s) => OPERATIONS[s].includes(operation))) bad(`unknown operation "${operation}" for ${service}`);
  }
  const [effectText, whenText, ...rest] = item.slice(eq + 1).split('@');
  if (rest.length > 0) bad('too many "@"');
  return { service, operation, effect: parseEffect(effectText ?? '', service, bad), when: whenText === undefined ? { kind: 'always' } : parseWhen(whenText, bad), text: item };
}

function parseEffect(text: string, service: Service | '*', bad: (why: string) => never): Effect {
  if (text === 'throttle' || text === 'error') return { kind: 'error', name: text };
  const slow = /^slow:(\d+)$/.exec(text);
  if (slow) return { kind: 'slow', ms: Number(slow[1]) };
  if (service === '*') return bad(`"${text}": with service * use throttle, error or slow:<ms>`);
  if (!ERRORS[service].includes(text)) return bad(`"${text}" is not a ${service} error here (${ERRORS[service].join(', ')}, throttle, error, slow:<ms>)`);
  return { kind: 'error', name: text };
}

function parseWhen(text: string, bad: (why: string) => never): When {
  const counted = /^(first|every):(\d+)$/.exec(text);
  if (counted) {
    const n = Number(counted[2]);
    if (n < 1) bad(`${counted[1]} needs a count of at least 1`);
    return { kind: counted[1] as 'first' | 'every', n };
  }
  const rate = /^(\d+(?:\.\d+)?|\.\d+)(%?)$/.exec(text);
  if (!rate) return bad(`"@${text}" is not a rate, first:<n> or every:<n>`);
  const p = Number(rate[1]) / (rate[2] ? 100 : 1);
  if (p < 0 || p > 1) bad(`rate ${text} is not between 0 and 1 (or 0% and 100%)`);
  return { kind: 'rate', p };
}

/** The concrete error name an effect answers on a service. */
export function errorNameOf(effect: Extract<Effect, { kind: 'error' }>, service: Service): string {
  return effect.name === 'throttle' || effect.name === 'error' ? ALIASES[effect.name][service] : effect.name;
}

export interface Injection {
  service: Service;
  operation: string;
  /** The error name answered, or `slow:<ms>`. */
  effect: string;
  rule: string;
}

/** A spec being applied: counts matching calls per rule and decides, call by call, what to inject. */
export class FaultPlan {
  private readonly counts: number[];
  private readonly next: () => number;
  readonly injected: Injection[] = [];

  constructor(readonly spec: FaultSpec) {
    this.counts = spec.rules.map(() => 0);
    this.next = seededRandom(spec.seed);
  }

  decide(service: Service, operation: string): Effect | null {
    for (const [i, rule] of this.spec.rules.entries()) {
      if ((rule.service !== '*' && rule.service !== service) || (rule.operation !== '*' && rule.operation !== operation)) continue;
      this.counts[i]! += 1;
      if (!fires(rule.when, this.counts[i]!, this.next)) continue;
      this.injected.push({ service, operation, effect: rule.effect.kind === 'slow' ? `slow:${rule.effect.ms}` : errorNameOf(rule.effect, service), rule: rule.text });
      return rule.effect;
    }
    return null;
  }
}

function fires(when: When, count: number, next: () => number): boolean {
  switch (when.kind) {
    case 'always':
      return true;
    case 'first':
      return count <= when.n;
    case 'every':
      return count % when.n === 0;
    case 'rate':
      return next() < when.p;
  }
}
