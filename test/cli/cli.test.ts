/** Argument handling, target resolution and error printing (no server needed). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraphQLRequestError, TransportError } from '../../cli/graphql';
import { reportError, runCli } from '../../cli/index';
import { resolveTarget } from '../../cli/target';

function io(env: Record<string, string> = {}, cwd = os.tmpdir()) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env, cwd } };
}

describe('runCli', () => {
  it('prints help with --help (exit 0) and without a command (exit 2)', async () => {
    const a = io();
    expect(await runCli(['--help'], a.io)).toBe(0);
    expect(a.out.join('\n')).toContain('register -u USER -p PHOTO');
    expect(await runCli([], io().io)).toBe(2);
  });

  it('refuses unknown commands and options with exit 2', async () => {
    const a = io();
    expect(await runCli(['frobnicate'], a.io)).toBe(2);
    expect(a.err.join('\n')).toContain('unknown command "frobnicate"');
    expect(await runCli(['users', '--nope'], io().io)).toBe(2);
  });

  it('says how to start a stack when local.json is missing', async () => {
    const a = io();
    expect(await runCli(['users', '--data', '/nonexistent/facegate'], a.io)).toBe(2);
    expect(a.err.join('\n')).toMatch(/local\.json is missing.*npm start/);
  });

  it('needs -u and -p, and a JPEG or PNG photo', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-'));
    fs.writeFileSync(path.join(dir, 'local.json'), JSON.stringify({ graphqlUrl: 'http://127.0.0.1:1/graphql', realtimeUrl: 'ws://127.0.0.1:1/graphql/realtime', apiKey: 'k', adminToken: 't', endpoints: {} }));
    fs.writeFileSync(path.join(dir, 'note.txt'), 'hello');
    const a = io({}, dir);
    expect(await runCli(['auth', '--data', dir, '-u', 'alice'], a.io)).toBe(2);
    expect(a.err.join('\n')).toContain('-p PHOTO is required');
    const b = io({}, dir);
    expect(await runCli(['auth', '--data', dir, '-u', 'alice', '-p', 'note.txt'], b.io)).toBe(2);
    expect(b.err.join('\n')).toContain('not a JPEG or PNG');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('resolveTarget', () => {
  it('prefers --endpoint (with --api-key), else reads local.json', () => {
    expect(() => resolveTarget({ endpoint: 'https://x/graphql' }, {}, '/')).toThrow(/--api-key/);
    expect(resolveTarget({ endpoint: 'https://x/graphql', apiKey: 'k' }, { FACEGATE_ADMIN_TOKEN: 'jwt' }, '/')).toMatchObject({
      graphqlUrl: 'https://x/graphql',
      apiKey: 'k',
      adminToken: 'jwt',
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-'));
    fs.writeFileSync(path.join(dir, 'local.json'), JSON.stringify({ graphqlUrl: 'http://l/graphql', realtimeUrl: 'ws://l/graphql/realtime', apiKey: 'lk', adminToken: 'lt', endpoints: {} }));
    expect(resolveTarget({ data: dir }, {}, '/')).toMatchObject({ graphqlUrl: 'http://l/graphql', realtimeUrl: 'ws://l/graphql/realtime', apiKey: 'lk', adminToken: 'lt' });
    expect(resolveTarget({}, { FACEGATE_DATA: dir }, '/')).toMatchObject({ apiKey: 'lk' });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('login', () => {
  it('needs the user pool: local.json from before face sign-in, or a deployed API without --user-pool-client-id, is a usage error', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-'));
    fs.writeFileSync(path.join(dir, 'local.json'), JSON.stringify({ graphqlUrl: 'http://127.0.0.1:1/graphql', realtimeUrl: 'ws://x', apiKey: 'k', adminToken: 't', endpoints: {} }));
    fs.writeFileSync(path.join(dir, 'me.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
    const a = io({}, dir);
    expect(await runCli(['login', '--data', dir, '-u', 'alice', '-p', 'me.jpg'], a.io)).toBe(2);
    expect(a.err.join('\n')).toContain('login needs the user pool');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds Cognito in the API\'s region, or the one given', () => {
    const api = 'https://abc.appsync-api.eu-west-1.amazonaws.com/graphql';
    expect(resolveTarget({ endpoint: api, apiKey: 'k', userPoolClientId: 'c1' }, {}, '/').userPool).toEqual({ endpoint: 'https://cognito-idp.eu-west-1.amazonaws.com/', clientId: 'c1' });
    expect(resolveTarget({ endpoint: 'https://api.example.com/graphql', apiKey: 'k', region: 'us-east-2' }, { FACEGATE_USER_POOL_CLIENT_ID: 'c2' }, '/').userPool).toEqual({
      endpoint: 'https://cognito-idp.us-east-2.amazonaws.com/',
      clientId: 'c2',
    });
    expect(resolveTarget({ endpoint: 'https://api.example.com/graphql', apiKey: 'k', userPoolClientId: 'c3' }, {}, '/').userPool).toBeUndefined();
  });
});

describe('reportError', () => {
  it('prints errorType, message and errorInfo; exit 1 for API refusals, 3 for transport', () => {
    const lines: string[] = [];
    const code = reportError(new GraphQLRequestError([{ message: 'Too many failures', errorType: 'LOCKED_OUT', errorInfo: { retryAfter: '2026-01-01T00:00:00Z' } }]), { err: (l) => lines.push(l) });
    expect(code).toBe(1);
    expect(lines).toEqual(['error: LOCKED_OUT: Too many failures', '  errorInfo: {"retryAfter":"2026-01-01T00:00:00Z"}']);
    expect(reportError(new TransportError('cannot reach x'), { err: () => undefined })).toBe(3);
  });
});
