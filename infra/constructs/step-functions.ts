import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { dataSources } from '../../resolvers/manifest';
import { TRIGGER_NAMES, stepPermissions, type FunctionName } from '../step-permissions';
import { projectRoot } from '../paths';
import type { Storage } from './storage';

export interface StepFunctionsProps {
  storage: Storage;
  idDocumentReader: 'textract' | 'none';
  logRetention: logs.RetentionDays;
}

/**
 * Per-Lambda sizing: enrollment runs the most Rekognition calls; AppSync gives up after 30 s.
 * Cognito waits 5 s for a trigger (then retries), so the sign-in triggers get no more.
 */
const TIMEOUT_SECONDS: Record<FunctionName, number> = {
  uploads: 10,
  register: 28,
  authenticate: 15,
  admin: 28,
  account: 28,
  defineAuthChallenge: 5,
  createAuthChallenge: 5,
  verifyAuthChallengeResponse: 5,
};

/**
 * The step Lambdas of resolvers/manifest.ts and the end users' pool's sign-in triggers:
 * functions/<name>.ts bundled with the local esbuild (no Docker), each with its own role granting
 * only what its flows call (infra/step-permissions.ts) and its own log group.
 */
export class StepFunctions extends Construct {
  readonly functions: ReadonlyMap<FunctionName, NodejsFunction>;
  private readonly roles = new Map<FunctionName, iam.Role>();

  constructor(scope: Construct, id: string, props: StepFunctionsProps) {
    super(scope, id);
    const functions = new Map<FunctionName, NodejsFunction>();
    for (const source of dataSources) {
      if (source.kind !== 'AWS_LAMBDA' || functions.has(source.lambda)) continue;
      functions.set(source.lambda, this.stepFunction(source.lambda, props));
    }
    for (const name of TRIGGER_NAMES) functions.set(name, this.stepFunction(name, props));
    this.functions = functions;
  }

  get(name: FunctionName): NodejsFunction {
    const fn = this.functions.get(name);
    if (!fn) throw new Error(`no step Lambda ${name}`);
    return fn;
  }

  /**
   * The end users' pool, once it exists (its triggers are Lambdas of this construct): the
   * Lambdas that manage sign-in accounts or serve signed-in users get its id as USER_POOL_ID,
   * and only the Cognito admin actions they call, on that pool only.
   */
  useUserPool(userPool: cognito.IUserPool): void {
    for (const [name, fn] of this.functions) {
      const actions = stepPermissions[name].userPoolActions;
      // Those serving signed-in users (register: updateMyPhoto; account) all manage accounts too.
      if (actions.length === 0) continue;
      fn.addEnvironment('USER_POOL_ID', userPool.userPoolId);
      this.roles.get(name)!.addToPolicy(new iam.PolicyStatement({ actions, resources: [userPool.userPoolArn] }));
    }
  }

  private stepFunction(name: FunctionName, { storage, idDocumentReader, logRetention }: StepFunctionsProps): NodejsFunction {
    const scope = new Construct(this, name);
    const logGroup = new logs.LogGroup(scope, 'Logs', { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });
    // No managed policy (AWSLambdaBasicExecutionRole would allow writing to every log group).
    const role = new iam.Role(scope, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `facegate ${name} step Lambda`,
    });
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
    );
    const fn = new NodejsFunction(scope, 'Function', {
      entry: join(projectRoot, 'functions', `${name}.ts`),
      handler: 'handler',
      projectRoot,
      depsLockFilePath: join(projectRoot, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 1024,
      timeout: Duration.seconds(TIMEOUT_SECONDS[name]),
      tracing: lambda.Tracing.ACTIVE,
      role,
      logGroup,
      environment: {
        TABLE_NAME: storage.table.tableName,
        BUCKET_NAME: storage.bucket.bucketName,
        COLLECTION_ID: storage.collectionId,
        ID_DOCUMENT_READER: idDocumentReader,
        POWERTOOLS_SERVICE_NAME: 'facegate',
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        // The SDK versions the handlers were tested with, not whatever the runtime ships.
        bundleAwsSDK: true,
        mainFields: ['module', 'main'],
        // CommonJS dependencies inside an ES module bundle still call require().
        banner: "import { createRequire as __facegateCreateRequire } from 'node:module'; const require = __facegateCreateRequire(import.meta.url);",
        forceDockerBundling: false,
      },
    });
    this.roles.set(name, role);
    this.grant(role, name, storage, idDocumentReader);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only actions IAM cannot scope take *: X-Ray PutTraceSegments/PutTelemetryRecords (active tracing), ' +
        'Rekognition DetectFaces/CompareFaces (they take no collection) and Textract AnalyzeID; every other statement names its resource.',
    });
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Node.js 22 is the runtime the handlers are built and tested for (bundling target node22); move with the repository, not ahead of it.',
    });
    return fn;
  }

  private grant(role: iam.Role, name: FunctionName, storage: Storage, idDocumentReader: 'textract' | 'none'): void {
    const p = stepPermissions[name];
    if (p.collectionActions.length > 0) {
      role.addToPolicy(new iam.PolicyStatement({ actions: p.collectionActions, resources: [storage.collectionArn] }));
    }
    if (p.imageActions.length > 0) {
      role.addToPolicy(new iam.PolicyStatement({ actions: p.imageActions, resources: ['*'] }));
    }
    if (p.tableActions.length > 0) {
      role.addToPolicy(new iam.PolicyStatement({ actions: p.tableActions, resources: [storage.table.tableArn] }));
    }
    for (const { actions, prefixes } of p.objects) {
      role.addToPolicy(new iam.PolicyStatement({ actions, resources: prefixes.map((prefix) => storage.bucket.arnForObjects(`${prefix}*`)) }));
    }
    if (p.listBucket) {
      role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [storage.bucket.bucketArn] }));
    }
    if (p.readsIdDocuments && idDocumentReader === 'textract') {
      role.addToPolicy(new iam.PolicyStatement({ actions: ['textract:AnalyzeID'], resources: ['*'] }));
    }
    const wildcards = p.objects.flatMap(({ prefixes }) => prefixes);
    for (const prefix of new Set(wildcards)) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(storage.bucket.node.defaultChild as never)}.Arn>/${prefix}*]`,
        reason: `Object keys under ${prefix} are generated per upload/user/face at run time; the grant is limited to that prefix.`,
      });
    }
  }
}
