// The browser face: static renderer files and the engine API over a
// WebSocket, on 127.0.0.1 only.
//
// Who may use it: whoever holds this server's secret token. The token never
// travels in a URL. `serve` prints (or opens) a link with a one-time code;
// GET /?code=… exchanges it, once and within CODE_TTL_MS, for an HttpOnly
// SameSite=Strict cookie named after the port and redirects (303) to a clean
// `/`, so neither the browser's command line, the address bar nor the history
// keeps a secret. Programmatic clients may send `Authorization: Bearer TOKEN`.
// Every request must also name this server in Host (DNS rebinding) and, when
// an Origin is sent (always for the WebSocket), this server's origin.
//
// What a client cannot do: end the process. Malformed requests get 400 from
// the HTTP parser's clientError, every request, response, raw upgrade socket
// and WebSocket has an error handler, a WebSocket message is at most
// MAX_MESSAGE bytes (larger ones close that connection with 1009), and a
// client that does not read its events is dropped before its queue grows
// without bound.
//
// Downloads are copies: GET /download writes the session file (saveCopy) into
// this server's private scratch folder under a fresh name and streams it; it
// does not mark anything saved (the copy leaves this machine; "unsaved" means
// unsaved here). HEAD answers the headers and writes nothing.
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createReadStream, rmSync, statSync } from 'node:fs';
import { join, normalize, extname, sep } from 'node:path';
import { pipeline } from 'node:stream';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EngineLike } from '../api/types';
export type { EngineLike } from '../api/types';
import { encodeMessage, decodeMessage } from '../api/codec';
import { toErrorInfo, validateCall } from '../api/index';
import { makeScratchDir, scratchPrefix, type ScratchDir } from '../engine/index';

export interface UiServerOptions {
  engine: EngineLike;
  /** 0 = any free port */
  port?: number;
  /** directory with index.html and app.js */
  staticDir: string;
  /** fixed token (tests); random 32 bytes hex otherwise */
  token?: string;
  /** private folder for downloads (the caller's, kept); else one of our own, removed on close */
  scratchDir?: string;
  /** how long a one-time code may wait to be used (default CODE_TTL_MS) */
  codeTtlMs?: number;
  /** clock (tests) */
  now?: () => number;
  /** one line per connection fault (a malformed frame, an oversized message, a reset) */
  log?: (line: string) => void;
}

export interface UiServer {
  /** a link with a fresh one-time code (valid once, for codeTtlMs) */
  url: string;
  port: number;
  token: string;
  server: Server;
  /** the folder downloads are written to */
  scratchDir: string;
  /** another link with a new one-time code */
  newLink(): string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.map': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2',
};
/**
 * Largest WebSocket message (4 MiB). API calls are small; uploads come in
 * chunks of at most 1 MiB (uploadChunk), so nothing legitimate is near it.
 */
export const MAX_MESSAGE = 4 << 20;
/** a client with more than this queued and unread is dropped */
const MAX_QUEUED = 64 << 20;
/** one-time codes expire after 5 minutes */
export const CODE_TTL_MS = 5 * 60_000;

/** The session cookie's name: per port, so servers on other ports keep their own. */
export function cookieName(port: number): string {
  return `xdpscope_token_${port}`;
}

/** The token a request carries (Bearer header, else this server's cookie), undecoded. */
export function tokenOf(req: IncomingMessage, port: number): string | null {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && /^Bearer /i.test(auth)) return auth.slice(7).trim();
  const name = cookieName(port);
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a), y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The request target as a URL, or null when it is not a path on this server
 * (absolute-form targets such as `http://[`, or no leading slash).
 */
export function parseTarget(target: string | undefined): URL | null {
  if (!target || !target.startsWith('/') || target.startsWith('//')) return null;
  try {
    return new URL(target, 'http://x');
  } catch {
    return null;
  }
}

function refuseHostOrigin(req: IncomingMessage, port: number, wantOrigin: boolean): { status: number; reason: string } | null {
  const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  const host = (req.headers.host ?? '').toLowerCase();
  if (!allowedHosts.includes(host)) return { status: 403, reason: `Host header ${JSON.stringify(host)} is not this server` };
  const origin = req.headers.origin;
  if (origin !== undefined || wantOrigin) {
    if (!origin || !allowedHosts.map((h) => `http://${h}`).includes(origin.toLowerCase())) {
      return { status: 403, reason: `Origin ${JSON.stringify(origin ?? '')} is not this server` };
    }
  }
  return null;
}

