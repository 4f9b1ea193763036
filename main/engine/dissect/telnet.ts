// Telnet (RFC 854 and the option RFCs) on tcp/23, as tshark 4.0's
// packet-telnet.c: each segment on its own, its data cut into lines
// (`telnet.data`, the line end kept) around IAC commands (`telnet.cmd`),
// option negotiation (`telnet.subcmd`) and suboptions: Terminal Type,
// window size, remote
// flow control, tab stops, output marking, authentication and encryption
// commands, START_TLS; other suboptions' bytes are `telnet.option_data`.
// Not done: the TN3270/TN5250 hand-over (an IBM terminal type makes tshark
// decode the data as 3270), Kerberos inside authentication, COM port
// control, and the STARTTLS switch to TLS.
import type { Ctx, FieldNode } from './context';
import { pastEnd } from './cut';
import { declare } from './fields';
import * as tables from './tables';
import type { TcpApp } from './tcpstream';
const { TCP_PORT } = tables;

const IAC = 255, SB = 250;
const CMDS: Record<number, string> = {
  240: 'Suboption End', 241: 'No Operation', 242: 'Data Mark', 243: 'Break', 244: 'Interrupt Process', 245: 'Abort Output',
  246: 'Are You There?', 247: 'Escape Character', 248: 'Erase Line', 249: 'Go Ahead', 250: 'Suboption', 251: 'Will', 252: "Won't", 253: 'Do', 254: "Don't",
};
const OPTIONS = ['Binary Transmission', 'Echo', 'Reconnection', 'Suppress Go Ahead', 'Approx Message Size Negotiation', 'Status', 'Timing Mark',
  'Remote Controlled Trans and Echo', 'Output Line Width', 'Output Page Size', 'Output Carriage-Return Disposition', 'Output Horizontal Tab Stops',
  'Output Horizontal Tab Disposition', 'Output Formfeed Disposition', 'Output Vertical Tabstops', 'Output Vertical Tab Disposition',
  'Output Linefeed Disposition', 'Extended ASCII', 'Logout', 'Byte Macro', 'Data Entry Terminal', 'SUPDUP', 'SUPDUP Output', 'Send Location',
  'Terminal Type', 'End of Record', 'TACACS User Identification', 'Output Marking', 'Terminal Location Number', 'Telnet 3270 Regime', 'X.3 PAD',
  'Negotiate About Window Size', 'Terminal Speed', 'Remote Flow Control', 'Linemode', 'X Display Location', 'Environment Option',
  'Authentication Option', 'Encryption Option', 'New Environment Option', 'TN3270E', 'XAUTH', 'CHARSET', 'Remote Serial Port', 'COM Port Control',
  'Suppress Local Echo', 'Start TLS', 'KERMIT', 'SEND-URL', 'FORWARD_X'];

type SubDissect = (ctx: Ctx, l: FieldNode, opt: string, d: Uint8Array, o: number, len: number) => void;
/** the suboptions packet-telnet.c decodes: [fixed length?, minimum or exact length, decoder] */
const SUBOPTS = new Map<number, [fixed: boolean, len: number, fn: SubDissect]>();

declare('telnet', 'Telnet', [
  ['telnet.cmd', 'uint', 'Command', { valueNames: CMDS }],
  ['telnet.subcmd', 'uint', 'Subcommand'],
  ['telnet.data', 'string', 'Data'],
  ['telnet.option_data', 'bytes', 'Option data'],
  ['telnet.subcommand_data', 'bytes', 'Subcommand data'],
  ['telnet.string_subopt.value', 'string', 'Value'],
  ['telnet.naws_subopt.width', 'uint', 'Width'],
  ['telnet.naws_subopt.height', 'uint', 'Height'],
  ['telnet.rfc_subopt.cmd', 'uint', 'Command', { valueNames: { 0: 'OFF', 1: 'ON', 2: 'RESTART-ANY', 3: 'RESTART-XON' } }],
  ['telnet.tabstop', 'uint', 'Tabstop value'],
  // FT_CHAR: kept as the quoted character tshark prints
  ['telnet.outmark_subopt.cmd', 'string', 'Command'],
  ['telnet.outmark_subopt.banner', 'string', 'Banner'],
  ['telnet.auth.cmd', 'uint', 'Auth Cmd', { valueNames: { 0: 'IS', 1: 'SEND', 2: 'REPLY', 3: 'NAME' } }],
  ['telnet.auth.type', 'uint', 'Auth Type'],
  ['telnet.auth.name', 'string', 'Name'],
  ['telnet.auth.mod.enc', 'uint', 'Encrypt'],
  ['telnet.auth.mod.cred_fwd', 'bool', 'Cred Fwd'],
  ['telnet.auth.mod.how', 'bool', 'How'],
  ['telnet.auth.mod.who', 'bool', 'Who'],
  ['telnet.auth.krb5.cmd', 'uint', 'Command'],
  ['telnet.enc.cmd', 'uint', 'Enc Cmd'],
  ['telnet.enc.type', 'uint', 'Enc Type'],
  ['telnet.enc.type_data', 'bytes', 'Type-specific data'],
  ['telnet.enc.key_id', 'bytes', 'Key ID'],
  ['telnet.starttls', 'uint', 'Follows'],
]);

