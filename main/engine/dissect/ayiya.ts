// AYIYA, "Anything in Anything" (draft-massar-v6ops-ayiya) on udp/5072,
// as tshark 4.0's packet-ayiya.c shows it: the nibble fields (identity
// length as its exponent, identity type, signature length in words, hash
// and authentication methods, opcode), the next header, the epoch, the
// identity and the signature; a Forward (opcode 1) carries a packet of
// that IP protocol (IPv6 or IPv4, decoded with its inner fields).
import type { Ctx } from './context';
import type { State } from './state';
import { declare, HEX8, treeLine } from './fields';
import * as readers from './bytes';
import * as tables from './tables';
const { IP_PROTO, UDP_PORT } = tables;
const { u32 } = readers;

declare('ayiya', 'Anything in Anything Protocol', [
  ['ayiya.idlen', 'uint', 'Identity field length', HEX8],
  ['ayiya.idtype', 'uint', 'Identity field type', { ...HEX8, valueNames: { 0: 'None', 1: 'Integer', 2: 'ASCII string' } }],
  ['ayiya.siglen', 'uint', 'Signature Length', HEX8],
  ['ayiya.hashmethod', 'uint', 'Hash method', { ...HEX8, valueNames: { 0: 'No hash', 1: 'MD5', 2: 'SHA1' } }],
  ['ayiya.authmethod', 'uint', 'Authentication method', { ...HEX8, valueNames: { 0: 'No authentication', 1: 'Hash using a Shared Secret', 2: 'Hash using a public/private key method' } }],
  ['ayiya.opcode', 'uint', 'Operation Code', { ...HEX8, valueNames: {
    0: 'No Operation / Heartbeat', 1: 'Forward', 2: 'Echo Request', 3: 'Echo Request and Forward', 4: 'Echo Response', 5: 'MOTD', 6: 'Query Request', 7: 'Query Response',
  } }],
  ['ayiya.nextheader', 'uint', 'Next Header', HEX8],
  ['ayiya.epoch', 'abstime', 'Epoch'],
  ['ayiya.identity', 'bytes', 'Identity'],
  ['ayiya.signature', 'bytes', 'Signature'],
]);

const FORWARD = 1;

function dissectAyiya(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  const have = end - off;
  // tshark reads the first four bytes before anything else
  if (have < 4) {
    ctx.protocols.push('ayiya');
    if (ctx.pkt.capLen < ctx.pkt.origLen && end === d.length) ctx.short = true;
    else ctx.boundsAt('ayiya', 'AYIYA header cut short', off, Math.max(0, have));
    return;
  }
  const idlen = 1 << (d[off] >> 4), siglen = (d[off + 1] >> 4) * 4, opcode = d[off + 2] & 15, next = d[off + 3];
  const hdr = 8 + idlen + siglen;
  const l = ctx.layer('ayiya', off, Math.min(hdr, have));
  ctx.protocol = 'AYIYA';
  ctx.add(l, 'ayiya.idlen', d[off] >> 4, off, 1);
  ctx.add(l, 'ayiya.idtype', d[off] & 15, off, 1);
  ctx.add(l, 'ayiya.siglen', d[off + 1] >> 4, off + 1, 1);
  ctx.add(l, 'ayiya.hashmethod', d[off + 1] & 15, off + 1, 1);
  ctx.add(l, 'ayiya.authmethod', d[off + 2] >> 4, off + 2, 1);
  ctx.add(l, 'ayiya.opcode', opcode, off + 2, 1);
  ctx.add(l, 'ayiya.nextheader', next, off + 3, 1);
  if (have < hdr) {
    if (ctx.pkt.capLen < ctx.pkt.origLen && end === d.length) ctx.short = true;
    else ctx.boundsAt('ayiya', `AYIYA header cut short (${have} of ${hdr} bytes)`, off, have);
    return;
  }
  ctx.add(l, 'ayiya.epoch', BigInt(u32(d, off + 4)) * 1_000_000_000n, off + 4, 4);
  ctx.add(l, 'ayiya.identity', d.subarray(off + 8, off + 8 + idlen), off + 8, idlen);
  ctx.add(l, 'ayiya.signature', d.subarray(off + 8 + idlen, off + hdr), off + 8 + idlen, siglen);
  if (opcode !== FORWARD) return;
  // a protocol no dissector takes leaves the bytes undecoded, as tshark's dissector_try_uint
  IP_PROTO.get(next)?.(ctx, st, off + hdr, end);
}

UDP_PORT.add([5072], dissectAyiya);

// tshark's tree line is the short name alone
treeLine('ayiya', () => 'AYIYA');
