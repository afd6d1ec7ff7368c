/**
 * What the AppSync API is made of, as plain data: data sources, pipeline functions and
 * resolvers. The CDK app (infra/) and the local server (local/appsync) both build the API from
 * this list; `code` names a bundle: `resolvers/<code>.ts` → `dist/resolvers/<code>.js`
 * (resolvers/build.ts). Every resolver is a PIPELINE resolver: its own code is the pipeline's
 * before (request) and after (response) handlers.
 */
import type { StepName } from '../functions/lib/contract';

/** The step Lambdas, named by what they serve. */
export type LambdaName = 'uploads' | 'register' | 'authenticate' | 'admin' | 'account';

export type DataSourceName = LambdaName | 'table' | 'none';

export interface LambdaDataSource {
  name: LambdaName;
  kind: 'AWS_LAMBDA';
  lambda: LambdaName;
  /** The StepEvent.step values this Lambda answers. */
  steps: StepName[];
}

/** The single table of adapters/dynamodb/layout.ts (with its gsi1 index). */
export interface DynamoDbDataSource {
  name: 'table';
  kind: 'AMAZON_DYNAMODB';
}

export interface NoneDataSource {
  name: 'none';
  kind: 'NONE';
}

export type DataSourceSpec = LambdaDataSource | DynamoDbDataSource | NoneDataSource;

export type FunctionName =
  | 'invokeUploads'
  | 'invokeRegister'
  | 'invokeAuthenticate'
  | 'invokeAdmin'
  | 'invokeAccount'
  | 'getUser'
  | 'queryUsers'
  | 'queryFaces'
  | 'queryRegistration'
  | 'queryUserRegistrations'
  | 'passThrough';

/** An AppSync function (pipeline step). The same code may serve several functions. */
export interface FunctionSpec {
  name: FunctionName;
  /** `functions/<file>`: resolvers/functions/<file>.ts. */
  code: string;
  dataSource: DataSourceName;
}

export type ResolverTypeName = 'Query' | 'Mutation' | 'Subscription' | 'User';

export interface ResolverSpec {
  typeName: ResolverTypeName;
  fieldName: string;
  /** The pipeline, in order (at most 10). */
  functions: FunctionName[];
}

/**
 * Everything of `@aws-appsync/utils` the bundles call at run time (test/resolvers checks the
 * bundles use exactly this). The local server's APPSYNC_JS runtime must provide these, with
 * AppSync's semantics: util.error throws (message, errorType, data, errorInfo); util.matches is
 * Java's String.matches (whole value); util.autoId returns a UUID v4; toMapValues gives
 * DynamoDB attribute values; toSubscriptionFilter gives {filterGroup: [{filters: [...]}]}.
 */
export const RUNTIME_SURFACE = [
  'extensions.setSubscriptionFilter',
  'util.autoId',
  'util.dynamodb.toMapValues',
  'util.error',
  'util.matches',
  'util.transform.toSubscriptionFilter',
  'util.urlEncode',
] as const;

/** AppSync's limit on one resolver or function's code. */
export const MAX_CODE_BYTES = 32 * 1024;

/**
 * How much one request may ask for: the GraphqlApi's queryDepthLimit and resolverCountLimit, set
 * by the CDK app and enforced by the local server alike. The deepest document a client needs is
 * the standard introspection query (depth 13); the most resolvers, a full page of listUsers with
 * each user's faces (1 + 100). Deeper or larger documents — introspection nested for its own sake,
 * a mutation aliased hundreds of times — are refused.
 */
export const REQUEST_LIMITS = { queryDepthLimit: 15, resolverCountLimit: 200 } as const;

export const dataSources: readonly DataSourceSpec[] = [
  { name: 'uploads', kind: 'AWS_LAMBDA', lambda: 'uploads', steps: ['createUploadUrl'] },
  { name: 'register', kind: 'AWS_LAMBDA', lambda: 'register', steps: ['registerUser', 'registerWithIdCard', 'updatePhoto', 'updateMyPhoto'] },
  { name: 'authenticate', kind: 'AWS_LAMBDA', lambda: 'authenticate', steps: ['authenticate'] },
  { name: 'admin', kind: 'AWS_LAMBDA', lambda: 'admin', steps: ['deleteUser', 'searchFaces', 'faceImageUrl'] },
  { name: 'account', kind: 'AWS_LAMBDA', lambda: 'account', steps: ['me', 'deleteMe'] },
  { name: 'table', kind: 'AMAZON_DYNAMODB' },
  { name: 'none', kind: 'NONE' },
];

