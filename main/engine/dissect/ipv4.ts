// IPv4 (RFC 791): header, options, fragments. Fragments are reassembled in
// the common case; like tshark, the upper layer appears on the frame that
// completes the datagram, the other fragments show their bytes as data.
import { type Ctx, type FieldNode, fieldGroup, fieldKeys, fieldPrefix } from './context';
import { declare, HEX16, HEX8, treeLine } from './fields';
import { ipv4ToString } from './addr';
import { dissectData } from './data';
import { IP_PROTO_NAMES, ipPayload, ipProtoName } from './ipproto';
import type { State } from './state';
import * as readers from './bytes';
import * as context from './context';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { ADDR_IPV4 } = context;
const { ETHERTYPE, IP_PROTO, PPP_PROTOCOL } = tables;
const { u16, u32 } = readers;


declare('ip', 'Internet Protocol Version 4', [
  ['ip.version', 'uint', 'Version'],
  ['ip.hdr_len', 'uint', 'Header Length'],
  ['ip.dsfield', 'uint', 'Differentiated Services Field', HEX8],
  ['ip.dsfield.dscp', 'uint', 'Differentiated Services Codepoint'],
  ['ip.dsfield.ecn', 'uint', 'Explicit Congestion Notification'],
  ['ip.len', 'uint', 'Total Length'],
  ['ip.id', 'uint', 'Identification', HEX16],
  ['ip.flags', 'uint', 'Flags', HEX8],
  ['ip.flags.rb', 'bool', 'Reserved bit'],
  ['ip.flags.df', 'bool', "Don't fragment"],
  ['ip.flags.mf', 'bool', 'More fragments'],
  ['ip.frag_offset', 'uint', 'Fragment Offset', { description: 'in 8-byte units (as tshark 4.0 prints it)' }],
  ['ip.ttl', 'uint', 'Time to Live'],
  ['ip.proto', 'uint', 'Protocol', { valueNames: IP_PROTO_NAMES }],
  ['ip.checksum', 'uint', 'Header Checksum', HEX16],
  ['ip.src', 'ipv4', 'Source Address'],
  ['ip.dst', 'ipv4', 'Destination Address'],
  ['ip.addr', 'ipv4', 'Source or Destination Address'],
  ['ip.options', 'bytes', 'Options'],
  ['ip.opt.type', 'uint', 'Option Type'],
  ['ip.opt.len', 'uint', 'Option Length'],
  ['ip.fragment', 'framenum', 'IPv4 Fragment'],
  ['ip.fragment.count', 'uint', 'Fragment count'],
  ['ip.reassembled_in', 'framenum', 'Reassembled IPv4 in frame'],
  ['ip.reassembled.length', 'uint', 'Reassembled IPv4 length'],
]);

// the header's fields, by key (no name hashing per packet)
const K = fieldKeys({
  layer: 'ip', addr: 'ip.addr', checksum: 'ip.checksum', dsfield: 'ip.dsfield', dst: 'ip.dst', flags: 'ip.flags',
  fragOffset: 'ip.frag_offset', hdrLen: 'ip.hdr_len', id: 'ip.id', len: 'ip.len', proto: 'ip.proto', src: 'ip.src',
  ttl: 'ip.ttl', version: 'ip.version',
});

