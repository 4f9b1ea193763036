// GTP on crafted frames judged by tshark on the same bytes: GTPv1-U
// T-PDUs carrying IPv4 (DNS, TCP) and IPv6 with their inner fields joined
// to the outer ones as tshark prints them, sequence numbers and extension
// headers, an Ethernet frame and plain bytes as T-PDU, GTPv1-C echo and an
// unknown message, GTPv2-C echo with its Recovery IE and a TEID, a length
// that lies, headers cut short and a frame the snap length cut.
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

const FIELDS = ['frame.protocols', 'ip.src', 'ip.dst', 'ipv6.src', 'udp.srcport', 'udp.dstport', 'udp.stream', 'tcp.srcport', 'tcp.stream', 'dns.qry.name',
  'eth.type', 'arp.opcode',
  'gtp', 'gtp.flags', 'gtp.flags.version', 'gtp.flags.payload', 'gtp.flags.reserved', 'gtp.flags.e', 'gtp.flags.s', 'gtp.flags.pn', 'gtp.message', 'gtp.length',
  'gtp.teid', 'gtp.seq_number', 'gtp.npdu_number', 'gtp.ext_hdr.next', 'gtp.ext_hdr.length', 'gtp.ext_hdr.udp_port', 'gtp.ext_hdr.pdcp_sn', 'gtp.tpdu_data', 'gtp.recovery', 'gtp.response_to', 'gtp.time',
  'gtpv2.flags', 'gtpv2.version', 'gtpv2.p', 'gtpv2.t', 'gtpv2.mp', 'gtpv2.message_type', 'gtpv2.msg_length', 'gtpv2.teid', 'gtpv2.seq', 'gtpv2.spare',
  'gtpv2.ie_type', 'gtpv2.ie_len', 'gtpv2.cr', 'gtpv2.instance', 'gtpv2.rec', 'data.data', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];

const A = '198.18.0.1', B = '198.18.0.2';
const gtp1 = (msg: number, teid: number, body: number[], o: { flags?: number; opt?: number[] } = {}): number[] =>
  [o.flags ?? 0x30, msg, ...u16(body.length + (o.opt?.length ?? 0)), ...u32(teid), ...(o.opt ?? []), ...body];
const over = (sp: number, dp: number, p: number[]): number[] => eth(0x0800, ipv4(A, B, 17, udp(sp, dp, p)));
const innerDns = ipv4('198.19.0.1', '198.19.0.2', 17, udp(1111, 53, dnsQuery(0x4242, 'gtp.example')));
const innerTcp = ipv4('198.19.0.1', '198.19.0.2', 6, tcp(40000, 80, 1, 0, 0x02));
const innerData = ipv4('198.19.0.1', '198.19.0.2', 17, udp(1111, 5555, ascii('x'.repeat(40))));
const innerV6 = ipv6(17, udp(1111, 53, dnsQuery(0x4343, 'v6.example')));
const arp = eth(0x0806, [0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 198, 19, 0, 1, 0, 0, 0, 0, 0, 0, 198, 19, 0, 2]);

const FRAMES: PcapFrame[] = [
  over(2152, 2152, gtp1(255, 0x1234, innerDns)),
  over(2152, 2152, gtp1(255, 0x1234, innerTcp, { flags: 0x32, opt: [...u16(7), 0, 0] })),
  over(2152, 2152, gtp1(255, 0x1234, innerV6, { flags: 0x33, opt: [...u16(8), 9, 0] })),
  // extension headers: UDP port, PDCP PDU number, then none
  over(2152, 2152, gtp1(255, 0x99, innerDns, { flags: 0x34, opt: [0, 0, 0, 0x40, 1, ...u16(2152), 0xc0, 1, ...u16(77), 0] })),
  over(2152, 2152, gtp1(255, 0x1234, arp)),
  over(2152, 2152, gtp1(255, 0x1234, ascii('\x99abc'))),
  over(2152, 2152, gtp1(254, 0x1234, [])),
  over(2123, 2123, gtp1(1, 0, [], { flags: 0x32, opt: [...u16(9), 0, 0] })),
  over(2123, 2123, gtp1(2, 0, [14, 5], { flags: 0x32, opt: [...u16(9), 0, 0] })),
  over(2123, 2123, gtp1(0x77, 0, [], { flags: 0x32, opt: [...u16(10), 0, 0] })),
  // an echo answered from the other side, one answering nothing, a response without a sequence number
  over(40000, 2123, gtp1(1, 0, [], { flags: 0x32, opt: [...u16(20), 0, 0] })),
  eth(0x0800, ipv4(B, A, 17, udp(2123, 40000, gtp1(2, 0, [14, 7, 14, 8], { flags: 0x32, opt: [...u16(20), 0, 0] })))),
  eth(0x0800, ipv4(B, A, 17, udp(2123, 40000, gtp1(2, 0, [14, 7], { flags: 0x32, opt: [...u16(99), 0, 0] })))),
  over(2123, 2123, gtp1(2, 0, [14, 1])),
  over(2123, 2123, [0x40, 1, ...u16(9), 0, 1, 0x23, 0, 3, 0, 1, 0, 5]),
  over(2123, 2123, [0x48, 32, ...u16(17), ...u32(0xabcdef01), 0, 2, 0x24, 0, 3, 0, 1, 0x21, 6, 0x99, 0, 0, 0, 0]),
  // lies and cuts: a length past the datagram, a short header, a GTPv2 IE past its message
  over(2152, 2152, [0x30, 255, ...u16(400), ...u32(1), ...innerDns]),
  over(2152, 2152, [0x30, 255, 0]),
  over(2123, 2123, [0x40, 1, ...u16(8), 0, 0, 1, 0, 3, 0, 9, 0]),
  { data: Uint8Array.from(over(2152, 2152, gtp1(255, 0x1234, innerData)).slice(0, 82)), origLen: 118 },
];

test('GTP: GTPv1-U tunnels, GTPv1-C and GTPv2-C headers agree with tshark', { skip: tsharkSkip() }, () => {
  const path = join(outputDir('dissect-compare'), 'gtp.pcap');
  writeFileSync(path, pcapFile(FRAMES, { usAt: secondsApart }));
  const r = compareFile(path, FIELDS);
  console.log(`# gtp: ${r.cells} cells over ${r.frames} frames compared with tshark, ${r.diffs.length} differ`);
  assert.deepEqual([...new Set(r.diffs.map((x) => x.replace(/^\(subset\) /, '')))], []);
  assert.ok(damageNeverThrows(path, mulberry32(testSeed('gtp', 1)), 60, 42) >= 0);
});
