// Live decryption (issue 16): a live capture of both directions (XDP and
// tcx) in the engine service, started with a TLS key log path whose file
// does not exist yet; curl (SSLKEYLOGFILE, TLS 1.3, h2) then writes the
// keys as it handshakes with Node's http2.createSecureServer. The
// decrypted HTTP/2 request and response appear in the live session (a
// display filter on http2.headers.* selects them) while it captures.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, hasCommand, liveSkipReason } from '../../lib/env';
import { createVethPair, type VethPair } from '../../lib/netns';
import { selfSigned } from '../../lib/certs';

const skip = liveSkipReason() ?? (!hasCommand('curl') || !hasCommand('openssl') ? 'needs curl and openssl' : undefined);

const SERVER = `
const http2 = require('node:http2'), fs = require('node:fs');
const dir = process.env.CERTS;
const s = http2.createSecureServer({ key: fs.readFileSync(dir + '/k.pem'), cert: fs.readFileSync(dir + '/c.pem'), allowHTTP1: true }, (req, res) => {
  const body = JSON.stringify({ path: req.url });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
s.listen(443, process.env.HOST, () => process.stdout.write('listening\\n'));
`;

let pair: VethPair | undefined;
let dir = '';
after(() => {
  pair?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Resolves with what the process printed once `text` appears; rejects when it exits first. */
function waitFor(p: ReturnType<typeof spawn>, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    p.stdout!.on('data', (b: Buffer) => { seen += b; if (seen.includes(text)) resolve(seen); });
    p.stderr!.on('data', (b: Buffer) => { seen += b; });
    p.on('exit', (code) => reject(new Error(`exited (${code}) before "${text}": ${seen}`)));
  });
}

test('a live capture with a key log decrypts TLS 1.3 as the client writes its keys: HTTP/2 fields in the live session', { skip, timeout: 90_000 }, async () => {
  pair = createVethPair();
  dir = mkdtempSync(join(tmpdir(), 'xdpscope-tls-live-'));
  chmodSync(dir, 0o755);
  selfSigned('ec', join(dir, 'k.pem'), join(dir, 'c.pem'), 'live.test');
  const keys = join(dir, 'keys.txt');
  const server = pair.spawn(pair.serverNs, [process.execPath, '-e', SERVER], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CERTS: dir, HOST: pair.serverIp } });
  const filter = 'http2.headers.path == "/v1/live" || http2.headers.status == 200';
  const child = spawn('ip', ['netns', 'exec', pair.serverNs, process.execPath, join(ROOT, 'dist', 'test', 'engine', 'service', 'tls-live-child.js'),
    pair.serverIf, keys, '2', filter], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    await waitFor(server, 'listening');
    await waitFor(child, 'capturing');
    const out = pair.exec(pair.clientNs, ['env', `SSLKEYLOGFILE=${keys}`, 'curl', '-sS', '-k', '--http2', '--tlsv1.3', '-A', 'xdpscope-live/1',
      `https://${pair.serverIp}/v1/live`], { timeoutMs: 30_000 });
    assert.match(out, /"path":"\/v1\/live"/);
    const printed = await waitFor(child, '"found"');
    const result = JSON.parse(printed.trim().split('\n').pop()!) as { found: boolean; live: boolean; displayed: number; indexed: number };
    assert.ok(result.found, `the decrypted request and response were not displayed: ${printed}`);
    assert.equal(result.live, true, 'found while the capture was running');
    assert.equal(result.displayed, 2);
  } finally {
    server.kill('SIGKILL');
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
