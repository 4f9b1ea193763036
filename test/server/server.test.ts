// The browser-UI server: binds 127.0.0.1 only, signs a browser in by a
// one-time code exchanged for a port-named HttpOnly cookie, refuses requests
// without the token (401) or with a wrong one (403), refuses foreign
// Host/Origin headers (DNS rebinding), and answers API calls over the WebSocket.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startUiServer, type UiServer } from '../../main/server/server';
import { EngineClient } from '../../main/engine/service/client';
import { encodeMessage, decodeMessage } from '../../main/api/codec';
import { CAPTURES, sharedCapturesSkipReason } from '../lib/env';

// Keep the user's recent-files list out of tests.
process.env.XDPSCOPE_CONFIG_DIR = require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'xs-config-'));
process.env.XDPSCOPE_SCRATCH_DIR = require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'xs-scratch-'));
let server: UiServer;
let engine: EngineClient;
let auth: Record<string, string>;

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xs-static-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(dir, 'app.js'), 'void 0');
  engine = new EngineClient();
  server = await startUiServer({ engine, staticDir: dir });
  auth = { cookie: `xdpscope_token_${server.port}=${server.token}` };
});
after(async () => { await server.close(); await engine.close(); });

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: any }> {
  return getFrom(server.port, path, headers);
}

