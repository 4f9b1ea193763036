// Packet colouring as Wireshark's colorfilters: the default table is
// Wireshark's, rules are display filters tried in order (first match wins),
// the store keeps a rule number per packet, the API lists and replaces the
// table (recolouring what is stored), and a session keeps its own table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Dissector } from '../../../main/engine/dissect/index';
import {
  Colouring, DEFAULT_COLOURING_RULES, cleanColouringRules, defaultColouringRules, parseColorfilters,
} from '../../../main/engine/colour/colouring';
import { compileDisplayFilter } from '../../../main/engine/filter/compile';
import { FilterIndex } from '../../../main/engine/filter/index-store';
import { finish } from '../../../main/engine/filter/steps';
import { EngineService } from '../../../main/engine/service/service';
import { writePrivateFile } from '../../../main/engine/file/private';
import { tcpFrameBytes } from '../../lib/tcp-frame';
import { pcapFile, secondsApart } from '../../lib/pcap';
import type { RawPacket } from '../../../main/engine/types';
import type { ColouringRule } from '../../../main/api/types';
import { loadRendererModule } from '../../renderer/load-renderer';
import { ROOT } from '../../lib/env';
import { openLoaded } from '../../lib/service';

const { rowStyles } = loadRendererModule<typeof import('../../../renderer/lib/colouring')>(join(ROOT, 'renderer/lib/colouring.ts'));

process.env.XDPSCOPE_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'xs-config-'));

const SYN = 0x02, ACK = 0x10, RST = 0x04, PSH = 0x08;

function udpFrame(sp: number, dp: number, payload: Buffer): Buffer {
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(sp, 0); udp.writeUInt16BE(dp, 2); udp.writeUInt16BE(8 + payload.length, 4);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45; ip.writeUInt16BE(28 + payload.length, 2); ip[8] = 64; ip[9] = 17;
  [198, 18, 0, 1].forEach((b, i) => { ip[12 + i] = b; });
  [198, 18, 0, 2].forEach((b, i) => { ip[16 + i] = b; });
  return Buffer.concat([Buffer.from('0200000000010200000000020800', 'hex'), ip, udp, payload]);
}

/** Ethernet broadcast ARP request, 198.18.0.1 asking for 198.18.0.2. */
const ARP = Buffer.from('ffffffffffff02000000000108060001080006040001020000000001c6120001000000000000c6120002', 'hex');

/** A small conversation whose colours under Wireshark's table are known. */
const FRAMES: Array<[Buffer, string]> = [
  [tcpFrameBytes('198.18.0.1', '198.18.0.2', 40000, 443, 1, 0, SYN, [], Buffer.alloc(0), 64240), 'TCP SYN/FIN'],
  [tcpFrameBytes('198.18.0.2', '198.18.0.1', 443, 40000, 9, 2, SYN | ACK, [], Buffer.alloc(0), 64240), 'TCP SYN/FIN'],
  [tcpFrameBytes('198.18.0.1', '198.18.0.2', 40000, 443, 2, 10, ACK | PSH, [], Buffer.from('hello'), 64240), 'TCP'],
  [tcpFrameBytes('198.18.0.1', '198.18.0.2', 40001, 80, 1, 0, SYN, [], Buffer.alloc(0), 64240), 'HTTP'],
  [tcpFrameBytes('198.18.0.2', '198.18.0.1', 443, 40000, 10, 7, RST | ACK, [], Buffer.alloc(0), 0), 'TCP RST'],
  [udpFrame(5000, 5001, Buffer.from('data')), 'UDP'],
  [ARP, 'ARP'],
];

function packets(): RawPacket[] {
  return FRAMES.map(([data], i) => ({
    number: i + 1, tsNs: BigInt(1_700_000_000 + i) * 1_000_000_000n, capLen: data.length, origLen: data.length,
    linkType: 1, ifaceId: 0, data: new Uint8Array(data),
  }) as unknown as RawPacket);
}

const nameOf = (c: Colouring, n: number): string => (n === 0 ? '(none)' : c.rules[n - 1]!.name);

/** A classic pcap of FRAMES, private like every file holding traffic. */
function writePcap(path: string): void {
  writePrivateFile(path, pcapFile(FRAMES.map(([data]) => data), { usAt: secondsApart }));
}

