// TLS decryption against real peers: Node's https servers (RSA and ECDSA
// certificates made by openssl, one server without encrypt-then-MAC) in one
// namespace, curl with SSLKEYLOGFILE in another, every TLS 1.3 cipher suite
// and the TLS 1.2 suites of each kind (ECDHE and plain RSA key exchange;
// AES-GCM, ChaCha20-Poly1305, AES-CBC with HMAC-SHA1/256/384, with and
// without encrypt-then-MAC). tcpdump captures in the server's namespace; then
// `xdpscope read -o tls.keylog_file:KEYS` and `tshark -o tls.keylog_file:KEYS`
// read the same capture and must print the same decrypted fields, a pcapng
// with the keys injected by `editcap --inject-secrets` must read like -o,
// and wrong or missing keys leave the records encrypted with a note.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVethPair, type VethPair } from '../../lib/netns';
import { CLI, hasCommand, isRoot } from '../../lib/env';
import { waitForOutput } from '../../lib/process';
import { Dissector, TlsKeyLog } from '../../../main/engine/dissect';
import { openCaptureFile } from '../../../main/engine/file/open';
import { setTlsKeylogPreference } from '../../../main/engine/dissect/keylog';
import { saveSession } from '../../../main/engine/session/save';
import { openSession } from '../../../main/engine/session/open';
import { EngineService } from '../../../main/engine/service/service';
import { openLoaded } from '../../lib/service';

const skip = !isRoot() ? 'needs root (network namespaces)'
  : !hasCommand('ip') ? 'needs iproute2'
  : !hasCommand('tshark') ? 'needs tshark'
  : !hasCommand('tcpdump') ? 'needs tcpdump'
  : !hasCommand('curl') ? 'needs curl'
  : !hasCommand('openssl') ? 'needs openssl'
  : !hasCommand('editcap') ? 'needs editcap'
  : false;

/** [server port, curl arguments]: 443 RSA, 8443 ECDSA, 993 RSA without encrypt-then-MAC */
const CASES: Array<[number, string[]]> = [
  ...['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_CCM_SHA256', 'TLS_AES_128_CCM_8_SHA256']
    .map((c): [number, string[]] => [443, ['--tlsv1.3', '--tls13-ciphers', c]]),
  [8443, ['--tlsv1.3', '--tls13-ciphers', 'TLS_AES_256_GCM_SHA384']],
  ...['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-CHACHA20-POLY1305', 'ECDHE-RSA-AES128-SHA', 'ECDHE-RSA-AES256-SHA384',
    'AES128-GCM-SHA256', 'AES256-SHA256', 'AES128-SHA']
    .map((c): [number, string[]] => [443, ['--tls-max', '1.2', '--ciphers', c]]),
  ...['ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-ECDSA-AES128-SHA256']
    .map((c): [number, string[]] => [8443, ['--tls-max', '1.2', '--ciphers', c]]),
  ...['ECDHE-RSA-AES128-SHA', 'AES256-SHA256'].map((c): [number, string[]] => [993, ['--tls-max', '1.2', '--ciphers', c]]),
];

const SERVER = `
const https = require('node:https'), fs = require('node:fs'), { constants } = require('node:crypto');
const [dir] = process.argv.slice(2);
const ciphers = 'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256:ALL:@SECLEVEL=0';
const app = (req, res) => {
  const body = 'hello over ' + req.socket.getCipher().name + '\\n';
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
};
let up = 0;
const ready = () => { if (++up === 3) process.stdout.write('ready\\n'); };
const opts = (c) => ({ key: fs.readFileSync(dir + '/' + c + '.key'), cert: fs.readFileSync(dir + '/' + c + '.crt'), ciphers, minVersion: 'TLSv1.2', ALPNProtocols: ['http/1.1'] });
https.createServer(opts('rsa'), app).listen(443, ready);
https.createServer(opts('ec'), app).listen(8443, ready);
https.createServer({ ...opts('rsa'), secureOptions: constants.SSL_OP_NO_ENCRYPT_THEN_MAC }, app).listen(993, ready);
`;

