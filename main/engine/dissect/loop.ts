// The Ethernet Configuration Test Protocol ("loopback", ethertype 0x9000):
// a little-endian skipCount, then functions (Reply with a receipt number,
// Forward Data with an address) read until a Reply or an unknown one, the
// rest data. As tshark 4.0's packet-loop.c, Info names the function at the
// skip offset, "No valid function found" when none is there, and at least
// one function is read, so a frame without one is malformed.
import type { Ctx } from './context';
import type { State } from './state';
import { declare } from './fields';
import { dissectData } from './data';
import * as readers from './bytes';
import * as tables from './tables';
const { ETHERTYPE } = tables;
const { u16le } = readers;

const FUNCTIONS: Record<number, string> = { 1: 'Reply', 2: 'Forward Data' };
declare('loop', 'Configuration Test Protocol (loopback)', [
  ['loop.skipcount', 'uint', 'skipCount'],
  ['loop.function', 'uint', 'Function', { valueNames: FUNCTIONS }],
  ['loop.relevant_function', 'uint', 'Relevant function', { valueNames: FUNCTIONS }],
  ['loop.receipt_number', 'uint', 'Receipt number'],
  ['loop.forwarding_address', 'ether', 'Forwarding address'],
]);

function dissectLoop(ctx: Ctx, _st: State, off: number, end: number): number {
  const d = ctx.d;
  const l = ctx.layer('loop', off, end - off);
  ctx.protocol = 'LOOP';
  ctx.info = '';
  const cut = (o: number, need: number): number => {
    ctx.boundsAt('loop', `loopback function cut short (${end - o} of ${need} bytes)`, o, Math.max(0, end - o));
    return end;
  };
  if (end - off < 2) return cut(off, 2);
  const skip = u16le(d, off);
  ctx.add(l, 'loop.skipcount', skip, off, 2);
  const skipAt = off + 2 + skip;
  let o = off + 2, named = false;
  // functions run until a Reply or an unknown one, even past the last byte (a Forward Data last is cut
  // short, as tshark reads it); each turn consumes at least two bytes: bounded by the frame
  for (;;) {
    if (end - o < 2) return cut(o, 2);
    const fn = u16le(d, o);
    if (o === skipAt) {
      ctx.info = FUNCTIONS[fn] ?? `Unknown function (${fn})`;
      ctx.hidden('loop.relevant_function', fn, o, 2);
      named = true;
    }
    ctx.add(l, 'loop.function', fn, o, 2);
    o += 2;
    if (fn === 1) {
      if (end - o < 2) return cut(o, 2);
      ctx.add(l, 'loop.receipt_number', u16le(d, o), o, 2);
      o += 2;
      break;
    }
    if (fn !== 2) break;
    if (end - o < 6) return cut(o, 6);
    ctx.add(l, 'loop.forwarding_address', d.subarray(o, o + 6), o, 6);
    o += 6;
  }
  if (!named) ctx.info = 'No valid function found';
  l.len = o - off;
  if (o < end) dissectData(ctx, o, end);
  return end;
}

ETHERTYPE.add(0x9000, dissectLoop);
