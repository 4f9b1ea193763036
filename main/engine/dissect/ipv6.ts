// IPv6 (RFC 8200) with extension headers: hop-by-hop, routing, fragment and
// destination options. Each header's length is checked against the bytes
// present before it is used.
import { type Ctx, FieldNode, fieldKeys } from './context';
import { declare, HEX8, treeLine } from './fields';
import { HEX2 } from './addr';
import { dissectData } from './data';
import { IP_PROTO_NAMES, ipPayload } from './ipproto';
import type { State } from './state';
import * as readers from './bytes';
import * as context from './context';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { ADDR_IPV6 } = context;
const { ETHERTYPE, IP_PROTO, PPP_PROTOCOL } = tables;
const { u16, u32 } = readers;


declare('ipv6', 'Internet Protocol Version 6', [
  ['ipv6.version', 'uint', 'Version'],
  ['ipv6.tclass', 'uint', 'Traffic Class', { base: 'hex', hexDigits: 8 }],
  ['ipv6.tclass.dscp', 'uint', 'Differentiated Services Codepoint'],
  ['ipv6.tclass.ecn', 'uint', 'Explicit Congestion Notification'],
  ['ipv6.flow', 'uint', 'Flow Label', { base: 'hex', hexDigits: 6 }],
  ['ipv6.plen', 'uint', 'Payload Length'],
  ['ipv6.nxt', 'uint', 'Next Header', { valueNames: IP_PROTO_NAMES }],
  ['ipv6.hlim', 'uint', 'Hop Limit'],
  ['ipv6.src', 'ipv6', 'Source Address'],
  ['ipv6.dst', 'ipv6', 'Destination Address'],
  ['ipv6.addr', 'ipv6', 'Source or Destination Address'],
  ['ipv6.opt.type', 'uint', 'Option Type', HEX8],
  ['ipv6.opt.length', 'uint', 'Option Length'],
  ['ipv6.fragment', 'framenum', 'IPv6 Fragment'],
  ['ipv6.fragment.count', 'uint', 'Fragment count'],
  ['ipv6.reassembled.in', 'framenum', 'Reassembled IPv6 in frame'],
  ['ipv6.reassembled.length', 'uint', 'Reassembled IPv6 length'],
]);
declare('ipv6.hopopts', 'IPv6 Hop-by-Hop Option', [
  ['ipv6.hopopts.nxt', 'uint', 'Next Header', { valueNames: IP_PROTO_NAMES }],
  ['ipv6.hopopts.len', 'uint', 'Length'],
]);
declare('ipv6.dstopts', 'Destination Options for IPv6', [
  ['ipv6.dstopts.nxt', 'uint', 'Next Header', { valueNames: IP_PROTO_NAMES }],
  ['ipv6.dstopts.len', 'uint', 'Length'],
]);
declare('ipv6.routing', 'Routing Header for IPv6', [
  ['ipv6.routing.nxt', 'uint', 'Next Header', { valueNames: IP_PROTO_NAMES }],
  ['ipv6.routing.len', 'uint', 'Length'],
  ['ipv6.routing.type', 'uint', 'Type'],
  ['ipv6.routing.segleft', 'uint', 'Segments Left'],
]);
declare('ipv6.fraghdr', 'Fragment Header for IPv6', [
  ['ipv6.fraghdr.nxt', 'uint', 'Next header', { valueNames: IP_PROTO_NAMES }],
  ['ipv6.fraghdr.offset', 'uint', 'Offset', { description: 'in 8-octet units' }],
  ['ipv6.fraghdr.more', 'bool', 'More Fragments'],
  ['ipv6.fraghdr.ident', 'uint', 'Identification', { base: 'hex', hexDigits: 8 }],
]);

const MAX_EXT = 16; // bounds a chain of extension headers

// fields of every packet that gets here, by key (no name hashing per packet)
const K = fieldKeys({
  version: 'ipv6.version', tclass: 'ipv6.tclass', tclassDscp: 'ipv6.tclass.dscp', tclassEcn: 'ipv6.tclass.ecn',
  flow: 'ipv6.flow', plen: 'ipv6.plen', nxt: 'ipv6.nxt', hlim: 'ipv6.hlim', src: 'ipv6.src', addr: 'ipv6.addr',
  dst: 'ipv6.dst', ipVersion: 'ip.version', layer: 'ipv6',
});

