/** DynamoDB (table): Query REG#<ctx.stash.registrationId> (META + EVENT#…) → Registration or null. */
import { util } from '@aws-appsync/utils';
import type { Context, DynamoDBQueryRequest } from '@aws-appsync/utils';
import { TABLE_KEYS, registrationPk } from '../../adapters/dynamodb/layout';
import { checkDataSourceError, toRegistration } from '../lib/items';
import type { EventItem, RegistrationItem } from '../lib/items';

export function request(ctx: Context): DynamoDBQueryRequest {
  return {
    operation: 'Query',
    query: {
      expression: '#pk = :pk',
      expressionNames: { '#pk': TABLE_KEYS.partitionKey },
      expressionValues: util.dynamodb.toMapValues({ ':pk': registrationPk(ctx.stash.registrationId) }),
    },
    consistentRead: true,
  };
}

export function response(
  ctx: Context<unknown, Record<string, unknown>, Record<string, unknown>, undefined, { items?: (RegistrationItem | EventItem)[] } | null>,
): unknown {
  checkDataSourceError(ctx);
  return toRegistration(ctx.result?.items ?? []);
}
