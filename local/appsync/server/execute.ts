/**
 * GraphQL execution the AppSync way: auth directives checked on every field for the caller's
 * mode, resolvers through the ResolverRuntime, default resolution (source[field]) elsewhere,
 * errors with AppSync's keys (path, data, errorType, errorInfo, locations, message) at the top
 * level of each error object.
 */
import {
  execute,
  GraphQLError,
  Kind,
  parse,
  print,
  validate,
  specifiedRules,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationRule,
} from 'graphql';
import type { Caller, FieldError, ResolverRuntime } from '../contract';
import type { LoadedSchema } from './schema';

/** An error AppSync reports with its own keys (util.error, auth denials, data-source errors). */
export class AppSyncFieldError extends Error {
  constructor(
    message: string,
    readonly errorType: string | null,
    readonly data: unknown = null,
    readonly errorInfo: unknown = null,
  ) {
    super(message);
  }
  static from(e: FieldError): AppSyncFieldError {
    return new AppSyncFieldError(e.message, e.errorType ?? null, e.data ?? null, e.errorInfo ?? null);
  }
}

export const notAuthorized = (typeName: string, fieldName: string) =>
  new AppSyncFieldError(`Not Authorized to access ${fieldName} on type ${typeName}`, 'Unauthorized');

export interface AppSyncError {
  path: readonly (string | number)[] | null;
  data?: unknown;
  errorType?: string | null;
  errorInfo?: unknown;
  locations: { line: number; column: number; sourceName: null }[] | null;
  message: string;
}

export function formatError(error: GraphQLError): AppSyncError {
  const locations = error.locations?.map((l) => ({ line: l.line, column: l.column, sourceName: null })) ?? null;
  const original = error.originalError;
  if (original instanceof AppSyncFieldError) {
    return { path: error.path ?? null, data: original.data, errorType: original.errorType, errorInfo: original.errorInfo, locations, message: original.message };
  }
  if (original && !(original instanceof GraphQLError)) {
    // An exception escaping the runtime: AppSync reports resolver failures as errorType Code.
    return { path: error.path ?? null, data: null, errorType: 'Code', errorInfo: null, locations, message: original.message };
  }
  return { path: error.path ?? null, locations, message: error.message };
}

// ---------------------------------------------------------------------------------------------
// Validation, with graphql-java's ValidationErrorType names (AppSync runs graphql-java)

const VALIDATION_TYPES: Record<string, string> = {
  FieldsOnCorrectTypeRule: 'FieldUndefined',
  KnownTypeNamesRule: 'UnknownType',
  KnownArgumentNamesRule: 'UnknownArgument',
  ProvidedRequiredArgumentsRule: 'MissingFieldArgument',
  ValuesOfCorrectTypeRule: 'WrongType',
  VariablesInAllowedPositionRule: 'VariableTypeMismatch',
  NoUndefinedVariablesRule: 'UndefinedVariable',
  NoUnusedVariablesRule: 'UnusedVariable',
  KnownDirectivesRule: 'UnknownDirective',
  UniqueOperationNamesRule: 'DuplicateOperationName',
  LoneAnonymousOperationRule: 'LoneAnonymousOperationViolation',
  SingleFieldSubscriptionsRule: 'SubscriptionMultipleRootFields',
  KnownFragmentNamesRule: 'UndefinedFragment',
  NoUnusedFragmentsRule: 'UnusedFragment',
  PossibleFragmentSpreadsRule: 'InvalidFragmentType',
  FragmentsOnCompositeTypesRule: 'InlineFragmentTypeConditionInvalid',
  NoFragmentCyclesRule: 'FragmentCycle',
  UniqueVariableNamesRule: 'DuplicateVariableName',
  VariablesAreInputTypesRule: 'NonInputTypeOnVariable',
  OverlappingFieldsCanBeMergedRule: 'FieldsConflict',
  UniqueArgumentNamesRule: 'DuplicateArgumentNames',
  UniqueInputFieldNamesRule: 'DuplicateInputField',
  UniqueFragmentNamesRule: 'DuplicateFragmentName',
  UniqueDirectivesPerLocationRule: 'DuplicateDirectiveName',
  ExecutableDefinitionsRule: 'NonExecutableDefinition',
};

