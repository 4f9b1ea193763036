// IRC (RFC 1459, RFC 2812) on tcp/6667 and 57000 (dircproxy), as tshark
// 4.0's packet-irc.c: each segment on its own, a line at a time; a segment
// to the port IRC was found on carries requests, else responses. Each line
// is split into prefix, command (a numeric reply also as
// `irc.response.num_command`), parameters and trailer; CTCP (\x01-quoted)
// text inside a trailer is `irc.ctcp`, cut as tshark cuts it.
import type { Ctx, FieldNode } from './context';
import { pastEnd } from './cut';
import { declare } from './fields';
import * as tables from './tables';
import type { TcpApp } from './tcpstream';
const { TCP_PORT } = tables;

declare('irc', 'Internet Relay Chat', [
  ['irc.request', 'string', 'Request'],
  ['irc.request.prefix', 'string', 'Prefix'],
  ['irc.request.command', 'string', 'Command'],
  ['irc.request.command_parameter', 'string', 'Parameter'],
  ['irc.request.trailer', 'string', 'Trailer'],
  ['irc.response', 'string', 'Response'],
  ['irc.response.prefix', 'string', 'Prefix'],
  ['irc.response.command', 'string', 'Command'],
  ['irc.response.num_command', 'uint', 'Command'],
  ['irc.response.command_parameter', 'string', 'Parameter'],
  ['irc.response.trailer', 'string', 'Trailer'],
  ['irc.ctcp', 'string', 'CTCP Data'],
]);

const SP = 0x20, COLON = 0x3a, CTCP = 0x01;
/** an ASCII string field's value: up to a NUL, bytes past 0x7F replaced as tshark's ENC_ASCII does */
function ascii(d: Uint8Array, o: number, n: number): string {
  let s = '';
  for (let i = o; i < o + n && d[i] !== 0; i++) s += d[i] < 0x80 ? String.fromCharCode(d[i]) : '\ufffd';
  return s;
}
/** the first `b` in [o, o+n) (n < 0: to `end`), or -1 (tvb_pbrk_guint8 with one needle) */
function find(d: Uint8Array, o: number, n: number, b: number, end: number): number {
  const stop = n < 0 ? end : Math.min(end, o + n);
  for (let i = o; i < stop; i++) if (d[i] === b) return i;
  return -1;
}
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** tshark's exception on an item past the bytes */
class OutOfBytes {}

/**
 * dissect_irc_tag_data over a trailer [o, o+n): CTCP text when it holds a
 * \x01 (tshark's search for the closing one starts at the opening one, and
 * shows the trailer less its first and last byte).
 */
function ctcp(ctx: Ctx, l: FieldNode, o: number, n: number, base: number, end: number): void {
  const d = ctx.d;
  if (find(d, o, n, CTCP, end) === -1) return;
  // its length argument is the trailer's length less the trailer's offset in the segment
  const m = n - (o - base);
  if (m === 0 || find(d, o, m, CTCP, end) === -1) return;
  const len = n - 2;
  if (len < -1 || o + 1 + Math.max(len, 0) > end) throw new OutOfBytes();
  // -1: "to the end", which on a segment the capture cut lies past the bytes
  if (len === -1 && ctx.pkt.capLen < ctx.pkt.origLen && end >= ctx.pkt.data.length) throw new OutOfBytes();
  const e = len === -1 ? end : o + 1 + len;
  ctx.add(l, 'irc.ctcp', ascii(d, o + 1, e - o - 1), o + 1, e - o - 1);
}

