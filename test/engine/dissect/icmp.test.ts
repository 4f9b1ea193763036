// ICMP and ICMPv6 against tshark on crafted frames: an echo reply linked to
// its request (response time included), and errors quoting the datagram
// that caused them (its addresses and ports decoded, a whole quoted UDP
// datagram's payload decoded by its port, the frame's own Protocol and Info
// kept, the error's code named as tshark names it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareFrames, tsharkSkip } from './compare';
import { eth, ipv4, ipv6, udp, u16, u32, ascii, dnsQuery } from './packets';
import { inetChecksum } from '../../lib/checksum';

const A = '198.18.9.1', B = '198.18.9.2';
const ip6 = (n: number): number[] => [0x20, 0x01, 0x0d, 0xb8, ...Array<number>(11).fill(0), n];

/** The Internet checksum written into bytes 2-3 of `m` (tshark links an echo reply to its request only when it is right). */
function withChecksum(m: number[], pseudo: number[] = []): number[] {
  const c = inetChecksum([...pseudo, ...m]);
  return [m[0], m[1], c >> 8, c & 255, ...m.slice(4)];
}
const icmp4 = (src: string, dst: string, m: number[]): number[] => eth(0x0800, ipv4(src, dst, 1, withChecksum(m)));
const icmp6 = (src: number, dst: number, m: number[]): number[] =>
  eth(0x86dd, ipv6(58, withChecksum(m, [...ip6(src), ...ip6(dst), ...u32(m.length), 0, 0, 0, 58]), src, dst));
const echo = (type: number, id: number, seq: number): number[] => [type, 0, 0, 0, ...u16(id), ...u16(seq), ...ascii('abcdefgh')];
// what the router quotes: the offending datagram's IP header and its first 8 bytes
const quotedUdp = udp(40000, 53, [], 20);

const FRAMES: number[][] = [
  icmp4(A, B, echo(8, 0x1234, 1)),
  icmp4(B, A, echo(0, 0x1234, 1)),
  icmp4(B, A, [3, 3, 0, 0, 0, 0, 0, 0, ...ipv4(A, B, 17, quotedUdp, { totalLen: 48 })]),
  icmp4(B, A, [3, 4, 0, 0, 0, 0, ...u16(1400), ...ipv4(A, B, 17, quotedUdp, { totalLen: 1500 })]),
  icmp6(1, 2, echo(128, 0x4321, 7)),
  icmp6(2, 1, echo(129, 0x4321, 7)),
  icmp6(2, 1, [1, 4, 0, 0, 0, 0, 0, 0, ...ipv6(17, quotedUdp, 1, 2)]),
  icmp6(3, 1, [2, 0, 0, 0, ...u32(1280), ...ipv6(17, quotedUdp, 1, 2)]),
  // errors quoting an echo request: the quoted echo is decoded, the frame's Info stays the error's
  icmp4('198.18.9.254', A, [11, 0, 0, 0, 0, 0, 0, 0, ...ipv4(A, B, 1, echo(8, 0x1234, 2))]),
  icmp4('198.18.9.254', A, [11, 1, 0, 0, 0, 0, 0, 0, ...ipv4(A, B, 1, echo(8, 0x1234, 3))]),
  icmp6(3, 1, [2, 0, 0, 0, ...u32(1280), ...ipv6(58, echo(128, 0x4321, 8), 1, 2)]),
  icmp6(3, 1, [3, 0, 0, 0, 0, 0, 0, 0, ...ipv6(58, echo(128, 0x4321, 9), 1, 2)]),
  // redirects and parameter problems name their code, as unreachables do
  ...[0, 1, 2, 3].map((code) => icmp4('198.18.9.254', A, [5, code, 0, 0, 198, 18, 9, 253, ...ipv4(A, B, 17, quotedUdp, { totalLen: 48 })])),
  ...[0, 1, 2].map((code) => icmp4(B, A, [12, code, 0, 0, 20, 0, 0, 0, ...ipv4(A, B, 17, quotedUdp, { totalLen: 48 })])),
  icmp4(B, A, [4, 0, 0, 0, 0, 0, 0, 0, ...ipv4(A, B, 17, quotedUdp, { totalLen: 48 })]),
  ...[0, 1, 2].map((code) => icmp6(2, 1, [4, code, 0, 0, ...u32(40), ...ipv6(17, quotedUdp, 1, 2)])),
  // a port unreachable quoting a whole DNS query: the query is decoded by its port, as tshark does
  icmp4(B, A, [3, 3, 0, 0, 0, 0, 0, 0, ...ipv4(A, B, 17, udp(40001, 53, dnsQuery(0x2345, 'example.com')))]),
  icmp6(2, 1, [1, 4, 0, 0, 0, 0, 0, 0, ...ipv6(17, udp(40002, 53, dnsQuery(0x3456, 'example.org', 28)), 1, 2)]),
  // a quote cut two bytes into the query: its bytes only
  icmp4('198.18.9.254', A, [11, 0, 0, 0, 0, 0, 0, 0, ...ipv4(A, B, 17, udp(40003, 53, [0x45, 0x67], 37), { totalLen: 57 })]),
];

const FIELDS = [
  'frame.protocols', 'ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst', 'icmp.type', 'icmp.code', 'icmp.ident', 'icmp.seq', 'icmp.seq_le',
  'icmp.resp_to', 'icmp.resptime', 'icmp.mtu', 'icmpv6.type', 'icmpv6.code', 'icmpv6.echo.identifier', 'icmpv6.echo.sequence_number',
  'icmpv6.resp_to', 'icmpv6.resptime', 'icmpv6.mtu', 'udp.srcport', 'udp.dstport', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed',
  'udp.payload', 'dns.id', 'dns.qry.name', 'dns.qry.type',
];

test('ICMP and ICMPv6 echo links, error codes and quoted datagrams agree with tshark', { skip: tsharkSkip() }, () => {
  const r = compareFrames('icmp', FRAMES, FIELDS);
  console.log(`# icmp: ${r.cells} cells over ${r.frames} frames compared with tshark, ${r.diffs.length} differ`);
  assert.deepEqual(r.diffs, []);
  assert.equal(r.frames, FRAMES.length);
  const col = (name: string): string[] => r.theirs.map((row) => row[FIELDS.indexOf(name)]);
  // the comparison saw what it is meant to: both replies linked, both quoted UDP datagrams decoded
  assert.deepEqual([col('icmp.resp_to')[1], col('icmpv6.resp_to')[5]], ['1', '5']);
  assert.deepEqual([2, 3, 6, 7].map((i) => col('udp.dstport')[i]), ['53', '53', '53', '53']);
});
