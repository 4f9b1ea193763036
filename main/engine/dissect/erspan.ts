// ERSPAN, Cisco's Encapsulated Remote Switch Port Analyzer, inside GRE:
// type I (protocol 0x88be, GRE without a sequence number: no header at
// all), type II (0x88be, 8-byte header, version 1) and type III (0x22eb,
// 12-byte header, version 2, plus an 8-byte platform sub-header when its O
// bit is set); the mirrored Ethernet frame follows. Fields as tshark 4.0's
// packet-erspan.c.
import type { Ctx } from './context';
import { declare } from './fields';
import { dissectEth } from './link';
import { dissectData } from './data';
import type { State } from './state';
import * as readers from './bytes';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { GRE_PROTO } = tables;
const { u16, u32 } = readers;

declare('erspan', 'Encapsulated Remote Switch Packet ANalysis', [
  ['erspan.version', 'uint', 'Version', { valueNames: { 1: 'Type II', 2: 'Type III' } }],
  ['erspan.vlan', 'uint', 'Vlan'],
  ['erspan.cos', 'uint', 'COS'],
  ['erspan.encap', 'uint', 'Encap'],
  ['erspan.bso', 'uint', 'Bad/Short/Oversized'],
  ['erspan.truncated', 'uint', 'Truncated'],
  ['erspan.spanid', 'uint', 'SpanID'],
  ['erspan.reserved', 'uint', 'Reserved'],
  ['erspan.index', 'uint', 'Index'],
  ['erspan.timestamp', 'uint', 'Timestamp'],
  ['erspan.sgt', 'uint', 'Security Group Tag'],
  ['erspan.p', 'uint', 'Payload Type'],
  ['erspan.ft', 'uint', 'Frame Type'],
  ['erspan.hw', 'uint', 'Hardware ID'],
  ['erspan.direction', 'bool', 'Direction'],
  ['erspan.gra', 'uint', 'Timestamp granularity'],
  ['erspan.o', 'uint', 'Optional Sub-header'],
  ['erspan.platid', 'uint', 'Platform ID'],
]);

/** `seq`: the GRE header carried a sequence number (without one, 0x88be is type I). */
export function dissectErspan(ctx: Ctx, st: State, off: number, end: number, seq: boolean): void {
  const d = ctx.d;
  ctx.protocol = 'ERSPAN';
  ctx.info = 'ERSPAN:';
  if (!seq) {
    ctx.layer('erspan', off, 0);
    dissectEth(ctx, st, off, end);
    return;
  }
  const l = ctx.layer('erspan', off, Math.max(0, Math.min(8, end - off)));
  if (end - off < 8) { ctx.malformedAt('erspan', `ERSPAN header cut short (${end - off} of 8 bytes)`, off, end - off); return; }
  const w0 = u16(d, off), w1 = u16(d, off + 2);
  const version = w0 >> 12;
  ctx.add(l, 'erspan.version', version, off, 2);
  ctx.add(l, 'erspan.vlan', w0 & 0xfff, off, 2);
  ctx.add(l, 'erspan.cos', w1 >> 13, off + 2, 2);
  ctx.add(l, version === 2 ? 'erspan.bso' : 'erspan.encap', (w1 >> 11) & 3, off + 2, 2);
  ctx.add(l, 'erspan.truncated', (w1 >> 10) & 1, off + 2, 2);
  ctx.add(l, 'erspan.spanid', w1 & 0x3ff, off + 2, 2);
  let o = off + 8;
  let ethernet = true;
  if (version === 2) {
    if (end - off < 12) { ctx.malformedAt('erspan', `ERSPAN type III header cut short (${end - off} of 12 bytes)`, off, end - off); return; }
    ctx.add(l, 'erspan.timestamp', u32(d, off + 4), off + 4, 4);
    ctx.add(l, 'erspan.sgt', u16(d, off + 8), off + 8, 2);
    const w = u16(d, off + 10);
    ctx.add(l, 'erspan.p', w >> 15, off + 10, 2);
    ctx.add(l, 'erspan.ft', (w >> 10) & 0x1f, off + 10, 2);
    // frame type 0 is Ethernet; the others (IP) tshark leaves as data
    ethernet = ((w >> 10) & 0x1f) === 0;
    ctx.add(l, 'erspan.hw', (w >> 4) & 0x3f, off + 10, 2);
    ctx.add(l, 'erspan.direction', (w & 8) !== 0, off + 10, 2);
    ctx.add(l, 'erspan.gra', (w >> 1) & 3, off + 10, 2);
    ctx.add(l, 'erspan.o', w & 1, off + 10, 2);
    o = off + 12;
    if (w & 1) {
      if (end - o < 8) { ctx.malformedAt('erspan', 'ERSPAN platform sub-header cut short', o, end - o); return; }
      ctx.add(l, 'erspan.platid', d[o] >> 2, o, 4);
      o += 8;
    }
  } else if (version === 1) {
    const w2 = u32(d, off + 4);
    ctx.add(l, 'erspan.reserved', w2 >>> 20, off + 4, 4);
    ctx.add(l, 'erspan.index', w2 & 0xfffff, off + 4, 4);
  } else {
    ctx.malformedAt('erspan', `unknown ERSPAN version ${version}`, off, 2);
    return;
  }
  l.len = o - off;
  if (o < end) {
    if (ethernet) dissectEth(ctx, st, o, end);
    else dissectData(ctx, o, end);
  }
}

GRE_PROTO.add(0x88be, (ctx, st, off, end, seq) => dissectErspan(ctx, st, off, end, seq));
GRE_PROTO.add(0x22eb, (ctx, st, off, end) => dissectErspan(ctx, st, off, end, true));
