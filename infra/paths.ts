import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in <root>/infra/). */
export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The AppSync schema (not schema/appsync.graphql, which only declares AppSync's built-ins for tools). */
export const schemaFile = join(projectRoot, 'schema', 'schema.graphql');

/** cdk.json's context: what the CDK CLI passes to the app, for runs without it (tests, `tsx infra/app.ts`). */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(projectRoot, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}