export function dissectIpv6(ctx: Ctx, st: State, off: number, end: number): number {
  const d = ctx.d;
  const avail = end - off;
  const ip = ctx.layerK(K.layer, off, Math.min(40, Math.max(0, avail)));
  ctx.protocol = 'IPv6';
  if (avail < 40) {
    if (avail >= 1) { ctx.hiddenK(K.ipVersion, d[off] >> 4, off, 1); ctx.addK(ip, K.version, d[off] >> 4, off, 1); }
    ctx.malformedAt('ipv6', `IPv6 header cut short (${Math.max(0, avail)} of 40 bytes)`, off, Math.max(0, avail));
    ctx.info = 'IPv6 header cut short';
    return end;
  }
  const w = u32(d, off);
  // as Wireshark: a hidden ip.version too, so `ip.version == 6` works
  ctx.hiddenK(K.ipVersion, w >>> 28, off, 1);
  ctx.addK(ip, K.version, w >>> 28, off, 1);
  const tc = ctx.addK(ip, K.tclass, (w >>> 20) & 0xff, off, 2);
  ctx.subK(tc, K.tclassDscp, (w >>> 22) & 0x3f, off, 2);
  ctx.subK(tc, K.tclassEcn, (w >>> 20) & 3, off, 2);
  ctx.addK(ip, K.flow, w & 0xfffff, off + 1, 3);
  const plen = u16(d, off + 4);
  ctx.addK(ip, K.plen, plen, off + 4, 2);
  let nxt = d[off + 6];
  ctx.addK(ip, K.nxt, nxt, off + 6, 1);
  ctx.addK(ip, K.hlim, d[off + 7], off + 7, 1);
  if (ctx.inner === 0) ctx.ttl = d[off + 7];
  const src = d.subarray(off + 8, off + 24), dst = d.subarray(off + 24, off + 40);
  ctx.addK(ip, K.src, src, off + 8, 16);
  ctx.addK(ip, K.addr, src, off + 8, 16);
  ctx.addK(ip, K.dst, dst, off + 24, 16);
  ctx.addK(ip, K.addr, dst, off + 24, 16);
  if (ctx.inner === 0) {
    ctx.srcKind = ADDR_IPV6; ctx.src = src;
    ctx.dstKind = ADDR_IPV6; ctx.dst = dst;
  }
  ctx.ipVersion = 6; ctx.ip6Src = src; ctx.ip6Dst = dst;

  // plen 0 is a jumbogram or a TSO capture: use what was captured
  let dgEnd = plen === 0 ? end : off + 40 + plen;
  if (dgEnd > end) dgEnd = end;
  let o = off + 40, extInfo = '';
  for (let n = 0; n < MAX_EXT; n++) {
    if (nxt === 0 || nxt === 60 || nxt === 43) {
      const name = nxt === 0 ? 'ipv6.hopopts' : nxt === 60 ? 'ipv6.dstopts' : 'ipv6.routing';
      const ext = ctx.layer(name, o, Math.min(8, Math.max(0, dgEnd - o)), ip);
      // packet-ipv6.c names each extension header in Info (" , " between them); the payload's protocol writes over it
      const named = nxt === 0 ? 'IPv6 hop-by-hop options' : nxt === 60 ? 'IPv6 destination options' : 'IPv6 routing';
      extInfo = extInfo ? `${extInfo} , ${named}` : named;
      ctx.info = extInfo;
      if (dgEnd - o < 2) { ctx.boundsAt('ipv6', `${name} header cut short`, o, Math.max(0, dgEnd - o)); return dgEnd; }
      const next = d[o], len = (d[o + 1] + 1) * 8;
      ctx.add(ext, name + '.nxt', next, o, 1);
      ctx.add(ext, name + '.len', d[o + 1], o + 1, 1);
      if (o + len > dgEnd) { ctx.malformedAt('ipv6', `${name} length ${len} runs past the packet`, o, dgEnd - o); return dgEnd; }
      ext.len = len;
      if (nxt === 43) {
        ctx.add(ext, 'ipv6.routing.type', d[o + 2], o + 2, 1);
        ctx.add(ext, 'ipv6.routing.segleft', d[o + 3], o + 3, 1);
      } else tlvOptions(ctx, ext, o + 2, o + len);
      nxt = next;
      o += len;
      continue;
    }
    if (nxt === 44) {
      const ext = ctx.layer('ipv6.fraghdr', o, Math.min(8, Math.max(0, dgEnd - o)), ip);
      if (dgEnd - o < 8) { ctx.malformedAt('ipv6', 'fragment header cut short', o, Math.max(0, dgEnd - o)); return dgEnd; }
      const next = d[o], fo = u16(d, o + 2), ident = u32(d, o + 4);
      const more = (fo & 1) !== 0, offset = fo >> 3;
      ctx.add(ext, 'ipv6.fraghdr.nxt', next, o, 1);
      ctx.add(ext, 'ipv6.fraghdr.offset', offset, o + 2, 2);
      ctx.add(ext, 'ipv6.fraghdr.more', more, o + 2, 2);
      ctx.add(ext, 'ipv6.fraghdr.ident', ident, o + 4, 4);
      o += 8;
      if (!more && offset === 0) { nxt = next; continue; } // atomic fragment
      fragment(ctx, st, ip, next, offset, more, ident, src, dst, o, dgEnd);
      return dgEnd;
    }
    break;
  }
  ipPayload(ctx, st, nxt, o, dgEnd, ip);
  return dgEnd;
}

