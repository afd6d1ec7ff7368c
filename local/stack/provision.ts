/** Creates what the handlers expect, when missing: the table (with gsi1) and the collection. */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { CreateCollectionCommand, RekognitionClient, ResourceAlreadyExistsException } from '@aws-sdk/client-rekognition';
import { TABLE_KEYS } from '../../adapters/dynamodb/layout';

export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return false;
  } catch (e) {
    if (!(e instanceof ResourceNotFoundException)) throw e;
  }
  const { partitionKey, sortKey, usersByStatusIndex, gsiPartitionKey, gsiSortKey } = TABLE_KEYS;
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [partitionKey, sortKey, gsiPartitionKey, gsiSortKey].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: partitionKey, KeyType: 'HASH' },
        { AttributeName: sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: usersByStatusIndex,
          KeySchema: [
            { AttributeName: gsiPartitionKey, KeyType: 'HASH' },
            { AttributeName: gsiSortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  await waitUntilActive(client, tableName);
  return true;
}

/** dynalite answers CREATING, like DynamoDB; the SDK's waiter polls once a second at best. */
async function waitUntilActive(client: DynamoDBClient, tableName: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    if (Date.now() > deadline) throw new Error(`table ${tableName} is still ${Table?.TableStatus ?? 'missing'} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function ensureCollection(client: RekognitionClient, collectionId: string): Promise<boolean> {
  try {
    await client.send(new CreateCollectionCommand({ CollectionId: collectionId }));
    return true;
  } catch (e) {
    if (e instanceof ResourceAlreadyExistsException) return false;
    throw e;
  }
}
