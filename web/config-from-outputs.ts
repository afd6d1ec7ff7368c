/**
 * `npm run web:config -- <outputs.json> [--stack Facegate-dev] [--out dist/web/config.json]`:
 * the config.json of a deployed web app, from the CDK app's outputs — either the file
 * `cdk deploy --outputs-file` writes ({"Facegate-dev": {"GraphqlUrl": …}}) or what
 * `aws cloudformation describe-stacks --query 'Stacks[0].Outputs'` prints ([{OutputKey, OutputValue}]).
 * A deployed config never carries an admin token: admins sign in to the user pool.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseWebConfig, type WebConfig } from './config';

/** The stack outputs the web app reads (infra/facegate-stack.ts). */
export const WEB_OUTPUTS = ['GraphqlUrl', 'RealtimeUrl', 'ApiKeyId', 'Region', 'EndUserPoolId', 'EndUserPoolClientId', 'UserPoolId', 'UserPoolClientId'] as const;

export function webConfigFromOutputs(outputs: Record<string, string>): WebConfig {
  const missing = WEB_OUTPUTS.filter((key) => !outputs[key]);
  if (missing.length > 0) throw new Error(`the stack outputs lack ${missing.join(', ')}`);
  return parseWebConfig({
    stage: 'aws',
    region: outputs.Region,
    graphqlUrl: outputs.GraphqlUrl,
    realtimeUrl: outputs.RealtimeUrl,
    apiKey: outputs.ApiKeyId,
    userPool: { userPoolId: outputs.EndUserPoolId, userPoolClientId: outputs.EndUserPoolClientId },
    adminPool: { userPoolId: outputs.UserPoolId, userPoolClientId: outputs.UserPoolClientId },
  });
}

/** Outputs of one stack from either file format; `stack` picks one when the file has several. */
export function readOutputs(json: unknown, stack?: string): Record<string, string> {
  if (Array.isArray(json)) {
    return Object.fromEntries((json as { OutputKey?: string; OutputValue?: string }[]).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  }
  if (typeof json !== 'object' || json === null) throw new Error('not a CDK outputs file');
  const stacks = json as Record<string, Record<string, string>>;
  const names = Object.keys(stacks);
  const name = stack ?? (names.length === 1 ? names[0] : undefined);
  if (!name || !stacks[name]) throw new Error(`pick a stack with --stack (the file has ${names.join(', ') || 'none'})`);
  return stacks[name];
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { stack: { type: 'string' }, out: { type: 'string', default: 'dist/web/config.json' } },
  });
  const [file] = positionals;
  if (!file) {
    console.error('Usage: npm run web:config -- <cdk-outputs.json> [--stack Facegate-dev] [--out dist/web/config.json]');
    process.exit(2);
  }
  try {
    const config = webConfigFromOutputs(readOutputs(JSON.parse(fs.readFileSync(file, 'utf8')), values.stack));
    fs.mkdirSync(path.dirname(values.out), { recursive: true });
    fs.writeFileSync(values.out, JSON.stringify(config, null, 2) + '\n');
    console.log(`wrote ${values.out} for ${config.graphqlUrl}`);
  } catch (e) {
    console.error(`web:config: ${(e as Error).message}`);
    process.exit(1);
  }
}