/** dissect_irc_request / dissect_irc_response for one line [o, o+n) */
function line(ctx: Ctx, l: FieldNode, req: boolean, o: number, n: number, base: number, end: number, onCommand: (cmd: string) => void): void {
  const d = ctx.d;
  const k = req ? 'irc.request' : 'irc.response';
  const item = ctx.add(l, k, ascii(d, o, n), o, n);
  const stop = o + n;
  let p = o;
  if (d[p] === COLON) {
    const eop = find(d, p + 1, n - 1, SP, end);
    if (eop === -1) { ctx.flagMalformed('irc', 'Prefix missing ending <space>', o, n); return; }
    ctx.sub(item, `${k}.prefix`, ascii(d, p + 1, eop - p - 1), p + 1, eop - p - 1);
    p = eop + 1;
  }
  while (p < stop && d[p] === SP) p++;
  if (p === stop) { ctx.flagMalformed('irc', `${req ? 'Request' : 'Response'} has no command`, o, n); return; }
  const eoc = find(d, p, stop - p, SP, end);
  const ce = eoc === -1 ? stop : eoc;
  const cmd = ascii(d, p, ce - p);
  ctx.sub(item, `${k}.command`, cmd, p, ce - p);
  // Info names the command as soon as it is read (what follows may still throw)
  onCommand(cmd);
  if (!req && ce - p === 3 && isDigit(d[p]) && isDigit(d[p + 1]) && isDigit(d[p + 2])) {
    ctx.hidden('irc.response.num_command', (d[p] - 0x30) * 100 + (d[p + 1] - 0x30) * 10 + d[p + 2] - 0x30, p, ce - p);
  }
  if (eoc === -1) return;
  p = eoc + 1;
  while (p < stop && d[p] === SP) p++;
  if (p === stop) return;
  const trailer = (): void => {
    ctx.sub(item, `${k}.trailer`, ascii(d, p + 1, stop - p - 1), p + 1, stop - p - 1);
    ctcp(ctx, item, p + 1, stop - p - 1, base, end);
  };
  if (d[p] === COLON) { trailer(); return; }
  while (p < stop) {
    const eocp = find(d, p, stop - p, SP, end);
    const tag = find(d, p, stop - p, CTCP, end);
    // a parameter unless a \x01 comes before the next space (no space: the rest is one parameter)
    if (tag === -1 || eocp < tag) {
      if (eocp === -1) { ctx.sub(item, `${k}.command_parameter`, ascii(d, p, stop - p), p, stop - p); return; }
      ctx.sub(item, `${k}.command_parameter`, ascii(d, p, eocp - p), p, eocp - p);
      p = eocp + 1;
      while (p < stop && d[p] === SP) p++;
      if (p === stop) break;
      if (d[p] === COLON) { trailer(); return; }
    } else {
      const tagEnd = find(d, tag + 1, stop - tag - 1, CTCP, end);
      if (tagEnd === -1) return;
      ctcp(ctx, item, tag, tagEnd - tag, base, end);
      p = tagEnd + 1;
    }
  }
  return;
}

export function dissectIrc(ctx: Ctx, req: boolean, off: number, end: number): void {
  const d = ctx.d;
  ctx.protocol = 'IRC';
  let info = req ? 'Request' : 'Response';
  ctx.info = info;
  const l = ctx.layer('irc', off, end - off);
  let o = off;
  try {
    while (o < end) {
      let e = o;
      while (e < end && d[e] !== 13 && d[e] !== 10) e++;
      const next = e >= end ? end : d[e] === 13 && e + 1 < end && d[e + 1] === 10 ? e + 2 : e + 1;
      if (e > o) {
        line(ctx, l, req, o, e - o, off, end, (cmd) => { info += ` (${cmd})`; });
      }
      o = next;
    }
  } catch (err) {
    if (!(err instanceof OutOfBytes)) throw err;
    pastEnd(ctx, 'irc', 'IRC item past the segment', o, end - o, end);
  }
  ctx.info = info;
}

class IrcApp implements TcpApp {
  constructor(private readonly req: boolean) {}
  feed(ctx: Ctx, _st: unknown, _s: unknown, _f: unknown, off: number, end: number): void { dissectIrc(ctx, this.req, off, end); }
  fin(): void {}
  reset(): void {}
}

TCP_PORT.add([6667, 57000], (_sp, dp, match) => new IrcApp(match === dp));
