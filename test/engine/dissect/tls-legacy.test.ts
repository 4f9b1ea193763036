// TLS 1.0 and 1.1 decryption from the key log's CLIENT_RANDOM lines: curl
// against Node's https server (security level 0, so the old versions are
// offered) in network namespaces. TLS 1.0 chains CBC IVs from record to
// record (and OpenSSL splits application data 1/n-1 against BEAST), TLS
// 1.1 sends them; both derive keys with the MD5/SHA-1 PRF; with and without
// encrypt-then-MAC, AES-128 and AES-256. Every tls.* and http.* field
// tshark shows that we declare, and the Info column, equal tshark -o
// tls.keylog_file on the same capture.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runPeers, peersSkipReason, peerScratch } from './peers';
import { ourFields } from './pcap-lib';
import { compareDecrypted } from './keylog-compare';
import { hasCommand } from '../../lib/env';
import { certsDir } from '../../lib/certs';

const skip = peersSkipReason() || (!hasCommand('openssl') ? 'needs openssl' : false);

/** 443 with encrypt-then-MAC (OpenSSL's default for CBC), 8443 without */
const SERVER = `
const https = require('node:https'), fs = require('node:fs'), { constants } = require('node:crypto');
const dir = process.env.CERTS;
const opts = { key: fs.readFileSync(dir + '/k.pem'), cert: fs.readFileSync(dir + '/c.pem'), minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' };
const app = (req, res) => { res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 5 }); res.end('hello'); };
https.createServer(opts, app).listen(443, process.env.HOST, () =>
  https.createServer({ ...opts, secureOptions: constants.SSL_OP_NO_ENCRYPT_THEN_MAC }, app).listen(8443, process.env.HOST, () => process.stdout.write('listening\\n')));
`;

const left = peerScratch();

test('TLS 1.0 and 1.1 (CBC, chained and explicit IVs, MD5/SHA-1 PRF) decrypt as tshark decrypts them', { skip, timeout: 90_000 }, async () => {
  const dir = left.dir = certsDir('xdpscope-tls-legacy-', 'ec', 'legacy.test');
  const keys = join(dir, 'keys.txt');
  const curl = (v: string, cipher: string, url: string): string[] => ['env', `SSLKEYLOGFILE=${keys}`, 'curl', '-sS', '-k', `--tlsv${v}`, '--tls-max', v,
    '--ciphers', `${cipher}:@SECLEVEL=0`, url];
  const run = left.run = await runPeers(SERVER, 443, [
    curl('1.0', 'ECDHE-ECDSA-AES128-SHA', 'https://{ip}/tls10-etm'),
    curl('1.0', 'ECDHE-ECDSA-AES256-SHA', 'https://{ip}:8443/tls10-mte'),
    curl('1.1', 'ECDHE-ECDSA-AES128-SHA', 'https://{ip}/tls11-etm'),
    curl('1.1', 'ECDHE-ECDSA-AES256-SHA', 'https://{ip}:8443/tls11-mte'),
  ]);
  for (const o of run.outputs) assert.equal(o, 'hello');
  const { fields, cells } = compareDecrypted(run.pcap, keys, ['tls', 'http']);
  process.stdout.write(`# TLS 1.0/1.1: ${fields.length} fields, ${cells} cells equal to tshark\n`);
  const opt = ['-o', `tls.keylog_file:${keys}`];
  assert.deepEqual(ourFields(run.pcap, ['http.request.uri'], [...opt, '-Y', 'http.request']), ['/tls10-etm', '/tls10-mte', '/tls11-etm', '/tls11-mte']);
  assert.deepEqual(ourFields(run.pcap, ['http.file_data'], [...opt, '-Y', 'http.response']), ['hello', 'hello', 'hello', 'hello']);
});
