/** The AWS SDK implementations of core/ports. Wiring (clients, env) lives in functions/lib. */
export { RekognitionFaceEngine } from './rekognition/face-engine';
export type { RekognitionFaceEngineOptions } from './rekognition/face-engine';
export { DynamoRecordStore } from './dynamodb/record-store';
export type { DynamoRecordStoreOptions } from './dynamodb/record-store';
export { S3ImageStore } from './s3/image-store';
export type { S3ImageStoreOptions } from './s3/image-store';
export { AppSyncProgressPublisher, NullProgressPublisher } from './appsync/progress-publisher';
export type { AppSyncProgressPublisherOptions } from './appsync/progress-publisher';
export { NoIdDocumentReader } from './id-document/no-id-document-reader';
export { TextractIdDocumentReader } from './id-document/textract-id-document-reader';
export type { TextractIdDocumentReaderOptions } from './id-document/textract-id-document-reader';
export { CognitoUserDirectory } from './cognito/user-directory';
export type { CognitoUserDirectoryOptions } from './cognito/user-directory';
