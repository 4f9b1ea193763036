// The browser face: static renderer files and the engine API over a
// WebSocket, on 127.0.0.1 only. Every HTTP request and WebSocket upgrade
// must carry the random token (query ?token= or the cookie set when the page
// loads with it), a Host header naming this server (DNS rebinding), and, when
// an Origin is sent, this server's origin.
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { join, normalize, extname, sep } from 'node:path';
import { tmpdir } from 'node:os';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EngineLike } from '../api/types';
export type { EngineLike } from '../api/types';
import { encodeMessage, decodeMessage } from '../api/codec';
import { ApiError, validateCall } from '../api/schema';

export interface UiServerOptions {
  engine: EngineLike;
  /** 0 = any free port */
  port?: number;
  /** directory with index.html and app.js */
  staticDir: string;
  /** fixed token (tests); random 32 bytes hex otherwise */
  token?: string;
}

export interface UiServer {
  url: string;
  port: number;
  token: string;
  server: Server;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.map': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2',
};
const COOKIE = 'xdpscope_token';
const MAX_MESSAGE = 512 << 20; // uploads of capture files come through the socket

export function tokenOf(req: IncomingMessage): string | null {
  const url = new URL(req.url ?? '/', 'http://x');
  const q = url.searchParams.get('token');
  if (q) return q;
  const cookie = req.headers.cookie ?? '';
  for (const part of cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return decodeURIComponent(v.join('='));
  }
  return null;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a), y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** 0 when the request may proceed, else the HTTP status to refuse it with. */
export function checkRequest(req: IncomingMessage, port: number, token: string, wantOrigin: boolean): { status: number; reason: string } | null {
  const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  const host = (req.headers.host ?? '').toLowerCase();
  if (!allowedHosts.includes(host)) return { status: 403, reason: `Host header ${JSON.stringify(host)} is not this server` };
  const origin = req.headers.origin;
  if (origin !== undefined || wantOrigin) {
    if (!origin || !allowedHosts.map((h) => `http://${h}`).includes(origin.toLowerCase())) {
      return { status: 403, reason: `Origin ${JSON.stringify(origin ?? '')} is not this server` };
    }
  }
  const t = tokenOf(req);
  if (!t) return { status: 401, reason: 'token required' };
  if (!sameToken(t, token)) return { status: 403, reason: 'wrong token' };
  return null;
}

function csp(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // ag-grid's theming API injects <style> elements
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'none'",
  ].join('; ');
}

export async function startUiServer(opts: UiServerOptions): Promise<UiServer> {
  const token = opts.token ?? randomBytes(32).toString('hex');
  const engine = opts.engine;
  const clients = new Set<WebSocket>();
  let port = 0;
  const downloads = mkdtempSync(join(tmpdir(), 'xdpscope-dl-'));

  const server = createServer((req, res) => {
    const bad = checkRequest(req, port, token, false);
    if (bad) { res.writeHead(bad.status, { 'content-type': 'text/plain' }).end(`${bad.reason}\n`); return; }
    void serveHttp(req, res).catch((e) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    });
  });

  async function serveHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const headers: Record<string, string> = {
      'content-security-policy': csp(port), 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    };
    if (url.searchParams.get('token')) {
      headers['set-cookie'] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405, headers).end(); return; }
    if (url.pathname === '/download') {
      // Save in browser mode: the engine writes a pcapng, the browser downloads it.
      const path = join(downloads, `capture-${Date.now()}.pcapng`);
      await engine.callRaw('save', { path, displayedOnly: url.searchParams.get('displayed') === '1' });
      const name = (url.searchParams.get('name') ?? 'capture.pcapng').replace(/[^\w.+-]/g, '_');
      res.writeHead(200, { ...headers, 'content-type': 'application/vnd.tcpdump.pcap', 'content-disposition': `attachment; filename="${name}"` });
      createReadStream(path).on('close', () => rmSync(path, { force: true })).pipe(res);
      return;
    }
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
    const file = normalize(join(opts.staticDir, rel));
    if (!file.startsWith(normalize(opts.staticDir) + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    if (req.method === 'HEAD') { res.end(); return; }
    createReadStream(file).pipe(res);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const bad = url.pathname !== '/ws' ? { status: 404, reason: 'not found' } : checkRequest(req, port, token, true);
    if (bad) {
      socket.end(`HTTP/1.1 ${bad.status} ${bad.status === 401 ? 'Unauthorized' : bad.status === 404 ? 'Not Found' : 'Forbidden'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onClient(ws));
  });

  function onClient(ws: WebSocket): void {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    ws.on('message', (data, isBinary) => {
      if (!isBinary) { ws.close(1003, 'binary messages only'); return; }
      let msg: any;
      try { msg = decodeMessage(toBytes(data)); } catch (e) { ws.close(1007, `bad message: ${(e as Error).message}`.slice(0, 120)); return; }
      const id = typeof msg?.id === 'number' ? msg.id : -1;
      void (async () => {
        try {
          const { method, params } = validateCall(msg?.method, msg?.params);
          const result = await engine.callRaw(method, params);
          send(ws, { id, ok: true, result });
        } catch (e) {
          const error = e instanceof ApiError ? e.toInfo() : { message: e instanceof Error ? e.message : String(e), kind: 'engine' };
          send(ws, { id, ok: false, error });
        }
      })();
    });
  }

  const unsubscribe = engine.onEvent((ev) => { for (const c of clients) send(c, ev); });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port, token, server,
    close: async () => {
      unsubscribe();
      for (const c of clients) c.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(downloads, { recursive: true, force: true });
    },
  };
}

function send(ws: WebSocket, msg: unknown): void {
  if (ws.readyState === ws.OPEN) ws.send(encodeMessage(msg));
}

function toBytes(data: unknown): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data as Buffer[]));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data as Uint8Array;
}
