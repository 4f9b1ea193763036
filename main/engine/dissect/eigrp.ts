// EIGRP (ip.proto 88; RFC 7868): the header with its checksum verified, its
// flags and opcode (a Hello that acknowledges is "Hello (Ack)", as tshark
// names it), then the TLVs by name: parameters, authentication, sequence,
// software version, next multicast sequence, stub information, peer
// termination, and the classic IPv4 and IPv6 internal and external routes
// (next hop, external data, legacy metric, destinations) and the
// multi-protocol routes with their wide metric. Other TLV groups
// (multi-topology, IPX, AppleTalk, service families) keep their type and
// length only. Fields as tshark 4.0's packet-eigrp.c.
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import { declare, HEX16, HEX32 } from './fields';
import { Tvb, guarded, reportedEnd } from './tvb';
import { onesSum } from './vrrp';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { IP_PROTO } = tables;

const OPCODE: Record<number, string> = {
  1: 'Update', 2: 'Request', 3: 'Query', 4: 'Reply', 5: 'Hello', 6: 'IPX/SAP Update', 7: 'Route Probe', 8: 'Hello (Ack)',
  9: 'Stub-Info', 10: 'SIA-Query', 11: 'SIA-Reply',
};
const HELLO = 5, HELLO_ACK = 8;
const TLV: Record<number, string> = {
  0x1: 'Parameters', 0x2: 'Authentication', 0x3: 'Sequence', 0x4: 'Software Version', 0x5: 'Next multicast sequence',
  0x6: 'Peer Stub Information', 0x7: 'Peer Termination', 0x8: 'Peer Topology ID List', 0x102: 'Internal Route(IPv4)',
  0x103: 'External Route(IPv4)', 0x104: 'Ext-Community(IPv4)', 0x402: 'Internal Route(IPv6)', 0x403: 'External Route(IPv6)',
  0x404: 'Ext-Community(IPv6)',
};

