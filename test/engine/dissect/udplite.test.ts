// UDP-Lite on crafted frames judged by tshark on the same bytes: a DNS
// query by port, full and partial checksum coverage, coverages tshark flags
// (below 8, past the datagram), a zero checksum over IPv4 and IPv6, streams
// shared with UDP and their timestamps, a header cut short and a frame the
// snap length cut.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareFile, tsharkSkip } from './compare';
import { damageNeverThrows } from './tshark-compare';
import { eth, ipv4, ipv6, udp, u16, ascii, dnsQuery } from './packets';
import { type PcapFrame, pcapFile, secondsApart } from '../../lib/pcap';
import { outputDir } from '../../lib/env';
import { mulberry32, testSeed } from '../../lib/rng';

const FIELDS = ['frame.protocols', 'udplite', 'udp.srcport', 'udp.dstport', 'udp.port', 'udp.length', 'udp.checksum_coverage', 'udp.checksum',
  'udp.stream', 'udp.payload', 'dns.qry.name', 'data.data', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];

const C = '198.18.0.1', S = '198.18.0.2';
const lite = (sp: number, dp: number, cov: number, payload: number[], ck = 0x1234): number[] => [...u16(sp), ...u16(dp), ...u16(cov), ...u16(ck), ...payload];
const v4 = (p: number[], src = C, dst = S): number[] => eth(0x0800, ipv4(src, dst, 136, p));

const FRAMES: PcapFrame[] = [
  v4(lite(40000, 53, 0, dnsQuery(0x1234, 'www.example.com'))),
  v4(lite(40001, 53, 8, dnsQuery(0x1235, 'www.example.org'))),
  v4(lite(40002, 53, 20, dnsQuery(0x1236, 'www.example.net'))),
  v4(lite(40003, 53, 3, dnsQuery(0x1237, 'a.example'))),
  v4(lite(40004, 53, 400, dnsQuery(0x1238, 'b.example'))),
  v4(lite(5000, 5001, 0, ascii('hello'))),
  v4(lite(5000, 5001, 0, ascii('hello'), 0)),
  eth(0x86dd, ipv6(136, lite(5000, 5001, 12, ascii('hello v6'), 0))),
  // UDP and UDP-Lite between the same ends: one stream (tshark's shared clock is not compared: our UDP shows no udp.time_* yet)
  eth(0x0800, ipv4(C, S, 17, udp(7000, 7001, ascii('plain udp')))),
  v4(lite(7000, 7001, 0, ascii('lite now'))),
  v4(lite(7001, 7000, 0, ascii('and back')), S, C),
  v4(lite(7000, 7001, 0, [])),
  eth(0x0800, ipv4(C, S, 136, [0x13, 0x88, 0x13])),
  { data: Uint8Array.from(v4(lite(5002, 5003, 0, ascii('cut short by the snap length'))).slice(0, 50)), origLen: 70 },
];

/** Fields only UDP-Lite shows here (our UDP lacks them yet), compared on the UDP-Lite frames. */
const LITE_ONLY = ['udp.checksum.status', 'udp.time_relative', 'udp.time_delta'];

test('UDP-Lite: coverage, checksum, streams and payloads agree with tshark', { skip: tsharkSkip() }, () => {
  const path = join(outputDir('dissect-compare'), 'udplite.pcap');
  writeFileSync(path, pcapFile(FRAMES, { usAt: secondsApart }));
  const r = compareFile(path, FIELDS);
  console.log(`# udplite: ${r.cells} cells over ${r.frames} frames compared with tshark, ${r.diffs.length} differ`);
  assert.deepEqual([...new Set(r.diffs.map((x) => x.replace(/^\(subset\) /, '')))], []);
  const lite = join(outputDir('dissect-compare'), 'udplite-only.pcap');
  writeFileSync(lite, pcapFile([...FRAMES.slice(0, 8), ...FRAMES.slice(10)], { usAt: secondsApart }));
  const t = compareFile(lite, LITE_ONLY);
  console.log(`# udplite timestamps: ${t.cells} cells over ${t.frames} frames compared with tshark, ${t.diffs.length} differ`);
  assert.deepEqual([...new Set(t.diffs.map((x) => x.replace(/^\(subset\) /, '')))], []);
  assert.ok(damageNeverThrows(path, mulberry32(testSeed('udplite', 1)), 60, 34) >= 0);
});
