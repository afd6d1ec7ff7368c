import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { CfnElement } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_KEYS } from '../../adapters/dynamodb/layout';
import { TRIGGER_NAMES } from '../../infra/step-permissions';
import { dataSources, pipelineFunctions, resolverCode, resolvers } from '../../resolvers/manifest';
import { resourcesOf, synthesize, type Synthesized } from './synth';

let s: Synthesized;
let template: Template;
const logicalId = (element: unknown): string => s.stack.getLogicalId(element as CfnElement);

beforeAll(async () => {
  s = await synthesize();
  template = s.template;
});

describe('data', () => {
  it('has one on-demand, encrypted, point-in-time-recoverable table with TTL and the gsi1 of the layout', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
        ],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        GlobalSecondaryIndexes: [
          {
            IndexName: 'gsi1',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    });
  });

  it('keeps images in a private, encrypted, versioned, TLS-only bucket that expires staged uploads after a day', () => {
    const images = logicalId(s.stack.storage.bucket.node.defaultChild);
    const bucket = resourcesOf(template, 'AWS::S3::Bucket')[images]!;
    expect(bucket).toMatchObject({ DeletionPolicy: 'Retain' });
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: { Ref: logicalId(s.stack.storage.accessLogs.node.defaultChild) } },
    });
    const rules = (bucket.Properties!.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    expect(rules).toContainEqual(expect.objectContaining({ Prefix: 'uploads/', ExpirationInDays: 1, Status: 'Enabled' }));
    // Erased face images must not linger as old versions: every noncurrent version expires within a day.
    const versionRules = rules.filter((r) => r.NoncurrentVersionExpiration !== undefined);
    expect(versionRules.length).toBeGreaterThan(0);
    expect(rules.filter((r) => r.Prefix === undefined && r.NoncurrentVersionExpiration)).toHaveLength(1);
    for (const r of versionRules) expect(r.NoncurrentVersionExpiration).toEqual({ NoncurrentDays: 1 });
    const cors = (bucket.Properties!.CorsConfiguration as { CorsRules: Record<string, unknown>[] }).CorsRules;
    expect(cors).toEqual([expect.objectContaining({ AllowedMethods: ['PUT'], AllowedOrigins: ['*'] })]);
    expect(cors[0]!.AllowedHeaders).toEqual(expect.arrayContaining(['content-type', 'x-amz-server-side-encryption']));
  });

  it('denies every request to either bucket that is not over TLS', () => {
    const policies = Object.values(resourcesOf(template, 'AWS::S3::BucketPolicy'));
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      expect((policy.Properties!.PolicyDocument as { Statement: unknown[] }).Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('creates the Rekognition collection and keeps it', () => {
    template.resourceCountIs('AWS::Rekognition::Collection', 1);
    template.hasResource('AWS::Rekognition::Collection', { DeletionPolicy: 'Retain', Properties: { CollectionId: 'facegate-dev' } });
  });
});

describe('step Lambdas', () => {
  const lambdas = [...new Set(dataSources.flatMap((d) => (d.kind === 'AWS_LAMBDA' ? [d.lambda] : [])))];

  it('are one Node.js 22 arm64 function per Lambda of the manifest and per sign-in trigger, traced, logging to a retained-for-a-while group', () => {
    template.resourceCountIs('AWS::Lambda::Function', lambdas.length + TRIGGER_NAMES.length);
    expect(lambdas.length + TRIGGER_NAMES.length).toBe(8);
    for (const name of [...lambdas, ...TRIGGER_NAMES]) {
      const fn = s.stack.steps.get(name);
      const props = resourcesOf(template, 'AWS::Lambda::Function')[logicalId(fn.node.defaultChild)]!.Properties!;
      expect(props).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
      });
      const logGroupId = (props.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(resourcesOf(template, 'AWS::Logs::LogGroup')[logGroupId]!.Properties).toMatchObject({ RetentionInDays: 30 });
    }
  });

  it('name the table, bucket and collection in their environment; only the publisher gets the API URL', () => {
    for (const name of lambdas) {
      const fn = s.stack.steps.get(name);
      const env = (resourcesOf(template, 'AWS::Lambda::Function')[logicalId(fn.node.defaultChild)]!.Properties!.Environment as {
        Variables: Record<string, unknown>;
      }).Variables;
      expect(env).toMatchObject({
        TABLE_NAME: { Ref: logicalId(s.stack.storage.table.node.defaultChild) },
        BUCKET_NAME: { Ref: logicalId(s.stack.storage.bucket.node.defaultChild) },
        COLLECTION_ID: 'facegate-dev',
        ID_DOCUMENT_READER: 'textract',
      });
      if (name === 'register') expect(env.GRAPHQL_URL).toEqual({ 'Fn::GetAtt': [logicalId(s.stack.api.api.node.defaultChild), 'GraphQLUrl'] });
      else expect(env.GRAPHQL_URL).toBeUndefined();
    }
  });
});