/** the fields compared with tshark, frame by frame */
const FIELDS = [
  'frame.number', 'tls.record.content_type', 'tls.record.opaque_type', 'tls.record.length', 'tls.handshake.type',
  'tls.handshake.extensions_alpn_str', 'tls.handshake.certificate_request_context_length', 'tls.handshake.certificates_length',
  'tls.handshake.certificate_length', 'tls.alert_message.level', 'tls.alert_message.desc',
  'http.request.method', 'http.request.uri', 'http.request.version', 'http.host', 'http.user_agent', 'http.accept',
  'http.response.code', 'http.response.phrase', 'http.content_type', 'http.content_length', 'http.file_data',
];

process.env.XDPSCOPE_CONFIG_DIR ??= mkdtempSync(join(tmpdir(), 'xs-config-'));
let dir = '';
let pair: VethPair | null = null;
let server: ChildProcess | null = null;
const PCAP = (): string => join(dir, 'tls.pcap');
const KEYS = (): string => join(dir, 'keys.txt');

const waitFor = (child: ChildProcess, stream: 'stdout' | 'stderr', text: string, what: string): Promise<string> => waitForOutput(child, stream, text, 15_000, what);

/** Every connection of the capture has closed (a reset, or a FIN each way): tcpdump writes each packet as it comes. */
async function waitForClose(want: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const closed = new Set<number>();
    const fins = new Map<number, Set<number>>();
    try {
      const f = await openCaptureFile(PCAP());
      const dis = new Dissector({ fields: ['tcp.stream', 'tcp.srcport', 'tcp.flags.fin', 'tcp.flags.reset'], geoip: null, enrich: false });
      for await (const batch of f.batches()) {
        for (const p of batch) {
          const v = new Map(dis.dissect(p).fields.map((x) => [x.name, x.value]));
          const stream = v.get('tcp.stream') as number;
          if (v.get('tcp.flags.reset')) closed.add(stream);
          if (v.get('tcp.flags.fin')) {
            const s = fins.get(stream) ?? new Set<number>();
            s.add(v.get('tcp.srcport') as number);
            fins.set(stream, s);
            if (s.size === 2) closed.add(stream);
          }
        }
      }
      await f.close();
    } catch { /* the file header is not written yet */ }
    if (closed.size >= want) return;
    if (Date.now() > deadline) throw new Error(`${closed.size} of ${want} connections closed in the capture`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'xdpscope-tls-'));
  chmodSync(dir, 0o755);
  for (const [name, alg] of [['rsa', ['-newkey', 'rsa:2048']], ['ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']]] as const) {
    execFileSync('openssl', ['req', '-x509', ...alg, '-nodes', '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.crt`), '-days', '1', '-subj', '/CN=tls.test'], { stdio: 'ignore' });
  }
  writeFileSync(join(dir, 'server.js'), SERVER);
  pair = createVethPair();
  const p = pair;
  server = p.spawn(p.serverNs, [process.execPath, join(dir, 'server.js'), dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitFor(server, 'stdout', 'ready', 'TLS server');
  const dump = p.spawn(p.serverNs, ['tcpdump', '-Z', 'root', '-U', '--immediate-mode', '-n', '-i', p.serverIf, '-w', PCAP(), 'tcp'], { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    await waitFor(dump, 'stderr', 'listening on', 'tcpdump');
    for (const [port, args] of CASES) {
      p.exec(p.clientNs, ['env', `SSLKEYLOGFILE=${KEYS()}`, 'curl', '-sS', '-k', '--http1.1', '-o', '/dev/null', ...args, `https://${p.serverIp}:${port}/x?y=1`]);
    }
    await waitForClose(CASES.length);
  } finally {
    const gone = new Promise((r) => dump.on('exit', r));
    dump.kill('SIGINT');
    await gone;
  }
});

after(() => {
  server?.kill('SIGKILL');
  pair?.dispose();
  if (dir && !process.env.XDPSCOPE_TLS_KEEP) rmSync(dir, { recursive: true, force: true });
});

const run = (cmd: string, args: string[]): string =>
  execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
const fieldArgs = FIELDS.flatMap((f) => ['-e', f]);
const ours = (file: string, extra: string[] = []): string[] =>
  run(process.execPath, [CLI, 'read', '-r', file, ...extra, '-T', 'fields', '-E', 'occurrence=a', ...fieldArgs]).trimEnd().split('\n');
const theirs = (file: string, extra: string[] = []): string[] =>
  run('tshark', ['-r', file, ...extra, '-T', 'fields', '-E', 'occurrence=a', ...fieldArgs]).trimEnd().split('\n');

test('every cipher suite decrypts: the fields equal tshark -o tls.keylog_file on the same capture', { skip }, () => {
  const opt = ['-o', `tls.keylog_file:${KEYS()}`];
  const a = ours(PCAP(), opt), b = theirs(PCAP(), opt);
  assert.equal(a.length, b.length);
  const diffs = a.flatMap((line, i) => (line === b[i] ? [] : [`ours:   ${line}\ntshark: ${b[i]}`]));
  assert.deepEqual(diffs, [], `${diffs.length} of ${a.length} frames differ`);
  // every connection decrypted: one request and one response each, the body names the suite
  const requests = a.filter((l) => l.split('\t')[FIELDS.indexOf('http.request.method')] === 'GET');
  const responses = a.filter((l) => l.split('\t')[FIELDS.indexOf('http.response.code')] === '200');
  assert.equal(requests.length, CASES.length);
  assert.equal(responses.length, CASES.length);
  process.stdout.write(`# ${CASES.length} connections, ${a.length} frames, ${a.join('\t').split('\t').filter((v) => v !== '').length} values equal to tshark's\n`);
});

test('the option takes tshark quoting, and the summary lines show the HTTP inside', { skip }, () => {
  const text = run(process.execPath, [CLI, 'read', '-r', PCAP(), '-o', `tls.keylog_file:"${KEYS()}"`, '-Y', 'http']).trimEnd().split('\n');
  assert.equal(text.length, 2 * CASES.length);
  assert.ok(text.every((l) => / HTTP \d+ (GET \/x\?y=1 HTTP\/1\.1|HTTP\/1\.1 200 OK)/.test(l)), text.join('\n'));
  assert.throws(() => run(process.execPath, [CLI, 'read', '-r', PCAP(), '-o', 'tls.no_such_pref:1']), /unknown preference/);
});

test('Decryption Secrets Blocks injected by editcap read like -o', { skip }, () => {
  const ng = join(dir, 'dsb.pcapng');
  run('editcap', ['--inject-secrets', `tls,${KEYS()}`, PCAP(), ng]);
  const a = ours(ng), b = theirs(ng);
  assert.deepEqual(a, b);
  assert.deepEqual(a, ours(PCAP(), ['-o', `tls.keylog_file:${KEYS()}`]));
});

test('wrong or missing keys: records stay encrypted, a note says why, nothing throws', { skip }, async () => {
  const good = readFileSync(KEYS(), 'utf8');
  // every secret's first byte flipped
  const wrong = good.replace(/^(\S+ \S+ )(..)/gm, (_m, head: string, b: string) => head + ((parseInt(b, 16) ^ 0xff).toString(16).padStart(2, '0')));
  for (const keys of [TlsKeyLog.fromText(wrong), TlsKeyLog.fromText('')]) {
    const dis = new Dissector({ geoip: null, tlsKeys: keys });
    const f = await openCaptureFile(PCAP());
    let notes = 0, http = 0, malformed = 0;
    for await (const batch of f.batches()) {
      for (const p of batch) {
        const d = dis.dissect(p);
        if (d.fields.some((x) => x.name === 'http')) http++;
        if (d.malformed) malformed++;
        if (d.expert.some((e) => e.protocol === 'tls' && /not decrypted: (authentication failed|MAC check failed|bad CBC padding|no \w+ (secret )?in the key log)/.test(e.message))) notes++;
      }
    }
    await f.close();
    assert.equal(http, 0);
    assert.equal(malformed, 0);
    assert.ok(notes >= 2 * CASES.length, `${notes} notes`);
  }
  // the same capture without tls.keylog_file: tshark and we both leave it encrypted
  assert.deepEqual(ours(PCAP()), theirs(PCAP()));
});

test('a key log that grows while reading: keys that arrive later decrypt later connections', { skip }, async () => {
  const lines = readFileSync(KEYS(), 'utf8').trimEnd().split('\n');
  const path = join(dir, 'growing.txt');
  writeFileSync(path, '');
  const keys = TlsKeyLog.fromFile(path);
  const dis = new Dissector({ geoip: null, tlsKeys: keys });
  const f = await openCaptureFile(PCAP());
  let http = 0, written = false;
  for await (const batch of f.batches()) {
    for (const p of batch) {
      if (!written && p.number > 1) {
        // after the first frame: the whole log appears (a client writing as it handshakes)
        writeFileSync(path, lines.join('\n') + '\n');
        written = true;
      }
      if (dis.dissect(p).fields.some((x) => x.name === 'http')) http++;
    }
  }
  await f.close();
  assert.equal(http, 2 * CASES.length);
});

test('a saved session carries the secrets it used as a DSB (tshark decrypts it), unless stripped', { skip }, async () => {
  // a key log with one unrelated connection besides the capture's: that one must not travel
  const stranger = `CLIENT_RANDOM ${'ab'.repeat(32)} ${'cd'.repeat(48)}\n`;
  const path = join(dir, 'pref-keys.txt');
  writeFileSync(path, stranger + readFileSync(KEYS(), 'utf8'));
  const keys = setTlsKeylogPreference(path)!;
  try {
    // the preference is every default Dissector's key log: dissecting uses the capture's secrets
    const dis = new Dissector({ geoip: null });
    const f = await openCaptureFile(PCAP());
    for await (const batch of f.batches()) for (const p of batch) dis.dissect(p);
    await f.close();
    assert.ok(!keys.text().includes('ab'.repeat(32)));
    assert.ok(keys.text(true).includes('ab'.repeat(32)));
    const saved = join(dir, 'saved.pcapng'), stripped = join(dir, 'stripped.pcapng');
    await saveSession(saved, await openSession(PCAP()), { tlsSecrets: keys.text() });
    await saveSession(stripped, await openSession(PCAP()), {});
    const opt = ['-o', `tls.keylog_file:${KEYS()}`];
    assert.deepEqual(theirs(saved), theirs(PCAP(), opt));
    assert.deepEqual(ours(saved), theirs(PCAP(), opt));
    assert.deepEqual(ours(stripped), theirs(PCAP()));
  } finally {
    setTlsKeylogPreference(null);
  }
});

test('through the engine service: the key log preference decrypts an opened file; Follow TLS Stream; save carries it, stripSecrets does not', { skip }, async () => {
  const svc = new EngineService({ emit: () => undefined });
  try {
    const set = await svc.call('setTlsKeylog', { path: KEYS() });
    assert.equal(set.path, KEYS());
    assert.equal(set.error, null);
    assert.equal(set.connections, CASES.length);
    await openLoaded(svc, PCAP());
    const f = await svc.call('setFilter', { text: 'http.request.method == "GET"' });
    assert.equal(f.displayed, CASES.length);
    const saved = join(dir, 'svc-saved.pcapng'), stripped = join(dir, 'svc-stripped.pcapng');
    await svc.call('save', { path: saved });
    await svc.call('saveCopy', { path: stripped, stripSecrets: true });
    const gets = (file: string): number => run('tshark', ['-r', file, '-Y', 'http.request.method == "GET"']).trimEnd().split('\n').filter(Boolean).length;
    assert.equal(gets(saved), CASES.length);
    assert.equal(gets(stripped), 0);
    // Follow TLS Stream: the decrypted records of every connection, as tshark -z follow,tls,raw gives them
    const streams = Array.from({ length: CASES.length }, (_, i) => i);
    const sep = '===================================================================';
    const ref = new Map<string, string[]>();
    const args = ['-r', PCAP(), '-o', `tls.keylog_file:${KEYS()}`, '-q', ...streams.flatMap((n) => ['-z', `follow,tls,raw,${n}`])];
    for (const block of run('tshark', args).split(`${sep}\n`)) {
      const lines = block.split('\n');
      if (!lines[0]?.startsWith('Follow: ')) continue;
      ref.set(lines[1].replace(/^Filter: /, ''), lines.slice(4).filter((l) => l !== ''));
    }
    await svc.call('setFilter', { text: '' });
    const frames = run(process.execPath, [CLI, 'read', '-r', PCAP(), '-T', 'fields', '-e', 'frame.number', '-e', 'tcp.stream']).trimEnd().split('\n').map((l) => l.split('\t').map(Number));
    let chunks = 0;
    for (const n of streams) {
      const first = frames.find(([, st]) => st === n)![0];
      const f = await svc.call('followStream', { number: first, protocol: 'tls' });
      assert.equal(f.filter, `tcp.stream eq ${n}`);
      const got = f.segments.map((x) => (x.fromClient ? '' : '\t') + Buffer.from(x.data).toString('hex'));
      assert.deepEqual(got, ref.get(f.filter), f.filter);
      assert.ok(got.length >= 2);
      chunks += got.length;
    }
    process.stdout.write(`# Follow TLS Stream: ${chunks} decrypted chunks in ${streams.length} streams equal to tshark's\n`);
    assert.deepEqual(await svc.call('setTlsKeylog', { path: null }), { path: null, connections: 0, error: null });
  } finally {
    setTlsKeylogPreference(null);
  }
});

test('TLS 1.3 without handshake secrets, or with keys that came after the handshake: the application data still decrypts', { skip }, async () => {
  const lines = readFileSync(KEYS(), 'utf8').trimEnd().split('\n');
  const traffic = lines.filter((l) => !/HANDSHAKE_TRAFFIC_SECRET/.test(l)).join('\n') + '\n';
  const tls13 = CASES.filter(([, a]) => a.includes('--tlsv1.3')).length;
  const count = async (keys: TlsKeyLog, during?: (n: number) => void): Promise<number> => {
    const dis = new Dissector({ geoip: null, tlsKeys: keys });
    const f = await openCaptureFile(PCAP());
    let http = 0;
    for await (const batch of f.batches()) for (const p of batch) { during?.(p.number); if (dis.dissect(p).fields.some((x) => x.name === 'http')) http++; }
    await f.close();
    return http;
  };
  // a log of traffic secrets only: every connection's requests and responses (TLS 1.2 ones use CLIENT_RANDOM)
  assert.equal(await count(TlsKeyLog.fromText(traffic)), 2 * CASES.length);
  // keys added only once each connection's handshake went by unkeyed (a live key log behind the capture)
  const late = TlsKeyLog.fromText('');
  const firstData = new Map<number, string[]>();
  const rows = run(process.execPath, [CLI, 'read', '-r', PCAP(), '-T', 'fields', '-e', 'frame.number', '-e', 'tls.handshake.random', '-e', 'tls.handshake.type']).trimEnd().split('\n');
  for (const row of rows) {
    const [n, random, type] = row.split('\t');
    // the ClientHello's random: the connection's secrets appear after its ServerHello flight
    if (type === '1') firstData.set(Number(n) + 3, lines.filter((l) => l.includes(random)));
  }
  const got = await count(late, (n) => { const add = firstData.get(n); if (add) late.addText(add.join('\n')); });
  assert.equal(got, 2 * CASES.length, `${tls13} TLS 1.3 connections`);
});
