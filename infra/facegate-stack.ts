import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { appClientFields } from './app-client-fields';
import type { FacegateConfig } from './config';
import { Api } from './constructs/api';
import { Identity } from './constructs/identity';
import { StepFunctions } from './constructs/step-functions';
import { Storage } from './constructs/storage';
import { schemaFile } from './paths';
import { defaultConfig } from '../core/config';
import { TRIGGER_NAMES, stepPermissions, type TriggerName } from './step-permissions';
import type { ResolverBundles } from '../resolvers/build';

export interface FacegateStackProps extends StackProps {
  config: FacegateConfig;
  /** The APPSYNC_JS bundles (resolvers/build.ts buildResolverSources). */
  bundles: ResolverBundles;
}

const LOG_RETENTION = logs.RetentionDays.ONE_MONTH;

/** facegate in AWS: AppSync → pipeline resolvers → step Lambdas → Rekognition, DynamoDB, S3. */
export class FacegateStack extends Stack {
  readonly storage: Storage;
  readonly identity: Identity;
  readonly steps: StepFunctions;
  readonly api: Api;

  constructor(scope: Construct, id: string, props: FacegateStackProps) {
    super(scope, id, props);
    const { config, bundles } = props;

    this.storage = new Storage(this, 'Storage', { collectionId: `facegate-${config.stage}`, uploadOrigins: config.uploadOrigins });
    this.steps = new StepFunctions(this, 'Steps', {
      storage: this.storage,
      idDocumentReader: config.idDocumentReader,
      logRetention: LOG_RETENTION,
    });
    this.identity = new Identity(this, 'Identity', {
      signInTriggers: Object.fromEntries(TRIGGER_NAMES.map((name) => [name, this.steps.get(name)])) as Record<TriggerName, NodejsFunction>,
      // Cognito takes 3–15 minutes; the sign-in's upload ticket lives FACEGATE_UPLOAD_URL_TTL_SECONDS.
      signInSessionValidity: Duration.minutes(Math.min(15, Math.max(3, Math.ceil(defaultConfig.uploadUrlTtlSeconds / 60)))),
    });
    this.steps.useUserPool(this.identity.endUserPool);
    this.api = new Api(this, 'Api', {
      name: `facegate-${config.stage}`,
      schemaFile,
      bundles,
      userPools: [this.identity.userPool, this.identity.endUserPool],
      storage: this.storage,
      steps: this.steps,
      logRetention: LOG_RETENTION,
    });
    const { api } = this.api;

    // Progress reaches subscribers through this IAM-only mutation; only its publishers may call it.
    for (const [name, permissions] of Object.entries(stepPermissions)) {
      if (!permissions.publishesProgress) continue;
      const fn = this.steps.get(name as keyof typeof stepPermissions);
      fn.addEnvironment('GRAPHQL_URL', api.graphqlUrl);
      api.grant(fn, appsync.IamResource.ofType('Mutation', 'publishRegistrationProgress'), 'appsync:GraphQL');
    }

    const appFields = appClientFields(schemaFile);
    const appClientPolicy = new iam.Policy(this, 'AppClientFields', {
      statements: [
        new iam.PolicyStatement({
          actions: ['appsync:GraphQL'],
          resources: appFields.map((f) => `${api.arn}/types/${f.typeName}/fields/${f.fieldName}`),
        }),
      ],
    });
    appClientPolicy.attachToRole(this.identity.identityPool.unauthenticatedRole);
    appClientPolicy.attachToRole(this.identity.identityPool.authenticatedRole);

    const outputs: Record<string, [string, string]> = {
      GraphqlUrl: [api.graphqlUrl, 'GraphQL endpoint (--endpoint)'],
      RealtimeUrl: [this.api.realtimeUrl, 'Real-time (subscriptions) endpoint'],
      ApiId: [api.apiId, 'AppSync API id'],
      ApiKeyId: [this.api.apiKey.attrApiKeyId, 'API key id; AppSync API key ids are the key (--api-key)'],
      UserPoolId: [this.identity.userPool.userPoolId, 'Cognito user pool of admins (group admins)'],
      UserPoolClientId: [this.identity.userPoolClient.userPoolClientId, 'Public app client of the user pool'],
      EndUserPoolId: [this.identity.endUserPool.userPoolId, 'Cognito user pool of end users (face sign-in)'],
      EndUserPoolClientId: [this.identity.endUserPoolClient.userPoolClientId, 'App client for face sign-in (CUSTOM_AUTH only)'],
      IdentityPoolId: [this.identity.identityPool.identityPoolId, 'Cognito identity pool for app clients (IAM)'],
      BucketName: [this.storage.bucket.bucketName, 'Image bucket'],
      TableName: [this.storage.table.tableName, 'DynamoDB table'],
      CollectionId: [this.storage.collectionId, 'Rekognition collection'],
      Region: [this.region, 'Region of the stack'],
    };
    for (const [name, [value, description]] of Object.entries(outputs)) {
      new CfnOutput(this, name, { value, description });
    }
  }
}
