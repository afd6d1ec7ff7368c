import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as rekognition from 'aws-cdk-lib/aws-rekognition';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { TABLE_KEYS } from '../../adapters/dynamodb/layout';
import { UPLOAD_PREFIX } from '../../core/images';

export interface StorageProps {
  /** The Rekognition collection's id (CloudFormation needs a physical name for it). */
  collectionId: string;
  uploadOrigins: string[];
}

/**
 * Where facegate keeps its data: the single table (adapters/dynamodb/layout.ts), the image
 * bucket (staged uploads, enrolled faces, ID cards) and the Rekognition collection. All three
 * are retained when the stack is deleted: they hold users' biometric data and their records,
 * which must be erased deliberately (deleteUser), never by a teardown.
 */
export class Storage extends Construct {
  readonly table: dynamodb.Table;
  readonly bucket: s3.Bucket;
  readonly accessLogs: s3.Bucket;
  readonly collection: rekognition.CfnCollection;
  readonly collectionId: string;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: TABLE_KEYS.ttl,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Admin listing by status, newest first; the AppSync resolvers read whole items from it.
    this.table.addGlobalSecondaryIndex({
      indexName: TABLE_KEYS.usersByStatusIndex,
      partitionKey: { name: TABLE_KEYS.gsiPartitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.gsiSortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.bucket = new s3.Bucket(this, 'Images', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // SSE-S3, as every write of adapters/s3/image-store.ts asks for (x-amz-server-side-encryption: AES256).
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'images/',
      lifecycleRules: [
        // Staged uploads are deleted once a registration or an authentication is decided; what is left is abandoned.
        { id: 'expire-staged-uploads', prefix: UPLOAD_PREFIX, expiration: Duration.days(1), noncurrentVersionExpiration: Duration.days(1) },
        // Versioning is a one-day safety net against a faulty overwrite or delete. Erasing a person
        // (deleteUser) must really erase their face images, so old versions do not outlive it by more.
        { id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(1), expiredObjectDeleteMarker: true },
        { id: 'abort-multipart-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      cors: [
        {
          // Browsers PUT to presigned URLs with the headers createUploadUrl returns.
          allowedMethods: [s3.HttpMethods.PUT],
          allowedOrigins: props.uploadOrigins,
          allowedHeaders: ['content-type', 'x-amz-server-side-encryption'],
          exposedHeaders: ['ETag'],
          maxAge: 3000,
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.collectionId = props.collectionId;
    this.collection = new rekognition.CfnCollection(this, 'Collection', { collectionId: props.collectionId });
    this.collection.applyRemovalPolicy(RemovalPolicy.RETAIN);
  }

  get collectionArn(): string {
    return this.collection.attrArn;
  }
}
