/**
 * The AppSync schema, loaded with AppSync's scalars and directives, plus what the server derives
 * from its directives: auth rules per field and which subscriptions each mutation triggers.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  buildSchema,
  isObjectType,
  Kind,
  type ConstDirectiveNode,
  type GraphQLSchema,
} from 'graphql';
import type { AuthMode, Caller } from '../contract';
import { installScalars } from './scalars';

export const DEFAULT_SCHEMA_PATH = fileURLToPath(new URL('../../../schema/schema.graphql', import.meta.url));

/** AppSync's built-in scalars and directives (AppSync has them; graphql-js needs them declared). */
export const APPSYNC_DECLARATIONS_PATH = fileURLToPath(new URL('../../../schema/appsync.graphql', import.meta.url));

/** Allowed modes; for user pools, the groups allowed (null: any user of the pool). */
export type AuthRule = Map<AuthMode, string[] | null>;

export interface LoadedSchema {
  schema: GraphQLSchema;
  defaultAuthMode: AuthMode;
  /** The auth rule that applies to Type.field (field directives, else type directives, else default mode). */
  ruleOf(typeName: string, fieldName: string): AuthRule;
  isAllowed(caller: Caller, typeName: string, fieldName: string): boolean;
  /** Mutation field name → subscription field names that @aws_subscribe to it. */
  subscriptionsOf(mutationField: string): string[];
}

function stringList(directive: ConstDirectiveNode, name: string): string[] | null {
  const arg = directive.arguments?.find((a) => a.name.value === name);
  if (!arg) return null;
  if (arg.value.kind === Kind.LIST) return arg.value.values.flatMap((v) => (v.kind === Kind.STRING ? [v.value] : []));
  if (arg.value.kind === Kind.STRING) return [arg.value.value];
  return null;
}

function ruleFrom(directives: readonly ConstDirectiveNode[] | undefined): AuthRule {
  const rule: AuthRule = new Map();
  for (const d of directives ?? []) {
    const name = d.name.value;
    if (name === 'aws_api_key') rule.set('API_KEY', null);
    else if (name === 'aws_iam') rule.set('AWS_IAM', null);
    else if (name === 'aws_cognito_user_pools' || name === 'aws_auth') {
      const groups = stringList(d, 'cognito_groups');
      const prior = rule.get('AMAZON_COGNITO_USER_POOLS');
      rule.set('AMAZON_COGNITO_USER_POOLS', prior === undefined ? groups : prior === null || groups === null ? null : [...prior, ...groups]);
    }
  }
  return rule;
}

export function ruleAllows(rule: AuthRule, caller: Caller): boolean {
  if (!rule.has(caller.mode)) return false;
  const groups = rule.get(caller.mode);
  if (caller.mode !== 'AMAZON_COGNITO_USER_POOLS' || groups === null || groups === undefined) return true;
  const member = (caller.identity as { groups?: string[] | null } | null)?.groups ?? [];
  return groups.some((g) => member.includes(g));
}

export function loadSchema(options: { schemaPath?: string; schemaSource?: string; defaultAuthMode?: AuthMode } = {}): LoadedSchema {
  const source = options.schemaSource ?? readFileSync(options.schemaPath ?? DEFAULT_SCHEMA_PATH, 'utf8');
  const schema = buildSchema(readFileSync(APPSYNC_DECLARATIONS_PATH, 'utf8') + '\n' + source);
  installScalars(schema);
  const defaultAuthMode = options.defaultAuthMode ?? 'AWS_IAM';

  const rules = new Map<string, AuthRule>();
  const subscriptions = new Map<string, string[]>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const typeRule = ruleFrom(type.astNode?.directives);
    for (const field of Object.values(type.getFields())) {
      const own = ruleFrom(field.astNode?.directives);
      const rule = own.size > 0 ? own : typeRule.size > 0 ? typeRule : new Map<AuthMode, string[] | null>([[defaultAuthMode, null]]);
      rules.set(`${type.name}.${field.name}`, rule);
      if (type === schema.getSubscriptionType()) {
        const sub = field.astNode?.directives?.find((d) => d.name.value === 'aws_subscribe');
        for (const mutation of sub ? (stringList(sub, 'mutations') ?? []) : []) {
          subscriptions.set(mutation, [...(subscriptions.get(mutation) ?? []), field.name]);
        }
      }
    }
  }
  const fallback: AuthRule = new Map([[defaultAuthMode, null]]);
  const ruleOf = (typeName: string, fieldName: string) => rules.get(`${typeName}.${fieldName}`) ?? fallback;
  return {
    schema,
    defaultAuthMode,
    ruleOf,
    isAllowed: (caller, typeName, fieldName) => ruleAllows(ruleOf(typeName, fieldName), caller),
    subscriptionsOf: (mutationField) => subscriptions.get(mutationField) ?? [],
  };
}
