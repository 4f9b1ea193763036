// Decode As through the engine service (Analyze → Decode As…): the tables
// and protocols offered, entries applied to the open capture (the list,
// filters and details change without reopening), a bad entry refused with
// nothing changed, entries saved in Wireshark's decode_as_entries format
// (tshark reads our file and decodes alike), read again by a new engine,
// and kept with a saved session in place of the user's entries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, copyFileSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { EngineService } from '../../../main/engine/service/service';
import { pcapFile, secondsApart } from '../../lib/pcap';
import { tcpSegments } from '../../lib/tcp-frame';
import { eth, ipv4, udp, dnsQuery } from '../dissect/packets';
import { hasCommand } from '../../lib/env';
import { readDecodeAsEntries } from '../../../main/engine/dissect/decode-as';
import { openLoaded } from '../../lib/service';

const CONFIG = mkdtempSync(join(tmpdir(), 'xs-config-'));
process.env.XDPSCOPE_CONFIG_DIR = CONFIG;
const noTshark = hasCommand('tshark') ? false : 'tshark not installed';

const C = '198.18.0.1', S = '198.18.0.2';
const seg = tcpSegments(C, S);

/** FTP on tcp/2121 and DNS on udp/5300: neither is found there without an entry (no heuristic of ours or tshark's takes them) */
function frames(): Array<Buffer | number[]> {
  const banner = '220 hello\r\n', user = 'USER bob\r\n';
  return [
    seg(true, 40001, 2121, 100, 0, 0x02), seg(false, 40001, 2121, 500, 101, 0x12), seg(true, 40001, 2121, 101, 501, 0x10),
    seg(false, 40001, 2121, 501, 101, 0x18, banner), seg(true, 40001, 2121, 101, 501 + banner.length, 0x18, user),
    eth(0x0800, ipv4(C, S, 17, udp(40002, 5300, dnsQuery(7, 'example.com')))),
  ];
}

async function openIn(s: EngineService, path: string): Promise<void> {
  await openLoaded(s, path);
  assert.equal(s.status().state, 'done');
}

const protocols = (s: EngineService): string[] => {
  const b = s.rows(0, 1000);
  return Array.from(b.protocol as Uint32Array, (k) => b.strings[k]!);
};

const UNDECODED = ['TCP', 'TCP', 'TCP', 'TCP', 'TCP', 'UDP'];
const DECODED = ['TCP', 'TCP', 'TCP', 'FTP', 'FTP', 'DNS'];