declare('eigrp', 'Enhanced Interior Gateway Routing Protocol', [
  ['eigrp.version', 'uint', 'Version'],
  ['eigrp.opcode', 'uint', 'Opcode', { valueNames: OPCODE }],
  ['eigrp.checksum', 'uint', 'Checksum', HEX16],
  ['eigrp.checksum.status', 'uint', 'Checksum Status', { valueNames: { 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal' } }],
  ['eigrp.checksum.bad', 'none', 'Bad Checksum'],
  ['eigrp.flags', 'uint', 'Flags', HEX32],
  ['eigrp.flags.init', 'bool', 'Init'],
  ['eigrp.flags.condrecv', 'bool', 'Conditional Receive'],
  ['eigrp.flags.restart', 'bool', 'Restart'],
  ['eigrp.flags.eot', 'bool', 'End Of Table'],
  ['eigrp.seq', 'uint', 'Sequence'],
  ['eigrp.ack', 'uint', 'Acknowledge'],
  ['eigrp.vrid', 'uint', 'Virtual Router ID'],
  ['eigrp.as', 'uint', 'Autonomous System'],
  ['eigrp.tlv_type', 'uint', 'Type', { ...HEX16, valueNames: TLV }],
  ['eigrp.tlv.len', 'uint', 'Length'],
  ['eigrp.tlv.len.invalid', 'none', 'Corrupt TLV (Length field less than 4)'],
  ['eigrp.tlv_type.unknown', 'none', 'Unknown TLV'],
  ['eigrp.par.k1', 'uint', 'K1'],
  ['eigrp.par.k2', 'uint', 'K2'],
  ['eigrp.par.k3', 'uint', 'K3'],
  ['eigrp.par.k4', 'uint', 'K4'],
  ['eigrp.par.k5', 'uint', 'K5'],
  ['eigrp.par.k6', 'uint', 'K6'],
  ['eigrp.par.holdtime', 'uint', 'Hold Time'],
  ['eigrp.peer_termination', 'none', 'Peer termination'],
  ['eigrp.peer_termination_graceful', 'none', 'Peer termination (graceful)'],
  ['eigrp.auth.type', 'uint', 'Type', { valueNames: { 0: 'NONE', 1: 'TEXT', 2: 'MD5', 3: 'SHA256' } }],
  ['eigrp.auth.length', 'uint', 'Length'],
  ['eigrp.auth.keyid', 'uint', 'Key ID'],
  ['eigrp.auth.keyseq', 'uint', 'Key Sequence'],
  ['eigrp.auth.digest', 'bytes', 'Digest'],
  ['eigrp.auth.length.invalid', 'none', 'Invalid auth len'],
  ['eigrp.auth.type.invalid', 'none', 'Invalid auth type'],
  ['eigrp.nullpad', 'bytes', 'Nullpad'],
  ['eigrp.seq.addrlen', 'uint', 'Address length'],
  ['eigrp.seq.ipv4addr', 'ipv4', 'IP Address'],
  ['eigrp.seq.ipv6addr', 'ipv6', 'IPv6 Address'],
  ['eigrp.seq.addrlen.invalid', 'none', 'Invalid address length'],
  ['eigrp.tlv.truncated', 'none', 'Corrupt TLV (Truncated prematurely)'],
  ['eigrp.release_version', 'uint', 'EIGRP Release'],
  ['eigrp.tlv_version', 'uint', 'EIGRP TLV version'],
  ['eigrp.next_mcast_seq', 'uint', 'Multicast Sequence'],
  ['eigrp.stub_options', 'uint', 'Stub Options', HEX16],
  ['eigrp.stub_options.connected', 'bool', 'Connected'],
  ['eigrp.stub_options.static', 'bool', 'Static'],
  ['eigrp.stub_options.summary', 'bool', 'Summary'],
  ['eigrp.stub_options.redist', 'bool', 'Redistributed'],
  ['eigrp.stub_options.leakmap', 'bool', 'Leak-Map'],
  ['eigrp.stub_options.recvonly', 'bool', 'Receive-Only'],
  ['eigrp.ipv4.nexthop', 'ipv4', 'NextHop'],
  ['eigrp.ipv4.prefixlen', 'uint', 'Prefix Length'],
  ['eigrp.ipv4.destination', 'ipv4', 'Destination'],
  ['eigrp.ipv6.nexthop', 'ipv6', 'NextHop'],
  ['eigrp.ipv6.prefixlen', 'uint', 'Prefix Length'],
  ['eigrp.ipv6.destination', 'ipv6', 'Destination'],
  ['eigrp.prefixlen.invalid', 'none', 'Invalid prefix length'],
  ['eigrp.extdata.origrid', 'ipv4', 'Originating Router'],
  ['eigrp.extdata.as', 'uint', 'Originating A.S.'],
  ['eigrp.extdata.tag', 'uint', 'Administrative Tag'],
  ['eigrp.extdata.metric', 'uint', 'External Metric'],
  ['eigrp.extdata.reserved', 'uint', 'Reserved'],
  ['eigrp.extdata.proto', 'uint', 'External Protocol ID'],
  ['eigrp.opaque.flag.ext', 'bool', 'Route is External'],
  ['eigrp.opaque.flag.cd', 'bool', 'Route is Candidate Default'],
  ['eigrp.old_metric.delay', 'uint', 'Scaled Delay'],
  ['eigrp.old_metric.bw', 'uint', 'Scaled BW'],
  ['eigrp.old_metric.mtu', 'uint', 'MTU'],
  ['eigrp.old_metric.hopcount', 'uint', 'Hop Count'],
  ['eigrp.old_metric.rel', 'uint', 'Reliability'],
  ['eigrp.old_metric.load', 'uint', 'Load'],
  ['eigrp.old_metric.intag', 'uint', 'Route Tag'],
  ['eigrp.metric.flags.srcwd', 'bool', 'Source Withdraw'],
  ['eigrp.tid', 'uint', 'Topology'],
  ['eigrp.afi', 'uint', 'AFI', { valueNames: { 1: 'IPv4', 2: 'IPv6', 11: 'IPX', 12: 'Appletalk', 16384: 'Service Family', 16385: 'IPv4 Service Family', 16386: 'IPv6 Service Family' } }],
  ['eigrp.routerid', 'ipv4', 'RouterID'],
  ['eigrp.metric.offset', 'uint', 'Offset'],
  ['eigrp.metric.priority', 'uint', 'Priority'],
  ['eigrp.metric.reliability', 'uint', 'Reliability'],
  ['eigrp.metric.load', 'uint', 'Load'],
  ['eigrp.metric.mtu', 'uint', 'MTU'],
  ['eigrp.metric.hopcount', 'uint', 'Hopcount'],
  ['eigrp.metric.delay', 'uint', 'Delay'],
  ['eigrp.metric.bandwidth', 'uint', 'Bandwidth'],
  ['eigrp.metric.reserved', 'uint', 'Reserved', HEX16],
  ['eigrp.attr.opcode', 'uint', 'Opcode'],
  ['eigrp.attr.offset', 'uint', 'Offset'],
  ['eigrp.attr.scaled', 'uint', 'Legacy Metric'],
  ['eigrp.attr.tag', 'uint', 'Tag'],
  ['eigrp.attr.jitter', 'uint', 'Jitter'],
  ['eigrp.attr.qenergy', 'uint', 'Q-Energy'],
  ['eigrp.attr.energy', 'uint', 'Energy'],
  ['eigrp.afi.unknown', 'none', 'Unknown AFI'],
  ['eigrp.metric.flags.cd', 'bool', 'Candidate Default'],
  ['eigrp.metric.flags.active', 'bool', 'Route is Active'],
  ['eigrp.metric.flags.repl', 'bool', 'Route is Replicated'],
]);

interface Pkt { ctx: Ctx; t: Tvb; l: FieldNode }
const u8f = (p: Pkt, name: string, o: number): number => { const v = p.t.u8(o); p.ctx.sub(p.l, name, v, o, 1); return v; };
const u16f = (p: Pkt, name: string, o: number): number => { const v = p.t.u16(o); p.ctx.sub(p.l, name, v, o, 2); return v; };
const u32f = (p: Pkt, name: string, o: number): number => { const v = p.t.u32(o); p.ctx.sub(p.l, name, v, o, 4); return v; };
const bits = (p: Pkt, v: number, o: number, len: number, names: Array<[string, number]>): void => {
  for (const [n, m] of names) p.ctx.sub(p.l, n, (v & m) !== 0, o, len);
};

function dissectEigrp(ctx: Ctx, _st: State, off: number, end: number): void {
  const l = ctx.layer('eigrp', off, end - off);
  ctx.protocol = 'EIGRP';
  ctx.info = '';
  const t = new Tvb(ctx.d, end);
  const p: Pkt = { ctx, t, l };
  guarded(ctx, 'eigrp', end, () => {
    let opcode = t.u8(off + 1);
    const ack = t.u32(off + 12);
    if (opcode === HELLO && ack !== 0) opcode = HELLO_ACK;
    ctx.info = OPCODE[opcode] ?? `Unknown OpCode (0x${opcode.toString(16).padStart(4, '0')})`;
    u8f(p, 'eigrp.version', off);
    u8f(p, 'eigrp.opcode', off + 1);
    u16f(p, 'eigrp.checksum', off + 2);
    // tshark sums the bytes captured, whatever the IP length said
    const good = onesSum(ctx.d, off, end) === 0xffff;
    ctx.sub(l, 'eigrp.checksum.status', good ? 1 : 0, off + 2, 0);
    if (!good) ctx.sub(l, 'eigrp.checksum.bad', null, off + 2, 2);
    const flags = u32f(p, 'eigrp.flags', off + 4);
    bits(p, flags, off + 4, 4, [['eigrp.flags.init', 1], ['eigrp.flags.condrecv', 2], ['eigrp.flags.restart', 4], ['eigrp.flags.eot', 8]]);
    u32f(p, 'eigrp.seq', off + 8);
    u32f(p, 'eigrp.ack', off + 12);
    u16f(p, 'eigrp.vrid', off + 16);
    u16f(p, 'eigrp.as', off + 18);
    // IPX SAP updates carry IPX SAP, not TLVs
    if (opcode === 6) return;
    // TLVs to the packet's end as sent: a cut capture stops inside one, as tshark does
    for (let o = off + 20, sent = reportedEnd(ctx, end); o < sent;) {
      const type = t.u16(o), size = t.u16(o + 2);
      if (size < 4) {
        ctx.sub(l, 'eigrp.tlv.len.invalid', null, o, Math.max(0, end - o));
        ctx.flagMalformed('eigrp', `Corrupt TLV (Length field ${size} less than 4)`, o + 2, 2);
        return;
      }
      t.need(o, size);
      u16f(p, 'eigrp.tlv_type', o);
      u16f(p, 'eigrp.tlv.len', o + 2);
      // each TLV's value is read through its own length: a read past it stops the packet
      const v: Pkt = { ctx, t: new Tvb(ctx.d, o + size), l };
      tlv(v, type, o + 4, o + size);
      o += size;
    }
  });
}

function tlv(p: Pkt, type: number, o: number, end: number): void {
  const { ctx, t, l } = p;
  switch (type) {
    case 0x1: {
      const k = [1, 2, 3, 4, 5, 6].map((i) => u8f(p, `eigrp.par.k${i}`, o + i - 1));
      u16f(p, 'eigrp.par.holdtime', o + 6);
      if (k.slice(0, 5).every((x) => x === 255)) ctx.sub(l, 'eigrp.peer_termination', null, o - 4, end - o + 4);
      return;
    }
    case 0x2: {
      const atype = u16f(p, 'eigrp.auth.type', o);
      const alen = u16f(p, 'eigrp.auth.length', o + 2);
      u32f(p, 'eigrp.auth.keyid', o + 4);
      u32f(p, 'eigrp.auth.keyseq', o + 8);
      ctx.sub(l, 'eigrp.nullpad', t.bytes(o + 12, 8), o + 12, 8);
      const want = atype === 2 ? 16 : atype === 3 ? 32 : 0;
      if (want === 0) ctx.sub(l, 'eigrp.auth.type.invalid', null, o, 2);
      else if (alen !== want) ctx.sub(l, 'eigrp.auth.length.invalid', null, o + 2, 2);
      else ctx.sub(l, 'eigrp.auth.digest', t.bytes(o + 20, want), o + 20, want);
      return;
    }
    case 0x3:
      while (o < end) {
        const n = u8f(p, 'eigrp.seq.addrlen', o);
        o++;
        if (end - o < n) { ctx.sub(l, 'eigrp.tlv.truncated', null, o, 0); return; }
        if (n === 4) u32f(p, 'eigrp.seq.ipv4addr', o);
        else if (n === 16) ctx.sub(l, 'eigrp.seq.ipv6addr', t.bytes(o, 16), o, 16);
        else if (n !== 10) ctx.sub(l, 'eigrp.seq.addrlen.invalid', null, o - 1, 1);
        o += n;
      }
      return;
    case 0x4:
      u16f(p, 'eigrp.release_version', o);
      u16f(p, 'eigrp.tlv_version', o + 2);
      return;
    case 0x5: u32f(p, 'eigrp.next_mcast_seq', o); return;
    case 0x6: {
      const v = u16f(p, 'eigrp.stub_options', o);
      bits(p, v, o, 2, [['eigrp.stub_options.connected', 1], ['eigrp.stub_options.static', 2], ['eigrp.stub_options.summary', 4],
        ['eigrp.stub_options.redist', 8], ['eigrp.stub_options.leakmap', 0x10], ['eigrp.stub_options.recvonly', 0x20]]);
      return;
    }
    case 0x7: ctx.sub(l, 'eigrp.peer_termination_graceful', null, o - 4, end - o + 4); return;
    case 0x102: case 0x103: case 0x402: case 0x403: {
      const v6 = type >= 0x400;
      if (v6) ctx.sub(l, 'eigrp.ipv6.nexthop', t.bytes(o, 16), o, 16); else u32f(p, 'eigrp.ipv4.nexthop', o);
      o += v6 ? 16 : 4;
      if ((type & 0xff) === 0x03) o = extData(p, o);
      u32f(p, 'eigrp.old_metric.delay', o);
      u32f(p, 'eigrp.old_metric.bw', o + 4);
      ctx.sub(l, 'eigrp.old_metric.mtu', t.u24(o + 8), o + 8, 3);
      u8f(p, 'eigrp.old_metric.hopcount', o + 11);
      u8f(p, 'eigrp.old_metric.rel', o + 12);
      u8f(p, 'eigrp.old_metric.load', o + 13);
      u8f(p, 'eigrp.old_metric.intag', o + 14);
      const mf = t.u8(o + 15);
      bits(p, mf, o + 15, 1, [['eigrp.metric.flags.srcwd', 1], ['eigrp.metric.flags.cd', 2], ['eigrp.metric.flags.active', 4], ['eigrp.metric.flags.repl', 8]]);
      destinations(p, o + 16, end, v6);
      return;
    }
    case 0x602: case 0x603: {
      u16f(p, 'eigrp.tid', o);
      const afi = u16f(p, 'eigrp.afi', o + 2);
      u32f(p, 'eigrp.routerid', o + 4);
      o = wideMetric(p, o + 8);
      if (afi === 1) { u32f(p, 'eigrp.ipv4.nexthop', o); o += 4; } else if (afi === 2) { ctx.sub(l, 'eigrp.ipv6.nexthop', t.bytes(o, 16), o, 16); o += 16; }
      if (type === 0x603 && afi !== 11) o = extData(p, o);
      if (afi === 1 || afi === 2) destinations(p, o, end, afi === 2);
      else if (afi !== 11 && (afi < 16384 || afi > 16386)) ctx.sub(l, 'eigrp.afi.unknown', null, o, Math.max(0, end - o));
      return;
    }
    default:
      // the route groups tshark decodes and this module does not (multi-protocol, multi-topology, IPX, AppleTalk) show type and length only
      if ((type & 0xff00) === 0 && type > 0x8) ctx.sub(l, 'eigrp.tlv_type.unknown', null, o - 4, 2);
      else if (![0x100, 0x200, 0x300, 0x400, 0x600].includes(type & 0xff00) && (type & 0xfff0) !== 0xf0) ctx.sub(l, 'eigrp.tlv_type.unknown', null, o - 4, 2);
      return;
  }
}

/** External route data: originating router, AS, tag, metric, protocol and flags. */
function extData(p: Pkt, o: number): number {
  p.t.need(o, 20);
  u32f(p, 'eigrp.extdata.origrid', o);
  u32f(p, 'eigrp.extdata.as', o + 4);
  u32f(p, 'eigrp.extdata.tag', o + 8);
  u32f(p, 'eigrp.extdata.metric', o + 12);
  u16f(p, 'eigrp.extdata.reserved', o + 16);
  u8f(p, 'eigrp.extdata.proto', o + 18);
  bits(p, p.t.u8(o + 19), o + 19, 1, [['eigrp.opaque.flag.ext', 1], ['eigrp.opaque.flag.cd', 2]]);
  return o + 20;
}

/** The wide metric of the multi-protocol TLVs (24 bytes), then its attributes (their size in 16-bit words in its first byte). */
function wideMetric(p: Pkt, o: number): number {
  const { ctx, t, l } = p;
  t.need(o, 24);
  const words = u8f(p, 'eigrp.metric.offset', o);
  u8f(p, 'eigrp.metric.priority', o + 1);
  u8f(p, 'eigrp.metric.reliability', o + 2);
  u8f(p, 'eigrp.metric.load', o + 3);
  ctx.sub(l, 'eigrp.metric.mtu', t.u24(o + 4), o + 4, 3);
  u8f(p, 'eigrp.metric.hopcount', o + 7);
  ctx.sub(l, 'eigrp.metric.delay', t.u16(o + 8) * 2 ** 32 + t.u32(o + 10), o + 8, 6);
  ctx.sub(l, 'eigrp.metric.bandwidth', t.u16(o + 14) * 2 ** 32 + t.u32(o + 16), o + 14, 6);
  u16f(p, 'eigrp.metric.reserved', o + 20);
  bits(p, t.u8(o + 22), o + 22, 2, [['eigrp.metric.flags.srcwd', 1], ['eigrp.metric.flags.cd', 2], ['eigrp.metric.flags.active', 4], ['eigrp.metric.flags.repl', 8]]);
  o += 24;
  if (words === 0) return o;
  let limit = words * 2;
  t.need(o, limit);
  const start = o;
  let a = o;
  // each attribute is a 2-byte header and its offset (in words) of data; the size left bounds the walk
  while (limit > 0) {
    const op = u8f(p, 'eigrp.attr.opcode', a);
    const skip = u8f(p, 'eigrp.attr.offset', a + 1) * 2;
    a += 2;
    const name = ATTR[op];
    if (name) u32f(p, name, a);
    a += skip;
    limit -= 2 + skip;
  }
  return o + (a - start);
}

const ATTR: Record<number, string> = { 1: 'eigrp.attr.scaled', 2: 'eigrp.attr.tag', 4: 'eigrp.attr.jitter', 5: 'eigrp.attr.qenergy', 6: 'eigrp.attr.energy' };

/** Prefix length and destination pairs to the TLV's end; a length past the address ends them (tshark cannot tell the size). */
function destinations(p: Pkt, o: number, end: number, v6: boolean): void {
  const { ctx, t, l } = p;
  const max = v6 ? 128 : 32;
  while (o < end) {
    const plen = t.u8(o);
    const field = v6 ? 'eigrp.ipv6.prefixlen' : 'eigrp.ipv4.prefixlen';
    ctx.sub(l, field, plen, o, 1);
    if (plen > max) {
      ctx.sub(l, 'eigrp.prefixlen.invalid', null, o, 1);
      ctx.flagMalformed('eigrp', `Invalid prefix length ${plen}, must be <= ${max}`, o, 1);
      return;
    }
    const n = (plen + 7) >> 3;
    const b = new Uint8Array(v6 ? 16 : 4);
    b.set(t.bytes(o + 1, n));
    if (plen % 8 !== 0) b[n - 1] &= (0xff00 >> (plen % 8)) & 0xff;
    if (v6) ctx.sub(l, 'eigrp.ipv6.destination', b, o + 1, n);
    else ctx.sub(l, 'eigrp.ipv4.destination', ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0, o + 1, n);
    // packet-eigrp.c steps over the length byte twice (and over one more byte after a whole-byte IPv6 prefix):
    // the next pair is read from there, as tshark reads it
    o += 2 + n + (v6 && plen < 128 && plen % 8 === 0 ? 1 : 0);
  }
}

IP_PROTO.add(88, dissectEigrp);