describe('AppSync API', () => {
  it('defaults to IAM, adds API key and both user pools, traces and logs fields without verbose content', () => {
    template.resourceCountIs('AWS::AppSync::GraphQLApi', 1);
    template.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      AuthenticationType: 'AWS_IAM',
      AdditionalAuthenticationProviders: [
        { AuthenticationType: 'API_KEY' },
        {
          AuthenticationType: 'AMAZON_COGNITO_USER_POOLS',
          UserPoolConfig: Match.objectLike({ UserPoolId: { Ref: logicalId(s.stack.identity.userPool.node.defaultChild) } }),
        },
        {
          AuthenticationType: 'AMAZON_COGNITO_USER_POOLS',
          UserPoolConfig: Match.objectLike({ UserPoolId: { Ref: logicalId(s.stack.identity.endUserPool.node.defaultChild) } }),
        },
      ],
      XrayEnabled: true,
      LogConfig: { FieldLogLevel: 'ERROR', ExcludeVerboseContent: true, CloudWatchLogsRoleArn: Match.anyValue() },
    });
    template.resourceCountIs('AWS::AppSync::ApiKey', 1);
  });

  it('limits query depth and resolvers per request as the local server does (REQUEST_LIMITS)', () => {
    template.hasResourceProperties('AWS::AppSync::GraphQLApi', { QueryDepthLimit: 15, ResolverCountLimit: 200 });
  });

  it('writes field logs to a log group kept 30 days', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: { 'Fn::Join': ['', ['/aws/appsync/apis/', { 'Fn::GetAtt': [logicalId(s.stack.api.api.node.defaultChild), 'ApiId'] }]] },
      RetentionInDays: 30,
    });
  });

  it('uses schema/schema.graphql as it is', async () => {
    const { readFile } = await import('node:fs/promises');
    const schema = await readFile(new URL('../../schema/schema.graphql', import.meta.url), 'utf8');
    template.hasResourceProperties('AWS::AppSync::GraphQLSchema', { Definition: schema });
  });

  it('has the data sources of the manifest: Lambdas, the table, NONE', () => {
    const sources = Object.values(resourcesOf(template, 'AWS::AppSync::DataSource')).map((r) => r.Properties!);
    expect(sources.map((p) => [p.Name, p.Type]).sort()).toEqual(
      dataSources
        .map((d) => [d.name, d.kind])
        .sort(),
    );
    const table = sources.find((p) => p.Type === 'AMAZON_DYNAMODB')!;
    expect(table.DynamoDBConfig).toMatchObject({ TableName: { Ref: logicalId(s.stack.storage.table.node.defaultChild) } });
    for (const spec of dataSources) {
      if (spec.kind !== 'AWS_LAMBDA') continue;
      const source = sources.find((p) => p.Name === spec.name)!;
      expect(source.LambdaConfig).toEqual({ LambdaFunctionArn: { 'Fn::GetAtt': [logicalId(s.stack.steps.get(spec.lambda).node.defaultChild), 'Arn'] } });
    }
  });

  it('has every pipeline function of the manifest, APPSYNC_JS, with its bundle as code', () => {
    const functions = Object.values(resourcesOf(template, 'AWS::AppSync::FunctionConfiguration')).map((r) => r.Properties!);
    expect(functions.map((f) => f.Name).sort()).toEqual(pipelineFunctions.map((f) => f.name).sort());
    for (const spec of pipelineFunctions) {
      const fn = functions.find((f) => f.Name === spec.name)!;
      expect(fn.Runtime).toEqual({ Name: 'APPSYNC_JS', RuntimeVersion: '1.0.0' });
      expect(fn.Code).toBe(s.bundles.get(spec.code));
      expect(fn.DataSourceName).toBe(spec.dataSource);
    }
  });

  it('resolves every field of the manifest with a PIPELINE resolver running its bundle and its functions in order', () => {
    const all = Object.values(resourcesOf(template, 'AWS::AppSync::Resolver')).map((r) => r.Properties!);
    expect(all).toHaveLength(resolvers.length);
    const functionIds = Object.entries(resourcesOf(template, 'AWS::AppSync::FunctionConfiguration')).map(
      ([id, r]) => [r.Properties!.Name as string, id] as const,
    );
    const idOf = new Map(functionIds);
    for (const spec of resolvers) {
      const resolver = all.find((r) => r.TypeName === spec.typeName && r.FieldName === spec.fieldName);
      expect(resolver, `${spec.typeName}.${spec.fieldName}`).toBeDefined();
      expect(resolver).toMatchObject({ Kind: 'PIPELINE', Runtime: { Name: 'APPSYNC_JS', RuntimeVersion: '1.0.0' } });
      expect(resolver!.Code).toBe(s.bundles.get(resolverCode(spec)));
      expect(resolver!.PipelineConfig).toEqual({
        Functions: spec.functions.map((name) => ({ 'Fn::GetAtt': [idOf.get(name), 'FunctionId'] })),
      });
    }
  });

  it('publishes progress through a NONE data source', () => {
    const publish = Object.values(resourcesOf(template, 'AWS::AppSync::Resolver')).find(
      (r) => r.Properties!.FieldName === 'publishRegistrationProgress',
    )!;
    const [fnRef] = (publish.Properties!.PipelineConfig as { Functions: { 'Fn::GetAtt': [string, string] }[] }).Functions;
    const fn = resourcesOf(template, 'AWS::AppSync::FunctionConfiguration')[fnRef!['Fn::GetAtt'][0]]!;
    const source = Object.values(resourcesOf(template, 'AWS::AppSync::DataSource')).find(
      (r) => r.Properties!.Name === fn.Properties!.DataSourceName,
    );
    expect(source!.Properties).toMatchObject({ Type: 'NONE' });
  });
});

