// Bytes after the payload of an Ethernet frame, as tshark 4.0's
// add_ethernet_trailer names them: eth.padding only in a frame of 60 bytes
// or more whose bytes before them are fewer than 60, and only when they
// are all zeros; eth.fcs (unverified) when the frame is 64 bytes or more
// and 4 bytes or more follow the padding; the rest the trailer of the layer
// that carried the payload (eth.trailer, vlan.trailer, ieee8021ah.trailer,
// sll.trailer; no FCS behind a tag, on a cooked capture or inside a tunnel),
// unless tshark's VSS Monitoring heuristic takes it first.
// Before, zeros in a runt (lldpd's unpadded veth frames) were padding, no
// FCS was ever guessed, and a tag's or a cooked capture's trailer took
// eth.* names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { craftedAgrees, tsharkSkip } from './compare';
import { eth, hex, ipv4, ipv6, udp, u16, u32 } from './packets';
import type { PcapFrame } from '../../lib/pcap';

const FIELDS = ['frame.protocols', 'eth.len', 'vlan.len', 'eth.padding', 'eth.trailer', 'vlan.trailer', 'ieee8021ah.trailer', 'sll.trailer',
  'eth.fcs', 'eth.fcs.status', 'vssmonitoring.time', 'vssmonitoring.clksrc', 'vssmonitoring.srcport', 'arp.dst.proto_ipv4', 'ip.len', 'ipv6.plen', 'udp.length', 'llc.type', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];

const ARP = hex('0001 0800 0604 0001 020000000001 c6120001 000000000000 c6120002');
const UDP4 = ipv4('198.18.0.1', '198.18.0.2', 17, udp(40000, 40001, [1, 2]));
const UDP6 = ipv6(17, udp(40000, 40001, [1, 2, 3]));
// SNAP to ARP, and a basic-format XID: what 802.3 lengths carry on a LAN
const SNAP_ARP = [0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x06, ...ARP];
const XID = [0x00, 0x01, 0xaf, 0x81, 0x01, 0x00];

const tag = (tci: number, type: number): number[] => [...u16(tci), ...u16(type)];
const dot3 = (llc: number[], extra: number[]): number[] => [...hex('02 00 00 00 00 02 02 00 00 00 00 01'), ...u16(llc.length), ...llc, ...extra];

// what follows the payload: none, zeros of every size around the 60- and 64-byte marks, and non-zero bytes
const zeros = (n: number): number[] => Array<number>(n).fill(0);
const EXTRAS: number[][] = [
  [], zeros(2), zeros(4), zeros(6), zeros(10), zeros(14), zeros(17), zeros(18), zeros(20), zeros(22), zeros(26), zeros(30), zeros(44),
  [0xde, 0xad, 0xbe, 0xef], [...zeros(17), 1], [1, ...zeros(21)], [...zeros(18), 0xaa, 0xbb, 0xcc, 0xdd], [...zeros(18), 9, 9, 9, 9, 9, 9, 0x12, 0x34, 0x56, 0x78],
  Array<number>(24).fill(0xff),
  // VSS Monitoring time stamps (the frames are from 2023-11-14): with a port stamp behind padding, alone in a runt,
  // with an FCS, and one a year off (no VSS trailer: a trailer and an FCS)
  [...zeros(18), ...u32(1_700_000_000), ...u32(0x40000005), 7], [...u32(1_700_000_000), ...u32(1)],
  [...zeros(18), ...u32(1_700_000_100), ...u32(999_999_999), 1, 2, 3, 4], [...zeros(18), ...u32(1_730_000_000), ...u32(1), 1, 2, 3, 4],
  [...zeros(18), ...u32(1200), ...u32(0xc0000000), 3, 1, 2, 3, 4], [...zeros(18), 0, 0, 0, 0, ...u32(1), 3, 1, 2, 3, 4],
];

