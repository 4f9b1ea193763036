// Teredo (RFC 4380) on udp/3544, as tshark 4.0's packet-teredo.c shows it
// (its UDP heuristic is off by default, so the port alone): an optional
// authentication header (type 1: client id and authentication value of
// the lengths it gives, nonce, confirmation byte), an optional origin
// indication (type 0: the client's port and IPv4 address, both
// complemented on the wire), then whatever follows is an IPv6 packet.
import type { Ctx } from './context';
import type { State } from './state';
import { declare } from './fields';
import { dissectIpv6 } from './ipv6';
import * as readers from './bytes';
import * as tables from './tables';
const { UDP_PORT } = tables;
const { u16, u32 } = readers;

declare('teredo', 'Teredo IPv6 over UDP tunneling', [
  ['teredo.auth', 'none', 'Teredo Authentication header'],
  ['teredo.auth.idlen', 'uint', 'Client identifier length'],
  ['teredo.auth.aulen', 'uint', 'Authentication value length'],
  ['teredo.auth.id', 'bytes', 'Client identifier'],
  ['teredo.auth.value', 'bytes', 'Authentication value'],
  ['teredo.auth.nonce', 'bytes', 'Nonce value'],
  ['teredo.auth.conf', 'bytes', 'Confirmation byte'],
  ['teredo.orig', 'none', 'Teredo Origin Indication header'],
  ['teredo.orig.port', 'uint', 'Origin UDP port'],
  ['teredo.orig.addr', 'ipv4', 'Origin IPv4 address'],
]);

/** tshark ran out of bytes at `at`: a cut capture or a malformed packet. */
function ranOut(ctx: Ctx, off: number, end: number): void {
  if (ctx.pkt.capLen < ctx.pkt.origLen && end === ctx.d.length) ctx.short = true;
  else ctx.boundsAt('teredo', 'Teredo header cut short', off, end - off);
}

function dissectTeredo(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  const l = ctx.layer('teredo', off, end - off);
  ctx.protocol = 'Teredo';
  ctx.info = '';
  let o = off;
  if (end - o < 2) { ranOut(ctx, off, end); return; }
  let header = u16(d, o);
  const info: string[] = [];
  if (header === 1) {
    info.push('Authentication header');
    ctx.info = info.join(', ');
    if (end - o < 4) { ranOut(ctx, off, end); return; }
    const idlen = d[o + 2], aulen = d[o + 3];
    const len = 13 + idlen + aulen;
    // the header item spans all of it before any field is added: a shorter packet stops here
    if (o + len > end) { ranOut(ctx, off, end); return; }
    ctx.add(l, 'teredo.auth', null, o, len);
    ctx.add(l, 'teredo.auth.idlen', idlen, o + 2, 1);
    ctx.add(l, 'teredo.auth.aulen', aulen, o + 3, 1);
    o += 4;
    if (idlen) { ctx.add(l, 'teredo.auth.id', d.subarray(o, o + idlen), o, idlen); o += idlen; }
    if (aulen) { ctx.add(l, 'teredo.auth.value', d.subarray(o, o + aulen), o, aulen); o += aulen; }
    ctx.add(l, 'teredo.auth.nonce', d.subarray(o, o + 8), o, 8);
    ctx.add(l, 'teredo.auth.conf', d.subarray(o + 8, o + 9), o + 8, 1);
    o += 9;
    if (end - o < 2) { ranOut(ctx, off, end); return; }
    header = u16(d, o);
  }
  if (header === 0) {
    info.push('Origin indication');
    ctx.info = info.join(', ');
    if (o + 8 > end) { ranOut(ctx, off, end); return; }
    ctx.add(l, 'teredo.orig', null, o, 8);
    ctx.add(l, 'teredo.orig.port', ~u16(d, o + 2) & 0xffff, o + 2, 2);
    ctx.add(l, 'teredo.orig.addr', ~u32(d, o + 4) >>> 0, o + 4, 4);
    o += 8;
  }
  l.len = o - off;
  // tshark reads the next byte (the IPv6 version) whatever follows
  if (o >= end) { ranOut(ctx, off, end); return; }
  dissectIpv6(ctx, st, o, end);
}

UDP_PORT.add([3544], dissectTeredo);
