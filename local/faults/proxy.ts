/**
 * A fault-injecting HTTP proxy in front of one local stand-in (the face engine, dynalite or
 * s3rver), so the stand-ins stay as they are. Each request is read whole, named (./wire.ts) and
 * put to the current plan: an injected error is answered in the service's own wire shape
 * without reaching the service; an injected delay holds the request first — and a client that
 * gives up meanwhile (its attempt timed out) never reaches the service, so a timed-out call
 * changed nothing; otherwise the request is forwarded unchanged (the Host header too: SigV4 and
 * presigned URLs were signed for the proxy's address).
 */
import http from 'node:http';
import type { FaultPlan, Service } from './spec';
import { errorNameOf } from './spec';
import { errorResponse, operationOf } from './wire';
import { listen } from '../listen';

export interface FaultProxy {
  url: string;
  close(): Promise<void>;
}

export interface FaultProxyOptions {
  service: Service;
  /** The stand-in's URL, e.g. http://127.0.0.1:54321. */
  upstream: string;
  host: string;
  /** The plan in force, read per request (null: forward everything). */
  plan: () => FaultPlan | null;
  log?: (line: string) => void;
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'expect', 'upgrade', 'proxy-connection'];

function readAll(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Waits `ms`; true when the client hung up meanwhile. */
function hold(res: http.ServerResponse, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(false);
    }, ms);
    res.once('close', onClose);
  });
}

export async function startFaultProxy({ service, upstream, host, plan, log = () => undefined }: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(upstream);
  const agent = new http.Agent({ keepAlive: true });

  const forward = (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => {
    const headers: http.OutgoingHttpHeaders = { ...req.headers };
    for (const name of HOP_BY_HOP) delete headers[name];
    if (body.length > 0 || req.headers['content-length'] !== undefined) headers['content-length'] = String(body.length);
    const upstreamReq = http.request({ hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent }, (upstreamRes) => {
      const out: http.OutgoingHttpHeaders = { ...upstreamRes.headers };
      for (const name of ['connection', 'keep-alive']) delete out[name];
      res.writeHead(upstreamRes.statusCode ?? 502, out);
      upstreamRes.pipe(res);
    });
    upstreamReq.on('error', (e) => {
      log(`${service} upstream error: ${e.message}`);
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    // The client gave up: so does the forwarded request.
    res.on('close', () => {
      if (!res.writableFinished) upstreamReq.destroy();
    });
    upstreamReq.end(body);
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      const body = await readAll(req);
      const method = req.method ?? 'GET';
      const operation = operationOf(service, method, req.url ?? '/', req.headers);
      const effect = plan()?.decide(service, operation) ?? null;
      if (effect?.kind === 'error') {
        const name = errorNameOf(effect, service);
        const { status, headers, body: errorBody } = errorResponse(service, name, method);
        log(`${service} ${operation}: injected ${name} (${status})`);
        res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(errorBody) }).end(errorBody);
        return;
      }
      if (effect?.kind === 'slow') {
        log(`${service} ${operation}: holding ${effect.ms} ms`);
        if (await hold(res, effect.ms)) {
          log(`${service} ${operation}: the client gave up while held; not forwarded`);
          return;
        }
      }
      forward(req, body, res);
    })().catch((e: unknown) => {
      log(`${service} proxy error: ${(e as Error).message}`);
      if (!res.headersSent) res.writeHead(502).end();
    });
  });

  const port = await listen(server, 0, host);
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      });
      return closing;
    },
  };
}
