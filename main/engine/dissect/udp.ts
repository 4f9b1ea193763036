// UDP (RFC 768) and the dispatch to the protocols carried over it.
import type { Ctx } from './context';
import { declare, HEX16 } from './fields';
import { dissectData } from './data';
import { dissectDns } from './dns';
import { nameOnly } from './minor';
import { dissectDhcp } from './dhcp';
import type { State } from './state';

// local copy: a call across modules goes through CommonJS export getters (hot path)
const u16 = (d: Uint8Array, o: number): number => (d[o] << 8) | d[o + 1];

declare('udp', 'User Datagram Protocol', [
  ['udp.srcport', 'uint', 'Source Port'],
  ['udp.dstport', 'uint', 'Destination Port'],
  ['udp.port', 'uint', 'Source or Destination Port'],
  ['udp.length', 'uint', 'Length'],
  ['udp.checksum', 'uint', 'Checksum', HEX16],
  ['udp.stream', 'uint', 'Stream index'],
  ['udp.payload', 'bytes', 'Payload'],
]);

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
  ctx.add(udp, 'udp.port', sp, off, 2);
  ctx.add(udp, 'udp.port', dp, off + 2, 2);
  if (avail < 8) {
    ctx.malformedAt('udp', `UDP header cut short (${avail} of 8 bytes)`, off, avail);
    ctx.info = `${sp} → ${dp} [header cut short]`;
    return;
  }
  const len = u16(d, off + 4);
  ctx.add(udp, 'udp.length', len, off + 4, 2);
  ctx.add(udp, 'udp.checksum', u16(d, off + 6), off + 6, 2);
  if (ctx.inner > 0) return; // header inside an ICMP error: ports are what matters
  ctx.gen(udp, 'udp.stream', st.udpStream(ctx, sp, dp));
  let payEnd = end;
  if (len < 8) {
    ctx.malformedAt('udp', `Bad length value ${len} < 8`, off + 4, 2);
  } else if (off + len > end) {
    // a length past the captured bytes is only wrong when the frame was not cut by the snaplen
    if (ctx.pkt.capLen >= ctx.pkt.origLen) ctx.malformedAt('udp', `Bad length value ${len} > IP payload length ${avail}`, off + 4, 2);
  } else payEnd = off + len;
  ctx.srcPort = sp; ctx.dstPort = dp;
  const pay = off + 8;
  ctx.info = `${sp} → ${dp} Len=${Math.max(0, len - 8)}`;
  if (pay >= payEnd) return;
  if (sp === 53 || dp === 53) return dissectDns(ctx, pay, payEnd, 'dns');
  if (sp === 5353 || dp === 5353) return dissectDns(ctx, pay, payEnd, 'mdns');
  if (sp === 5355 || dp === 5355) return dissectDns(ctx, pay, payEnd, 'llmnr');
  if (sp === 67 || dp === 67 || sp === 68 || dp === 68) return dissectDhcp(ctx, pay, payEnd);
  if (sp === 17500 && dp === 17500) {
    nameOnly(ctx, 'db-lsp-disc', 'DB-LSP-DISC', pay, payEnd);
    if (d[pay] === 0x7b) nameOnly(ctx, 'json', 'JSON', pay, payEnd);
    return;
  }
  dissectData(ctx, pay, payEnd);
}
