/**
 * AppSync's two limits on how much one request may ask for (GraphqlApi queryDepthLimit and
 * resolverCountLimit), enforced the way the local server can:
 *
 * - queryDepthLimit: the operation's depth (nested field levels, fragments expanded,
 *   introspection included) is checked before anything runs; deeper documents are refused.
 * - resolverCountLimit: a document whose root fields alone (aliases count) name more resolvers
 *   than the limit is refused before anything runs — a mutation aliased 500 times never starts;
 *   during execution, a resolver invoked beyond the limit fails instead of running (nested
 *   resolvers such as User.faces under a list).
 *
 * AppSync documents the limits, not its error shapes: the errorTypes here (QueryDepthLimitExceeded,
 * ResolverCountLimitExceeded) are the local server's.
 */
import { Kind, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { AppSyncError } from './execute';

export interface RequestLimits {
  /** Deepest field nesting allowed; 0: no limit (AppSync's default). */
  queryDepthLimit: number;
  /** Resolvers one request may invoke; 0: AppSync's default of 10000. */
  resolverCountLimit: number;
}

export const APPSYNC_DEFAULT_RESOLVER_COUNT_LIMIT = 10_000;

export const resolverLimitOf = (limits: RequestLimits | undefined): number =>
  limits?.resolverCountLimit ? limits.resolverCountLimit : APPSYNC_DEFAULT_RESOLVER_COUNT_LIMIT;

type Fragments = Record<string, FragmentDefinitionNode>;

/** Nested field levels: a root field is 1; fragments add none. */
export function queryDepth(set: SelectionSetNode | undefined, fragments: Fragments, seen: ReadonlySet<string> = new Set()): number {
  let deepest = 0;
  for (const sel of set?.selections ?? []) {
    if (sel.kind === Kind.FIELD) deepest = Math.max(deepest, 1 + queryDepth(sel.selectionSet, fragments, seen));
    else if (sel.kind === Kind.INLINE_FRAGMENT) deepest = Math.max(deepest, queryDepth(sel.selectionSet, fragments, seen));
    else if (!seen.has(sel.name.value)) deepest = Math.max(deepest, queryDepth(fragments[sel.name.value]?.selectionSet, fragments, new Set([...seen, sel.name.value])));
  }
  return deepest;
}

/** Root fields selected (aliases and fragment spreads expanded), by field name. */
function rootFieldNames(set: SelectionSetNode, fragments: Fragments): string[] {
  return set.selections.flatMap((sel) => {
    if (sel.kind === Kind.FIELD) return [sel.name.value];
    const inner = sel.kind === Kind.INLINE_FRAGMENT ? sel.selectionSet : fragments[sel.name.value]?.selectionSet;
    return inner ? rootFieldNames(inner, fragments) : [];
  });
}

/** The errors that refuse the operation before it runs; [] when it is within the limits. */
export function limitErrors(
  operation: OperationDefinitionNode,
  fragments: Fragments,
  limits: RequestLimits | undefined,
  hasResolver: (fieldName: string) => boolean,
): AppSyncError[] {
  if (!limits) return [];
  const errors: AppSyncError[] = [];
  const depth = queryDepth(operation.selectionSet, fragments);
  if (limits.queryDepthLimit > 0 && depth > limits.queryDepthLimit) {
    errors.push({ path: null, locations: null, errorType: 'QueryDepthLimitExceeded', message: `The query's depth ${depth} exceeds the API's limit of ${limits.queryDepthLimit}.` });
  }
  const resolvers = rootFieldNames(operation.selectionSet, fragments).filter(hasResolver).length;
  const max = resolverLimitOf(limits);
  if (resolvers > max) {
    errors.push({ path: null, locations: null, errorType: 'ResolverCountLimitExceeded', message: `The request selects ${resolvers} root fields with resolvers; the API's limit is ${max} resolvers per request.` });
  }
  return errors;
}