/** null when the request may proceed, else the HTTP status to refuse it with. */
export function checkRequest(req: IncomingMessage, port: number, token: string, wantOrigin: boolean): { status: number; reason: string } | null {
  const bad = refuseHostOrigin(req, port, wantOrigin);
  if (bad) return bad;
  const t = tokenOf(req, port);
  if (!t) return { status: 401, reason: 'not signed in: open the link xdpscope serve printed' };
  if (!sameSecret(t, token)) return { status: 403, reason: 'wrong token' };
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

/** Answer on a raw socket (clientError, refused upgrades) and close it. */
function rawReply(socket: Duplex, status: number): void {
  if (!socket.writable) { socket.destroy(); return; }
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** A close reason within the 123 bytes a close frame may carry, cut at a character boundary. */
export function closeReason(text: string): string {
  let out = text;
  while (Buffer.byteLength(out) > 123) out = out.slice(0, -1);
  return out;
}

export async function startUiServer(opts: UiServerOptions): Promise<UiServer> {
  const token = opts.token ?? randomBytes(32).toString('hex');
  const engine = opts.engine;
  const now = opts.now ?? Date.now;
  const codeTtl = opts.codeTtlMs ?? CODE_TTL_MS;
  const log = opts.log ?? (() => undefined);
  const clients = new Set<WebSocket>();
  /** unused one-time codes → when they expire */
  const codes = new Map<string, number>();
  let port = 0;
  const ownScratch: ScratchDir | null = opts.scratchDir ? null : makeScratchDir(scratchPrefix('serve'));
  const scratch = opts.scratchDir ?? ownScratch!.path;

  function newCode(): string {
    const t = now();
    for (const [c, until] of codes) if (until <= t) codes.delete(c);
    const code = randomBytes(24).toString('hex');
    codes.set(code, t + codeTtl);
    return code;
  }

  /** true when `code` was issued, unused and unexpired; it is spent either way */
  function spendCode(code: string): boolean {
    for (const [c, until] of codes) {
      if (sameSecret(c, code)) { codes.delete(c); return until > now(); }
    }
    return false;
  }

  const server = createServer((req, res) => {
    req.on('error', () => res.destroy());
    res.on('error', () => undefined);
    void serveHttp(req, res).catch((e) => {
      if (res.headersSent) { res.destroy(); return; }
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    });
  });
  // Bytes the HTTP parser refuses (and resets mid-request) concern that connection only.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (err.code === 'ECONNRESET' || err.code === 'EPIPE') { socket.destroy(); return; }
    rawReply(socket, 400);
  });

  async function serveHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers: Record<string, string> = {
      'content-security-policy': csp(port), 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    };
    const text = (status: number, body: string) => res.writeHead(status, { ...headers, 'content-type': 'text/plain; charset=utf-8' }).end(`${body}\n`);
    const url = parseTarget(req.url);
    if (!url) { text(400, 'bad request target: a path on this server is expected'); return; }
    const hostBad = refuseHostOrigin(req, port, false);
    if (hostBad) { text(hostBad.status, hostBad.reason); return; }
    const code = url.searchParams.get('code');
    if (url.pathname === '/' && code !== null) {
      const signedIn = checkRequest(req, port, token, false) === null;
      if (spendCode(code)) {
        res.writeHead(303, { ...headers, location: '/', 'set-cookie': `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/` }).end();
      } else if (signedIn) {
        res.writeHead(303, { ...headers, location: '/' }).end();
      } else {
        text(403, 'this link was used already or has expired: links from xdpscope serve work once, for a few minutes (kill -USR2 the server for a new one)');
      }
      return;
    }
    const bad = checkRequest(req, port, token, false);
    if (bad) { text(bad.status, bad.reason); return; }
    if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405, headers).end(); return; }
    if (url.pathname === '/download') { await download(req, res, url, headers); return; }
    let rel: string;
    try { rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1)); } catch { text(400, 'bad path encoding'); return; }
    const file = normalize(join(opts.staticDir, rel));
    let isFile = false;
    try { isFile = file.startsWith(normalize(opts.staticDir) + sep) && statSync(file).isFile(); } catch { /* not there */ }
    if (!isFile) { text(404, 'not found'); return; }
    res.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    if (req.method === 'HEAD') { res.end(); return; }
    pipeline(createReadStream(file), res, () => undefined);
  }

  /** Save in browser mode: a copy of the session file, written privately, streamed, removed. */
  async function download(req: IncomingMessage, res: ServerResponse, url: URL, headers: Record<string, string>): Promise<void> {
    const name = (url.searchParams.get('name') ?? 'capture.pcapng').replace(/[^\w.+-]/g, '_').slice(0, 200);
    const head = { ...headers, 'content-type': 'application/vnd.tcpdump.pcap', 'content-disposition': `attachment; filename="${name}"` };
    if (req.method === 'HEAD') { res.writeHead(200, head).end(); return; }
    const path = join(scratch, `download-${randomUUID()}.pcapng`);
    try {
      await engine.callRaw('saveCopy', { path, displayedOnly: url.searchParams.get('displayed') === '1' });
      res.writeHead(200, { ...head, 'content-length': String(statSync(path).size) });
    } catch (e) {
      rmSync(path, { force: true });
      throw e;
    }
    pipeline(createReadStream(path), res, () => rmSync(path, { force: true }));
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });
  wss.on('error', (e) => log(`WebSocket server: ${e.message}`));
  server.on('upgrade', (req, socket, head) => {
    // A client may reset the connection at any moment, also after a refusal.
    socket.on('error', () => socket.destroy());
    const url = parseTarget(req.url);
    const bad = !url ? { status: 400 } : url.pathname !== '/ws' ? { status: 404 } : checkRequest(req, port, token, true);
    if (bad) { rawReply(socket, bad.status); return; }
    wss.handleUpgrade(req, socket, head, (ws) => onClient(ws));
  });

  function onClient(ws: WebSocket): void {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    // Malformed frames, oversized messages (1009) and resets: the ws library
    // has already closed this connection; the server goes on.
    ws.on('error', (e) => log(`WebSocket client dropped: ${e.message}`));
    ws.on('message', (data, isBinary) => {
      if (!isBinary) { ws.close(1003, 'binary messages only'); return; }
      let msg: any;
      try { msg = decodeMessage(toBytes(data)); } catch (e) { ws.close(1007, closeReason(`bad message: ${(e as Error).message}`)); return; }
      const id = typeof msg?.id === 'number' ? msg.id : -1;
      void (async () => {
        try {
          const { method, params } = validateCall(msg?.method, msg?.params);
          const result = await engine.callRaw(method, params);
          send(ws, { id, ok: true, result });
        } catch (e) {
          send(ws, { id, ok: false, error: toErrorInfo(e) });
        }
      })();
    });
  }

  function send(ws: WebSocket, msg: unknown): void {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_QUEUED) {
      log(`WebSocket client dropped: more than ${MAX_QUEUED >> 20} MiB unread`);
      ws.terminate();
      return;
    }
    try {
      ws.send(encodeMessage(msg), (e) => { if (e) log(`WebSocket send: ${e.message}`); });
    } catch (e) {
      log(`WebSocket send: ${(e as Error).message}`);
    }
  }

  const unsubscribe = engine.onEvent((ev) => { for (const c of clients) send(c, ev); });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, '127.0.0.1', () => { server.off('error', reject); resolve(); });
    });
  } catch (e) {
    unsubscribe();
    ownScratch?.dispose();
    throw e;
  }
  server.on('error', (e) => log(`server: ${e.message}`));
  port = (server.address() as { port: number }).port;
  const newLink = () => `http://127.0.0.1:${port}/?code=${newCode()}`;
  return {
    url: newLink(),
    port, token, server, scratchDir: scratch,
    newLink,
    close: async () => {
      unsubscribe();
      for (const c of clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      ownScratch?.dispose();
    },
  };
}

function toBytes(data: unknown): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data as Buffer[]));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data as Uint8Array;
}
