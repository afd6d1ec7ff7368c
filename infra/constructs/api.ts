import { Duration, Expiration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { TABLE_KEYS } from '../../adapters/dynamodb/layout';
import { dataSources, pipelineFunctions, REQUEST_LIMITS, resolverCode, resolvers, type DataSourceName, type FunctionName } from '../../resolvers/manifest';
import type { ResolverBundles } from '../../resolvers/build';
import type { StepFunctions } from './step-functions';
import type { Storage } from './storage';

export interface ApiProps {
  name: string;
  schemaFile: string;
  bundles: ResolverBundles;
  /** The user pools whose tokens the API accepts (admins, end users): one additional mode each. */
  userPools: cognito.IUserPool[];
  storage: Storage;
  steps: StepFunctions;
  logRetention: logs.RetentionDays;
}

const RUNTIME = appsync.FunctionRuntime.JS_1_0_0;

/**
 * The AppSync API, built from resolvers/manifest.ts: its data sources, its pipeline functions
 * and one PIPELINE resolver per field, each with the APPSYNC_JS bundle of resolvers/build.ts.
 */
export class Api extends Construct {
  readonly api: appsync.GraphqlApi;
  readonly apiKey: appsync.CfnApiKey;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const logsRole = new iam.Role(this, 'LogsRole', {
      assumedBy: new iam.ServicePrincipal('appsync.amazonaws.com'),
      description: 'AppSync writes the facegate API field logs',
    });

    this.api = new appsync.GraphqlApi(this, 'Api', {
      name: props.name,
      definition: appsync.Definition.fromFile(props.schemaFile),
      authorizationConfig: {
        defaultAuthorization: { authorizationType: appsync.AuthorizationType.IAM },
        additionalAuthorizationModes: [
          {
            authorizationType: appsync.AuthorizationType.API_KEY,
            apiKeyConfig: { description: 'facegate quick-start key', expires: Expiration.after(Duration.days(364)) },
          },
          ...props.userPools.map((userPool) => ({ authorizationType: appsync.AuthorizationType.USER_POOL, userPoolConfig: { userPool } })),
        ],
      },
      xrayEnabled: true,
      ...REQUEST_LIMITS,
    });
    // Set on the CloudFormation resource: the L2's logConfig always adds a LogRetention custom
    // resource (a Lambda with a managed-policy role); the log group below sets retention instead.
    // Errors per field, without the verbose content (headers, context, evaluated code):
    // requests carry base64 selfies and ID cards, which must never reach a log.
    (this.api.node.defaultChild as appsync.CfnGraphQLApi).logConfig = {
      cloudWatchLogsRoleArn: logsRole.roleArn,
      fieldLogLevel: appsync.FieldLogLevel.ERROR,
      excludeVerboseContent: true,
    };
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-ASC3',
      reason:
        'Field logging is on (ERROR) with excludeVerboseContent, which this rule counts as off: verbose content would ' +
        'write request variables (base64 face and ID-card images) to CloudWatch, which DESIGN.md forbids.',
    });
    this.apiKey = this.api.node.findChild('DefaultApiKey') as appsync.CfnApiKey;

    // AppSync writes to this fixed name; creating it here sets its retention.
    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/appsync/apis/${this.api.apiId}`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    logsRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );

    const sources = this.dataSources(props);
    const functions = new Map<FunctionName, appsync.AppsyncFunction>();
    for (const spec of pipelineFunctions) {
      functions.set(
        spec.name,
        new appsync.AppsyncFunction(this, `Function-${spec.name}`, {
          api: this.api,
          name: spec.name,
          dataSource: sources.get(spec.dataSource)!,
          runtime: RUNTIME,
          code: appsync.Code.fromInline(bundle(props.bundles, spec.code)),
        }),
      );
    }
    for (const spec of resolvers) {
      new appsync.Resolver(this, `Resolver-${spec.typeName}-${spec.fieldName}`, {
        api: this.api,
        typeName: spec.typeName,
        fieldName: spec.fieldName,
        pipelineConfig: spec.functions.map((name) => functions.get(name)!),
        runtime: RUNTIME,
        code: appsync.Code.fromInline(bundle(props.bundles, resolverCode(spec))),
      });
    }
  }

  get realtimeUrl(): string {
    return (this.api.node.defaultChild as appsync.CfnGraphQLApi).attrRealtimeUrl;
  }

  private dataSources({ storage, steps }: ApiProps): Map<DataSourceName, appsync.BaseDataSource> {
    const sources = new Map<DataSourceName, appsync.BaseDataSource>();
    for (const spec of dataSources) {
      switch (spec.kind) {
        case 'AWS_LAMBDA': {
          const fn = steps.get(spec.lambda);
          // The CDK grant would add `<arn>:*` (every version and alias); this role names the function only.
          const role = this.sourceRole(spec.name, [
            new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }),
          ]);
          sources.set(spec.name, new appsync.LambdaDataSource(this, `Source-${spec.name}`, {
            api: this.api,
            name: spec.name,
            lambdaFunction: fn,
            serviceRole: role.withoutPolicyUpdates(),
          }));
          break;
        }
        case 'AMAZON_DYNAMODB': {
          // The admin read resolvers only GetItem and Query (the table and its gsi1).
          const role = this.sourceRole(spec.name, [
            new iam.PolicyStatement({
              actions: ['dynamodb:GetItem', 'dynamodb:Query'],
              resources: [storage.table.tableArn, `${storage.table.tableArn}/index/${TABLE_KEYS.usersByStatusIndex}`],
            }),
          ]);
          sources.set(spec.name, new appsync.DynamoDbDataSource(this, `Source-${spec.name}`, {
            api: this.api,
            name: spec.name,
            table: storage.table,
            readOnlyAccess: true,
            serviceRole: role.withoutPolicyUpdates(),
          }));
          break;
        }
        case 'NONE':
          sources.set(spec.name, new appsync.NoneDataSource(this, `Source-${spec.name}`, { api: this.api, name: spec.name }));
          break;
      }
    }
    return sources;
  }

  private sourceRole(name: string, statements: iam.PolicyStatement[]): iam.Role {
    const role = new iam.Role(this, `SourceRole-${name}`, {
      assumedBy: new iam.ServicePrincipal('appsync.amazonaws.com'),
      description: `AppSync data source ${name} of the facegate API`,
    });
    for (const statement of statements) role.addToPolicy(statement);
    return role;
  }
}

function bundle(bundles: ResolverBundles, code: string): string {
  const text = bundles.get(code);
  if (text === undefined) throw new Error(`no resolver bundle for ${code}: build it with resolvers/build.ts`);
  return text;
}
