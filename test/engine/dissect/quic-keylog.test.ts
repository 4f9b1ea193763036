// QUIC with a key log: ngtcp2's GnuTLS example client (SSLKEYLOGFILE) and
// server in network namespaces, HTTP/3 requests. With `-o
// tls.keylog_file:` the Handshake and 1-RTT packets decrypt, and every
// field tshark 4.0 shows that we also declare (quic.*, tls.*, http3.*: the
// frames, the reassembled TLS handshake with its certificate, HTTP/3
// SETTINGS and frames) and the Info column equal tshark's on the same
// capture: AES-128-GCM, and ChaCha20-Poly1305 with a key update (KP1).
// Beyond tshark 4.0, QPACK decodes the requests' and responses' headers.
// The wrong key log leaves packets encrypted with a note, as tshark does.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PeerRun } from './peers';
import { quicSkipReason, runQuic } from './quic-peers';
import { ourFields, run as run_ } from './pcap-lib';
import { compareDecrypted } from './keylog-compare';
import '../../../main/engine/dissect/protocols';
import { Dissector } from '../../../main/engine/dissect';
import { TlsKeyLog } from '../../../main/engine/dissect/keylog';
import { parseCaptureBuffer } from '../../../main/engine/file/open';

const skip = quicSkipReason();

const PROTOCOLS = ['quic', 'tls', 'http3'];

let dir = '';
const runs: PeerRun[] = [];
after(() => {
  for (const r of runs) r.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function setup(): string {
  if (dir) return dir;
  dir = mkdtempSync(join(tmpdir(), 'xdpscope-quic-keylog-'));
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'www'));
  writeFileSync(join(dir, 'www', 'index.html'), '<html>hello quic</html>\n');
  writeFileSync(join(dir, 'www', 'models.json'), JSON.stringify({ data: [{ id: 'gpt-4o-mini' }] }));
  // an OpenAI-compatible answer: the example server returns the file at the request's path, whatever the method
  mkdirSync(join(dir, 'www', 'v1', 'chat'), { recursive: true });
  writeFileSync(join(dir, 'www', 'v1', 'chat', 'completions'), JSON.stringify({
    id: 'chatcmpl-h3', object: 'chat.completion', model: 'gpt-4o-mini-2024-07-18',
    choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
  }));
  writeFileSync(join(dir, 'request.json'), JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] }));
  process.env.DOCS = join(dir, 'www');
  return dir;
}

/** One QUIC connection: two HTTP/3 requests, the client's secrets in `keys`. */
async function quic(keys: string, extra: string[] = [], urls = ['https://quic.test/index.html', 'https://quic.test/models.json']): Promise<PeerRun> {
  const r = await runQuic(keys, urls, extra);
  runs.push(r);
  return r;
}

test('QUIC 1-RTT and Handshake decrypted from the key log equal tshark -o tls.keylog_file; HTTP/3 and QPACK', { skip, timeout: 90_000 }, async () => {
  const keys = join(setup(), 'aes.keys');
  const r = await quic(keys);
  const { fields, cells } = compareDecrypted(r.pcap, keys, PROTOCOLS);
  process.stdout.write(`# AES-128-GCM: ${fields.length} fields, ${cells} cells equal to tshark\n`);
  for (const f of ['quic.stream.stream_id', 'quic.stream_data', 'quic.nci.connection_id', 'tls.handshake.certificate', 'http3.frame_type', 'http3.settings.id']) {
    assert.ok(fields.includes(f), `${f} compared`);
  }
  const opt = ['-o', `tls.keylog_file:${keys}`];
  // the Handshake level's TLS messages: EncryptedExtensions (h3), Certificate, Finished from both sides
  const hs = ourFields(r.pcap, ['tls.handshake.type'], opt).join(',').split(',').filter(Boolean);
  for (const t of ['1', '2', '8', '11', '20']) assert.ok(hs.includes(t), `handshake type ${t} seen`);
  // QPACK: what tshark 4.0 cannot show
  const req = ourFields(r.pcap, ['http3.headers.method', 'http3.headers.path', 'http3.headers.authority', 'http3.headers.user_agent'], [...opt, '-Y', 'http3.headers.path']);
  const values = req.flatMap((l) => l.split('\t').flatMap((c) => c.split(',')));
  for (const v of ['GET', '/index.html', '/models.json', 'quic.test', 'nghttp3/ngtcp2 client']) assert.ok(values.includes(v), `${v} in ${req.join(' | ')}`);
  const resp = ourFields(r.pcap, ['http3.headers.status', 'http3.headers.content_type', 'http3.headers.content_length'], [...opt, '-Y', 'http3.headers.status']).join('\n');
  assert.match(resp, /200/);
  assert.match(resp, /text\/html/);
  assert.match(resp, /application\/json/);
  // the enrichment reads HTTP/3 as it reads HTTP/1.x and HTTP/2 (the User-Agent, Host/SNI and Content-Length columns)
  assert.deepEqual([...new Set(ourFields(r.pcap, ['http.user_agent.family'], [...opt, '-Y', 'http3.headers.user_agent']))], ['other']);
  // a display filter over decrypted fields
  assert.ok(ourFields(r.pcap, ['frame.number'], [...opt, '-Y', 'http3.header.value == "/models.json"']).length >= 1);
});