const P_IP_DSFIELD = fieldPrefix('ip.dsfield');
const P_IP_FLAGS = fieldPrefix('ip.flags');
/** Returns the end of the IP datagram within the frame (for Ethernet padding). */
export function dissectIpv4(ctx: Ctx, st: State, off: number, end: number): number {
  const d = ctx.d;
  const avail = end - off;
  const ip = ctx.layerK(K.layer, off, Math.min(20, Math.max(avail, 0)));
  ctx.protocol = 'IPv4';
  if (avail < 1) {
    ctx.malformedAt('ip', 'IPv4 header cut short (0 bytes)', off, 0);
    return end;
  }
  const hl = (d[off] & 15) * 4;
  // one lookup for the header fields field-subset output rarely asks for
  const misc = ctx.any(MISC_FIELDS);
  if (misc) {
    ctx.addK(ip, K.version, d[off] >> 4, off, 1);
    ctx.addK(ip, K.hdrLen, hl, off, 1);
  }
  if (hl < 20) {
    ctx.errorAt('ip', `Bogus IP header length (${hl}, must be at least 20)`, off, 1);
    ctx.info = `Bogus IPv4 header length (${hl}, must be at least 20)`;
    return end;
  }
  if (avail < 20) {
    ctx.malformedAt('ip', `IPv4 header cut short (${avail} of 20 bytes)`, off, avail);
    ctx.info = 'IPv4 header cut short';
    return end;
  }
  const ds = d[off + 1];
  if (misc && ctx.wantsPrefixK(P_IP_DSFIELD)) {
    const ds_ = ctx.addK(ip, K.dsfield, ds, off + 1, 1);
    ctx.sub(ds_, 'ip.dsfield.dscp', ds >> 2, off + 1, 1);
    ctx.sub(ds_, 'ip.dsfield.ecn', ds & 3, off + 1, 1);
  }
  let total = u16(d, off + 2);
  // 0 is what TCP segmentation offload leaves in captured frames: the frame's length holds
  if (total === 0) total = Math.max(hl, avail);
  if (misc) ctx.addK(ip, K.len, total, off + 2, 2);
  if (total < hl) {
    // (tshark's expert text is the bare title here)
    ctx.errorAt('ip', 'Bogus IP length', off + 2, 2);
    ctx.info = `Bogus IP length (${total}, less than header length ${hl})`;
    return end;
  }
  const id = u16(d, off + 4);
  if (misc) ctx.addK(ip, K.id, id, off + 4, 2);
  const ff = u16(d, off + 6);
  const mf = (ff & 0x2000) !== 0;
  if (misc && ctx.wantsPrefixK(P_IP_FLAGS)) {
    const flags = ctx.addK(ip, K.flags, ff >> 13, off + 6, 1);
    ctx.sub(flags, 'ip.flags.rb', (ff & 0x8000) !== 0, off + 6, 1);
    ctx.sub(flags, 'ip.flags.df', (ff & 0x4000) !== 0, off + 6, 1);
    ctx.sub(flags, 'ip.flags.mf', mf, off + 6, 1);
  }
  const fragOff = (ff & 0x1fff) * 8;
  if (misc) {
    ctx.addK(ip, K.fragOffset, ff & 0x1fff, off + 6, 2);
    ctx.addK(ip, K.ttl, d[off + 8], off + 8, 1);
  }
  if (ctx.inner === 0) ctx.ttl = d[off + 8];
  const proto = d[off + 9];
  ctx.addK(ip, K.proto, proto, off + 9, 1);
  if (misc) ctx.addK(ip, K.checksum, u16(d, off + 10), off + 10, 2);
  const src = u32(d, off + 12), dst = u32(d, off + 16);
  // (one lookup for both ip.addr occurrences)
  const addr = ctx.wantsK(K.addr);
  ctx.addK(ip, K.src, src, off + 12, 4);
  if (addr) ctx.addK(ip, K.addr, src, off + 12, 4);
  ctx.addK(ip, K.dst, dst, off + 16, 4);
  if (addr) ctx.addK(ip, K.addr, dst, off + 16, 4);
  if (ctx.inner === 0) {
    ctx.srcKind = ADDR_IPV4; ctx.src = src;
    ctx.dstKind = ADDR_IPV4; ctx.dst = dst;
  }
  ctx.ipVersion = 4; ctx.ip4Src = src; ctx.ip4Dst = dst;

  const hdrEnd = Math.min(off + hl, end);
  ip.len = hdrEnd - off;
  if (hl > 20) options(ctx, ip, off + 20, hdrEnd);
  if (off + hl > end) {
    ctx.malformedAt('ip', `IPv4 options cut short (${end - off} of ${hl} header bytes)`, off, end - off);
    return end;
  }
  // Total length bounds the payload; a frame shorter than it was cut short by the snaplen,
  // unless nothing was cut: then the length lies.
  const dgEnd = Math.min(off + total, end);
  // (an ICMP error quotes only the start of a datagram)
  if (off + total > end && ctx.pkt.capLen >= ctx.pkt.origLen && ctx.d === ctx.pkt.data && ctx.inner === 0) {
    ctx.malformedAt('ip', `IPv4 total length ${total} exceeds the ${avail} bytes present`, off + 2, 2);
  }
  const payOff = off + hl;

  if (mf || fragOff > 0) {
    fragment(ctx, st, ip, proto, fragOff, id, src, dst, mf, payOff, dgEnd, off + total > end);
    return dgEnd;
  }
  ipPayload(ctx, st, proto, payOff, dgEnd, ip);
  return dgEnd;
}

