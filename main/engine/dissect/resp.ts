// Redis's RESP (REdis Serialization Protocol, tcp/6379): arrays, bulk
// strings, simple strings, errors and integers, nested to a bounded depth;
// a command and its arguments (what a review reads: AUTH, CONFIG SET,
// EVAL, ...) and the reply are in Info as tshark writes them ("Request:
// set k v", "Response: Error: ..."). A value spanning segments is joined
// (bounded) and decoded on the segment that completes it. Fields and Info
// as tshark 4.0's packet-resp.c.
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import { declare } from './fields';
import * as readers from './bytes';
import * as tables from './tables';
import { HeldBytesApp } from './pdu';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { TCP_PORT } = tables;
const { latin1 } = readers;

declare('resp', 'REdis Serialization Protocol', [
  ['resp.string', 'string', 'String'],
  ['resp.error', 'string', 'Error'],
  ['resp.bulk_string.value', 'bytes', 'Value'],
  ['resp.bulk_string.length', 'int', 'Length'],
  ['resp.integer', 'int', 'Integer'],
  ['resp.array.length', 'int', 'Length'],
]);

const MAX_DEPTH = 8;
const MAX_HELD = 1 << 20;

/** The end of the CRLF-terminated line at o (the offset of its CR), or -1 when not in [o, end). */
function lineEnd(d: Uint8Array, o: number, end: number): number {
  for (let i = o; i + 1 < end; i++) if (d[i] === 13 && d[i + 1] === 10) return i;
  return -1;
}

/** Does a complete value start at o? The offset after it, -1 when cut, -2 when it is not RESP. */
function skip(d: Uint8Array, o: number, end: number, depth: number): number {
  if (o >= end) return -1;
  const t = d[o];
  const e = lineEnd(d, o + 1, end);
  if (t !== 0x2b && t !== 0x2d && t !== 0x3a && t !== 0x24 && t !== 0x2a) return -2;
  if (e < 0) return -1;
  if (t === 0x2b || t === 0x2d || t === 0x3a) return e + 2;
  const n = Number(latin1(d, o + 1, e));
  if (!Number.isInteger(n) || n < -1) return -2;
  if (t === 0x24) return n < 0 ? e + 2 : e + 2 + n + 2 <= end ? e + 2 + n + 2 : -1;
  if (depth >= MAX_DEPTH) return -2;
  let p = e + 2;
  for (let i = 0; i < n; i++) { p = skip(d, p, end, depth + 1); if (p < 0) return p; }
  return p;
}

/** One value at o (known complete): its fields, its Info parts; the offset after it. */
function value(ctx: Ctx, l: FieldNode, d: Uint8Array, o: number, parts: string[], depth: number): number {
  const t = d[o];
  const e = lineEnd(d, o + 1, d.length);
  const text = latin1(d, o + 1, e);
  if (t === 0x2b) { ctx.add(l, 'resp.string', text, o + 1, e - o - 1); parts.push(text); return e + 2; }
  if (t === 0x2d) { ctx.add(l, 'resp.error', text, o + 1, e - o - 1); parts.push(`Error: ${text}`); return e + 2; }
  if (t === 0x3a) { ctx.add(l, 'resp.integer', Number(text), o + 1, e - o - 1); parts.push(text); return e + 2; }
  const n = Number(text);
  if (t === 0x24) {
    ctx.add(l, 'resp.bulk_string.length', n, o + 1, e - o - 1);
    if (n < 0) return e + 2;
    const b = e + 2;
    if (ctx.wants('resp.bulk_string.value')) ctx.add(l, 'resp.bulk_string.value', d.subarray(b, b + n), b, n);
    parts.push(latin1(d, b, b + n));
    return b + n + 2;
  }
  ctx.add(l, 'resp.array.length', n, o + 1, e - o - 1);
  // an array inside an array is named, not spelled out, in Info
  if (depth > 0) parts.push(`Array(${n})`);
  let p = e + 2;
  for (let i = 0; i < n && depth < MAX_DEPTH; i++) p = value(ctx, l, d, p, depth > 0 ? [] : parts, depth + 1);
  return p;
}

/** A value cut by the segment's end: the fields of its complete parts, as tshark shows them; false where it is cut. */
function partial(ctx: Ctx, l: FieldNode, d: Uint8Array, o: number, end: number, parts: string[], depth: number): [boolean, number] {
  const e = lineEnd(d, o + 1, end);
  if (o >= end || e < 0) return [false, o];
  const t = d[o];
  if (t !== 0x24 && t !== 0x2a) return [true, value(ctx, l, d.subarray(0, e + 2), o, parts, depth)];
  const n = Number(latin1(d, o + 1, e));
  if (t === 0x24) {
    if (n >= 0 && e + 2 + n + 2 > end) { ctx.add(l, 'resp.bulk_string.length', n, o + 1, e - o - 1); return [false, o]; }
    return [true, value(ctx, l, d.subarray(0, e + 2 + Math.max(0, n + 2)), o, parts, depth)];
  }
  ctx.add(l, 'resp.array.length', n, o + 1, e - o - 1);
  if (depth > 0) parts.push(`Array(${n})`);
  let p = e + 2;
  for (let i = 0; i < n && depth < MAX_DEPTH; i++) {
    const [ok, next] = partial(ctx, l, d, p, end, depth > 0 ? [] : parts, depth + 1);
    if (!ok) return [false, p];
    p = next;
  }
  return [true, p];
}

class RespApp extends HeldBytesApp {
  constructor(private readonly request: boolean) { super(); }

  /** the values of [o, end) */
  protected read(ctx: Ctx, _st: State, d: Uint8Array, o: number, end: number): void {
    const parts: string[] = [];
    let first = true;
    for (let n = 0; o < end && n < 4096; n++) {
      const next = skip(d, o, end, 0);
      if (next === -1) {
        this.held = end - o <= MAX_HELD ? d.slice(o, end) : null;
        // a value begun in this segment: tshark shows its complete parts and waits for the rest
        if (first && d === ctx.pkt.data) {
          const l = ctx.layer('resp', o, end - o);
          partial(ctx, l, d, o, end, parts, 0);
          // (tshark leaves the Protocol column TCP's there)
          ctx.setSummary('TCP', `${this.request ? 'Request:' : 'Response:'}${parts.map((p) => ` ${p}`).join('')} [continuation] [TCP segment of a reassembled PDU]`);
          return;
        }
        break;
      }
      // not RESP (an inline command, damage): the rest of the segment under the protocol's name, undecoded
      if (next === -2) { if (first) ctx.layer('resp', o, end - o); ctx.malformedAt('resp', 'not a RESP value', o, end - o); break; }
      // a sub-view ending at the value: value() never reads past a complete value
      const l = ctx.layer('resp', o, next - o);
      if (!first) ctx.protocols.pop();
      value(ctx, l, d.subarray(0, next), o, parts, 0);
      first = false;
      o = next;
    }
    if (!first) ctx.setSummary('RESP', `${this.request ? 'Request:' : 'Response:'}${parts.map((p) => ` ${p}`).join('')}`.trimEnd());
  }
}

TCP_PORT.add([6379], (_sp, dp) => new RespApp(dp === 6379));
