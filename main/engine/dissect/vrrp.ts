// VRRP (ip.proto 112): v2 (RFC 3768) and v3 (RFC 5798) advertisements —
// version and type, router id, priority, the addresses (IPv4 or IPv6 by the
// IP header), v2's authentication (a text password, Cisco's MD5 digest) or
// v3's centisecond interval, and the checksum verified as tshark 4.0's
// packet-vrrp.c does (v3 with the IP pseudo-header, v2 without).
import type { Ctx } from './context';
import type { State } from './state';
import { declare, HEX16 } from './fields';
import { Tvb, guarded, reportedEnd } from './tvb';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { IP_PROTO } = tables;

const AUTH: Record<number, string> = {
  0: 'No Authentication', 1: 'Simple Text Authentication [RFC 2338] / Reserved [RFC 3768]',
  2: 'IP Authentication Header [RFC 2338] / Reserved [RFC 3768]', 254: 'Cisco VRRP MD5 authentication',
};
const AUTH_TEXT = 1, AUTH_MD5 = 254;

declare('vrrp', 'Virtual Router Redundancy Protocol', [
  ['vrrp.typever', 'uint', 'VRRP message version and type'],
  ['vrrp.version', 'uint', 'VRRP protocol version'],
  ['vrrp.type', 'uint', 'VRRP packet type', { valueNames: { 1: 'Advertisement' } }],
  ['vrrp.virt_rtr_id', 'uint', 'Virtual Rtr ID'],
  ['vrrp.prio', 'uint', 'Priority'],
  ['vrrp.addr_count', 'uint', 'Addr Count'],
  ['vrrp.checksum', 'uint', 'Checksum', HEX16],
  ['vrrp.checksum.status', 'uint', 'Checksum Status', { valueNames: { 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal' } }],
  ['vrrp.checksum_bad.expert', 'none', 'Bad checksum'],
  ['vrrp.auth_type', 'uint', 'Auth Type', { valueNames: AUTH }],
  ['vrrp.adver_int', 'uint', 'Adver Int'],
  ['vrrp.reserved_mbz', 'uint', 'Reserved'],
  ['vrrp.short_adver_int', 'uint', 'Adver Int'],
  ['vrrp.ip_addr', 'ipv4', 'IP Address'],
  ['vrrp.ipv6_addr', 'ipv6', 'IPv6 Address'],
  ['vrrp.auth_string', 'string', 'Authentication String'],
  ['vrrp.md5_auth_data', 'bytes', 'MD5 Authentication Data'],
]);

/** The one's-complement sum of 16-bit words (in_cksum's), folded, before the final complement. */
export function onesSum(d: Uint8Array, start: number, end: number, sum = 0): number {
  let i = start;
  for (; i + 1 < end; i += 2) sum += (d[i] << 8) | d[i + 1];
  if (i < end) sum += d[i] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** The IP pseudo-header's sum (source, destination, length, protocol) of the packet being dissected. */
export function pseudoSum(ctx: Ctx, len: number, proto: number): number {
  let sum = ctx.ipVersion === 6 && ctx.ip6Src && ctx.ip6Dst ? onesSum(ctx.ip6Dst, 0, 16, onesSum(ctx.ip6Src, 0, 16))
    : (ctx.ip4Src >>> 16) + (ctx.ip4Src & 0xffff) + (ctx.ip4Dst >>> 16) + (ctx.ip4Dst & 0xffff);
  sum += (len >>> 16) + (len & 0xffff) + proto;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

function dissectVrrp(ctx: Ctx, _st: State, off: number, end: number): void {
  const l = ctx.layer('vrrp', off, end - off);
  ctx.protocol = 'VRRP';
  ctx.info = '';
  const t = new Tvb(ctx.d, end);
  guarded(ctx, 'vrrp', end, () => {
    const vt = t.u8(off);
    const version = vt >> 4;
    ctx.info = `Announcement (v${version})`;
    const priority = t.u8(off + 2), count = t.u8(off + 3);
    ctx.sub(l, 'vrrp.typever', vt, off, 1);
    ctx.sub(l, 'vrrp.version', version, off, 1);
    ctx.sub(l, 'vrrp.type', vt & 0x0f, off, 1);
    ctx.sub(l, 'vrrp.virt_rtr_id', t.u8(off + 1), off + 1, 1);
    ctx.sub(l, 'vrrp.prio', priority, off + 2, 1);
    ctx.sub(l, 'vrrp.addr_count', count, off + 3, 1);
    let auth = 0;
    if (version === 3) {
      ctx.sub(l, 'vrrp.reserved_mbz', t.u8(off + 4) >> 4, off + 4, 1);
      ctx.sub(l, 'vrrp.short_adver_int', t.u16(off + 4) & 0x0fff, off + 4, 2);
    } else {
      auth = t.u8(off + 4);
      ctx.sub(l, 'vrrp.auth_type', auth, off + 4, 1);
      ctx.sub(l, 'vrrp.adver_int', t.u8(off + 5), off + 5, 1);
    }
    const sent = t.u16(off + 6);
    ctx.sub(l, 'vrrp.checksum', sent, off + 6, 2);
    const len = end - off;
    if (ctx.pkt.capLen >= ctx.pkt.origLen) {
      // RFC 5798 sums v3 with the pseudo-header, over IPv4 too (tshark's default)
      const sum = onesSum(ctx.d, off, end, version === 3 ? pseudoSum(ctx, len, 112) : 0);
      const good = sum === 0xffff;
      ctx.sub(l, 'vrrp.checksum.status', good ? 1 : 0, off + 6, 0);
      if (!good) ctx.sub(l, 'vrrp.checksum_bad.expert', null, off + 6, 2);
    } else ctx.sub(l, 'vrrp.checksum.status', 2, off + 6, 0);
    let o = off + 8;
    const v6 = ctx.ipVersion === 6;
    for (let n = count; n > 0; n--) {
      if (v6) { ctx.sub(l, 'vrrp.ipv6_addr', t.bytes(o, 16), o, 16); o += 16; } else { ctx.sub(l, 'vrrp.ip_addr', t.u32(o), o, 4); o += 4; }
    }
    if (auth === AUTH_TEXT) ctx.sub(l, 'vrrp.auth_string', text(t.bytes(o, 8)), o, 8);
    else if (auth === AUTH_MD5) {
      // the digest ends the packet as sent: a cut capture reads past its bytes, as tshark does
      const sent = reportedEnd(ctx, end);
      if (sent - o >= 16) ctx.sub(l, 'vrrp.md5_auth_data', t.bytes(sent - 16, 16), sent - 16, 16);
    }
  });
}

/** An ENC_ASCII FT_STRING of fixed size: up to the first NUL, bytes past 0x7f not ASCII. */
function text(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length && b[i] !== 0; i++) s += b[i] < 0x80 ? String.fromCharCode(b[i]) : '\ufffd';
  return s;
}

IP_PROTO.add(112, dissectVrrp);
