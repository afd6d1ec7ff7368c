/**
 * DynamoDB (table): Query gsi1 where gsi1pk = REGS#<ctx.stash.userId>, newest first
 * (gsi1sk = <startedAt>#<registrationId>), ctx.stash.limit items from ctx.stash.nextToken →
 * RegistrationConnection. Only REG#…/META items carry these keys; their events stay in REG#<id>.
 */
import { util } from '@aws-appsync/utils';
import type { Context, DynamoDBQueryRequest } from '@aws-appsync/utils';
import { TABLE_KEYS, userRegistrationsGsiPk } from '../../adapters/dynamodb/layout';
import { checkDataSourceError, toRegistrationSummary } from '../lib/items';
import type { RegistrationItem } from '../lib/items';

export function request(ctx: Context): DynamoDBQueryRequest {
  const query: DynamoDBQueryRequest = {
    operation: 'Query',
    index: TABLE_KEYS.registrationsByUserIndex,
    query: {
      expression: '#pk = :pk',
      expressionNames: { '#pk': TABLE_KEYS.gsiPartitionKey },
      expressionValues: util.dynamodb.toMapValues({ ':pk': userRegistrationsGsiPk(ctx.stash.userId) }),
    },
    scanIndexForward: false,
    limit: ctx.stash.limit,
  };
  if (ctx.stash.nextToken) {
    query.nextToken = ctx.stash.nextToken;
  }
  return query;
}

export function response(
  ctx: Context<unknown, Record<string, unknown>, Record<string, unknown>, undefined, { items?: RegistrationItem[]; nextToken?: string | null } | null>,
): unknown {
  checkDataSourceError(ctx);
  const items = ctx.result?.items ?? [];
  return {
    items: items.map((item) => toRegistrationSummary(item)),
    nextToken: ctx.result?.nextToken ?? null,
  };
}
