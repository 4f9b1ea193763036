// QUIC: the Initial keys of RFC 9001 Appendix A (v1) and RFC 9369 Appendix
// A (v2); a real QUIC handshake between ngtcp2's GnuTLS example client and
// server in network namespaces, where every quic.* and TLS ClientHello field
// (decrypted from the Initial packets, coalesced packets included) and the
// Info column agree with tshark 4.0, and JA4 (transport 'q') with a reading
// of tshark's fields; random datagrams on udp/443 never throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialKeys } from '../../../main/engine/dissect/quic';
import { Dissector } from '../../../main/engine/dissect';
import { runPeers, peersSkipReason } from './peers';
import { ourFields, run as run_, tsharkFields } from './pcap-lib';
import { REF_FIELDS, reference } from './ja4-ref';
import { CLI, hasCommand } from '../../lib/env';
import { raw, eth, ipv4, udp } from './packets';

test('Initial keys from the client\'s Destination Connection ID (RFC 9001 A.1, RFC 9369 A.1)', () => {
  const hexOf = (k: { key: Buffer; iv: Buffer; hp: Buffer }): string[] => [k.key, k.iv, k.hp].map((b) => b.toString('hex'));
  const v1 = initialKeys(Buffer.from('8394c8f03e515708', 'hex'), 1)!;
  assert.equal(v1.client.secret.toString('hex'), 'c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea');
  assert.deepEqual(hexOf(v1.client), ['1f369613dd76d5467730efcbe3b1a22d', 'fa044b2f42a3fd3b46fb255c', '9f50449e04a0e810283a1e9933adedd2']);
  assert.equal(v1.server.secret.toString('hex'), '3c199828fd139efd216c155ad844cc81fb82fa8d7446fa7d78be803acdda951b');
  assert.deepEqual(hexOf(v1.server), ['cf3a5331653c364c88f0f379b6067e37', '0ac1493ca1905853b0bba03e', 'c206b8d9b9f0f37644430b490eeaa314']);
  const v2 = initialKeys(Buffer.from('8394c8f03e515708', 'hex'), 0x6b3343cf)!;
  assert.deepEqual(hexOf(v2.client), ['8b1a0bc121284290a29e0971b5cd045d', '91f73e2351d8fa91660e909f', '45b95e15235d6f45a6b19cbcb0294ba9']);
  assert.equal(initialKeys(Buffer.from('00', 'hex'), 0x12345678), null);
});

/** ngtcp2's example server with a throwaway ECDSA certificate; "listening" once its UDP socket is bound */
const QUIC_SERVER = `
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const dir = fs.mkdtempSync('/tmp/xdpscope-quic-');
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', dir + '/k.pem',
  '-out', dir + '/c.pem', '-subj', '/CN=quic.test', '-days', '1'], { stdio: 'ignore' });
const p = spawn('gtlsserver', ['-q', process.env.HOST, process.env.PORT, dir + '/k.pem', dir + '/c.pem'], { stdio: 'ignore' });
const bound = () => { try { return execFileSync('ss', ['-Hlun', 'sport = :' + process.env.PORT], { encoding: 'utf8' }).trim() !== ''; } catch { return false; } };
let tries = 0;
const t = setInterval(() => { if (bound()) { clearInterval(t); console.log('listening'); } else if (++tries > 500) process.exit(1); }, 20);
process.on('SIGTERM', () => { p.kill('SIGKILL'); fs.rmSync(dir, { recursive: true, force: true }); process.exit(0); });
`;

const FIELDS = ['frame.protocols', 'quic.header_form', 'quic.fixed_bit', 'quic.long.packet_type', 'quic.long.reserved', 'quic.version',
  'quic.dcil', 'quic.dcid', 'quic.scil', 'quic.scid', 'quic.token_length', 'quic.length', 'quic.packet_number', 'quic.packet_number_length',
  'quic.packet_length', 'quic.connection.number', 'quic.spin_bit', 'quic.remaining_payload', 'quic.payload', 'quic.frame_type',
  'quic.crypto.offset', 'quic.crypto.length', 'quic.padding_length', 'quic.ack.largest_acknowledged', 'quic.ack.ack_delay',
  'quic.ack.ack_range_count', 'quic.ack.first_ack_range', 'tls.handshake.type', 'tls.handshake.length', 'tls.handshake.version',
  'tls.handshake.ciphersuite', 'tls.handshake.extension.type', 'tls.handshake.extensions_server_name', 'tls.handshake.extensions_alpn_str',
  'tls.handshake.extensions.supported_version', 'tls.handshake.ja3', 'tls.handshake.ja3s'];

const skip = peersSkipReason() || (!hasCommand('gtlsclient') || !hasCommand('gtlsserver') ? 'needs ngtcp2-client and ngtcp2-server' : false);

test('a real QUIC handshake: Initial packets decrypted, fields and Info as tshark, JA4 for QUIC', { skip, timeout: 60_000 }, async () => {
  const run = await runPeers(QUIC_SERVER, 443, [
    ['sh', '-c', 'gtlsclient -q --exit-on-first-stream-close {ip} 443 https://quic.test/ >/dev/null 2>&1; true'],
  ]);
  try {
    const theirs = tsharkFields(run.pcap, FIELDS);
    const ours = ourFields(run.pcap, FIELDS);
    assert.ok(theirs.filter((r) => r.includes(':quic')).length >= 6, 'a QUIC handshake was captured');
    assert.deepEqual(ours, theirs);
    const words = (out: string): string[][] => out.split('\n').filter((l) => / QUIC /.test(l)).map((l) => l.trim().split(/\s+/).slice(4));
    assert.deepEqual(words(run_(process.execPath, [CLI, 'read', '-r', run.pcap])), words(run_('tshark', ['-r', run.pcap])));
    const hello = ['-Y', 'tls.handshake.type == 1'];
    const ja4 = ourFields(run.pcap, ['tls.handshake.ja4'], hello);
    assert.equal(ja4.length, 1);
    assert.match(ja4[0], /^q13[di]\d{4}h3_/);
    assert.deepEqual(ja4, tsharkFields(run.pcap, REF_FIELDS, hello).map((r) => reference(r, 'q')));
  } finally {
    run.dispose();
  }
});

test('random datagrams on udp/443 decode or are marked, never throw', () => {
  let x = 7;
  const rnd = (): number => { x = (x * 1103515245 + 12345) >>> 0; return x >>> 24; };
  const dis = new Dissector({ geoip: null });
  for (let i = 0; i < 3000; i++) {
    const len = 1 + (rnd() % 80) + (i % 10 === 0 ? 1200 : 0);
    const payload = Array.from({ length: len }, rnd);
    // long headers with version 1 and plausible lengths half of the time
    if (i % 2 === 0) { payload[0] = 0xc0 | (payload[0] & 0x3f); payload[1] = 0; payload[2] = 0; payload[3] = 0; payload[4] = 1; payload[5] = payload[5] % 21; }
    const d = dis.dissect(raw(eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 17, udp(50000, 443, payload)))));
    assert.equal(typeof d.summary.info, 'string');
  }
});
