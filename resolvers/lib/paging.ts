/**
 * Listings of gsi1 (users by status, a user's registrations): newest first, a page of `limit`
 * from the data source's own opaque nextToken, which AppSync hands back with the page.
 */
import { util } from '@aws-appsync/utils';
import type { Context, DynamoDBQueryRequest } from '@aws-appsync/utils';
import { TABLE_KEYS } from '../../adapters/dynamodb/layout';
import { checkDataSourceError } from './items';

export function newestFirstInGsi1(partition: string, limit: number, nextToken: string | null | undefined): DynamoDBQueryRequest {
  const query: DynamoDBQueryRequest = {
    operation: 'Query',
    index: TABLE_KEYS.usersByStatusIndex,
    query: {
      expression: '#pk = :pk',
      expressionNames: { '#pk': TABLE_KEYS.gsiPartitionKey },
      expressionValues: util.dynamodb.toMapValues({ ':pk': partition }),
    },
    scanIndexForward: false,
    limit: limit,
  };
  if (nextToken) {
    query.nextToken = nextToken;
  }
  return query;
}

type PageContext<I> = Context<unknown, Record<string, unknown>, Record<string, unknown>, undefined, { items?: I[]; nextToken?: string | null } | null>;

/**
 * The data source's page, checked: its items and nextToken for a connection type. (The caller maps
 * the items: APPSYNC_JS passes functions to array methods only.)
 */
export function pageOf<I>(ctx: PageContext<I>): { items: I[]; nextToken: string | null } {
  checkDataSourceError(ctx);
  return { items: ctx.result?.items ?? [], nextToken: ctx.result?.nextToken ?? null };
}