test('Ethernet padding, trailer and FCS after ARP, IPv4, IPv6, tags and 802.3 lengths agree with tshark', { skip: tsharkSkip() }, () => {
  const frames: number[][] = [];
  for (const x of EXTRAS) {
    frames.push(eth(0x0806, [...ARP, ...x]));
    frames.push(eth(0x0800, [...UDP4, ...x]));
    frames.push(eth(0x86dd, [...UDP6, ...x]));
    frames.push(eth(0x8100, [...tag(5, 0x0806), ...ARP, ...x]));
    frames.push(eth(0x88a8, [...tag(100, 0x0800), ...UDP4, ...x]));
    frames.push(eth(0x88a8, [...tag(100, 0x8100), ...tag(7, 0x0806), ...ARP, ...x]));
    frames.push(dot3(SNAP_ARP, x));
    frames.push(dot3(XID, x));
    frames.push(eth(0x8100, [...tag(9, XID.length), ...XID, ...x]));
  }
  const r = craftedAgrees('eth-trailer', frames, FIELDS, { seed: ['eth-trailer', 60] });
  const col = (f: string): string[] => r.theirs.map((row) => row[FIELDS.indexOf(f)]);
  // the rules were reached: padding, a trailer behind padding, an FCS, each trailer name
  assert.ok(r.theirs.some((row) => row[0].endsWith(':vssmonitoring')), 'some frame has a VSS Monitoring trailer');
  for (const f of ['eth.padding', 'eth.trailer', 'vlan.trailer', 'ieee8021ah.trailer', 'eth.fcs']) assert.ok(col(f).some(Boolean), `some frame has ${f}`);
  // lldpd's case: zeros after a runt's payload are a trailer, not padding
  assert.equal(r.theirs[2 * 9][FIELDS.indexOf('eth.trailer')], '00000000');
});

test('a cooked capture\'s padding and sll.trailer, and cut frames, agree with tshark', { skip: tsharkSkip() }, () => {
  const sll = (type: number, payload: number[]): number[] => [0, 0, 0, 1, 0, 6, ...hex('02 00 00 00 00 01 00 00'), ...u16(type), ...payload];
  const cooked = EXTRAS.flatMap((x) => [sll(0x0806, [...ARP, ...x]), sll(0x0800, [...UDP4, ...x])]);
  craftedAgrees('sll-trailer', cooked, FIELDS, { seed: ['sll-trailer', 113], linkType: 113 });
  // cut by the snap length inside the padding, inside the FCS and before the trailer: tshark stops where it reads past the bytes
  const full = (n: number): number[] => eth(0x0806, [...ARP, ...zeros(n)]);
  const cut: PcapFrame[] = [
    { data: Uint8Array.from(full(8)), origLen: 64 }, { data: Uint8Array.from(full(18)), origLen: 64 }, { data: Uint8Array.from(full(20)), origLen: 64 },
    { data: Uint8Array.from(full(0)), origLen: 64 }, { data: Uint8Array.from(full(4)), origLen: 60 }, { data: Uint8Array.from(full(20)), origLen: 70 },
    { data: Uint8Array.from(full(24)), origLen: 70 }, { data: Uint8Array.from(full(22)), origLen: 70 }, { data: Uint8Array.from(full(8)), origLen: 56 },
    // a VSS Monitoring trailer whose port stamp, or time stamp, the snap length cut
    { data: Uint8Array.from(eth(0x0806, [...ARP, ...zeros(18), ...u32(1_700_000_000), ...u32(5)])), origLen: 69 },
    { data: Uint8Array.from(eth(0x0806, [...ARP, ...zeros(18), ...u32(1_700_000_000)])), origLen: 69 },
  ];
  const r = craftedAgrees('eth-trailer-cut', cut, FIELDS, { seed: ['eth-trailer-cut', 64] });
  assert.ok(r.theirs.some((row) => row[FIELDS.indexOf('_ws.col.Info')].endsWith('[Packet size limited during capture]')));
});

test('a VXLAN frame\'s inner Ethernet has a trailer but no FCS, as tshark\'s eth_withoutfcs', { skip: tsharkSkip() }, () => {
  const inner = (x: number[]): number[] => [...hex('02 00 00 00 00 0a 02 00 00 00 00 0b 08 06'), ...ARP, ...x];
  const vx = (x: number[]): number[] => eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 17, udp(40000, 4789, [0x08, 0, 0, 0, 0, 0, 100, 0, ...inner(x)])));
  craftedAgrees('eth-trailer-vxlan', EXTRAS.map(vx), FIELDS, { seed: ['eth-trailer-vxlan', 4789] });
});
