import { Validations } from 'aws-cdk-lib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IConstruct } from 'constructs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthesize, type Synthesized } from './synth';

let s: Synthesized;

beforeAll(async () => {
  s = await synthesize({ cloudFormationValidation: true });
});

/** Every acknowledgment in the tree: construct path, rule id, reason. */
function acknowledgments(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ path: c.node.path, id, reason }))),
  );
}

describe('cdk-nag AWS Solutions', () => {
  it('finds no unacknowledged error or warning', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(s.app);
    const findings = report.violations.map((v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('passes CDK\'s CloudFormation validation (resource schemas and rules) without a finding', () => {
    const report = JSON.parse(readFileSync(join(s.app.synth().directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: { violations?: unknown[] }[];
    };
    expect(report.pluginReports.flatMap((r) => r.violations ?? [])).toEqual([]);
  });

  it('acknowledges only findings that exist: stripped of acknowledgments, the same tree has exactly those findings', async () => {
    // A fresh tree, or stripping would change the one the other tests check.
    const fresh = await synthesize();
    const acks = acknowledgments(fresh.app).map((a) => ({ ...a, id: a.id.replace(/^Annotation::/i, '') }));
    for (const c of fresh.app.node.findAll()) {
      const kept = c.node.metadata.filter((m) => m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
      (c.node as unknown as { _metadata: unknown[] })._metadata = kept;
    }
    const findings = new AwsSolutionsChecks(undefined)
      .validateScope(fresh.app)
      .violations.flatMap((v) => v.violatingResources.map((r) => ({ id: v.ruleName, path: r.constructPath ?? '' })));
    expect(findings.length).toBeGreaterThan(0);
    const covers = (a: { id: string; path: string }, f: { id: string; path: string }): boolean =>
      a.id === f.id && (f.path === a.path || f.path.startsWith(a.path + '/'));
    for (const f of findings) expect(acks.some((a) => covers(a, f)), `unacknowledged ${f.id} on ${f.path}`).toBe(true);
    for (const a of acks) expect(findings.some((f) => covers(a, f)), `stale acknowledgment ${a.id} on ${a.path}`).toBe(true);
  });

  it('gives every acknowledgment a reason', () => {
    const acks = acknowledgments(s.app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) expect(ack.reason.length, `${ack.path} ${ack.id}`).toBeGreaterThan(40);
  });
});