/** an ASCII string field's value: up to a NUL, other bytes past 0x7F replaced as tshark's ENC_ASCII does */
const ascii = (d: Uint8Array, o: number, n: number): string => {
  let s = '';
  for (let i = o; i < o + n && d[i] !== 0; i++) s += d[i] < 0x80 ? String.fromCharCode(d[i]) : '\ufffd';
  return s;
};
/** an FT_CHAR as tshark prints it: the character quoted, escaped when not printable */
const charOf = (c: number): string => c >= 0x20 && c < 0x7f && c !== 0x27 && c !== 0x5c ? `'${String.fromCharCode(c)}'` : `'\\x${c.toString(16).padStart(2, '0')}'`;

/** Here's my / Send your (dissect_string_subopt, dissect_htstops_subopt's first byte) */
function subcmd(ctx: Ctx, l: FieldNode, d: Uint8Array, o: number, len: number): number {
  const cmd = d[o];
  put(ctx, l, cmd <= 1 ? 'telnet.subcmd' : 'telnet.subcommand_data', cmd <= 1 ? cmd : d.subarray(o + 1, o + len), cmd <= 1 ? o : o + 1, cmd <= 1 ? 1 : len - 1);
  return cmd;
}
const stringSub: SubDissect = (ctx, l, _opt, d, o, len) => {
  const cmd = d[o];
  if (cmd > 1) { if (len > 1) put(ctx, l, 'telnet.subcommand_data', d.subarray(o + 1, o + len), o + 1, len - 1); return; }
  put(ctx, l, 'telnet.subcmd', cmd, o, 1);
  if (len > 1) put(ctx, l, cmd === 0 ? 'telnet.string_subopt.value' : 'telnet.subcommand_data', cmd === 0 ? ascii(d, o + 1, len - 1) : d.subarray(o + 1, o + len), o + 1, len - 1);
};
SUBOPTS.set(24, [false, 1, stringSub]);
SUBOPTS.set(31, [true, 4, (ctx, l, _opt, d, o) => {
  put(ctx, l, 'telnet.naws_subopt.width', d[o] << 8 | d[o + 1], o, 2);
  put(ctx, l, 'telnet.naws_subopt.height', d[o + 2] << 8 | d[o + 3], o + 2, 2);
}]);
SUBOPTS.set(33, [true, 1, (ctx, l, _opt, d, o) => { put(ctx, l, 'telnet.rfc_subopt.cmd', d[o], o, 1); }]);
SUBOPTS.set(11, [false, 1, (ctx, l, _opt, d, o, len) => {
  if (subcmd(ctx, l, d, o, len) > 1) return;
  for (let i = o + 1; i < o + len; i++) put(ctx, l, 'telnet.tabstop', d[i], i, 1);
}]);
SUBOPTS.set(27, [false, 1, (ctx, l, _opt, d, o, len) => {
  let p = o, n = len;
  while (n > 0) {
    put(ctx, l, 'telnet.outmark_subopt.cmd', charOf(d[p]), p, 1);
    p++; n--;
    let gs = p;
    while (gs < p + n && d[gs] !== 29) gs++;
    if (gs > p) { put(ctx, l, 'telnet.outmark_subopt.banner', ascii(d, p, gs - p), p, gs - p); n -= gs - p; p = gs; }
  }
}]);
SUBOPTS.set(46, [false, 1, (ctx, l, _opt, d, o) => { put(ctx, l, 'telnet.starttls', d[o], o, 1); }]);
function authPair(ctx: Ctx, l: FieldNode, d: Uint8Array, o: number): void {
  put(ctx, l, 'telnet.auth.type', d[o], o, 1);
  const m = d[o + 1];
  put(ctx, l, 'telnet.auth.mod.enc', (m & 0x14) >> 2, o + 1, 1);
  put(ctx, l, 'telnet.auth.mod.cred_fwd', (m & 0x08) !== 0, o + 1, 1);
  put(ctx, l, 'telnet.auth.mod.how', (m & 0x02) !== 0, o + 1, 1);
  put(ctx, l, 'telnet.auth.mod.who', (m & 0x01) !== 0, o + 1, 1);
}
SUBOPTS.set(37, [false, 1, (ctx, l, _opt, d, o, len) => {
  const cmd = d[o];
  put(ctx, l, 'telnet.auth.cmd', cmd, o, 1);
  let p = o + 1, n = len - 1;
  if (cmd === 0 || cmd === 2) {
    if (n < 3) throw new OutOfBytes();
    authPair(ctx, l, d, p);
    put(ctx, l, 'telnet.auth.krb5.cmd', d[p + 2], p + 2, 1);
  } else if (cmd === 1) {
    while (n > 0) { if (n < 2) throw new OutOfBytes(); authPair(ctx, l, d, p); p += 2; n -= 2; }
  } else if (cmd === 3) put(ctx, l, 'telnet.auth.name', ascii(d, p, n), p, n);
}]);
SUBOPTS.set(38, [false, 1, (ctx, l, _opt, d, o, len) => {
  const cmd = d[o];
  put(ctx, l, 'telnet.enc.cmd', cmd, o, 1);
  const p = o + 1, n = len - 1;
  if (cmd === 0 || cmd === 2) {
    if (n > 0) { put(ctx, l, 'telnet.enc.type', d[p], p, 1); put(ctx, l, 'telnet.enc.type_data', d.subarray(p + 1, p + n), p + 1, n - 1); }
  } else if (cmd === 1) {
    for (let i = p; i < p + n; i++) put(ctx, l, 'telnet.enc.type', d[i], i, 1);
  } else if ((cmd === 3 || cmd === 5 || cmd === 7 || cmd === 8) && n > 0) put(ctx, l, 'telnet.enc.key_id', d.subarray(p, p + n), p, n);
}]);