async function openIn(s: EngineService, path: string): Promise<void> {
  await openLoaded(s, path);
  assert.equal(s.status().state, 'done');
}

test('the default table is Wireshark\'s colorfilters, colours converted from 16-bit channels', () => {
  const names = DEFAULT_COLOURING_RULES.map((r) => r.name);
  assert.equal(names[0], 'Bad TCP');
  assert.deepEqual(names.slice(-4), ['TCP', 'UDP', 'Broadcast', 'System Event']);
  assert.equal(names.length, 21);
  const bad = DEFAULT_COLOURING_RULES[0]!;
  assert.equal(bad.background, '#12272e');
  assert.equal(bad.foreground, '#f78787');
  const rst = DEFAULT_COLOURING_RULES.find((r) => r.name === 'TCP RST')!;
  assert.deepEqual([rst.background, rst.foreground, rst.filter], ['#a40000', '#fffc9c', 'tcp.flags.reset eq 1']);
  assert.ok(DEFAULT_COLOURING_RULES.every((r) => r.enabled));
});

test('rules naming protocols we do not decode compile: those names are never present', () => {
  const c = new Colouring();
  const errors = c.table().filter((r) => r.error).map((r) => r.name);
  // every default rule compiles (Broadcast, eth[0] & 1, is a bitwise test of a byte slice)
  assert.deepEqual(errors, []);
  // names Wireshark knows and we do not decode compile with a warning; others are refused
  const p9 = compileDisplayFilter('http || 9p');
  assert.ok(p9.ok && p9.warnings.some((w) => w.message === 'xdpscope does not decode 9p: this matches nothing'));
  assert.equal(compileDisplayFilter('http || http9').ok, false, 'display filters still refuse unknown names');
  const lenient = compileDisplayFilter('!(pim || ospf) && !sctp.chunk_type', { unknownFieldsAbsent: true });
  assert.ok(lenient.ok);
});

test('each packet takes the first enabled rule that matches, in table order', () => {
  const c = new Colouring();
  const d = new Dissector();
  const got = packets().map((p) => nameOf(c, c.colourOf(d.dissect(p))));
  assert.deepEqual(got, FRAMES.map(([, want]) => want));
});

test('a disabled rule colours nothing; the next matching rule takes the packet', () => {
  const rules = defaultColouringRules().map((r) => (r.name === 'TCP SYN/FIN' || r.name === 'ARP' ? { ...r, enabled: false } : r));
  const c = new Colouring(rules);
  const d = new Dissector();
  const got = packets().map((p) => nameOf(c, c.colourOf(d.dissect(p))));
  // the ARP request goes to the broadcast address: with ARP off, Broadcast takes it
  assert.deepEqual(got, ['TCP', 'TCP', 'TCP', 'HTTP', 'TCP RST', 'UDP', 'Broadcast']);
});

test('recolouring from the filter index gives what colouring each packet gives', () => {
  const rules: ColouringRule[] = [
    { name: 'Web', filter: 'tcp.port in {80, 443} && tcp.flags.syn == 1', foreground: '#000000', background: '#111111', enabled: true },
    { name: 'Reset', filter: 'tcp.flags.reset == 1', foreground: '#000000', background: '#222222', enabled: true },
    { name: 'Off', filter: 'tcp', foreground: '#000000', background: '#333333', enabled: false },
    { name: 'Datagrams', filter: 'udp || arp', foreground: '#000000', background: '#444444', enabled: true },
  ];
  const c = new Colouring(rules);
  const index = new FilterIndex();
  const d = new Dissector();
  const want = packets().map((p) => { const x = d.dissect(p); index.add(x); return c.colourOf(x); });
  assert.ok(c.indexable(index), 'these rules read only indexed fields');
  const frames = Uint32Array.from(packets(), (p) => p.number);
  const got = finish(c.fromIndexSteps(index, frames, frames.length));
  assert.deepEqual(Array.from(got!), want);
  assert.deepEqual(want, [1, 1, 0, 1, 2, 4, 4]);
});

