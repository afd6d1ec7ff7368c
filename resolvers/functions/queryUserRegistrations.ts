/**
 * DynamoDB (table): Query gsi1 where gsi1pk = REGS#<ctx.stash.userId>, newest first
 * (gsi1sk = <startedAt>#<registrationId>), ctx.stash.limit items from ctx.stash.nextToken →
 * RegistrationConnection. Only REG#…/META items carry these keys; their events stay in REG#<id>.
 */
import type { Context, DynamoDBQueryRequest } from '@aws-appsync/utils';
import { userRegistrationsGsiPk } from '../../adapters/dynamodb/layout';
import { toRegistrationSummary } from '../lib/items';
import type { RegistrationItem } from '../lib/items';
import { newestFirstInGsi1, pageOf } from '../lib/paging';

export function request(ctx: Context): DynamoDBQueryRequest {
  return newestFirstInGsi1(userRegistrationsGsiPk(ctx.stash.userId), ctx.stash.limit, ctx.stash.nextToken);
}

export function response(
  ctx: Context<unknown, Record<string, unknown>, Record<string, unknown>, undefined, { items?: RegistrationItem[]; nextToken?: string | null } | null>,
): unknown {
  const page = pageOf(ctx);
  return { items: page.items.map((item) => toRegistrationSummary(item)), nextToken: page.nextToken };
}