/** tshark's exception on reading past the segment */
class OutOfBytes {}

/** where the captured bytes end while a suboption is decoded (its length may run past them on a cut frame) */
let limit = Infinity;
/** ctx.add for the suboption decoders: an item past the captured bytes is tshark's exception */
function put(ctx: Ctx, l: FieldNode, name: string, value: string | number | boolean | Uint8Array, o: number, n: number): void {
  if (o + n > limit) throw new OutOfBytes();
  ctx.add(l, name, value, o, n);
}

/** the capture cut the frame at `end`: tshark's reads there run on to the length on the wire */
const isCut = (ctx: Ctx, end: number): boolean => ctx.pkt.capLen < ctx.pkt.origLen && end >= ctx.pkt.data.length;

/**
 * telnet_add_text: [off, off+len) as lines, each with its line end (CR
 * runs up to LF, or NUL after CR). `cut`: the capture cut the segment at
 * off+len, so a last line without its end runs past the bytes (tshark
 * reads to the segment's length on the wire, and throws).
 */
function addText(ctx: Ctx, l: FieldNode, off: number, len: number, cut = false): void {
  const d = ctx.d;
  let o = off;
  const stop = off + len;
  while (o < stop) {
    let e = o;
    while (e < stop && d[e] !== 13 && d[e] !== 10) e++;
    // a CR the capture cut after may be the start of a CRLF: tshark reads on, past the bytes
    if (cut && (e >= stop || (d[e] === 13 && e + 1 >= stop))) throw new OutOfBytes();
    let next = e;
    if (e < stop) next = d[e] === 13 && e + 1 < stop && d[e + 1] === 10 ? e + 2 : e + 1;
    if (e < stop && next === e + 1 && next < stop && d[e] === 13) {
      let cr = true;
      while (next < stop) {
        const c = d[next++];
        if (c === 10 || (c === 0 && cr)) break;
        cr = c === 13;
      }
    }
    ctx.add(l, 'telnet.data', ascii(d, o, next - o), o, next - o);
    o = next;
  }
}