test('ChaCha20-Poly1305 and a key update (key phase 1) decrypt as tshark decrypts them', { skip, timeout: 90_000 }, async () => {
  const keys = join(setup(), 'chacha.keys');
  // the update comes 5 ms after the handshake; the requests wait 100 ms, so they go under the new keys
  const r = await quic(keys, ['--ciphers=NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+CHACHA20-POLY1305', '--key-update=5ms', '--delay-stream=100ms']);
  const { fields, cells } = compareDecrypted(r.pcap, keys, PROTOCOLS);
  process.stdout.write(`# ChaCha20-Poly1305 + key update: ${fields.length} fields, ${cells} cells equal to tshark\n`);
  const opt = ['-o', `tls.keylog_file:${keys}`];
  assert.deepEqual([...new Set(ourFields(r.pcap, ['tls.handshake.ciphersuite'], [...opt, '-Y', 'tls.handshake.type == 2']))], ['0x1303']);
  const kp1 = ourFields(r.pcap, ['quic.stream.stream_id'], [...opt, '-Y', 'quic.key_phase == 1 && quic.stream.stream_id']);
  assert.ok(kp1.length >= 1, 'STREAM frames decrypted under the updated keys');
});

test('the wrong key log: packets stay encrypted, a note says why, as tshark leaves them', { skip, timeout: 90_000 }, async () => {
  const d = setup();
  const keys = join(d, 'first.keys');
  const r = await quic(keys);
  const other = join(d, 'other.keys');
  // another connection's secrets under this connection's client random: nothing opens
  const random = /CLIENT_HANDSHAKE_TRAFFIC_SECRET ([0-9a-f]{64})/.exec(run_('cat', [keys]))![1];
  writeFileSync(other, run_('cat', [keys]).replace(/ ([0-9a-f]{64,96})$/gm, (_, s: string) => ` ${'ab'.repeat(s.length / 2)}`));
  assert.match(run_('cat', [other]), new RegExp(random));
  compareDecrypted(r.pcap, other, PROTOCOLS);
  const opt = ['-o', `tls.keylog_file:${other}`];
  assert.deepEqual(ourFields(r.pcap, ['quic.stream.stream_id'], [...opt, '-Y', 'quic.stream.stream_id']), []);
  assert.ok(ourFields(r.pcap, ['frame.number'], [...opt, '-Y', 'quic.decryption_failed']).length >= 3);
  const dis = new Dissector({ geoip: null, tlsKeys: TlsKeyLog.fromFile(other) });
  const notes = parseCaptureBuffer(readFileSync(r.pcap)).packets.flatMap((p) => dis.dissect(p).expert.map((e) => e.message));
  assert.ok(notes.some((m) => /^(Handshake|1-RTT) packet not decrypted: authentication failed/.test(m)), notes.join('\n'));
});

test('an LLM API call over HTTP/3: gen_ai.* from the decrypted request and response', { skip, timeout: 90_000 }, async () => {
  const d = setup();
  const keys = join(d, 'ai.keys');
  const r = await quic(keys, ['-m', 'POST', '-d', join(d, 'request.json')], ['https://api.openai.com/v1/chat/completions']);
  compareDecrypted(r.pcap, keys, PROTOCOLS);
  const fields = ['gen_ai.system', 'gen_ai.operation.name', 'gen_ai.request.model', 'gen_ai.response.model', 'gen_ai.usage.input_tokens', 'gen_ai.usage.output_tokens', 'gen_ai.server.address'];
  const rows = ourFields(r.pcap, ['http3.headers.status', 'gen_ai.request_in', ...fields], ['-o', `tls.keylog_file:${keys}`, '-Y', 'gen_ai.system']);
  const response = rows.find((l) => l.startsWith('200\t'));
  assert.ok(response, rows.join('\n'));
  const [, requestIn, ...values] = response.split('\t');
  assert.deepEqual(values, ['openai', 'chat', 'gpt-4o-mini', 'gpt-4o-mini-2024-07-18', '12', '3', 'api.openai.com']);
  assert.ok(rows.some((l) => l.startsWith('\t\topenai')), 'the request frame carries the call too');
  assert.ok(Number(requestIn) > 0);
});