describe('identity', () => {
  const pool = (which: 'userPool' | 'endUserPool') => resourcesOf(template, 'AWS::Cognito::UserPool')[logicalId(s.stack.identity[which].node.defaultChild)]!.Properties!;
  const client = (which: 'userPoolClient' | 'endUserPoolClient') =>
    resourcesOf(template, 'AWS::Cognito::UserPoolClient')[logicalId(s.stack.identity[which].node.defaultChild)]!.Properties!;

  it('has two user pools: the admins\' and the end users\'', () => {
    template.resourceCountIs('AWS::Cognito::UserPool', 2);
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 2);
  });

  it('has an admin user pool with group admins, MFA and no self sign-up, and a public client', () => {
    expect(pool('userPool')).toMatchObject({ MfaConfiguration: 'ON', AdminCreateUserConfig: { AllowAdminCreateUserOnly: true } });
    template.resourceCountIs('AWS::Cognito::UserPoolGroup', 1);
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', {
      GroupName: 'admins',
      UserPoolId: { Ref: logicalId(s.stack.identity.userPool.node.defaultChild) },
    });
    expect(client('userPoolClient')).toMatchObject({ GenerateSecret: false });
    expect(pool('userPool').LambdaConfig).toBeUndefined();
  });

  it("has an end users' pool: accounts made by registration only, no MFA, the three face sign-in triggers", () => {
    const props = pool('endUserPool');
    expect(props).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'OFF',
      UsernameConfiguration: { CaseSensitive: true },
      Policies: { PasswordPolicy: expect.objectContaining({ MinimumLength: 12, RequireSymbols: true }) },
    });
    expect(props.AliasAttributes ?? props.UsernameAttributes).toBeUndefined();
    const arn = (name: (typeof TRIGGER_NAMES)[number]) => ({ 'Fn::GetAtt': [logicalId(s.stack.steps.get(name).node.defaultChild), 'Arn'] });
    expect(props.LambdaConfig).toEqual({
      DefineAuthChallenge: arn('defineAuthChallenge'),
      CreateAuthChallenge: arn('createAuthChallenge'),
      VerifyAuthChallengeResponse: arn('verifyAuthChallengeResponse'),
    });
    // Cognito may invoke each trigger, from this pool only.
    for (const name of TRIGGER_NAMES) {
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: arn(name),
        Principal: 'cognito-idp.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [logicalId(s.stack.identity.endUserPool.node.defaultChild), 'Arn'] },
      });
    }
  });

  it('lets the end users\' app client do custom authentication (and refresh) only, with no user existence errors', () => {
    expect(client('endUserPoolClient')).toMatchObject({
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      AuthSessionValidity: 5,
      UserPoolId: { Ref: logicalId(s.stack.identity.endUserPool.node.defaultChild) },
    });
    expect(client('endUserPoolClient').AllowedOAuthFlows).toBeUndefined();
    expect(client('endUserPoolClient').AllowedOAuthFlowsUserPoolClient).toBe(false);
  });

  it('gives the sign-in triggers Cognito\'s 5 s, and no user pool to administer', () => {
    for (const name of TRIGGER_NAMES) {
      const props = resourcesOf(template, 'AWS::Lambda::Function')[logicalId(s.stack.steps.get(name).node.defaultChild)]!.Properties!;
      expect(props.Timeout, name).toBe(5);
      expect((props.Environment as { Variables: Record<string, unknown> }).Variables.USER_POOL_ID, name).toBeUndefined();
    }
  });

  it('has an identity pool for app clients, guests included, with both roles attached', () => {
    template.resourceCountIs('AWS::Cognito::IdentityPool', 1);
    template.hasResourceProperties('AWS::Cognito::IdentityPool', { AllowUnauthenticatedIdentities: true });
    template.hasResourceProperties('AWS::Cognito::IdentityPoolRoleAttachment', {
      Roles: { authenticated: Match.anyValue(), unauthenticated: Match.anyValue() },
    });
  });
});

describe('outputs', () => {
  it('tell a client where and how to connect', () => {
    const outputs = template.findOutputs('*');
    for (const name of ['GraphqlUrl', 'RealtimeUrl', 'ApiKeyId', 'UserPoolId', 'UserPoolClientId', 'EndUserPoolId', 'EndUserPoolClientId', 'IdentityPoolId', 'BucketName', 'Region']) {
      expect(outputs, name).toHaveProperty(name);
    }
    expect(outputs.RealtimeUrl!.Value).toEqual({ 'Fn::GetAtt': [logicalId(s.stack.api.api.node.defaultChild), 'RealtimeUrl'] });
    expect(outputs.Region!.Value).toEqual({ Ref: 'AWS::Region' });
  });
});
