// IPsec AH and ESP, NAT-T (udp/4500) and ISAKMP/IKEv1/IKEv2, on frames built
// from the RFCs' layouts (AH carrying ICMP, ICMPv6 and TCP; ESP over IPv4
// and IPv6; the NAT-T keepalive, non-ESP marker and ESP-in-UDP; IKEv2
// IKE_SA_INIT with SA, KE, Nonce, Notify and Vendor ID payloads; IKEv1 Main
// Mode; damaged lengths), compared cell by cell with the installed tshark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareFrames, tsharkSkip } from './compare';
import { eth, ipv4, ipv6, tcp, udp, u16, u32, hex, ascii } from './packets';

const ah = (next: number, spi: number, seq: number, payload: number[], icvWords = 3): number[] =>
  [next, icvWords + 1, 0, 0, ...u32(spi), ...u32(seq), ...Array(icvWords * 4).fill(0xab), ...payload];
const icmpEcho = (type: number, id: number, seq: number): number[] => [type, 0, 0, 0, ...u16(id), ...u16(seq), ...ascii('abcdefgh')];
const esp = (spi: number, seq: number, n = 24): number[] => [...u32(spi), ...u32(seq), ...Array.from({ length: n }, (_, i) => (i * 37) & 255)];

const ikeHeader = (ispi: string, rspi: string, next: number, ver: number, xchg: number, flags: number, mid: number, body: number[]): number[] =>
  [...hex(ispi), ...hex(rspi), next, ver, xchg, flags, ...u32(mid), ...u32(28 + body.length), ...body];
const payload = (next: number, body: number[], critical = 0): number[] => [next, critical, ...u16(4 + body.length), ...body];
// IKEv2 IKE_SA_INIT request: SA(33) → KE(34) → Nonce(40) → Notify(41) → Vendor ID(43)
const saProposal = [0, 0, 0, 16, 1, 1, 0, 1, ...[0, 0, 0, 8, 1, 0, 0, 12]];
const ikev2Init = ikeHeader('0102030405060708', '0000000000000000', 33, 0x20, 34, 0x08, 0, [
  ...payload(34, saProposal), ...payload(40, [...u16(14), 0, 0, ...Array(32).fill(0x11)]), ...payload(41, Array(16).fill(0x22)),
  ...payload(43, [0, 0, ...u16(16388), ...Array(20).fill(0x33)]), ...payload(0, hex('4048b7d56ebce88525e7de7f00d6c2d3')),
]);
const ikev2Resp = ikeHeader('0102030405060708', '1112131415161718', 46, 0x20, 35, 0x20, 1, [...payload(0, Array(40).fill(0x44), 0x80)]);
// IKEv1 Main Mode: SA(1) → Vendor ID(13); an informational with a notify(11); an encrypted quick mode
const ikev1Main = ikeHeader('a1a2a3a4a5a6a7a8', '0000000000000000', 1, 0x10, 2, 0, 0, [
  ...payload(13, [...u32(1), ...u32(1), 0, 0, 0, 8, 1, 1, 0, 0]), ...payload(5, hex('4a131c81070358455c5728f20e95452f')), ...payload(0, [1, 17, ...u16(500), 198, 18, 0, 1]),
]);
const ikev1Notify = ikeHeader('a1a2a3a4a5a6a7a8', 'b1b2b3b4b5b6b7b8', 11, 0x10, 5, 0, 0x1234, [...payload(0, [...u32(1), 1, 16, ...u16(36136), ...Array(16).fill(0x55), ...u32(7)])]);
const ikev1Quick = ikeHeader('a1a2a3a4a5a6a7a8', 'b1b2b3b4b5b6b7b8', 8, 0x10, 32, 1, 0xdeadbeef, Array(32).fill(0x66));