/** The capture of frames() in a fresh folder, opened in a new service; the service and the folder go when `body` ends. */
async function withCapture(body: (a: EngineService, src: string, dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'xs-decode-as-'));
  const a = new EngineService({ emit: () => undefined });
  try {
    const src = join(dir, 'ports.pcap');
    writeFileSync(src, pcapFile(frames(), { usAt: secondsApart }));
    await openIn(a, src);
    await body(a, src, dir);
  } finally {
    await a.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('Decode As: offered tables, applied to the open capture, refused when bad, saved as decode_as_entries', async () => {
  await withCapture(async (a, src) => {
    assert.deepEqual(protocols(a), UNDECODED);

    const info = await a.call('getDecodeAs', {});
    assert.deepEqual(info.tables.map((t) => t.name), ['tcp.port', 'udp.port']);
    const tcp = info.tables[0]!.protocols;
    for (const p of ['data', 'ftp', 'http', 'tls', 'ssh', 'tpkt']) assert.ok(tcp.includes(p), `tcp.port offers ${p}`);
    assert.ok(info.tables[1]!.protocols.includes('dns'));
    assert.deepEqual(info.entries, []);
    assert.equal(info.file, join(CONFIG, 'decode_as_entries'));
    assert.deepEqual(await a.call('decodeAsDefault', { table: 'tcp.port', value: 21 }), { initial: 'ftp' });
    assert.deepEqual(await a.call('decodeAsDefault', { table: 'tcp.port', value: 2121 }), { initial: '(none)' });

    // applied: the stored packets are dissected again, the filter index too
    const gen = a.status().generation;
    const set = await a.call('setDecodeAs', { entries: [{ table: 'tcp.port', value: 2121, protocol: 'ftp' }, { table: 'udp.port', value: 5300, protocol: 'dns' }] });
    assert.deepEqual(set.entries, [
      { table: 'tcp.port', value: 2121, protocol: 'ftp', initial: '(none)' },
      { table: 'udp.port', value: 5300, protocol: 'dns', initial: '(none)' },
    ]);
    assert.ok(a.status().generation > gen, 'the list refetches its rows');
    assert.deepEqual(protocols(a), DECODED);
    assert.equal((await a.call('setFilter', { text: 'ftp.request.command == "USER"' })).displayed, 1);
    assert.equal((await a.call('setFilter', { text: 'dns' })).displayed, 1);
    const d = await a.call('getDetails', { number: 5 });
    assert.ok(d.tree.some((n) => /File Transfer Protocol/.test(n.label)), 'details dissect with the entries');
    await a.call('setFilter', { text: '' });

    // applying the same entries again costs no memory: unchanged rows keep their Info text
    const infoAt = (): number[] => Array.from({ length: a.packetStore.count }, (_, i) => a.packetStore.infoLoc.get(i));
    const before = infoAt();
    await a.call('setDecodeAs', { entries: set.entries.map(({ initial: _i, ...e }) => e) });
    assert.deepEqual(infoAt(), before, 'no Info text appended');
    assert.deepEqual(protocols(a), DECODED);

    // a bad entry is refused and changes nothing
    await assert.rejects(a.call('setDecodeAs', { entries: [{ table: 'tcp.port', value: 2121, protocol: 'nosuch' }] }),
      (e: any) => e.kind === 'request' && /tcp.port 2121 → nosuch: no protocol nosuch on tcp.port/.test(e.message));
    assert.deepEqual(protocols(a), DECODED);
    assert.equal((await a.call('getDecodeAs', {})).entries.length, 2);

    // "Save": the user's file, private, in Wireshark's format
    await a.call('setDecodeAs', { entries: set.entries.map(({ initial: _i, ...e }) => e), save: true });
    const file = join(CONFIG, 'decode_as_entries');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const text = readFileSync(file, 'utf8');
    assert.match(text, /^decode_as_entry: tcp\.port,2121,\(none\),FTP$/m);
    assert.match(text, /^decode_as_entry: udp\.port,5300,\(none\),DNS$/m);
    assert.equal(readDecodeAsEntries(text).rules.length, 2);

    // a new engine reads the file at start: the capture opens decoded
    const b = new EngineService({ emit: () => undefined });
    try {
      await openIn(b, src);
      assert.deepEqual(protocols(b), DECODED);
      assert.equal((await b.call('getDecodeAs', {})).entries.length, 2);
    } finally { await b.shutdown(); }
  });
});

test('tshark reads our decode_as_entries and decodes as we do', { skip: noTshark }, async () => {
  await withCapture(async (a, src, dir) => {
    await a.call('setDecodeAs', { entries: [{ table: 'tcp.port', value: 2121, protocol: 'ftp' }, { table: 'udp.port', value: 5300, protocol: 'dns' }], save: true });
    const home = join(dir, 'xdg');
    mkdirSync(join(home, 'wireshark'), { recursive: true });
    copyFileSync(join(CONFIG, 'decode_as_entries'), join(home, 'wireshark', 'decode_as_entries'));
    const theirs = execFileSync('tshark', ['-n', '-r', src, '-T', 'fields', '-e', '_ws.col.Protocol'], { encoding: 'utf8', env: { ...process.env, XDG_CONFIG_HOME: home }, stdio: ['ignore', 'pipe', 'ignore'] });
    assert.deepEqual(theirs.trim().split('\n'), protocols(a));
    // and without the file tshark shows what we show without entries (but for the DNS
    // tshark 4.0 finds on any UDP port by a heuristic we do not have)
    const plain = execFileSync('tshark', ['-n', '-r', src, '-T', 'fields', '-e', '_ws.col.Protocol'], { encoding: 'utf8', env: { ...process.env, XDG_CONFIG_HOME: join(dir, 'none') }, stdio: ['ignore', 'pipe', 'ignore'] });
    assert.deepEqual(plain.trim().split('\n').slice(0, 5), UNDECODED.slice(0, 5));
  });
});

test('a saved session keeps its Decode As entries in place of the user\'s; a foreign file gets the user\'s', async () => {
  rmSync(join(CONFIG, 'decode_as_entries'), { force: true });
  await withCapture(async (a, src, dir) => {
    const b = new EngineService({ emit: () => undefined });
    try {
      await a.call('setDecodeAs', { entries: [{ table: 'tcp.port', value: 2121, protocol: 'ftp' }] });
      const saved = join(dir, 'session.pcapng');
      await a.call('save', { path: saved });

      // b has no entries of its own (no file): the session brings them
      await openIn(b, saved);
      assert.deepEqual(protocols(b), ['TCP', 'TCP', 'TCP', 'FTP', 'FTP', 'UDP']);
      assert.deepEqual((await b.call('getDecodeAs', {})).entries.map((e) => `${e.table}==${e.value},${e.protocol}`), ['tcp.port==2121,ftp']);
      await openIn(b, src);
      assert.deepEqual(protocols(b), UNDECODED);
      assert.deepEqual((await b.call('getDecodeAs', {})).entries, []);

      // a session saved with no entries opens undecoded even where the user has some
      await a.call('setDecodeAs', { entries: [] });
      await a.call('save', { path: saved, overwrite: true });
      await b.call('setDecodeAs', { entries: [{ table: 'udp.port', value: 5300, protocol: 'dns' }] });
      await openIn(b, saved);
      assert.deepEqual(protocols(b), UNDECODED);
    } finally {
      await b.shutdown();
    }
  });
});

test('a decode_as_entries file with entries we cannot use gives the rest, and says why', async () => {
  writeFileSync(join(CONFIG, 'decode_as_entries'), [
    '# from Wireshark', 'decode_as_entry: tcp.port,2121,(none),FTP', 'decode_as_entry: sctp.port,9,(none),HTTP',
    'decode_as_entry: udp.port,5300,(none),NoSuchProto', 'garbage', 'decode_as_entry: udp.port,5300,(none),dns', '',
  ].join('\n'));
  const a = new EngineService({ emit: () => undefined });
  try {
    const info = await a.call('getDecodeAs', {});
    assert.deepEqual(info.entries.map((e) => `${e.table}==${e.value},${e.protocol}`), ['tcp.port==2121,ftp', 'udp.port==5300,dns']);
    assert.equal(info.problems.length, 3);
    assert.match(info.problems[0]!, /line 3: .*layer type sctp.port is not supported/);
    assert.match(info.problems[1]!, /line 4: no protocol NoSuchProto/);
    assert.match(info.problems[2]!, /line 5: not a decode_as_entry/);
  } finally {
    await a.shutdown();
    rmSync(join(CONFIG, 'decode_as_entries'), { force: true });
  }
});
