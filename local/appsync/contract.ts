/**
 * The seams of the local AppSync-compatible server:
 *
 *   runtime/  executes the APPSYNC_JS resolver bundles (pipeline, `@aws-appsync/utils`, data
 *             sources) — `createResolverRuntime(options): Promise<ResolverRuntime>`
 *   auth/     API key, SigV4 (IAM) and Cognito user-pool JWTs — `createLocalAuth(options)`
 *   server/   GraphQL over HTTP and the AppSync real-time protocol — `startAppSyncServer(options)`
 *
 * The server parses, validates and authorizes a request, then asks the runtime to resolve each
 * field that has a resolver; fields without one use the default resolver (source[field]).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LambdaName } from '../../resolvers/manifest';

export type AuthMode = 'API_KEY' | 'AWS_IAM' | 'AMAZON_COGNITO_USER_POOLS';

/** ctx.identity for IAM callers, as AppSync builds it. */
export interface IamIdentity {
  accountId: string;
  cognitoIdentityPoolId: string | null;
  cognitoIdentityId: string | null;
  cognitoIdentityAuthType: string | null;
  cognitoIdentityAuthProvider: string | null;
  sourceIp: string[];
  username: string;
  userArn: string;
}

/** ctx.identity for Cognito user-pool callers, as AppSync builds it. */
export interface CognitoIdentity {
  sub: string;
  issuer: string;
  username: string;
  claims: Record<string, unknown>;
  sourceIp: string[];
  defaultAuthStrategy: 'ALLOW' | 'DENY';
  groups: string[] | null;
}

/** API-key callers have no identity (ctx.identity is null). */
export type Identity = IamIdentity | CognitoIdentity | null;

export interface Caller {
  mode: AuthMode;
  identity: Identity;
}

/** One field to resolve, with everything AppSync puts in its context. */
export interface FieldRequest {
  typeName: string;
  fieldName: string;
  /** Coerced arguments; AWSJSON values already parsed. */
  args: Record<string, unknown>;
  /** The parent object (ctx.source); null for root fields. */
  source: Record<string, unknown> | null;
  identity: Identity;
  /** Request headers, lower-case names (ctx.request.headers). */
  headers: Record<string, string>;
  variables: Record<string, unknown>;
  /** ctx.info.selectionSetList: the field's sub-selection as AppSync lists it (`a`, `a/b`), fragments flattened. */
  selectionSetList: string[];
  selectionSetGraphQL: string;
}

/** An error as AppSync reports it for a field (util.error, util.appendError, data-source errors). */
export interface FieldError {
  message: string;
  errorType: string | null;
  data: unknown;
  errorInfo: unknown;
}

export interface FilterRule {
  fieldName: string;
  operator: string;
  value: unknown;
}

/** What util.transform.toSubscriptionFilter builds and extensions.setSubscriptionFilter sets. */
export interface SubscriptionFilter {
  filterGroup: { filters: FilterRule[] }[];
}

export interface FieldOutcome {
  /** The resolver's value (null when it raised util.error). */
  data: unknown;
  /** Every error raised or appended while resolving, in order. */
  errors: FieldError[];
  /** Set by a subscription resolver through extensions.setSubscriptionFilter. */
  subscriptionFilter?: SubscriptionFilter;
}

export interface ResolverRuntime {
  /** Whether Type.field has a resolver (otherwise the server uses source[field]). */
  has(typeName: string, fieldName: string): boolean;
  resolve(request: FieldRequest): Promise<FieldOutcome>;
}

/** How the runtime reaches the manifest's data sources. */
export interface DataSourceBindings {
  /** Step Lambdas invoked in-process with the Invoke payload; a throw becomes `Lambda:Unhandled`. */
  lambdas: Record<LambdaName, (payload: unknown) => Promise<unknown>>;
  /** What the `table` DynamoDB data source runs its request objects against. */
  dynamodb: { client: DynamoDBClient; tableName: string };
}
