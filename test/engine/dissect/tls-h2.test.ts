// HTTP/2 inside decrypted TLS: Node's http2.createSecureServer (allowHTTP1)
// and curl with SSLKEYLOGFILE over TLS 1.3 and 1.2, ALPN h2 and http/1.1.
// The decrypted application data goes to the app TLS_ALPN names ('h2' →
// the HTTP/2 dissector, 'http/1.1' → HTTP/1.x); every field below equals
// `tshark -o tls.keylog_file:` on the same capture.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPeers, peersSkipReason, peerScratch } from './peers';
import { CLI, hasCommand } from '../../lib/env';
import { certsDir } from '../../lib/certs';

const skip = peersSkipReason() || (!hasCommand('openssl') ? 'needs openssl' : false);

const SERVER = `
const http2 = require('node:http2'), fs = require('node:fs');
const dir = process.env.CERTS;
const s = http2.createSecureServer({ key: fs.readFileSync(dir + '/rsa.key'), cert: fs.readFileSync(dir + '/rsa.crt'), allowHTTP1: true }, (req, res) => {
  const body = JSON.stringify({ path: req.url, version: req.httpVersion });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
s.listen(Number(process.env.PORT), process.env.HOST, () => process.stdout.write('listening\\n'));
`;

const FIELDS = ['frame.number', 'frame.protocols', 'tls.handshake.extensions_alpn_str', 'http2.type', 'http2.streamid', 'http2.length',
  'http2.headers.method', 'http2.headers.path', 'http2.headers.authority', 'http2.headers.scheme', 'http2.headers.status',
  'http2.headers.user_agent', 'http2.headers.content_type', 'http2.headers.content_length', 'http2.header.name', 'http2.header.value',
  'http2.data.data', 'http.request.method', 'http.request.uri', 'http.response.code', 'http.content_length'];

const left = peerScratch();

test('HTTP/2 and HTTP/1.1 inside decrypted TLS equal tshark -o tls.keylog_file', { skip }, async () => {
  const dir = left.dir = certsDir('xdpscope-tls-h2-', 'rsa', 'tls.test');
  const keys = join(dir, 'keys.txt');
  const curl = (...args: string[]): string[] => ['env', `SSLKEYLOGFILE=${keys}`, 'curl', '-sS', '-k', '-A', 'xdpscope-test/1', ...args];
  const run = left.run = await runPeers(SERVER, 443, [
    curl('--http2', '--tlsv1.3', 'https://{ip}/v1/models?a=1', 'https://{ip}/second'),
    curl('--http2', '--tls-max', '1.2', '--ciphers', 'ECDHE-RSA-AES128-GCM-SHA256', 'https://{ip}/tls12'),
    curl('--http1.1', '--tlsv1.3', 'https://{ip}/h1'),
  ]);
  assert.match(run.outputs[0], /"version":"2.0"/);
  assert.match(run.outputs[2], /"version":"1.1"/);
  const opt = ['-o', `tls.keylog_file:${keys}`];
  const args = ['-r', run.pcap, ...opt, '-T', 'fields', '-E', 'occurrence=a', ...FIELDS.flatMap((f) => ['-e', f])];
  const ours = execFileSync(process.execPath, [CLI, 'read', ...args], { encoding: 'utf8' }).trimEnd().split('\n');
  // X.509 sub-layers in frame.protocols are not ours (the difference oracle.test.ts lists): left out of tshark's
  const theirs = execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trimEnd().split('\n')
    .map((l) => l.replace(/:x509\w+/g, ''));
  const diffs = ours.flatMap((l, i) => (l === theirs[i] ? [] : [`ours:   ${l}\ntshark: ${theirs[i]}`]));
  assert.deepEqual(diffs, [], `${diffs.length} of ${ours.length} frames differ`);
  const col = (name: string): string[] => ours.map((l) => l.split('\t')[FIELDS.indexOf(name)]).filter(Boolean);
  assert.deepEqual(col('http2.headers.path').join(',').split(',').sort(), ['/second', '/tls12', '/v1/models?a=1']);
  assert.deepEqual(col('http.request.uri'), ['/h1']);
  assert.ok(col('frame.protocols').filter((p) => p.endsWith('tls:http2')).length >= 6);
  assert.ok(readFileSync(keys, 'utf8').includes('CLIENT_RANDOM'));
});