const MISC_FIELDS = fieldGroup('ip.version', 'ip.hdr_len', 'ip.dsfield', 'ip.dsfield.dscp', 'ip.dsfield.ecn', 'ip.len', 'ip.id',
  'ip.flags', 'ip.flags.rb', 'ip.flags.df', 'ip.flags.mf', 'ip.frag_offset', 'ip.ttl', 'ip.checksum');

// A function of its own: the closures here would otherwise make every IPv4 packet allocate their context.
function fragment(ctx: Ctx, st: State, ip: FieldNode, proto: number, fragOff: number, id: number, src: number, dst: number, mf: boolean, payOff: number, dgEnd: number, cut: boolean): void {
  const d = ctx.d;
  ctx.info = () => `Fragmented IP protocol (proto=${ipProtoName(proto)} ${proto}, off=${fragOff}, ID=${id.toString(16).padStart(4, '0')})`;
  if (ctx.inner > 0 || cut) {
    dissectData(ctx, payOff, dgEnd);
    return;
  }
  const done = st.frags.add(`${src}|${dst}|${id}|${proto}`, ctx.pkt.number, fragOff, d.subarray(payOff, dgEnd), !mf);
  if (!done) {
    dissectData(ctx, payOff, dgEnd);
    return;
  }
  ctx.gen(ip, 'ip.fragment.count', done.frames.length);
  for (const n of done.frames) ctx.gen(ip, 'ip.fragment', n);
  ctx.gen(ip, 'ip.reassembled.length', done.data.length);
  const buf = done.data;
  ctx.withReassembled(buf, fragOff, payOff, dgEnd - payOff, () => ipPayload(ctx, st, proto, 0, buf.length, ip));
}

function options(ctx: Ctx, ip: ReturnType<Ctx['layer']>, o: number, end: number): void {
  const d = ctx.d;
  ctx.add(ip, 'ip.options', d.subarray(o, end), o, end - o);
  // each step advances at least one byte, so the loop ends
  while (o < end) {
    const type = d[o];
    ctx.add(ip, 'ip.opt.type', type, o, 1);
    if (type === 0) break; // End of Option List
    if (type === 1) { o++; continue; } // NOP
    if (o + 1 >= end) { ctx.malformedAt('ip', 'IPv4 option length missing', o, 1); return; }
    const len = d[o + 1];
    ctx.add(ip, 'ip.opt.len', len, o + 1, 1);
    if (len < 2 || o + len > end) { ctx.malformedAt('ip', `IPv4 option length ${len} invalid`, o, end - o); return; }
    o += len;
  }
}

export { ipv4ToString };

ETHERTYPE.add(0x0800, dissectIpv4);
IP_PROTO.add(4, dissectIpv4);
PPP_PROTOCOL.add(0x21, dissectIpv4);

treeLine('ip', (v) => v.has('ip.src') ? `${v.title}, Src: ${v.text('ip.src')}, Dst: ${v.text('ip.dst')}` : v.title, ['ip.src', 'ip.dst']);
