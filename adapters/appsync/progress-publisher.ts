/**
 * ProgressPublisher through AppSync: an IAM (SigV4) signed `publishRegistrationProgress`
 * mutation, which AppSync fans out to `onRegistrationProgress` subscribers. The mutation selects
 * every RegistrationProgress field because a subscription can only deliver fields the
 * triggering mutation selected.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { ProgressPublisher } from '../../core/ports';
import type {
  MutationPublishRegistrationProgressArgs,
  RegistrationProgress,
  RegistrationProgressInput,
} from '../../schema/generated/graphql';

export const PUBLISH_PROGRESS_MUTATION = `mutation PublishRegistrationProgress($input: RegistrationProgressInput!) {
  publishRegistrationProgress(input: $input) {
    registrationId
    userId
    seq
    step
    status
    message
    errorType
    at
  }
}`;

export interface AppSyncProgressPublisherOptions {
  /** The AppSync GraphQL endpoint, e.g. https://xxx.appsync-api.eu-west-1.amazonaws.com/graphql */
  graphqlUrl: string;
  region: string;
  /** Defaults to the Node default chain (the Lambda's role). */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  fetch?: typeof fetch;
}

interface GraphQLResponse {
  data?: unknown;
  errors?: { message?: string; errorType?: string }[];
}

/** The mutation input: exactly the RegistrationProgressInput fields (no __typename). */
export function toProgressInput(event: RegistrationProgress): RegistrationProgressInput {
  return {
    registrationId: event.registrationId,
    userId: event.userId,
    seq: event.seq,
    step: event.step,
    status: event.status,
    message: event.message ?? null,
    errorType: event.errorType ?? null,
    at: event.at,
  };
}

export class AppSyncProgressPublisher implements ProgressPublisher {
  private readonly url: URL;
  private readonly signer: SignatureV4;
  private readonly fetch: typeof fetch;

  constructor({ graphqlUrl, region, credentials, fetch: fetchImpl }: AppSyncProgressPublisherOptions) {
    this.url = new URL(graphqlUrl);
    this.signer = new SignatureV4({
      service: 'appsync',
      region,
      credentials: credentials ?? defaultProvider(),
      sha256: Sha256,
    });
    this.fetch = fetchImpl ?? globalThis.fetch;
  }

  async publish(event: RegistrationProgress): Promise<void> {
    const variables: MutationPublishRegistrationProgressArgs = { input: toProgressInput(event) };
    const body = JSON.stringify({ query: PUBLISH_PROGRESS_MUTATION, variables });
    const request = new HttpRequest({
      method: 'POST',
      protocol: this.url.protocol,
      hostname: this.url.hostname,
      ...(this.url.port ? { port: Number(this.url.port) } : {}),
      path: this.url.pathname,
      headers: { 'content-type': 'application/json', host: this.url.host },
      body,
    });
    const signed = await this.signer.sign(request);
    const response = await this.fetch(this.url.toString(), {
      method: 'POST',
      headers: signed.headers,
      body,
    });
    const text = await response.text();
    let parsed: GraphQLResponse | undefined;
    try {
      parsed = JSON.parse(text) as GraphQLResponse;
    } catch {
      parsed = undefined;
    }
    const messages = (parsed?.errors ?? []).map((e) => (e.errorType ? `${e.errorType}: ` : '') + (e.message ?? 'unknown error'));
    if (!response.ok) {
      throw new Error(
        `publishRegistrationProgress failed with HTTP ${response.status}: ${messages.join('; ') || text.slice(0, 500)}`,
      );
    }
    if (messages.length > 0) throw new Error(`publishRegistrationProgress failed: ${messages.join('; ')}`);
    if (parsed === undefined) throw new Error(`publishRegistrationProgress returned no JSON: ${text.slice(0, 200)}`);
  }
}

/** For when no AppSync URL is configured: progress then lives only in the registration's events. */
export class NullProgressPublisher implements ProgressPublisher {
  async publish(_event: RegistrationProgress): Promise<void> {}
}
