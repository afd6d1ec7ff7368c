/** The environment a step Lambda runs in: set by the CDK app in AWS and by `npm start` locally. */
export interface FunctionEnv {
  tableName: string;
  bucketName: string;
  collectionId: string;
  /** The API's GraphQL URL for publishing progress; progress is only recorded without it. */
  graphqlUrl?: string;
  region: string;
  /** How ID documents are read: `textract` (AnalyzeID, in AWS) or `none` (fields left empty). */
  idDocumentReader: 'textract' | 'none';
  /** The end users' Cognito user pool (sign-in accounts, face sign-in); only the Lambdas that manage accounts or serve signed-in users get it. */
  userPoolId?: string;
}

export function readFunctionEnv(env: Record<string, string | undefined> = process.env): FunctionEnv {
  const missing = ['TABLE_NAME', 'BUCKET_NAME', 'COLLECTION_ID'].filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`Missing environment: ${missing.join(', ')}`);
  return {
    tableName: env.TABLE_NAME!,
    bucketName: env.BUCKET_NAME!,
    collectionId: env.COLLECTION_ID!,
    ...(env.GRAPHQL_URL ? { graphqlUrl: env.GRAPHQL_URL } : {}),
    ...(env.USER_POOL_ID ? { userPoolId: env.USER_POOL_ID } : {}),
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    idDocumentReader: idDocumentReaderOf(env.ID_DOCUMENT_READER),
  };
}

function idDocumentReaderOf(value: string | undefined): FunctionEnv['idDocumentReader'] {
  if (value === undefined || value === '' || value === 'none') return 'none';
  if (value === 'textract') return 'textract';
  throw new Error(`ID_DOCUMENT_READER must be textract or none, got "${value}"`);
}
