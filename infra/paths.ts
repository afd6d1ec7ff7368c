import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../resolvers/build';

export { projectRoot };

/** The AppSync schema (not schema/appsync.graphql, which only declares AppSync's built-ins for tools). */
export const schemaFile = join(projectRoot, 'schema', 'schema.graphql');

/** cdk.json's context: what the CDK CLI passes to the app, for runs without it (tests, `tsx infra/app.ts`). */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(projectRoot, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}
