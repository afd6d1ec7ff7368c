/**
 * The web app on the stack's port (local/stack/web.ts through the AppSync server's
 * otherRequests): the built files, /config.json only to this host, no path outside the build,
 * and /graphql untouched.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy, webSite } from '../../../local/stack/web';
import type { WebConfig } from '../../../web/config';
import { API_KEY, post, startTestServer, type TestServer } from '../server/helpers';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'facegate-web-site-'));
let server: TestServer;
let config: WebConfig | undefined;
let authority = '';

beforeAll(async () => {
  fs.mkdirSync(path.join(root, 'assets'));
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>app</title>');
  fs.writeFileSync(path.join(root, 'admin.html'), '<!doctype html><title>admin</title>');
  fs.writeFileSync(path.join(root, 'assets', 'app-1a2b.js'), 'console.log(1)');
  fs.writeFileSync(path.join(root, '.inputs.json'), '{}');
  fs.writeFileSync(path.join(os.tmpdir(), 'facegate-outside.txt'), 'secret');
  server = await startTestServer({
    otherRequests: webSite({
      root,
      config: () => config,
      allowedHosts: () => [authority],
      connectOrigins: () => ['http://127.0.0.1:9999'],
    }),
  });
  authority = new URL(server.graphqlUrl).host;
});
afterAll(async () => {
  await server.close();
  fs.rmSync(root, { recursive: true, force: true });
});

/** A GET with a chosen Host header and raw path (fetch normalises both). */
function get(rawPath: string, host = authority, method = 'GET'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const { port } = new URL(server.graphqlUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: rawPath, method, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the web app on the GraphQL port', () => {
  it('serves index.html at / and the other pages and assets, with types and caching', async () => {
    const index = await get('/');
    expect(index).toMatchObject({ status: 200, body: '<!doctype html><title>app</title>' });
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect((await get('/admin.html')).body).toContain('admin');
    const asset = await get('/assets/app-1a2b.js');
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.headers['cache-control']).toContain('immutable');
    const head = await get('/', authority, 'HEAD');
    expect(head).toMatchObject({ status: 200, body: '' });
    expect(head.headers['content-length']).toBe(String('<!doctype html><title>app</title>'.length));
  });

  it('gives the pages a CSP: own scripts, the API and S3 origins to connect to', async () => {
    config = { stage: 'local', region: 'us-east-1', graphqlUrl: server.graphqlUrl, realtimeUrl: server.realtimeUrl, apiKey: API_KEY, userPool: { userPoolId: 'us-east-1_users1', userPoolClientId: 'client1' }, adminToken: 'jwt' };
    const csp = (await get('/')).headers['content-security-policy'];
    expect(csp).toBe(contentSecurityPolicy(['http://127.0.0.1:9999'], server.realtimeUrl));
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src 'self' http://127.0.0.1:9999 ${server.realtimeUrl}`);
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('serves /config.json to its own host only, uncached and without CORS', async () => {
    config = { stage: 'local', region: 'us-east-1', graphqlUrl: server.graphqlUrl, realtimeUrl: server.realtimeUrl, apiKey: API_KEY, userPool: { userPoolId: 'us-east-1_users1', userPoolClientId: 'client1' }, adminToken: 'jwt' };
    const own = await get('/config.json');
    expect(own.status).toBe(200);
    expect(JSON.parse(own.body)).toEqual(config);
    expect(own.headers['cache-control']).toBe('no-store');
    expect(own.headers['access-control-allow-origin']).toBeUndefined();
    // A DNS-rebinding page reaches 127.0.0.1 under its own name: not for it.
    expect((await get('/config.json', `attacker.example:${new URL(server.graphqlUrl).port}`)).status).toBe(404);
    config = undefined;
    expect((await get('/config.json')).status).toBe(404);
  });

  it('never serves outside the build, dotfiles, or other methods', async () => {
    for (const p of ['/../facegate-outside.txt', '/%2e%2e/facegate-outside.txt', '/assets/../../facegate-outside.txt', '/.inputs.json', '/missing.js', '/assets', '/%zz']) {
      const res = await get(p);
      expect(res.status, p).toBe(404);
      expect(res.body, p).not.toContain('secret');
    }
    const { port } = new URL(server.graphqlUrl);
    expect((await fetch(`http://127.0.0.1:${port}/index.html`, { method: 'DELETE' })).status).toBe(404);
  });

  it('leaves /graphql to the API (POST, and the CORS preflight)', async () => {
    const { status } = await post(server.graphqlUrl, { query: '{ __typename }' }, { 'x-api-key': API_KEY });
    expect(status).toBe(200);
    const preflight = await fetch(server.graphqlUrl, { method: 'OPTIONS' });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect((await get('/graphql')).status).toBe(405);
  });
});
