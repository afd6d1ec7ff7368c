/**
 * The Lambda bundles themselves: synthesized with real bundling (the local esbuild, no Docker),
 * then loaded and run as Lambda would, as ES modules exporting `handler`, in a plain Node
 * process (vitest would transform half a megabyte of SDK per bundle).
 */
import type { CfnElement } from 'aws-cdk-lib';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FunctionName } from '../../infra/step-permissions';
import { resourcesOf, synthesize, type Synthesized } from './synth';

let s: Synthesized;
let outdir: string;

beforeAll(async () => {
  s = await synthesize({ context: { 'aws:cdk:bundling-stacks': ['**'] } });
  outdir = s.app.synth().directory;
});

function bundleOf(name: FunctionName): string {
  const fn = resourcesOf(s.template, 'AWS::Lambda::Function')[s.stack.getLogicalId(s.stack.steps.get(name).node.defaultChild as CfnElement)]!;
  const key = (fn.Properties!.Code as { S3Key: string }).S3Key;
  return join(outdir, `asset.${key.replace(/\.zip$/, '')}`, 'index.mjs');
}

/** Imports the bundle in a fresh Node process, calls its handler with `event`, returns the answer. */
function invoke(name: FunctionName, event: unknown, env: Record<string, string> = {}): { result?: Record<string, unknown>; error?: { type: string } } {
  const file = bundleOf(name);
  expect(existsSync(file), file).toBe(true);
  const script = `const { handler } = await import(${JSON.stringify(pathToFileURL(file).href)});
process.stdout.write(JSON.stringify(await handler(${JSON.stringify(event)})));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', POWERTOOLS_LOG_LEVEL: 'SILENT', ...env },
    encoding: 'utf8',
  });
  return JSON.parse(out) as ReturnType<typeof invoke>;
}

describe('step Lambda bundles', () => {
  it.each(['uploads', 'register', 'authenticate', 'admin', 'account'] as const)('%s loads as an ES module and answers an unknown step', (name) => {
    expect(invoke(name, { step: 'noSuchStep', args: {} })).toEqual({ error: expect.objectContaining({ type: 'INTERNAL' }) });
  });

  it('the Define Auth Challenge trigger loads and answers a Cognito event (a username that is no userId fails at once)', () => {
    const event = {
      version: '1',
      region: 'eu-west-1',
      userPoolId: 'eu-west-1_x',
      userName: 'not a userId',
      triggerSource: 'DefineAuthChallenge_Authentication',
      callerContext: { awsSdkVersion: 'x', clientId: 'c' },
      request: { userAttributes: {}, session: [] },
      response: {},
    };
    const out = invoke('defineAuthChallenge', event, { TABLE_NAME: 'table', BUCKET_NAME: 'b', COLLECTION_ID: 'c', AWS_REGION: 'eu-west-1' }) as unknown as {
      response: Record<string, unknown>;
    };
    expect(out.response).toEqual({ issueTokens: false, failAuthentication: true });
  });

  it.each(['createAuthChallenge', 'verifyAuthChallengeResponse'] as const)('the %s trigger loads as an ES module', (name) => {
    const file = bundleOf(name);
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(typeof m.handler);`], {
      env: { PATH: process.env.PATH ?? '', POWERTOOLS_LOG_LEVEL: 'SILENT' },
      encoding: 'utf8',
    });
    expect(out).toBe('function');
  });

  it('uploads presigns a PUT with the bundled SDK (no network needed)', () => {
    const out = invoke(
      'uploads',
      { step: 'createUploadUrl', args: { input: { purpose: 'SELFIE', contentType: 'image/jpeg' } }, stash: {} },
      {
        TABLE_NAME: 'table',
        BUCKET_NAME: 'facegate-images',
        COLLECTION_ID: 'facegate-test',
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
      },
    );
    expect(out.error).toBeUndefined();
    expect(out.result).toMatchObject({ key: expect.stringMatching(/^uploads\/selfie\/.+\.jpg$/) });
    expect(String(out.result!.url)).toMatch(/^https:\/\/facegate-images\.s3\.eu-west-1\.amazonaws\.com\/uploads\/selfie\/.+X-Amz-Signature=/);
  });
});
