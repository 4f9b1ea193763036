// Chromium's key log: headless Debian Chromium (--ssl-key-log-file) loads a
// page and an image over TLS 1.3 and HTTP/2 from Node's
// http2.createSecureServer in network namespaces; with -o
// tls.keylog_file: every tls.* and http2.* field tshark 4.0 shows that we
// declare, and the Info column, equal tshark's on the same capture (tcpdump
// on the server's side), and the requests' paths and Chromium's
// User-Agent are read from the decrypted HEADERS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runPeers, peersSkipReason, peerScratch } from './peers';
import { ourFields } from './pcap-lib';
import { compareDecrypted } from './keylog-compare';
import { hasCommand } from '../../lib/env';
import { certsDir } from '../../lib/certs';

const skip = peersSkipReason() || (!hasCommand('chromium') ? 'needs chromium' : !hasCommand('openssl') ? 'needs openssl' : false);

const SERVER = `
const http2 = require('node:http2'), fs = require('node:fs');
const dir = process.env.CERTS;
const page = '<html><body><p id="x">hello chromium</p><img src="/pixel.png"></body></html>';
const s = http2.createSecureServer({ key: fs.readFileSync(dir + '/k.pem'), cert: fs.readFileSync(dir + '/c.pem'), allowHTTP1: true }, (req, res) => {
  const html = req.url === '/';
  const body = html ? page : 'not an image';
  res.writeHead(html ? 200 : 404, { 'content-type': html ? 'text/html' : 'text/plain', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
s.listen(Number(process.env.PORT), process.env.HOST, () => process.stdout.write('listening\\n'));
`;

const left = peerScratch();

test('Chromium --ssl-key-log-file: TLS 1.3 and HTTP/2 decrypted as tshark decrypts them', { skip, timeout: 120_000 }, async () => {
  const dir = left.dir = certsDir('xdpscope-chromium-', 'ec', 'chromium.test');
  const keys = join(dir, 'keys.txt');
  const run = left.run = await runPeers(SERVER, 443, [['timeout', '60', 'chromium', '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
    `--user-data-dir=${join(dir, 'profile')}`, `--ssl-key-log-file=${keys}`, '--ignore-certificate-errors', '--dump-dom', 'https://{ip}/']]);
  assert.match(run.outputs[0], /hello chromium/);
  const { fields, cells } = compareDecrypted(run.pcap, keys, ['tls', 'http2']);
  process.stdout.write(`# Chromium: ${fields.length} fields, ${cells} cells equal to tshark\n`);
  for (const f of ['http2.headers.path', 'http2.headers.user_agent', 'http2.header.count', 'tls.record.content_type']) assert.ok(fields.includes(f), `${f} compared`);
  const opt = ['-o', `tls.keylog_file:${keys}`];
  const paths = ourFields(run.pcap, ['http2.headers.path'], [...opt, '-Y', 'http2.headers.path']);
  assert.ok(paths.includes('/') && paths.includes('/pixel.png'), paths.join(' | '));
  assert.match(ourFields(run.pcap, ['http2.headers.user_agent'], [...opt, '-Y', 'http2.headers.user_agent'])[0], /HeadlessChrome/);
});
