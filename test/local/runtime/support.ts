/** Shared by the runtime tests: an in-process dynalite with the single table, and field requests. */
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { TABLE_KEYS } from '../../../adapters/dynamodb/layout';
import type { FieldRequest } from '../../../local/appsync/contract';

export interface EmbeddedDynamo {
  client: DynamoDBClient;
  tableName: string;
  close(): Promise<void>;
}

/** dynalite on 127.0.0.1:0 with the table of adapters/dynamodb/layout.ts (gsi1, projection ALL), ACTIVE. */
export async function startDynamo(tableName = 'facegate-test'): Promise<EmbeddedDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
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
  for (let i = 0; i < 200; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') break;
    await new Promise((r) => setTimeout(r, 5));
  }
  return {
    client,
    tableName,
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function fieldRequest(typeName: string, fieldName: string, args: Record<string, unknown> = {}, extra: Partial<FieldRequest> = {}): FieldRequest {
  return {
    typeName,
    fieldName,
    args,
    source: null,
    identity: null,
    headers: {},
    variables: {},
    selectionSetList: [],
    selectionSetGraphQL: '',
    ...extra,
  };
}