function appSyncMessage(rule: ValidationRule, error: GraphQLError): string {
  let type = VALIDATION_TYPES[rule.name] ?? rule.name.replace(/Rule$/, '');
  let text = error.message;
  const undefinedField = /^Cannot query field "([^"]+)" on type "([^"]+)"\./.exec(text);
  if (undefinedField) text = `Field '${undefinedField[1]}' in type '${undefinedField[2]}' is undefined`;
  if (rule.name === 'ScalarLeafsRule') type = /must have a selection/.test(text) ? 'SubSelectionRequired' : 'SubSelectionNotAllowed';
  return `Validation error of type ${type}: ${text}`;
}

/** Rules run one by one so each error knows its graphql-java type. */
export function validateDocument(loaded: LoadedSchema, document: DocumentNode): AppSyncError[] {
  const errors: AppSyncError[] = [];
  if (validate(loaded.schema, document).length === 0) return errors;
  for (const rule of specifiedRules) {
    for (const error of validate(loaded.schema, document, [rule])) {
      errors.push({ ...formatError(error), message: appSyncMessage(rule, error) });
    }
  }
  return errors;
}

export type ParsedRequest = { document: DocumentNode } | { errors: AppSyncError[] };

const parsedCache = new WeakMap<LoadedSchema, Map<string, ParsedRequest>>();

/** Parse and validate, remembering the last 500 distinct query strings per schema. */
export function parseRequest(loaded: LoadedSchema, query: unknown): ParsedRequest {
  if (typeof query !== 'string') return parseUncached(loaded, query);
  let cache = parsedCache.get(loaded);
  if (!cache) parsedCache.set(loaded, (cache = new Map()));
  let parsed = cache.get(query);
  if (!parsed) {
    parsed = parseUncached(loaded, query);
    if (cache.size >= 500) cache.clear();
    cache.set(query, parsed);
  }
  return parsed;
}

function parseUncached(loaded: LoadedSchema, query: unknown): ParsedRequest {
  if (typeof query !== 'string' || query.trim() === '') {
    return { errors: [{ path: null, locations: null, message: 'Invalid request: a non-empty query string is required.' }] };
  }
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (e) {
    const error = e as GraphQLError;
    return { errors: [{ ...formatError(error), message: `Invalid Syntax : ${error.message.replace(/^Syntax Error: /, '')}` }] };
  }
  const errors = validateDocument(loaded, document);
  return errors.length > 0 ? { errors } : { document };
}

// ---------------------------------------------------------------------------------------------
// ctx.info helpers

type Fragments = Record<string, FragmentDefinitionNode>;

/** ctx.info.selectionSetList: field names (not aliases) as slash-separated paths, fragments flattened. */
export function selectionSetList(fieldNodes: readonly FieldNode[], fragments: Fragments): string[] {
  const out = new Set<string>();
  const visit = (set: SelectionSetNode | undefined, prefix: string) => {
    for (const sel of set?.selections ?? []) {
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value.startsWith('__')) continue;
        const path = prefix ? `${prefix}/${sel.name.value}` : sel.name.value;
        out.add(path);
        visit(sel.selectionSet, path);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) visit(sel.selectionSet, prefix);
      else visit(fragments[sel.name.value]?.selectionSet, prefix);
    }
  };
  for (const node of fieldNodes) visit(node.selectionSet, '');
  return [...out];
}

/** ctx.info.selectionSetGraphQL: the field's selection set, named fragments inlined. */
export function selectionSetGraphQL(fieldNodes: readonly FieldNode[], fragments: Fragments): string {
  const inline = (set: SelectionSetNode): SelectionSetNode => ({
    ...set,
    selections: set.selections.map((sel) => {
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const frag = fragments[sel.name.value];
        return frag ? { kind: Kind.INLINE_FRAGMENT, typeCondition: frag.typeCondition, directives: [], selectionSet: inline(frag.selectionSet) } : sel;
      }
      return sel.selectionSet ? { ...sel, selectionSet: inline(sel.selectionSet) } : sel;
    }),
  });
  const selections = fieldNodes.flatMap((n) => n.selectionSet?.selections ?? []);
  if (selections.length === 0) return '';
  return print(inline({ kind: Kind.SELECTION_SET, selections }));
}

// ---------------------------------------------------------------------------------------------
// Execution

export interface RequestContext {
  caller: Caller;
  headers: Record<string, string>;
  variables: Record<string, unknown>;
  /** Errors a resolver appended while still returning data. */
  appended: GraphQLError[];
  /** Resolver invocations this request may still make (resolverCountLimit); absent: no limit. */
  resolversLeft?: number;
}

const isRoot = (info: GraphQLResolveInfo) => info.path.prev === undefined;

export function makeFieldResolver(loaded: LoadedSchema, runtime: ResolverRuntime): GraphQLFieldResolver<unknown, RequestContext> {
  return (source, args, ctx, info) => {
    const typeName = info.parentType.name;
    const fieldName = info.fieldName;
    if (!loaded.isAllowed(ctx.caller, typeName, fieldName)) throw notAuthorized(typeName, fieldName);
    if (!runtime.has(typeName, fieldName)) {
      return source !== null && typeof source === 'object' ? (source as Record<string, unknown>)[fieldName] : undefined;
    }
    if (ctx.resolversLeft !== undefined) {
      if (ctx.resolversLeft <= 0) throw new AppSyncFieldError('The request invoked more resolvers than the API allows (resolverCountLimit).', 'ResolverCountLimitExceeded');
      ctx.resolversLeft -= 1;
    }
    return runtime
      .resolve({
        typeName,
        fieldName,
        args: args as Record<string, unknown>,
        source: isRoot(info) ? null : ((source ?? null) as Record<string, unknown> | null),
        identity: ctx.caller.identity,
        headers: ctx.headers,
        variables: ctx.variables,
        selectionSetList: selectionSetList(info.fieldNodes, info.fragments),
        selectionSetGraphQL: selectionSetGraphQL(info.fieldNodes, info.fragments),
      })
      .then((outcome) => {
        const errors = outcome.errors ?? [];
        const failed = errors.length > 0 && (outcome.data === null || outcome.data === undefined);
        for (const e of failed ? errors.slice(1) : errors) {
          ctx.appended.push(new GraphQLError(e.message, { nodes: info.fieldNodes, path: pathOf(info), originalError: AppSyncFieldError.from(e) }));
        }
        if (failed) throw AppSyncFieldError.from(errors[0]!);
        return outcome.data;
      });
  };
}