function getFrom(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: any }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('listens on 127.0.0.1 only and offers a link with a one-time code, never the token', () => {
  const addr = server.server.address() as { address: string };
  assert.equal(addr.address, '127.0.0.1');
  assert.match(server.url, new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?code=[0-9a-f]{48}$`));
  assert.ok(!server.url.includes(server.token));
});

test('HTTP: a one-time code becomes an HttpOnly port-named cookie and a clean URL; it works once', async () => {
  const link = new URL(server.newLink());
  const first = await get(link.pathname + link.search);
  assert.equal(first.status, 303);
  assert.equal(first.headers.location, '/', 'redirected to a URL with no secret in it');
  const cookie = String(first.headers['set-cookie']);
  assert.equal(cookie, `xdpscope_token_${server.port}=${server.token}; HttpOnly; SameSite=Strict; Path=/`);
  assert.equal((await get('/', { cookie: cookie.split(';')[0] })).status, 200);
  const again = await get(link.pathname + link.search);
  assert.equal(again.status, 403, 'a spent code signs nobody in');
  assert.match(again.body, /used already or has expired/);
  assert.equal(again.headers['set-cookie'], undefined);
  // the browser that used it follows the link again: already signed in, just the clean page
  const signedIn = await get(link.pathname + link.search, auth);
  assert.equal(signedIn.status, 303);
  assert.equal(signedIn.headers['set-cookie'], undefined);
  assert.equal((await get('/?code=0123')).status, 403);
});

test('HTTP: a code expires', async () => {
  let t = 1_000_000;
  const dir = mkdtempSync(join(tmpdir(), 'xs-static-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
  const s2 = await startUiServer({ engine, staticDir: dir, now: () => t, codeTtlMs: 60_000 });
  try {
    const fresh = new URL(s2.newLink()), stale = new URL(s2.newLink());
    t += 60_001;
    const r = await getFrom(s2.port, stale.pathname + stale.search);
    assert.equal(r.status, 403);
    assert.equal((await getFrom(s2.port, fresh.pathname + fresh.search)).status, 403, 'both expired');
    t += 1;
    const ok = new URL(s2.newLink());
    assert.equal((await getFrom(s2.port, ok.pathname + ok.search)).status, 303);
  } finally { await s2.close(); }
});

test('HTTP: no token → 401, wrong token → 403, cookie or Bearer → 200; a token in the URL is not accepted', async () => {
  assert.equal((await get('/')).status, 401);
  assert.equal((await get('/app.js')).status, 401);
  assert.equal((await get(`/?token=${server.token}`)).status, 401, 'tokens never travel in URLs');
  assert.equal((await get('/', { cookie: `xdpscope_token_${server.port}=nope` })).status, 403);
  assert.equal((await get('/', { cookie: `xdpscope_token_${server.port + 1}=${server.token}` })).status, 401, 'another port\'s cookie is not ours');
  const ok = await get('/', auth);
  assert.equal(ok.status, 200);
  assert.match(ok.body, /<title>t<\/title>/);
  assert.match(String(ok.headers['content-security-policy']), /script-src 'self'/);
  assert.equal((await get('/app.js', auth)).status, 200);
  assert.equal((await get('/app.js', { authorization: `Bearer ${server.token}` })).status, 200);
});

test('HTTP: foreign Host or Origin is refused even with the token (DNS rebinding)', async () => {
  assert.equal((await get('/', { ...auth, host: `evil.example:${server.port}` })).status, 403);
  assert.equal((await get('/', { ...auth, origin: 'http://evil.example' })).status, 403);
  assert.equal((await get('/', { ...auth, host: `localhost:${server.port}` })).status, 200);
  const link = new URL(server.newLink());
  assert.equal((await get(link.pathname + link.search, { host: `evil.example:${server.port}` })).status, 403, 'a code is not exchanged for a foreign Host');
});

test('HTTP: no path traversal out of the static directory', async () => {
  const r = await get('/..%2f..%2f..%2fetc%2fpasswd', auth);
  assert.equal(r.status, 404);
  assert.equal((await get('/%E0%A4%A', auth)).status, 400);
});

function wsOpen(url: string, headers: Record<string, string> = {}): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => resolve({ ws }));
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
    ws.on('error', () => resolve({ status: -1 }));
  });
}

test('WebSocket: token and Origin are required; API calls are answered and validated', async () => {
  const base = `ws://127.0.0.1:${server.port}/ws`;
  const origin = `http://127.0.0.1:${server.port}`;
  assert.equal((await wsOpen(base, { origin })).status, 401);
  assert.equal((await wsOpen(`${base}?token=${server.token}`, { origin })).status, 401);
  assert.equal((await wsOpen(base, { origin, cookie: `xdpscope_token_${server.port}=bad` })).status, 403);
  assert.equal((await wsOpen(base, { ...auth, origin: 'http://evil.example' })).status, 403);
  assert.equal((await wsOpen(base, auth)).status, 403, 'a WebSocket without Origin is refused');
  const { ws } = await wsOpen(base, { ...auth, origin });
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
    const req = request({ host: '127.0.0.1', port: server.port, path: '/download?name=x.pcapng', headers: { host: `127.0.0.1:${server.port}`, ...auth } }, (res) => {
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

function download(method = 'GET'): Promise<{ status: number; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ method, host: '127.0.0.1', port: server.port, path: '/download?name=x.pcapng', headers: { host: `127.0.0.1:${server.port}`, ...auth } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, bytes: Buffer.concat(parts) }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function scratchEmpties(): Promise<string[]> {
  let left = readdirSync(server.scratchDir);
  for (let i = 0; i < 200 && left.length; i++) { await new Promise((r) => setImmediate(r)); left = readdirSync(server.scratchDir); }
  return left;
}

test('browser Save: a download is a copy — nothing becomes "saved", HEAD writes nothing, concurrent downloads do not collide', { skip: sharedCapturesSkipReason() ?? false }, async () => {
  await engine.call('openFile', { path: join(CAPTURES, 'zeek-post.pcap') });
  for (let i = 0; i < 100 && (await engine.call('getStatus', {})).state === 'loading'; i++) await new Promise((r) => setTimeout(r, 10));
  await engine.call('addComment', { number: 1, text: 'look here' });
  assert.equal((await engine.call('getStatus', {})).unsaved, true);
  const head = await download('HEAD');
  assert.equal(head.status, 200);
  assert.deepEqual(readdirSync(server.scratchDir), [], 'HEAD saved nothing');
  const all = await Promise.all([download(), download(), download(), download()]);
  for (const d of all) {
    assert.equal(d.status, 200);
    assert.equal(d.bytes.readUInt32LE(0), 0x0a0d0d0a);
    assert.ok(d.bytes.equals(all[0].bytes), 'every concurrent download got the whole file');
  }
  assert.ok(all[0].bytes.includes(Buffer.from('look here')), 'the comment is in the copy');
  assert.equal((await engine.call('getStatus', {})).unsaved, true, 'the comment is still unsaved here');
  assert.deepEqual(await scratchEmpties(), [], 'the copies were removed once sent');
  await engine.call('deleteComment', { number: 1 });
});
