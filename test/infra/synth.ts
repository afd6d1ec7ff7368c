/**
 * Builds the stack the way infra/app.ts does (cdk.json's context, the real resolver bundles)
 * but without bundling the Lambdas: `aws:cdk:bundling-stacks: []` is what `cdk synth
 * --exclusively` uses to skip asset bundling. `npm run synth` bundles them for real.
 * CDK's built-in CloudFormation validation (resource schemas and rules, several seconds on
 * first use) runs only where a test asks for it.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readConfig } from '../../infra/config';
import { FacegateStack } from '../../infra/facegate-stack';
import { cdkJsonContext } from '../../infra/paths';
import { buildResolverSources, type ResolverBundles } from '../../resolvers/build';

export interface Synthesized {
  app: App;
  stack: FacegateStack;
  template: Template;
  bundles: ResolverBundles;
}

export interface SynthOptions {
  context?: Record<string, unknown>;
  cloudFormationValidation?: boolean;
}

export async function synthesize({ context = {}, cloudFormationValidation = false }: SynthOptions = {}): Promise<Synthesized> {
  const app = new App({
    context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...context },
    builtinCloudFormationValidation: cloudFormationValidation,
  });
  const bundles = await buildResolverSources();
  const config = readConfig(app.node);
  const stack = new FacegateStack(app, `Facegate-${config.stage}`, { config, bundles });
  return { app, stack, template: Template.fromStack(stack), bundles };
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

export const resourcesOf = (template: Template, type: string): Resources => template.findResources(type) as Resources;

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

export const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);

/** Every statement of the inline policies attached to a role (by the role's logical id). */
export function statementsOfRole(template: Template, roleId: string): Statement[] {
  const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy'));
  return policies
    .filter((p) => ((p.Properties?.Roles as { Ref?: string }[] | undefined) ?? []).some((r) => r.Ref === roleId))
    .flatMap((p) => (p.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
}

/** The logical id of the role of the Lambda whose environment names this handler's file. */
export function roleOfFunction(template: Template, functionId: string): string {
  const fn = resourcesOf(template, 'AWS::Lambda::Function')[functionId];
  const role = fn?.Properties?.Role as { 'Fn::GetAtt'?: [string, string] } | undefined;
  const id = role?.['Fn::GetAtt']?.[0];
  if (!id) throw new Error(`no role for ${functionId}`);
  return id;
}
