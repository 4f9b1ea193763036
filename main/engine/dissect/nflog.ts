// Linux netfilter NFLOG (LINKTYPE_NFLOG, 239): what `tcpdump -i nflog:N`
// writes. A 4-byte header (address family, version, resource id = the
// nflog group), then netlink-style TLVs in the writer's byte order (tshark
// reads them as the host's: little-endian here), each padded to 4 bytes;
// the NFULA_PAYLOAD TLV holds the packet, IPv4 or IPv6 by the family.
// As packet-nflog.c in tshark 4.0.
import type { Ctx, FieldNode } from './context';
import { declare } from './fields';
import { dissectData } from './data';
import { ranOut, sentEnd } from './ranout';
import type { State } from './state';
import { ETHERTYPE, LINKTYPE } from './tables';
import { u16, u16le, u32 } from './bytes';

/** NFULA_* attribute types (linux/netfilter/nfnetlink_log.h) */
const TLV_TYPES: Record<number, string> = {
  1: 'NFULA_PACKET_HDR', 2: 'NFULA_MARK', 3: 'NFULA_TIMESTAMP', 4: 'NFULA_IFINDEX_INDEV', 5: 'NFULA_IFINDEX_OUTDEV',
  6: 'NFULA_IFINDEX_PHYSINDEV', 7: 'NFULA_IFINDEX_PHYSOUTDEV', 8: 'NFULA_HWADDR', 9: 'NFULA_PAYLOAD', 10: 'NFULA_PREFIX',
  11: 'NFULA_UID', 12: 'NFULA_SEQ', 13: 'NFULA_SEQ_GLOBAL', 14: 'NFULA_GID', 15: 'NFULA_HWTYPE', 16: 'NFULA_HWHEADER',
  17: 'NFULA_HWLEN', 18: 'NFULA_CT', 19: 'NFULA_CT_INFO',
};

declare('nflog', 'Linux Netfilter NFLOG', [
  ['nflog.family', 'uint', 'Family', { valueNames: { 0: 'AF_UNSPEC', 2: 'AF_INET', 10: 'AF_INET6' } }],
  ['nflog.version', 'uint', 'Version'],
  ['nflog.res_id', 'uint', 'Resource id'],
  ['nflog.tlv', 'bytes', 'TLV'],
  ['nflog.tlv_length', 'uint', 'Length'],
  ['nflog.tlv_type', 'uint', 'Type', { valueNames: TLV_TYPES }],
  ['nflog.protocol', 'uint', 'HW protocol', { base: 'hex', hexDigits: 4 }],
  ['nflog.hook', 'uint', 'Netfilter hook', { valueNames: { 0: 'Pre-routing', 1: 'Local in', 2: 'Forward', 3: 'Local out', 4: 'Post-routing' } }],
  ['nflog.ifindex_indev', 'uint', 'IFINDEX_INDEV'],
  ['nflog.ifindex_outdev', 'uint', 'IFINDEX_OUTDEV'],
  ['nflog.ifindex_physindev', 'uint', 'IFINDEX_PHYSINDEV'],
  ['nflog.ifindex_physoutdev', 'uint', 'IFINDEX_PHYSOUTDEV'],
  ['nflog.prefix', 'string', 'Prefix'],
  ['nflog.uid', 'int', 'UID'],
  ['nflog.gid', 'int', 'GID'],
  ['nflog.timestamp', 'abstime', 'Timestamp'],
  ['nflog.tlv_value', 'bytes', 'Value'],
]);

const IFINDEX: Record<number, string> = { 4: 'nflog.ifindex_indev', 5: 'nflog.ifindex_outdev', 6: 'nflog.ifindex_physindev', 7: 'nflog.ifindex_physoutdev' };
const PAYLOAD = 9;

function dissectNflog(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  const l = ctx.layer('nflog', off, end - off);
  ctx.setSummary('NFLOG', '');
  // tshark adds the header's fields one by one: a cut header keeps those before the cut
  const family = d[off];
  if (end - off >= 1) ctx.add(l, 'nflog.family', family, off, 1);
  if (end - off >= 2) ctx.add(l, 'nflog.version', d[off + 1], off + 1, 1);
  if (end - off < 4) { ranOut(ctx, 'nflog', 'NFLOG header cut short', off, 4); return; }
  ctx.add(l, 'nflog.res_id', u16(d, off + 2), off + 2, 2);
  // the sent length, not the captured one: a TLV past a snap length is a cut, not damage
  const reportedEnd = sentEnd(ctx, end);
  let payload = -1, payloadEnd = -1;
  let o = off + 4;
  // each TLV takes at least 4 bytes: the loop ends within the frame
  while (reportedEnd - o >= 4) {
    if (o + 4 > end) { ranOut(ctx, 'nflog', 'NFLOG TLV cut short', o, 4); return; }
    const len = u16le(d, o);
    // a TLV shorter than its own header: tshark stops there, no mark
    if (len < 4) break;
    const type = u16le(d, o + 2) & 0x7fff;
    if (o + len > end) {
      ranOut(ctx, 'nflog', `NFLOG TLV of ${len} bytes past the frame`, o, len);
      return;
    }
    tlv(ctx, l, type, o, len);
    if (type === PAYLOAD) { payload = o + 4; payloadEnd = o + len; }
    o += (len + 3) & ~3;
  }
  if (payload < 0) return;
  if (payloadEnd <= payload) return;
  const next = family === 2 ? ETHERTYPE.get(0x0800) : family === 10 ? ETHERTYPE.get(0x86dd) : undefined;
  if (next !== undefined) next(ctx, st, payload, payloadEnd);
  else dissectData(ctx, payload, payloadEnd);
}

function tlv(ctx: Ctx, l: FieldNode, type: number, o: number, len: number): void {
  const d = ctx.d;
  const t = ctx.add(l, 'nflog.tlv', d.subarray(o, o + len), o, len);
  ctx.sub(t, 'nflog.tlv_length', len, o, 2);
  ctx.sub(t, 'nflog.tlv_type', type, o + 2, 2);
  const v = o + 4, vlen = len - 4;
  switch (type) {
    case 1:
      if (vlen !== 4) break;
      ctx.sub(t, 'nflog.protocol', u16(d, v), v, 2);
      ctx.sub(t, 'nflog.hook', d[v + 2], v + 2, 1);
      return;
    case 4: case 5: case 6: case 7:
      if (vlen !== 4) break;
      ctx.sub(t, IFINDEX[type], u32(d, v), v, 4);
      return;
    case PAYLOAD:
      if (vlen === 0) break;
      return;
    case 10: {
      if (vlen < 1) break;
      let z = v;
      while (z < v + vlen && d[z] !== 0) z++;
      ctx.sub(t, 'nflog.prefix', String.fromCharCode(...d.subarray(v, z)), v, vlen);
      return;
    }
    case 11: case 14:
      if (vlen !== 4) break;
      ctx.sub(t, type === 11 ? 'nflog.uid' : 'nflog.gid', u32(d, v) | 0, v, 4);
      return;
    case 3: {
      if (vlen !== 16) break;
      const sec = (BigInt(u32(d, v)) << 32n) | BigInt(u32(d, v + 4));
      const usec = (BigInt(u32(d, v + 8)) << 32n) | BigInt(u32(d, v + 12));
      ctx.sub(t, 'nflog.timestamp', BigInt.asIntN(64, sec) * 1_000_000_000n + BigInt.asIntN(64, usec) * 1000n, v, 16);
      return;
    }
  }
  ctx.sub(t, 'nflog.tlv_value', d.subarray(v, v + vlen), v, vlen);
}

LINKTYPE.add(239, dissectNflog);