const FRAMES = [
  eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 51, ah(1, 0x1000, 1, icmpEcho(8, 7, 1)))),
  eth(0x0800, ipv4('198.18.0.2', '198.18.0.1', 51, ah(1, 0x2000, 1, icmpEcho(0, 7, 1)))),
  eth(0x86dd, ipv6(51, ah(58, 0x3000, 5, icmpEcho(128, 9, 2)))),
  eth(0x86dd, ipv6(51, ah(58, 0x3001, 6, icmpEcho(129, 9, 2)), 2, 1)),
  eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 51, ah(6, 0x1000, 2, tcp(40000, 80, 1000, 0, 0x02)))),
  eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 50, esp(0xc0ffee01, 1))),
  eth(0x86dd, ipv6(50, esp(0xc0ffee02, 77))),
  eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 17, udp(4500, 4500, [0xff]))),
  eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 17, udp(4500, 4500, esp(0x0badf00d, 3)))),
  eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 17, udp(4500, 4500, [0, 0, 0, 0, ...ikev2Resp]))),
  eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 17, udp(500, 500, ikev2Init))),
  eth(0x0800, ipv4('198.18.0.2', '198.18.0.1', 17, udp(500, 500, ikev2Resp))),
  eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 17, udp(500, 500, ikev1Main))),
  eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 17, udp(500, 500, ikev1Notify))),
  eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 17, udp(500, 500, ikev1Quick))),
  // damage: a cut AH, an AH length past the packet, a cut ESP, a short ISAKMP, a payload length past the message
  eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 51, [6, 4, 0, 0, 0, 0])),
  eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 51, ah(6, 0x1000, 2, []).map((b, i) => (i === 1 ? 40 : b)))),
  eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 50, [1, 2, 3])),
  eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 17, udp(500, 500, Array(20).fill(1)))),
  eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 17, udp(500, 500, ikev2Init.map((b, i) => (i === 30 ? 0x7f : b))))),
];

const FIELDS = [
  'frame.protocols', 'ah.next_header', 'ah.length', 'ah.reserved', 'ah.spi', 'ah.sequence', 'ah.icv', 'icmp.type', 'icmp.seq', 'icmpv6.type',
  'icmpv6.echo.sequence_number', 'tcp.srcport', 'tcp.stream', 'esp.spi', 'esp.sequence', 'udpencap.nat_keepalive', 'udpencap.non_esp_marker',
  'isakmp.ispi', 'isakmp.rspi', 'isakmp.nextpayload', 'isakmp.version', 'isakmp.mjver', 'isakmp.mnver', 'isakmp.exchangetype', 'isakmp.flags',
  'isakmp.flag_e', 'isakmp.flag_c', 'isakmp.flag_a', 'isakmp.flag_i', 'isakmp.flag_v', 'isakmp.flag_r', 'isakmp.messageid', 'isakmp.length',
  'isakmp.typepayload', 'isakmp.criticalpayload', 'isakmp.payloadlength', 'isakmp.key_exchange.dh_group', 'isakmp.key_exchange.data',
  'isakmp.nonce', 'isakmp.notify.protoid', 'isakmp.notify.msgtype', 'isakmp.notify.data', 'isakmp.spisize', 'isakmp.vid_bytes', 'isakmp.id.type', 'isakmp.sa.doi', 'isakmp.prop.number', 'isakmp.prop.protoid', 'isakmp.prop.transforms', 'isakmp.spi', 'isakmp.trans.number', 'isakmp.trans.id', 'isakmp.tf.type', 'isakmp.tf.id.encr', 'isakmp.tf.id.prf', 'isakmp.tf.id.integ', 'isakmp.tf.id.dh', 'isakmp.tf.id',
  '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed',
];

test('AH, ESP, NAT-T and ISAKMP agree with tshark field by field', { skip: tsharkSkip() }, () => {
  const r = compareFrames('ipsec', FRAMES, FIELDS);
  console.log(`# ipsec: ${r.cells} cells over ${r.frames} frames compared with tshark, ${r.diffs.length} differ`);
  assert.deepEqual([...new Set(r.diffs.map((x) => x.replace(/^\(subset\) /, '')))], []);
});