export const pipelineFunctions: readonly FunctionSpec[] = [
  { name: 'invokeUploads', code: 'functions/invokeStep', dataSource: 'uploads' },
  { name: 'invokeRegister', code: 'functions/invokeStep', dataSource: 'register' },
  { name: 'invokeAuthenticate', code: 'functions/invokeStep', dataSource: 'authenticate' },
  { name: 'invokeAdmin', code: 'functions/invokeStep', dataSource: 'admin' },
  { name: 'invokeAccount', code: 'functions/invokeStep', dataSource: 'account' },
  { name: 'getUser', code: 'functions/getUser', dataSource: 'table' },
  { name: 'queryUsers', code: 'functions/queryUsers', dataSource: 'table' },
  { name: 'queryFaces', code: 'functions/queryFaces', dataSource: 'table' },
  { name: 'queryRegistration', code: 'functions/queryRegistration', dataSource: 'table' },
  { name: 'queryUserRegistrations', code: 'functions/queryUserRegistrations', dataSource: 'table' },
  { name: 'passThrough', code: 'functions/passThrough', dataSource: 'none' },
];

export const resolvers: readonly ResolverSpec[] = [
  { typeName: 'Mutation', fieldName: 'createUploadUrl', functions: ['invokeUploads'] },
  { typeName: 'Mutation', fieldName: 'registerUser', functions: ['invokeRegister'] },
  { typeName: 'Mutation', fieldName: 'registerWithIdCard', functions: ['invokeRegister'] },
  { typeName: 'Mutation', fieldName: 'updatePhoto', functions: ['invokeRegister'] },
  { typeName: 'Mutation', fieldName: 'authenticate', functions: ['invokeAuthenticate'] },
  { typeName: 'Mutation', fieldName: 'deleteUser', functions: ['invokeAdmin'] },
  {
    typeName: 'Mutation',
    fieldName: 'publishRegistrationProgress',
   
    functions: ['passThrough'],
  },
  { typeName: 'Query', fieldName: 'user', functions: ['getUser'] },
  { typeName: 'Query', fieldName: 'listUsers', functions: ['queryUsers'] },
  { typeName: 'Query', fieldName: 'faceRecords', functions: ['queryFaces'] },
  { typeName: 'Query', fieldName: 'searchFaces', functions: ['invokeAdmin'] },
  { typeName: 'Query', fieldName: 'registration', functions: ['queryRegistration'] },
  { typeName: 'Query', fieldName: 'registrations', functions: ['queryUserRegistrations'] },
  { typeName: 'Query', fieldName: 'faceImageUrl', functions: ['invokeAdmin'] },
  { typeName: 'User', fieldName: 'faces', functions: ['queryFaces'] },
  {
    typeName: 'Subscription',
    fieldName: 'onRegistrationProgress',
   
    functions: ['passThrough'],
  },
  // Signed-in users (end users' pool): the userId comes from the token, in the Lambda.
  { typeName: 'Query', fieldName: 'me', functions: ['invokeAccount'] },
  { typeName: 'Mutation', fieldName: 'updateMyPhoto', functions: ['invokeRegister'] },
  { typeName: 'Mutation', fieldName: 'deleteMe', functions: ['invokeAccount'] },
];

/** A resolver's code is named after its field: resolvers/<Type>.<field>.ts. */
export const resolverCode = (r: { typeName: string; fieldName: string }): string => `${r.typeName}.${r.fieldName}`;

/** The parts of a manifest that name code (this one's by default; tests of the runtime bring their own). */
export interface CodeManifest {
  resolvers: readonly { typeName: string; fieldName: string }[];
  pipelineFunctions: readonly { code: string }[];
}

/** Every bundle to build: the resolvers' codes, then the functions' (each once). */
export function codeEntries(manifest: CodeManifest = { resolvers, pipelineFunctions }): string[] {
  const codes: string[] = [];
  for (const r of manifest.resolvers) {
    if (codes.indexOf(resolverCode(r)) === -1) {
      codes.push(resolverCode(r));
    }
  }
  for (const f of manifest.pipelineFunctions) {
    if (codes.indexOf(f.code) === -1) {
      codes.push(f.code);
    }
  }
  return codes;
}