// A function of its own: the closures here would otherwise make every IPv6 packet allocate their context.
function fragment(ctx: Ctx, st: State, ip: FieldNode, next: number, offset: number, more: boolean, ident: number, src: Uint8Array, dst: Uint8Array, o: number, dgEnd: number): void {
  const d = ctx.d;
  ctx.info = () => `IPv6 fragment (off=${offset * 8} more=${more ? 'y' : 'n'} ident=0x${ident.toString(16).padStart(8, '0')} nxt=${next})`;
  if (ctx.inner > 0) { dissectData(ctx, o, dgEnd); return; }
  const key = `${hex(src)}|${hex(dst)}|${ident}`;
  const done = st.frags.add(key, ctx.pkt.number, offset * 8, d.subarray(o, dgEnd), !more);
  if (!done) { dissectData(ctx, o, dgEnd); return; }
  for (const f of done.frames) ctx.gen(ip, 'ipv6.fragment', f);
  ctx.gen(ip, 'ipv6.fragment.count', done.frames.length);
  ctx.gen(ip, 'ipv6.reassembled.length', done.data.length);
  const buf = done.data;
  ctx.withReassembled(buf, offset * 8, o, dgEnd - o, () => ipPayload(ctx, st, next, 0, buf.length, ip));
}

function tlvOptions(ctx: Ctx, ext: FieldNode, o: number, end: number): void {
  const d = ctx.d;
  while (o < end) {
    const type = d[o];
    ctx.add(ext, 'ipv6.opt.type', type, o, 1);
    if (type === 0) { o++; continue; } // Pad1
    if (o + 1 >= end) { ctx.malformedAt('ipv6', 'IPv6 option length missing', o, 1); return; }
    const len = d[o + 1];
    ctx.add(ext, 'ipv6.opt.length', len, o + 1, 1);
    if (o + 2 + len > end) { ctx.malformedAt('ipv6', `IPv6 option length ${len} runs past its header`, o, end - o); return; }
    o += 2 + len;
  }
}

function hex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX2[b[i]];
  return s;
}

ETHERTYPE.add(0x86dd, dissectIpv6);
IP_PROTO.add(41, dissectIpv6);
PPP_PROTOCOL.add(0x57, dissectIpv6);

treeLine('ipv6', (v) => v.has('ipv6.src') ? `${v.title}, Src: ${v.text('ipv6.src')}, Dst: ${v.text('ipv6.dst')}` : v.title, ['ipv6.src', 'ipv6.dst']);
