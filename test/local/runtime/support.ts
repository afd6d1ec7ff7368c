/** Shared by the runtime tests: an in-process dynalite with the single table, and field requests. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { FieldRequest } from '../../../local/appsync/contract';
import { ensureTable } from '../../../local/stack/provision';
import { startDynamoDb } from '../../../local/stack/services';

export interface EmbeddedDynamo {
  client: DynamoDBClient;
  tableName: string;
  close(): Promise<void>;
}

/** dynalite on 127.0.0.1:0 with the table of adapters/dynamodb/layout.ts (gsi1, projection ALL), ACTIVE. */
export async function startDynamo(tableName = 'facegate-test'): Promise<EmbeddedDynamo> {
  const server = await startDynamoDb({ host: '127.0.0.1' });
  const client = new DynamoDBClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await ensureTable(client, tableName);
  return {
    client,
    tableName,
    close: async () => {
      client.destroy();
      await server.close();
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
