// UDP (RFC 768) and the dispatch to the protocols carried over it.
import { type Ctx, fieldGroup } from './context';
import { declare, HEX16 } from './fields';
import { dissectData } from './data';
import { dissectDns } from './dns';
import { nameOnly } from './minor';
import { dissectDhcp } from './dhcp';
import { looksLikeHttp } from './http';
import { dissectEth } from './link';
import type { State } from './state';
import { u16 } from './bytes';


/** Protocols recognised by port and shown by name (their fields are not decoded). */
const UDP_NAMES = new Map<number, [string, string]>([
  [123, ['ntp', 'NTP']], [137, ['nbns', 'NBNS']], [514, ['syslog', 'Syslog']], [69, ['tftp', 'TFTP']],
  [546, ['dhcpv6', 'DHCPv6']], [547, ['dhcpv6', 'DHCPv6']],
]);

declare('vxlan', 'Virtual eXtensible Local Area Network', [
  ['vxlan.flags', 'uint', 'Flags', { base: 'hex', hexDigits: 4 }],
  ['vxlan.vni', 'uint', 'VXLAN Network Identifier (VNI)'],
]);

function latin1Line(d: Uint8Array, o: number, end: number): string {
  let s = '';
  for (let i = o; i < end && d[i] !== 13 && d[i] !== 10; i++) s += String.fromCharCode(d[i]);
  return s;
}

/** VXLAN (RFC 7348): 8-byte header, then an Ethernet frame. */
function dissectVxlan(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  const l = ctx.layer('vxlan', off, Math.min(8, end - off));
  if (end - off < 8) { ctx.malformedAt('vxlan', `VXLAN header cut short (${end - off} of 8 bytes)`, off, end - off); return; }
  ctx.add(l, 'vxlan.flags', u16(d, off), off, 2);
  ctx.add(l, 'vxlan.vni', ((d[off + 4] << 16) | (d[off + 5] << 8) | d[off + 6]) >>> 0, off + 4, 3);
  dissectEth(ctx, st, off + 8, end);
}

declare('udp', 'User Datagram Protocol', [
  ['udp.srcport', 'uint', 'Source Port'],
  ['udp.dstport', 'uint', 'Destination Port'],
  ['udp.port', 'uint', 'Source or Destination Port'],
  ['udp.length', 'uint', 'Length'],
  ['udp.checksum', 'uint', 'Checksum', HEX16],
  ['udp.stream', 'uint', 'Stream index'],
  ['udp.payload', 'bytes', 'Payload'],
]);

// fields field-subset runs rarely ask for: one cached check instead of a lookup each
const UDP_REST = fieldGroup('udp.port', 'udp.length', 'udp.checksum');

export function dissectUdp(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  const avail = end - off;
  const udp = ctx.layer('udp', off, Math.min(8, Math.max(0, avail)));
  ctx.protocol = 'UDP';
  if (avail < 4) {
    ctx.malformedAt('udp', `UDP header cut short (${Math.max(0, avail)} of 8 bytes)`, off, Math.max(0, avail));
    ctx.info = 'UDP header cut short';
    return;
  }
  const sp = u16(d, off), dp = u16(d, off + 2);
  ctx.add(udp, 'udp.srcport', sp, off, 2);
  ctx.add(udp, 'udp.dstport', dp, off + 2, 2);
  const rest = ctx.any(UDP_REST);
  if (rest) {
    ctx.add(udp, 'udp.port', sp, off, 2);
    ctx.add(udp, 'udp.port', dp, off + 2, 2);
  }
  if (avail < 8) {
    ctx.malformedAt('udp', `UDP header cut short (${avail} of 8 bytes)`, off, avail);
    ctx.info = `${sp} → ${dp} [header cut short]`;
    return;
  }
  const len = u16(d, off + 4);
  if (rest) {
    ctx.add(udp, 'udp.length', len, off + 4, 2);
    ctx.add(udp, 'udp.checksum', u16(d, off + 6), off + 6, 2);
  }
  if (ctx.inner > 0) return; // header inside an ICMP error: ports are what matters
  // a Dissector whose field subset lacks udp.stream never shows the numbers: no need to keep the table
  if (ctx.w('udp.stream')) ctx.gen(udp, 'udp.stream', st.udpStream(ctx, sp, dp));
  let payEnd = end;
  if (len < 8) {
    ctx.malformedAt('udp', `Bad length value ${len} < 8`, off + 4, 2);
  } else if (off + len > end) {
    // a length past the captured bytes is only wrong when the frame was not cut by the snaplen
    if (ctx.pkt.capLen >= ctx.pkt.origLen) ctx.malformedAt('udp', `Bad length value ${len} > IP payload length ${avail}`, off + 4, 2);
  } else payEnd = off + len;
  ctx.srcPort = sp; ctx.dstPort = dp;
  const pay = off + 8;
  // built only when a summary is read (field output never reads it)
  ctx.info = () => `${sp} → ${dp} Len=${Math.max(0, len - 8)}`;
  if (pay >= payEnd) return;
  // as tshark: the datagram's payload bytes, whatever decodes them (the bytes of a datagram reassembled from fragments too)
  if (ctx.w('udp.payload')) ctx.add(udp, 'udp.payload', d.subarray(pay, payEnd), pay, payEnd - pay);
  if (sp === 53 || dp === 53) return dissectDns(ctx, pay, payEnd, 'dns');
  if (sp === 5353 || dp === 5353) return dissectDns(ctx, pay, payEnd, 'mdns');
  if (sp === 5355 || dp === 5355) return dissectDns(ctx, pay, payEnd, 'llmnr');
  if (sp === 67 || dp === 67 || sp === 68 || dp === 68) return dissectDhcp(ctx, pay, payEnd);
  const named = UDP_NAMES.get(sp) ?? UDP_NAMES.get(dp);
  if (named) return nameOnly(ctx, named[0], named[1], pay, payEnd);
  if (sp === 1900 || dp === 1900) {
    // SSDP is HTTP over UDP; tshark shows nothing for other bytes on the port
    if (looksLikeHttp(d, pay, payEnd)) nameOnly(ctx, 'ssdp', 'SSDP', pay, payEnd, latin1Line(d, pay, payEnd));
    return;
  }
  if (sp === 4789 || dp === 4789) return dissectVxlan(ctx, st, pay, payEnd);
  if (sp === 17500 && dp === 17500) {
    nameOnly(ctx, 'db-lsp-disc', 'DB-LSP-DISC', pay, payEnd);
    if (d[pay] === 0x7b) nameOnly(ctx, 'json', 'JSON', pay, payEnd);
    return;
  }
  dissectData(ctx, pay, payEnd);
}
