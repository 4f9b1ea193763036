// POP3 (RFC 1939, tcp/110), as tshark 4.0's packet-pop.c reads it: each
// segment on its own, its first line a request (command and parameter:
// USER's parameter is the user name) or a response (+OK/-ERR and its
// description), its other lines data. A segment of the server's that does
// not start with +OK or -ERR continues a RETR/TOP answer: such segments are
// DATA fragments, reassembled into the mail (IMF) once they reach the
// octet count the +OK announced (counting, as tshark does, only the
// continuation segments).
import type { Ctx, FieldNode } from './context';
import { SKIP } from './context';
import { declare } from './fields';
import type { State } from './state';
import type { TcpApp, TcpStream } from './tcpstream';
import { dissectImf } from './imf';
import * as readers from './bytes';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { TCP_PORT } = tables;
const { latin1 } = readers;

declare('pop', 'Post Office Protocol', [
  ['pop.request', 'string', 'Request'],
  ['pop.request.command', 'string', 'Request command'],
  ['pop.request.parameter', 'string', 'Request parameter'],
  ['pop.request.data', 'string', 'Data'],
  ['pop.response', 'string', 'Response'],
  ['pop.response.indicator', 'string', 'Response indicator'],
  ['pop.response.description', 'string', 'Response description'],
  ['pop.response.data', 'string', 'Data'],
  ['pop.data.fragments', 'none', 'DATA fragments'],
  ['pop.data.fragment', 'framenum', 'DATA fragment'],
  ['pop.data.fragment.count', 'uint', 'DATA fragment count'],
  ['pop.data.reassembled.length', 'uint', 'Reassembled DATA length'],
]);

/** a mail kept for IMF up to this size */
const MAX_MESSAGE = 4 << 20;
const MAX_FRAGMENTS = 4096;

/** One connection: a RETR/TOP awaiting its answer, the octets announced and read, the fragments so far. */
class Session {
  msgRequest = false;
  readLen = 0;
  totLen = 0;
  frames: number[] = [];
  parts: Uint8Array[] | null = [];
  total = 0;
}

const sessions = new WeakMap<TcpStream, Session>();

/** The line at o: [its end, the next line's start]. */
function lineAt(d: Uint8Array, o: number, end: number): [number, number] {
  for (let i = o; i < end; i++) {
    if (d[i] === 10) return [i, i + 1];
    if (d[i] === 13) return [i, i + 1 < end && d[i + 1] === 10 ? i + 2 : i + 1];
  }
  return [end, end];
}

/** tshark's tvb_format_text: CR, LF and tab written as escapes. */
const formatText = (s: string): string => s.replace(/[\r\n\t]/g, (c) => (c === '\r' ? '\\r' : c === '\n' ? '\\n' : '\\t'));

export class PopApp implements TcpApp {
  constructor(private readonly request: boolean) {}

  feed(ctx: Ctx, _st: State, s: TcpStream, _f: unknown, off: number, end: number): void {
    const d = ctx.d;
    let ses = sessions.get(s);
    if (!ses) { ses = new Session(); sessions.set(s, ses); }
    const l = ctx.layer('pop', off, end - off);
    ctx.protocol = 'POP';
    const [le, next] = lineAt(d, off, end);
    const line = latin1(d, off, le);
    ctx.info = `${this.request ? 'C' : 'S'}: ${formatText(line)}`;
    if (!this.request && !line.startsWith('+OK') && !line.startsWith('-ERR')) { this.continuation(ctx, ses, l, off, end); return; }
    const item = ctx.add(l, this.request ? 'pop.request' : 'pop.response', '', off, next - off);
    if (item !== SKIP) item.label = formatText(latin1(d, off, next));
    // the first token: up to a space (tshark's get_token_len)
    let t = 0;
    while (t < line.length && line[t] !== ' ') t++;
    let rest = line.length;
    let at = off;
    if (t > 0) {
      ctx.sub(item, this.request ? 'pop.request.command' : 'pop.response.indicator', line.slice(0, t), off, t);
      if (this.request) {
        const up = line.slice(0, 4).toUpperCase();
        if (up === 'RETR' || up.startsWith('TOP')) ses.msgRequest = true;
      } else if (ses.msgRequest) {
        if (line.startsWith('+OK ') && line.length > 4) {
          ses.readLen = 0;
          ses.totLen = 0;
          const m = /^\S+\s+(\d+)(?:\s|$)/.exec(line);
          if (m) ses.totLen = Math.min(Number(m[1]), 0xffffffff);
        }
        ses.msgRequest = false;
      }
      let n = t;
      while (n < line.length && line[n] === ' ') n++;
      at = off + n;
      rest = line.length - n;
    }
    if (rest > 0) ctx.sub(item, this.request ? 'pop.request.parameter' : 'pop.response.description', latin1(d, at, le), at, rest);
    for (let o = next; o < end;) {
      const [e2, n2] = lineAt(d, o, end);
      const f = ctx.add(l, this.request ? 'pop.request.data' : 'pop.response.data', '', o, n2 - o);
      if (f !== SKIP) f.label = formatText(latin1(d, o, n2));
      o = n2;
      void e2;
    }
  }

  /** A segment of a RETR/TOP answer: a DATA fragment; the one reaching the announced size carries the mail. */
  private continuation(ctx: Ctx, ses: Session, l: FieldNode, off: number, end: number): void {
    const d = ctx.d;
    const n = end - off;
    ctx.info = `S: DATA fragment, ${n} byte${n === 1 ? '' : 's'}`;
    ses.readLen += end - off;
    const more = ses.readLen < ses.totLen;
    if (ses.frames.length < MAX_FRAGMENTS) ses.frames.push(ctx.pkt.number);
    ses.total += end - off;
    if (ses.parts !== null) {
      if (ses.total > MAX_MESSAGE) ses.parts = null;
      else ses.parts.push(d.slice(off, end));
    }
    if (more) return;
    const frs = ctx.add(l, 'pop.data.fragments', null, off, 0);
    if (frs !== SKIP) frs.label = `${ses.frames.length} DATA fragment${ses.frames.length === 1 ? '' : 's'} (${ses.total} bytes)`;
    for (const f of ses.frames) ctx.sub(frs, 'pop.data.fragment', f, off, 0);
    ctx.sub(frs, 'pop.data.fragment.count', ses.frames.length, off, 0);
    ctx.sub(frs, 'pop.data.reassembled.length', ses.total, off, 0);
    const parts = ses.parts, total = ses.total;
    ses.frames = []; ses.parts = []; ses.total = 0; ses.readLen = 0; ses.totLen = 0;
    if (parts === null) { ctx.note('protocol', 'pop', `mail past the ${MAX_MESSAGE}-byte limit: its headers are not decoded`, 'warn'); return; }
    const msg = new Uint8Array(total);
    let o = 0;
    for (const p of parts) { msg.set(p, o); o += p.length; }
    ctx.withReassembled(msg, total - (end - off), off, end - off, () => dissectImf(ctx, 0, total));
  }

  fin(): void {}
  reset(): void {}
}

// the client is the side that sends to the POP port
TCP_PORT.add([110], (_sp, dp) => new PopApp(dp === 110));
