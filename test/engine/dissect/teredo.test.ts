// Teredo and AYIYA on crafted frames judged by tshark on the same bytes:
// IPv6 (ICMPv6, UDP, TCP) inside Teredo with no header, an origin
// indication, an authentication header, both; a bubble; bytes that are not
// IPv6; AYIYA forwarding IPv6 and IPv4, a heartbeat; headers cut short.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareFile, tsharkSkip } from './compare';
import { damageNeverThrows } from './tshark-compare';
import { eth, ipv4, ipv6, tcp, udp, u16, u32, ascii, dnsQuery } from './packets';
import { type PcapFrame, pcapFile, secondsApart } from '../../lib/pcap';
import { outputDir } from '../../lib/env';
import { mulberry32, testSeed } from '../../lib/rng';

const FIELDS = ['frame.protocols', 'ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst', 'ipv6.nxt', 'ipv6.plen', 'udp.srcport', 'udp.stream', 'tcp.srcport', 'tcp.stream',
  'icmpv6.type', 'icmp.type', 'dns.qry.name',
  'teredo', 'teredo.auth', 'teredo.auth.idlen', 'teredo.auth.aulen', 'teredo.auth.id', 'teredo.auth.value', 'teredo.auth.nonce', 'teredo.auth.conf',
  'teredo.orig', 'teredo.orig.port', 'teredo.orig.addr',
  'ayiya', 'ayiya.idlen', 'ayiya.idtype', 'ayiya.siglen', 'ayiya.hashmethod', 'ayiya.authmethod', 'ayiya.opcode', 'ayiya.nextheader', 'ayiya.epoch',
  'ayiya.identity', 'ayiya.signature', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];

const A = '198.18.0.1', B = '198.18.0.2';
const over = (sp: number, dp: number, p: number[]): number[] => eth(0x0800, ipv4(A, B, 17, udp(sp, dp, p)));
const ping6 = ipv6(58, [128, 0, 0, 0, ...u16(1), ...u16(1), ...ascii('ping')]);
const dns6 = ipv6(17, udp(1111, 53, dnsQuery(0x4242, 'teredo.example')));
const syn6 = ipv6(6, tcp(40000, 80, 1, 0, 0x02));
const bubble = ipv6(59, []);
const orig = (port: number, addr: number[]): number[] => [0, 0, ...u16(~port & 0xffff), ...addr.map((b) => ~b & 255)];
const auth = (id: number[], value: number[]): number[] => [0, 1, id.length, value.length, ...id, ...value, 1, 2, 3, 4, 5, 6, 7, 8, 0];
const ayiya = (opcode: number, next: number, payload: number[]): number[] =>
  [0x41, 0x52, 0x10 | opcode, next, ...u32(1_700_000_000), ...Array.from({ length: 16 }, (_, i) => i), ...Array.from({ length: 20 }, (_, i) => 0xa0 + i), ...payload];

const FRAMES: PcapFrame[] = [
  over(3544, 40000, ping6),
  over(40000, 3544, [...orig(40000, [198, 18, 0, 9]), ...dns6]),
  over(40000, 3544, [...auth(ascii('cli'), ascii('au')), ...orig(1234, [198, 18, 0, 10]), ...syn6]),
  over(40000, 3544, [...auth([], []), ...bubble]),
  over(3544, 40000, bubble),
  over(40000, 3544, auth([], [])),
  over(40000, 3544, [...orig(1, [1, 2, 3, 4])]),
  over(40000, 3544, [0]),
  over(40000, 5072, ayiya(1, 41, ping6)),
  over(40000, 5072, ayiya(1, 4, ipv4('10.0.0.1', '10.0.0.2', 1, [8, 0, 0, 0, 0, 1, 0, 1]))),
  over(5072, 40000, ayiya(0, 59, [])),
  over(5072, 40000, ayiya(1, 200, [1, 2, 3])),
  over(5072, 40000, [0x41, 0x52, 0x11, 41, 0, 0]),
  over(5072, 40000, [0x41, 0x52]),
];

test('Teredo and AYIYA: tunnelled IPv6 and IPv4 agree with tshark', { skip: tsharkSkip() }, () => {
  const path = join(outputDir('dissect-compare'), 'teredo.pcap');
  writeFileSync(path, pcapFile(FRAMES, { usAt: secondsApart }));
  const r = compareFile(path, FIELDS);
  console.log(`# teredo/ayiya: ${r.cells} cells over ${r.frames} frames compared with tshark, ${r.diffs.length} differ`);
  assert.deepEqual([...new Set(r.diffs.map((x) => x.replace(/^\(subset\) /, '')))], []);
  assert.ok(damageNeverThrows(path, mulberry32(testSeed('teredo', 1)), 60, 42) >= 0);
});