export const pathOf = (info: GraphQLResolveInfo): (string | number)[] => {
  const out: (string | number)[] = [];
  for (let p: GraphQLResolveInfo['path'] | undefined = info.path; p; p = p.prev) out.unshift(p.key);
  return out;
};

export interface OperationResult {
  data: Record<string, unknown> | null;
  errors: AppSyncError[];
  /** Whether it failed before execution (variables did not coerce). */
  requestError: boolean;
}

function executeWith(
  loaded: LoadedSchema,
  resolver: GraphQLFieldResolver<unknown, RequestContext>,
  document: DocumentNode,
  operationName: string | undefined,
  context: RequestContext,
  rootValue: Record<string, unknown>,
) {
  return execute({
    schema: loaded.schema,
    document,
    operationName,
    variableValues: context.variables,
    contextValue: context,
    fieldResolver: resolver,
    rootValue,
  });
}

export async function runOperation(
  loaded: LoadedSchema,
  resolver: GraphQLFieldResolver<unknown, RequestContext>,
  document: DocumentNode,
  operationName: string | undefined,
  context: RequestContext,
): Promise<OperationResult> {
  const result: ExecutionResult = await executeWith(loaded, resolver, document, operationName, context, {});
  const errors = [...(result.errors ?? []), ...context.appended].map(formatError);
  return { data: (result.data ?? null) as Record<string, unknown> | null, errors, requestError: !('data' in result) };
}

// ---------------------------------------------------------------------------------------------
// Mutation results → subscription payloads

/**
 * The mutation's response for one field, keyed by field names instead of aliases, limited to the
 * fields the mutation selected (what AppSync hands to subscribers).
 */
export function unalias(value: unknown, set: SelectionSetNode | undefined, fragments: Fragments): unknown {
  if (value === null || value === undefined || !set) return value;
  if (Array.isArray(value)) return value.map((v) => unalias(v, set, fragments));
  if (typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  const visit = (s: SelectionSetNode) => {
    for (const sel of s.selections) {
      if (sel.kind === Kind.FIELD) {
        const key = sel.alias?.value ?? sel.name.value;
        if (!(sel.name.value in out) && key in (value as Record<string, unknown>)) {
          out[sel.name.value] = unalias((value as Record<string, unknown>)[key], sel.selectionSet, fragments);
        }
      } else if (sel.kind === Kind.INLINE_FRAGMENT) visit(sel.selectionSet);
      else {
        const frag = fragments[sel.name.value];
        if (frag) visit(frag.selectionSet);
      }
    }
  };
  visit(set);
  return out;
}

export function fragmentsOf(document: DocumentNode): Fragments {
  const out: Fragments = {};
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) out[def.name.value] = def;
  return out;
}

/** The root field nodes of an operation (fragments flattened, __typename skipped). */
export function rootFields(operation: OperationDefinitionNode, fragments: Fragments): FieldNode[] {
  const out: FieldNode[] = [];
  const visit = (set: SelectionSetNode) => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (!sel.name.value.startsWith('__')) out.push(sel);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) visit(sel.selectionSet);
      else {
        const frag = fragments[sel.name.value];
        if (frag) visit(frag.selectionSet);
      }
    }
  };
  visit(operation.selectionSet);
  return out;
}

/** Resolver for delivering an event: subscriber's auth on every field, values from the mutation. */
export function deliveryResolver(loaded: LoadedSchema): GraphQLFieldResolver<unknown, RequestContext> {
  return (source, _args, ctx, info) => {
    if (!loaded.isAllowed(ctx.caller, info.parentType.name, info.fieldName)) throw notAuthorized(info.parentType.name, info.fieldName);
    return source !== null && typeof source === 'object' ? (source as Record<string, unknown>)[info.fieldName] : undefined;
  };
}

export function executeDelivery(
  loaded: LoadedSchema,
  resolver: GraphQLFieldResolver<unknown, RequestContext>,
  document: DocumentNode,
  operationName: string | undefined,
  context: RequestContext,
  rootValue: Record<string, unknown>,
): { data: Record<string, unknown> | null; errors: AppSyncError[] } {
  // Delivery resolves nothing asynchronously (the payload is the root value), so it is synchronous.
  const result = executeWith(loaded, resolver, document, operationName, context, rootValue) as ExecutionResult;
  return { data: (result.data ?? null) as Record<string, unknown> | null, errors: (result.errors ?? []).map(formatError) };
}
