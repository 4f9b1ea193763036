// The browser-UI server: binds 127.0.0.1 only, refuses requests without the
// token (401) or with a wrong one (403), refuses foreign Host/Origin headers
// (DNS rebinding), and answers API calls over the WebSocket.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startUiServer, type UiServer } from '../../main/server/server';
import { EngineClient } from '../../main/engine/service/client';
import { encodeMessage, decodeMessage } from '../../main/api/codec';
import { CAPTURES, sharedCapturesSkipReason } from '../lib/env';

// Keep the user's recent-files list out of tests.
process.env.XDPSCOPE_CONFIG_DIR = require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'xs-config-'));
let server: UiServer;
let engine: EngineClient;

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xs-static-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(dir, 'app.js'), 'void 0');
  engine = new EngineClient();
  server = await startUiServer({ engine, staticDir: dir });
});
after(async () => { await server.close(); await engine.close(); });

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: any }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers: { host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('listens on 127.0.0.1 only and prints a URL with the token', () => {
  const addr = server.server.address() as { address: string };
  assert.equal(addr.address, '127.0.0.1');
  assert.match(server.url, new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[0-9a-f]{64}$`));
});

test('HTTP: no token → 401, wrong token → 403, right token → 200 and a cookie', async () => {
  assert.equal((await get('/')).status, 401);
  assert.equal((await get('/app.js')).status, 401);
  assert.equal((await get('/?token=nope')).status, 403);
  const ok = await get(`/?token=${server.token}`);
  assert.equal(ok.status, 200);
  assert.match(ok.body, /<title>t<\/title>/);
  assert.match(String(ok.headers['set-cookie']), /xdpscope_token=.*HttpOnly; SameSite=Strict/);
  assert.match(String(ok.headers['content-security-policy']), /script-src 'self'/);
  // the cookie alone admits the page's own requests
  assert.equal((await get('/app.js', { cookie: `xdpscope_token=${server.token}` })).status, 200);
});

test('HTTP: foreign Host or Origin is refused even with the token (DNS rebinding)', async () => {
  assert.equal((await get(`/?token=${server.token}`, { host: `evil.example:${server.port}` })).status, 403);
  assert.equal((await get(`/?token=${server.token}`, { origin: 'http://evil.example' })).status, 403);
  assert.equal((await get(`/?token=${server.token}`, { host: `localhost:${server.port}` })).status, 200);
});

test('HTTP: no path traversal out of the static directory', async () => {
  const r = await get(`/..%2f..%2f..%2fetc%2fpasswd?token=${server.token}`);
  assert.equal(r.status, 404);
});

function wsOpen(url: string, origin?: string): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers: origin ? { origin } : {} });
    ws.on('open', () => resolve({ ws }));
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
    ws.on('error', () => resolve({ status: -1 }));
  });
}

test('WebSocket: token and Origin are required; API calls are answered and validated', async () => {
  const base = `ws://127.0.0.1:${server.port}/ws`;
  const origin = `http://127.0.0.1:${server.port}`;
  assert.equal((await wsOpen(base, origin)).status, 401);
  assert.equal((await wsOpen(`${base}?token=bad`, origin)).status, 403);
  assert.equal((await wsOpen(`${base}?token=${server.token}`, 'http://evil.example')).status, 403);
  assert.equal((await wsOpen(`${base}?token=${server.token}`)).status, 403, 'a WebSocket without Origin is refused');
  const { ws } = await wsOpen(`${base}?token=${server.token}`, origin);
  assert.ok(ws);
  const call = (msg: unknown) => new Promise<any>((resolve) => {
    ws!.once('message', (data) => resolve(decodeMessage(new Uint8Array(data as Buffer))));
    ws!.send(encodeMessage(msg));
  });
  const st = await call({ id: 1, method: 'getStatus', params: {} });
  assert.equal(st.ok, true);
  assert.equal(st.result.mode, 'idle');
  const unknown = await call({ id: 2, method: 'rm -rf', params: {} });
  assert.equal(unknown.ok, false);
  assert.match(unknown.error.message, /unknown method/);
  const bad = await call({ id: 3, method: 'getRows', params: { start: -1, count: 10 } });
  assert.equal(bad.ok, false);
  assert.match(bad.error.message, /invalid params for getRows: start/);
  ws!.close();
});

test('browser Save: /download returns the open capture as pcapng (token required)', { skip: sharedCapturesSkipReason() ?? false }, async () => {
  await engine.call('openFile', { path: join(CAPTURES, 'zeek-post.pcap') });
  for (let i = 0; i < 100 && (await engine.call('getStatus', {})).state === 'loading'; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal((await get('/download')).status, 401);
  const bytes = await new Promise<Buffer>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path: `/download?token=${server.token}&name=x.pcapng`, headers: { host: `127.0.0.1:${server.port}` } }, (res) => {
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-disposition']), /filename="x\.pcapng"/);
      const parts: Buffer[] = [];
      res.on('data', (c) => parts.push(c));
      res.on('end', () => resolve(Buffer.concat(parts)));
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(bytes.readUInt32LE(0), 0x0a0d0d0a, 'a pcapng Section Header Block');
  assert.ok(bytes.length > 1871, 'holds the 14 packets');
});
