/**
 * The CDK app: `npm run synth` / `npx cdk deploy -c stage=dev` (cdk.json runs it with tsx), or
 * `npx tsx infra/app.ts` alone, which writes cdk.out/ with cdk.json's context.
 * cdk-nag's AWS Solutions checks run on every synthesis; an unacknowledged finding stops it.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { join } from 'node:path';
import { readConfig } from './config';
import { FacegateStack } from './facegate-stack';
import { cdkJsonContext, projectRoot } from './paths';
import { buildResolverSources } from '../resolvers/build';

// The CLI hands the app its output directory and context; without it, act as it would.
const underCli = process.env.CDK_OUTDIR !== undefined;
const app = new App(underCli ? {} : { outdir: join(projectRoot, 'cdk.out'), context: cdkJsonContext() });
const config = readConfig(app.node);
new FacegateStack(app, `Facegate-${config.stage}`, {
  config,
  bundles: await buildResolverSources(),
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: `facegate (${config.stage}): face-based identity verification on AppSync and Rekognition`,
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