/** telnet_sub_option: the suboption from IAC SB at `start` to its closing IAC (or the segment's end); returns where it ends. */
function subOption(ctx: Ctx, l: FieldNode, off: number, start: number, end: number): number {
  const d = ctx.d;
  const optByte = d[start + 2];
  let o = start + 3, cur = o;
  // tshark scans to the segment's length on the wire: past a cut, the option runs on
  const repEnd = isCut(ctx, end) ? end + ctx.pkt.origLen - ctx.pkt.capLen : end;
  const len = repEnd - o;
  let escaped = 0;
  for (;;) {
    let iac = cur;
    while (iac < end && d[iac] !== IAC) iac++;
    if (iac >= end) { o += len; break; }
    // tshark compares the IAC's offset in the segment with the bytes left after the option byte (a slip it makes), as here
    if (iac - off + 1 >= len) { o = iac; break; }
    if (iac + 1 >= end) throw new OutOfBytes();
    if (d[iac + 1] !== IAC) { o = iac; break; }
    cur = iac + 2;
    escaped++;
  }
  const subLen = o - start - 3;
  if (subLen <= 0) return o;
  const sub = optByte < OPTIONS.length ? SUBOPTS.get(optByte) : undefined;
  const from = start + 3;
  const run = (fn: (b: Uint8Array, p: number, n: number) => void): void => {
    if (escaped === 0) {
      limit = end;
      try { fn(d, from, subLen); } finally { limit = Infinity; }
      return;
    }
    // IAC IAC inside a suboption stands for one 0xFF: decoded from the unescaped bytes (their fields point at the suboption)
    const un: number[] = [];
    for (let i = from; i < Math.min(from + subLen, end); i++) { un.push(d[i]); if (d[i] === IAC && d[i + 1] === IAC) i++; }
    const u = Uint8Array.from(un);
    ctx.withReassembled(u, 0, from, 0, () => {
      limit = u.length;
      try { fn(u, 0, subLen - escaped); } finally { limit = Infinity; }
    });
  };
  if (sub === undefined) {
    run((b, p, n) => put(ctx, l, 'telnet.option_data', b.subarray(p, p + n), p, n));
    return o;
  }
  const [fixed, need, fn] = sub;
  if (fixed ? subLen - escaped !== need : subLen - escaped < need) {
    ctx.errorAt('telnet', `Suboption parameter length is ${subLen}, should be ${fixed ? '' : 'at least '}${need}`, start, o - start);
    return o;
  }
  run((b, p, n) => fn(ctx, l, OPTIONS[optByte], b, p, n));
  return o;
}

/** telnet_command: IAC at `start`; returns where the command ends. */
function command(ctx: Ctx, l: FieldNode, off: number, start: number, end: number): number {
  const d = ctx.d;
  if (start + 2 > end) throw new OutOfBytes();
  const code = d[start + 1];
  ctx.add(l, 'telnet.cmd', code, start + 1, 1);
  if (code < 251 && code !== SB) return start + 2;
  if (start + 3 > end) throw new OutOfBytes();
  ctx.add(l, 'telnet.subcmd', d[start + 2], start + 2, 1);
  if (code !== SB) return start + 3;
  return subOption(ctx, l, off, start, end);
}

export function dissectTelnet(ctx: Ctx, off: number, end: number): void {
  const d = ctx.d;
  ctx.protocol = 'TELNET';
  ctx.info = 'Telnet Data ...';
  const l = ctx.layer('telnet', off, end - off);
  let o = off;
  try {
    while (o < end) {
      // an IAC doubled is a data byte 0xFF; a lone IAC at the very end makes tshark read past the bytes
      let iac = o;
      for (;;) {
        while (iac < end && d[iac] !== IAC) iac++;
        if (iac >= end) { iac = -1; break; }
        if (iac + 1 >= end) throw new OutOfBytes();
        if (d[iac + 1] !== IAC) break;
        iac += 2;
      }
      if (iac === -1) { addText(ctx, l, o, end - o, isCut(ctx, end)); break; }
      if (iac > o) addText(ctx, l, o, iac - o);
      o = command(ctx, l, off, iac, end);
    }
  } catch (e) {
    if (!(e instanceof OutOfBytes)) throw e;
    pastEnd(ctx, 'telnet', 'Telnet command cut short', o, end - o, end);
  }
}

class TelnetApp implements TcpApp {
  feed(ctx: Ctx, _st: unknown, _s: unknown, _f: unknown, off: number, end: number): void { dissectTelnet(ctx, off, end); }
  fin(): void {}
  reset(): void {}
}

TCP_PORT.add([23], () => new TelnetApp());
