import { randomUUID } from 'node:crypto';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AppSyncProgressPublisher, NullProgressPublisher } from '../../adapters/appsync/progress-publisher';
import { CognitoUserDirectory } from '../../adapters/cognito/user-directory';
import { DynamoRecordStore } from '../../adapters/dynamodb/record-store';
import { NoIdDocumentReader } from '../../adapters/id-document/no-id-document-reader';
import { TextractIdDocumentReader } from '../../adapters/id-document/textract-id-document-reader';
import { TextractClient } from '@aws-sdk/client-textract';
import { RekognitionFaceEngine } from '../../adapters/rekognition/face-engine';
import { S3ImageStore } from '../../adapters/s3/image-store';
import { InvocationBudget } from '../../adapters/aws/budget';
import { budgeted, retrySettings, sdkClientOptions } from '../../adapters/aws/resilience';
import { loadConfig } from '../../core/config';
import type { Deps } from '../../core/deps';
import type { Logger, UserDirectory } from '../../core/ports';
import { readFunctionEnv } from './env';

/**
 * Builds the flows' dependencies from the environment, on AWS SDK v3 clients. The SDK reads
 * AWS_ENDPOINT_URL_<SERVICE>, so the same code talks to AWS or to the local stack. Every client
 * retries throttling and transient errors within the invocation's time budget and answers what
 * retries could not fix as THROTTLED / UNAVAILABLE (adapters/aws/resilience.ts).
 */
export function createDeps(logger: Logger, env: Record<string, string | undefined> = process.env): Deps {
  const fnEnv = readFunctionEnv(env);
  const config = loadConfig(env);
  const clock = { now: () => new Date() };
  const { region } = fnEnv;
  const retries = retrySettings(config);
  const sdk = { region, ...sdkClientOptions(retries) };
  return {
    faces: new RekognitionFaceEngine({ client: budgeted(new RekognitionClient(sdk), 'Rekognition', retries), collectionId: fnEnv.collectionId, bucket: fnEnv.bucketName }),
    records: new DynamoRecordStore({
      client: budgeted(DynamoDBDocumentClient.from(new DynamoDBClient(sdk), { marshallOptions: { removeUndefinedValues: true } }), 'DynamoDB', retries),
      tableName: fnEnv.tableName,
      registrationTtlSeconds: config.registrationTtlSeconds,
      attemptsTtlSeconds: config.lockoutWindowSeconds * 2,
      clock,
    }),
    // Path-style addressing where an endpoint is given (S3 stand-ins have no virtual hosts).
    images: new S3ImageStore({ client: budgeted(new S3Client({ ...sdk, forcePathStyle: Boolean(env.AWS_ENDPOINT_URL_S3) }), 'S3', retries), bucket: fnEnv.bucketName }),
    publisher: fnEnv.graphqlUrl ? new AppSyncProgressPublisher({ graphqlUrl: fnEnv.graphqlUrl, region }) : new NullProgressPublisher(),
    idReader:
      fnEnv.idDocumentReader === 'textract'
        ? new TextractIdDocumentReader({ client: budgeted(new TextractClient(sdk), 'Textract', retries), bucket: fnEnv.bucketName })
        : new NoIdDocumentReader(),
    directory: fnEnv.userPoolId
      ? new CognitoUserDirectory({ client: new CognitoIdentityProviderClient({ region }), userPoolId: fnEnv.userPoolId })
      : noDirectory,
    clock,
    ids: { newId: () => randomUUID() },
    config,
    logger,
    budget: new InvocationBudget(config.cleanupGraceMs),
  };
}

/** A Lambda without USER_POOL_ID manages no accounts: using the directory there is a wiring bug, said loudly. */
const noDirectory: UserDirectory = {
  ensureUser: () => Promise.reject(new Error('USER_POOL_ID is not set: this function has no user directory')),
  deleteUser: () => Promise.reject(new Error('USER_POOL_ID is not set: this function has no user directory')),
};