test('colorfilters text: disabled rules, comments, and a clear error naming the bad line', () => {
  const rules = parseColorfilters('# comment\n!@Off@udp@[0,0,0][65535,65535,65535]\n@On@tcp@[65535,0,0][0,0,0]\n');
  assert.deepEqual(rules, [
    { name: 'Off', filter: 'udp', background: '#000000', foreground: '#ffffff', enabled: false },
    { name: 'On', filter: 'tcp', background: '#ff0000', foreground: '#000000', enabled: true },
  ]);
  assert.throws(() => parseColorfilters('@ok@tcp@[0,0,0][0,0,0]\n@broken@tcp\n'), /line 2/);
  const cleaned = cleanColouringRules([{ name: 'A', filter: 'tcp', foreground: 'red', enabled: true }, { filter: 'udp' }]);
  assert.equal(cleaned.dropped, 1);
  assert.deepEqual(cleaned.rules, [{ name: 'A', filter: 'tcp', foreground: '#12272e', background: '#ffffff', enabled: true }]);
});

test('the renderer styles rows from the table, with no colour of its own', () => {
  const styles = rowStyles([
    { name: 'A', filter: 'tcp', foreground: '#000001', background: '#fffff1', enabled: true },
    { name: 'B', filter: 'udp', foreground: '#000002', background: '#fffff2', enabled: false },
  ]);
  assert.deepEqual(styles, [undefined, { background: '#fffff1', color: '#000001' }, undefined]);
});

test('service: rows carry rule numbers; setColouring recolours stored packets; a session keeps its table', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xs-colour-'));
  const a = new EngineService({ emit: () => undefined });
  const b = new EngineService({ emit: () => undefined });
  try {
    const src = join(dir, 'conv.pcap');
    writePcap(src);
    await openIn(a, src);
    const table = (await a.call('getColouring', {})).rules;
    const names = (s: EngineService, rules: ColouringRule[]) => Array.from(s.rows(0, 100).colour, (n) => (n ? rules[n - 1]!.name : '(none)'));
    assert.deepEqual(names(a, table), FRAMES.map(([, want]) => want));

    // disable UDP and move ARP last: the stored packets are coloured again
    const edited = table.map(({ error: _e, ...r }) => (r.name === 'UDP' ? { ...r, enabled: false } : r));
    const gen = a.status().generation;
    const set = await a.call('setColouring', { rules: edited });
    assert.equal(set.rules.find((r) => r.name === 'UDP')!.enabled, false);
    assert.ok(a.status().generation > gen, 'new colours make the rows refetch');
    assert.deepEqual(names(a, edited), ['TCP SYN/FIN', 'TCP SYN/FIN', 'TCP', 'HTTP', 'TCP RST', '(none)', 'ARP']);

    // a rule on a field only the dissector has (not the filter index) recolours by dissecting again
    const own: ColouringRule[] = [
      { name: 'Hello', filter: 'tcp.payload contains "hello"', foreground: '#000000', background: '#ffff00', enabled: true },
      { name: 'Rest', filter: 'frame', foreground: '#000000', background: '#eeeeee', enabled: true },
    ];
    await a.call('setColouring', { rules: own });
    assert.deepEqual(names(a, own), ['Rest', 'Rest', 'Hello', 'Rest', 'Rest', 'Rest', 'Rest']);

    // saved with the session, used when it is reopened elsewhere (the other service still has the defaults)
    const saved = join(dir, 'session.pcapng');
    await a.call('save', { path: saved });
    await openIn(b, saved);
    assert.deepEqual((await b.call('getColouring', {})).rules.map((r) => r.name), ['Hello', 'Rest']);
    assert.deepEqual((await b.call('getSession', {})).colouringRules.map((r) => r.name), ['Hello', 'Rest']);
    assert.deepEqual(names(b, own), ['Rest', 'Rest', 'Hello', 'Rest', 'Rest', 'Rest', 'Rest']);
    // a foreign file in the same service goes back to the user's table (the defaults here)
    await openIn(b, src);
    assert.deepEqual((await b.call('getColouring', {})).rules.map((r) => r.name), DEFAULT_COLOURING_RULES.map((r) => r.name));
  } finally {
    await a.shutdown();
    await b.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
});
