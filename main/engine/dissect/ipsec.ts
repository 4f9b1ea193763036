// IPsec: the Authentication Header (RFC 4302, ip.proto 51), the
// Encapsulating Security Payload (RFC 4303, ip.proto 50) and its UDP
// encapsulation for NAT traversal (RFC 3948, udp/4500: ESP, or IKE behind a
// four-byte non-ESP marker, or a one-byte keepalive). Fields as tshark 4.0's
// packet-ipsec.c. AH authenticates but does not hide what follows it, so the
// next header is decoded through the IP protocol table (ICMPv6 inside AH, as
// tshark shows it); ESP's payload stays opaque without keys.
import type { Ctx } from './context';
import { declare, HEX32 } from './fields';
import { ipPayload } from './ipproto';
import { dissectIsakmp } from './isakmp';
import type { State } from './state';
import * as readers from './bytes';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { IP_PROTO, UDP_PORT } = tables;
const { u32 } = readers;

declare('ah', 'Authentication Header', [
  ['ah.next_header', 'uint', 'Next header'],
  ['ah.length', 'uint', 'Length'],
  ['ah.reserved', 'bytes', 'Reserved'],
  ['ah.spi', 'uint', 'AH SPI', HEX32],
  ['ah.sequence', 'uint', 'AH Sequence'],
  ['ah.icv', 'bytes', 'AH ICV'],
]);
declare('esp', 'Encapsulating Security Payload', [
  ['esp.spi', 'uint', 'ESP SPI', HEX32],
  ['esp.sequence', 'uint', 'ESP Sequence'],
]);
declare('udpencap', 'UDP Encapsulation of IPsec Packets', [
  ['udpencap.nat_keepalive', 'none', 'NAT-keepalive packet'],
  ['udpencap.non_esp_marker', 'none', 'Non-ESP Marker'],
]);

export function dissectAh(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  const l = ctx.layer('ah', off, Math.max(0, Math.min(12, end - off)));
  ctx.protocol = 'AH';
  const next = d[off], words = d[off + 1];
  if (end - off < 12) {
    // what fits is shown, as tshark reads field by field until the bytes run out
    if (end - off >= 1) ctx.add(l, 'ah.next_header', next, off, 1);
    if (end - off >= 2) ctx.add(l, 'ah.length', words, off + 1, 1);
    if (end - off >= 4) ctx.add(l, 'ah.reserved', d.subarray(off + 2, off + 4), off + 2, 2);
    if (end - off >= 8) ctx.add(l, 'ah.spi', u32(d, off + 4), off + 4, 4);
    ctx.boundsAt('ah', `AH header cut short (${Math.max(0, end - off)} of 12 bytes)`, off, Math.max(0, end - off));
    return;
  }
  // the length counts 32-bit words minus 2 (RFC 4302 §2.2)
  const len = (words + 2) * 4;
  ctx.add(l, 'ah.next_header', next, off, 1);
  ctx.add(l, 'ah.length', words, off + 1, 1);
  ctx.add(l, 'ah.reserved', d.subarray(off + 2, off + 4), off + 2, 2);
  const spi = u32(d, off + 4);
  ctx.add(l, 'ah.spi', spi, off + 4, 4);
  ctx.add(l, 'ah.sequence', u32(d, off + 8), off + 8, 4);
  ctx.info = () => `AH (SPI=0x${spi.toString(16).padStart(8, '0')})`;
  if (len < 12 || off + len > end) { ctx.boundsAt('ah', `AH length ${len} runs past the ${end - off} bytes present`, off + 1, 1); return; }
  if (len > 12) ctx.add(l, 'ah.icv', d.subarray(off + 12, off + len), off + 12, len - 12);
  l.len = len;
  if (off + len < end) ipPayload(ctx, st, next, off + len, end, l, false);
}

export function dissectEsp(ctx: Ctx, _st: State, off: number, end: number): void {
  const d = ctx.d;
  const l = ctx.layer('esp', off, Math.max(0, end - off));
  ctx.protocol = 'ESP';
  if (end - off < 8) { ctx.boundsAt('esp', `ESP header cut short (${Math.max(0, end - off)} of 8 bytes)`, off, Math.max(0, end - off)); return; }
  const spi = u32(d, off);
  ctx.add(l, 'esp.spi', spi, off, 4);
  ctx.add(l, 'esp.sequence', u32(d, off + 4), off + 4, 4);
  ctx.info = () => `ESP (SPI=0x${spi.toString(16).padStart(8, '0')})`;
}

/** udp/4500: a keepalive, IKE behind the non-ESP marker, or ESP. */
function dissectUdpEncap(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  if (end - off === 1 && d[off] === 0xff) {
    const l = ctx.layer('udpencap', off, 1);
    ctx.add(l, 'udpencap.nat_keepalive', null, off, 1);
    ctx.protocol = 'UDPENCAP';
    ctx.info = 'NAT-keepalive';
    return;
  }
  if (end - off >= 4 && u32(d, off) === 0) {
    const l = ctx.layer('udpencap', off, 4);
    ctx.add(l, 'udpencap.non_esp_marker', null, off, 4);
    ctx.protocol = 'UDPENCAP';
    if (end > off + 4) dissectIsakmp(ctx, st, off + 4, end);
    return;
  }
  ctx.layer('udpencap', off, 0);
  dissectEsp(ctx, st, off, end);
}

IP_PROTO.add(51, dissectAh);
IP_PROTO.add(50, dissectEsp);
UDP_PORT.add([4500], dissectUdpEncap);

