/**
 * The app's one way to call facegate: Amplify JS v6 (`aws-amplify/api`), configured from
 * config.json. Queries and mutations go over HTTP, subscriptions over AppSync's real-time
 * protocol. Failures come back as ApiError with AppSync's errorType and errorInfo.
 */
import { Amplify } from 'aws-amplify';
import { generateClient, type GraphQLResult } from 'aws-amplify/api';
import { Hub } from 'aws-amplify/utils';
import type { WebConfig, WebUserPool } from '../../config';
import { ApiError, toApiError } from './api-error';
import { routeAmplifyRealtimeTo } from './local-realtime';

export { ApiError, toApiError };

/** How a call is authorized: the app's API key, a Cognito ID/access token (local admin), or Amplify's signed-in user pool session. */
export type Auth = { kind: 'apiKey' } | { kind: 'token'; token: string } | { kind: 'userPool' };
export const API_KEY: Auth = { kind: 'apiKey' };
/** The session Amplify holds after a sign-in (the app: the end users' pool). */
export const USER_POOL: Auth = { kind: 'userPool' };

type AuthOptions = { authMode: 'apiKey' | 'userPool' | 'none' };
type Operation = { query: string; variables: Record<string, unknown> } & AuthOptions;

/**
 * The part of Amplify's client used here, typed plainly: its own generics serve model codegen
 * (Amplify Data) and overwhelm the checker for raw GraphQL strings. Data types come from
 * cli/operations.ts, i.e. from the schema's generated types.
 */
interface RawClient {
  graphql(operation: Operation, headers: Record<string, string>): Promise<GraphQLResult<unknown>> & {
    subscribe(observer: { next(value: { data: unknown }): void; error(e: unknown): void }): { unsubscribe(): void };
  };
}

let client: RawClient | undefined;

/**
 * Amplify for this page: the API, and `Auth.Cognito` for the pool this page signs in to — the
 * end users' pool in the app (face sign-in), the admins' pool in the console (when deployed).
 */
export function configureApi(config: WebConfig, signInPool: WebUserPool | undefined): void {
  routeAmplifyRealtimeTo(config.realtimeUrl);
  Amplify.configure({
    API: { GraphQL: { endpoint: config.graphqlUrl, region: config.region, defaultAuthMode: 'apiKey', apiKey: config.apiKey } },
    ...(signInPool
      ? {
          Auth: {
            Cognito: {
              userPoolId: signInPool.userPoolId,
              userPoolClientId: signInPool.userPoolClientId,
              ...(signInPool.endpoint ? { userPoolEndpoint: signInPool.endpoint } : {}),
            },
          },
        }
      : {}),
  });
  client = generateClient() as unknown as RawClient;
}

function api(): RawClient {
  if (!client) throw new Error('configureApi() first');
  return client;
}

const optionsOf = (auth: Auth): [AuthOptions, Record<string, string>] =>
  auth.kind === 'token' ? [{ authMode: 'none' }, { Authorization: auth.token }] : [{ authMode: auth.kind }, {}];

/** One query or mutation. */
export async function request<Data, Vars extends object>(query: string, variables: Vars, auth: Auth = API_KEY): Promise<Data> {
  const [options, headers] = optionsOf(auth);
  let result: GraphQLResult<Data>;
  try {
    result = (await api().graphql({ query, variables: variables as Record<string, unknown>, ...options }, headers)) as GraphQLResult<Data>;
  } catch (e) {
    throw toApiError(e);
  }
  if (result.errors?.length) throw toApiError(result);
  if (result.data == null) throw new ApiError('The API answered without data', 'INTERNAL');
  return result.data;
}

export interface LiveSubscription {
  /** Settles when AppSync acknowledged the subscription (start_ack), or after `timeoutMs`. */
  ready: Promise<'acknowledged' | 'timeout'>;
  close(): void;
}

/**
 * Amplify announces each acknowledged subscription on the 'api' Hub channel with the event
 * CONTROL_MSG.SUBSCRIPTION_ACK and the subscription's variables (its AWSWebSocketProvider).
 * `@aws-amplify/api-graphql` exports CONTROL_MSG, `aws-amplify/api` does not; its value is this.
 */
const SUBSCRIPTION_ACK = 'Subscription ack';

/** A subscription; `matches` tells this one's ack from others' (same query, other variables). */
export function subscribe<Data, Vars extends object>(
  query: string,
  variables: Vars,
  handlers: { next(data: Data): void; error(e: ApiError): void },
  options: { auth?: Auth; matches(acked: Vars): boolean; timeoutMs?: number },
): LiveSubscription {
  let settle: (how: 'acknowledged' | 'timeout') => void = () => undefined;
  const ready = new Promise<'acknowledged' | 'timeout'>((resolve) => (settle = resolve));
  const stopListening = Hub.listen('api', ({ payload }) => {
    const acked = (payload as { event?: string; data?: { variables?: Vars } }).data?.variables;
    if (payload.event === SUBSCRIPTION_ACK && acked && options.matches(acked)) settle('acknowledged');
  });
  const timer = setTimeout(() => settle('timeout'), options.timeoutMs ?? 10_000);
  void ready.then(() => {
    clearTimeout(timer);
    stopListening();
  });
  const [authOptions, headers] = optionsOf(options.auth ?? API_KEY);
  const subscription = api().graphql({ query, variables: variables as Record<string, unknown>, ...authOptions }, headers).subscribe({
    next: ({ data }) => handlers.next(data as Data),
    error: (e) => handlers.error(toApiError(e)),
  });
  return {
    ready,
    close() {
      settle('timeout');
      subscription.unsubscribe();
    },
  };
}
