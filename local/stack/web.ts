/**
 * The web app on the stack's own port: the static build in dist/web (web/build.ts keeps it
 * fresh) and /config.json, the app's run-time settings derived from local.json — including the
 * stack's admin token, so the admin console opens without a sign-in on this machine. That is
 * why /config.json is served only to requests addressed to this loopback host (a DNS-rebinding
 * page names another host) and without CORS headers (other origins cannot read it).
 */
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { WebConfig } from '../../web/config';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface WebSiteOptions {
  /** The built app (dist/web). */
  root: string;
  /** config.json's content; read per request (the stack fills it in once its URLs are known). */
  config: () => WebConfig | undefined;
  /** host:port values a request's Host header may carry for /config.json. */
  allowedHosts: () => string[];
  /** The origins the pages talk to besides their own (S3 for uploads and images, Cognito for face sign-in). */
  connectOrigins: () => string[];
}

/** The app's Content-Security-Policy: its own scripts only; API, real-time, S3 and Cognito on this machine. */
export function contentSecurityPolicy(origins: string[], realtime: string | undefined): string {
  const extra = origins.join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' blob: data: ${extra}`.trim(),
    `connect-src 'self' ${extra} ${realtime ?? ''}`.trim(),
    "media-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}

export function webSite(options: WebSiteOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const root = path.resolve(options.root);
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const url = new URL(req.url ?? '/', 'http://localhost');
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return false;
    }
    if (pathname === '/config.json') {
      const config = options.config();
      if (!config || !options.allowedHosts().includes(req.headers.host ?? '')) return false;
      send(res, req, 200, TYPES['.json']!, Buffer.from(JSON.stringify(config, null, 2)), { 'cache-control': 'no-store' });
      return true;
    }
    const file = path.join(root, pathname === '/' ? 'index.html' : pathname);
    if (!file.startsWith(root + path.sep) || path.basename(file).startsWith('.')) return false;
    let body: Buffer;
    try {
      if (!fs.statSync(file).isFile()) return false;
      body = fs.readFileSync(file);
    } catch {
      return false;
    }
    const ext = path.extname(file);
    const headers: Record<string, string> = {
      // Hashed assets never change; the pages are re-read so a rebuild shows at once.
      'cache-control': pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    };
    if (ext === '.html') {
      const realtime = options.config()?.realtimeUrl;
      headers['content-security-policy'] = contentSecurityPolicy(options.connectOrigins(), realtime);
      headers['referrer-policy'] = 'no-referrer';
    }
    send(res, req, 200, TYPES[ext] ?? 'application/octet-stream', body, headers);
    return true;
  };
}

function send(res: ServerResponse, req: IncomingMessage, status: number, type: string, body: Buffer, headers: Record<string, string>) {
  res.writeHead(status, { 'content-type': type, 'content-length': body.length, 'x-content-type-options': 'nosniff', ...headers });
  res.end(req.method === 'HEAD' ? undefined : body);
}
