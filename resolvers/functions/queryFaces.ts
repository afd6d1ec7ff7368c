/** DynamoDB (table): Query USER#<ctx.stash.userId>, sk begins_with FACE# → FaceRecord[], newest first. */
import { util } from '@aws-appsync/utils';
import type { Context, DynamoDBQueryRequest } from '@aws-appsync/utils';
import { FACE_PREFIX, TABLE_KEYS, userPk } from '../../adapters/dynamodb/layout';
import { checkDataSourceError, sortNewestFirst, toFaceRecord } from '../lib/items';
import type { FaceItem } from '../lib/items';

export function request(ctx: Context): DynamoDBQueryRequest {
  return {
    operation: 'Query',
    query: {
      expression: '#pk = :pk AND begins_with(#sk, :sk)',
      expressionNames: { '#pk': TABLE_KEYS.partitionKey, '#sk': TABLE_KEYS.sortKey },
      expressionValues: util.dynamodb.toMapValues({ ':pk': userPk(ctx.stash.userId), ':sk': FACE_PREFIX }),
    },
  };
}

export function response(ctx: Context<unknown, Record<string, unknown>, Record<string, unknown>, undefined, { items?: FaceItem[] } | null>): unknown {
  checkDataSourceError(ctx);
  const items = ctx.result?.items ?? [];
  return sortNewestFirst(items.map((item) => toFaceRecord(item)));
}
