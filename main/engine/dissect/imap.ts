// IMAP (RFC 3501, tcp/143), as tshark 4.0's packet-imap.c reads it: whole
// lines (a line without its end waits for the next segment), each tagged
// line's tag, command or status, the folder of the commands that name one,
// LOGIN's user name and password (what a brute-force review counts),
// responses paired with their request by tag, and FETCH responses whose
// literal ({n} bytes) holds a mail handed to IMF. After STARTTLS is
// answered OK both directions are TLS.
import type { Ctx, FieldNode } from './context';
import { declare } from './fields';
import type { State } from './state';
import type { TcpApp, TcpFlow, TcpStream } from './tcpstream';
import { TlsApp } from './tls';
import { dissectImf } from './imf';
import * as readers from './bytes';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { TCP_PORT } = tables;
const { latin1, lineEnd } = readers;

declare('imap', 'Internet Message Access Protocol', [
  ['imap.isrequest', 'bool', 'Request'],
  ['imap.line', 'string', 'Line'],
  ['imap.request', 'string', 'Request'],
  ['imap.request_tag', 'string', 'Request Tag'],
  ['imap.response', 'string', 'Response'],
  ['imap.response_tag', 'string', 'Response Tag'],
  ['imap.request.command', 'string', 'Request Command'],
  ['imap.response.command', 'string', 'Response Command'],
  ['imap.response.status', 'string', 'Response Status'],
  ['imap.tag', 'string', 'Tag'],
  ['imap.command', 'string', 'Command'],
  ['imap.request.folder', 'string', 'Request Folder'],
  ['imap.request.command.uid', 'bool', 'Request isUID'],
  ['imap.request.username', 'string', 'Request Username'],
  ['imap.request.password', 'string', 'Request Password'],
  ['imap.response_to', 'framenum', 'Request In'],
  ['imap.time', 'reltime', 'Response Time'],
]);

const FOLDER_COMMANDS = ['select', 'examine', 'create', 'delete', 'rename', 'subscribe', 'unsubscribe', 'status', 'append', 'search'];
/** tokens after '*' looked at for FETCH */
const LOOKAHEAD = 3;
/** bytes kept waiting for a line end or a FETCH literal, past which they are read as they are */
const MAX_PENDING = 4 << 20;
const MAX_TAGS = 1024;

/** One connection: the last request frame of each tag (lower case), a STARTTLS waiting for its answer. */
class Session {
  requests = new Map<string, { frame: number; ts: bigint | null }>();
  tlsRequested = false;
}
const sessions = new WeakMap<TcpStream, Session>();

/** tshark's get_token_len: a token ends at a space (or the line's end); returns [token end, next token]. */
function token(d: Uint8Array, o: number, end: number): [number, number] {
  let e = o;
  while (e < end && d[e] !== 32) e++;
  let n = e;
  while (n < end && d[n] === 32) n++;
  return [e, n];
}

const formatText = (s: string): string => s.replace(/[\r\n\t]/g, (c) => (c === '\r' ? '\\r' : c === '\n' ? '\\n' : '\\t'));
const unquote = (s: string): string => (s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s);
/** tshark compares a token with a word over the token's length: any prefix of the word matches */
const prefixOf = (tok: string, word: string): boolean => tok.length > 0 && word.startsWith(tok.toLowerCase());

export class ImapApp implements TcpApp {
  private pending: Uint8Array | null = null;
  /** this frame's bytes all wait for later ones (a FETCH literal not yet whole) */
  private deferredAll = false;

  constructor(private readonly request: boolean) {}

  feed(ctx: Ctx, st: State, s: TcpStream, flow: TcpFlow, off: number, end: number): void {
    let ses = sessions.get(s);
    if (!ses) { ses = new Session(); sessions.set(s, ses); }
    const d = ctx.d;
    let buf = d, start = off, stop = end;
    const carried = this.pending?.length ?? 0;
    if (this.pending !== null) {
      buf = new Uint8Array(carried + end - off);
      buf.set(this.pending, 0); buf.set(d.subarray(off, end), carried);
      start = 0; stop = buf.length;
      this.pending = null;
    }
    if (lineEnd(buf, start, stop) === null && stop - start < MAX_PENDING) { this.pending = buf === d ? d.slice(off, end) : buf; return; }
    const se = ses;
    let tls = false;
    // TCP's own summary, for a frame whose first response waits whole for later bytes
    const tcpProtocol = ctx.protocol, tcpInfo = ctx.info;
    const run = (): void => { tls = this.lines(ctx, se, start, stop); };
    if (buf === d) run();
    else ctx.withReassembled(buf, carried, off, end - off, run);
    if (this.deferredAll) {
      // as tshark: TCP names the frame a segment of a reassembled PDU (the IMAP layer stays)
      ctx.protocol = tcpProtocol;
      ctx.info = () => `${typeof tcpInfo === 'function' ? tcpInfo() : tcpInfo} [TCP segment of a reassembled PDU]`;
    }
    if (tls) {
      // STARTTLS was accepted: from the next frame on, both directions are TLS
      const other = flow === s.a ? s.b : s.a;
      for (const f of [flow, other]) { f.app = new TlsApp(); f.track = undefined; }
    }
  }

  /** The lines of [off, end) of ctx.d; returns whether TLS starts after this frame. */
  private lines(ctx: Ctx, ses: Session, off: number, end: number): boolean {
    const d = ctx.d;
    const l = ctx.layer('imap', off, end - off);
    ctx.protocol = 'IMAP';
    ctx.hidden('imap.isrequest', this.request, off, 0);
    let first = true, tls = false, lastLen = 0;
    this.deferredAll = false;
    for (let o = off; o < end;) {
      const le = lineEnd(d, o, end);
      if (le === null) {
        // the rest waits for its line end (bounded)
        if (end - o < MAX_PENDING) this.pending = d.slice(o, end);
        break;
      }
      const lineStop = le[0];
      let next = le[1];
      lastLen = lineStop - o;
      if (d[o] === 0x2a) {
        let show = true;
        const toks: Array<[number, number]> = [];
        for (let p = o + 1; toks.length < LOOKAHEAD && p < next;) {
          while (p < next && (d[p] === 32 || d[p] === 9 || d[p] === 13 || d[p] === 10)) p++;
          let q = p;
          while (q < next && d[q] !== 32 && d[q] !== 9 && d[q] !== 13 && d[q] !== 10) q++;
          if (q > p) toks.push([p, q]);
          p = q;
        }
        if (toks.length >= 2) {
          const f = toks.find(([a, b]) => prefixOf(latin1(d, a, b), 'fetch') && b - a <= 5);
          if (f) {
            const r = this.fetch(ctx, l, f[1], o, next, end);
            if (r === null) {
              if (end - o < MAX_PENDING) { this.pending = d.slice(o, end); this.deferredAll = o === off; }
              break;
            }
            next = r.next;
            if (r.imf) first = false;
            show = false;
          }
        }
        if (show) ctx.add(l, 'imap.line', latin1(d, o, next), o, next - o);
        o = next;
        continue;
      }
      if (first) { ctx.info = `${this.request ? 'Request' : 'Response'}: ${formatText(latin1(d, o, lineStop))}`; first = false; }
      const line = ctx.add(l, 'imap.line', latin1(d, o, next), o, next - o);
      if (lineStop > o) ctx.sub(line, this.request ? 'imap.request' : 'imap.response', latin1(d, o, lineStop), o, lineStop - o);
      let tag: string | null = null;
      let [te, tn] = token(d, o, lineStop);
      let p = o;
      if (te > p) {
        tag = latin1(d, p, te);
        ctx.sub(line, this.request ? 'imap.request_tag' : 'imap.response_tag', tag, p, te - p);
        ctx.hidden('imap.tag', tag, p, te - p);
        p = tn;
      }
      [te, tn] = token(d, p, lineStop);
      if (te > p) {
        const tok = latin1(d, p, te);
        let cmd = '', argAt = -1;
        if (this.request && prefixOf(tok, 'uid') && te - p <= 3) {
          ctx.sub(line, 'imap.request.command.uid', true, p, te - p);
          const [ce, cn] = token(d, tn, lineStop);
          ctx.sub(line, 'imap.request.command', latin1(d, tn, ce), tn, ce - tn);
          ctx.hidden('imap.command', tok, p, te - p);
          cmd = latin1(d, tn, ce).toLowerCase();
          argAt = cn;
        } else {
          ctx.sub(line, this.request ? 'imap.request.command' : 'imap.response.status', tok, p, te - p);
          if (this.request) { ctx.hidden('imap.command', tok, p, te - p); cmd = tok.toLowerCase(); argAt = tn; }
        }
        if (cmd !== '' && argAt >= 0) {
          const [ae, an] = token(d, argAt, lineStop);
          if (FOLDER_COMMANDS.some((w) => w.startsWith(cmd))) {
            if (ae > argAt) ctx.sub(line, 'imap.request.folder', latin1(d, argAt, ae), argAt, ae - argAt);
          } else if ('copy'.startsWith(cmd) && lineStop > argAt) {
            const [fe] = token(d, an, lineStop);
            if (fe > an) ctx.sub(line, 'imap.request.folder', latin1(d, an, fe), an, fe - an);
          } else if ('login'.startsWith(cmd)) {
            if (ae > argAt) ctx.sub(line, 'imap.request.username', unquote(latin1(d, argAt, ae)), argAt, ae - argAt);
            const [pe] = token(d, an, lineStop);
            if (pe > an) ctx.sub(line, 'imap.request.password', unquote(latin1(d, an, pe)), an, pe - an);
          } else if ('starttls'.startsWith(cmd)) ses.tlsRequested = true;
        }
        if (!this.request) {
          const [ce] = token(d, tn, lineStop);
          if (ce > tn) {
            ctx.sub(line, 'imap.response.command', latin1(d, tn, ce), tn, ce - tn);
            ctx.hidden('imap.command', latin1(d, tn, ce), tn, ce - tn);
          }
        }
        if (ses.tlsRequested && !this.request) {
          if (prefixOf(tok, 'ok')) tls = true;
          ses.tlsRequested = false;
        }
      }
      if (tag !== null) this.match(ctx, ses, line, tag.toLowerCase());
      o = next;
    }
    // only untagged lines: Info shows the first, cut to the last line's length (as tshark does)
    if (first) ctx.info = `${this.request ? 'Request' : 'Response'}: ${formatText(latin1(d, off, Math.min(end, off + lastLen)))}`;
    return tls;
  }

  /**
   * An untagged FETCH response at `lineAt` whose data items start after
   * `from`: a literal {n} inside its parentheses holds a mail (IMF). Returns
   * where the response's line ends (past the literal), or null when its
   * bytes are not all here yet.
   */
  private fetch(ctx: Ctx, l: FieldNode, from: number, lineAt: number, lineNext: number, end: number): { next: number; imf: boolean } | null {
    const d = ctx.d;
    let paren = -1;
    for (let i = from; i < end; i++) if (d[i] === 0x28) { paren = i; break; }
    if (paren < 0 || paren + 1 >= end) return null;
    let lb = -1;
    for (let i = paren; i < end; i++) if (d[i] === 0x7b) { lb = i; break; }
    if (lb >= 0) {
      let rb = -1;
      for (let i = lb + 1; i < end; i++) if (d[i] === 0x7d) { rb = i; break; }
      if (rb < 0) return null;
      const txt = latin1(d, lb + 1, rb);
      if (!/^\d+$/.test(txt)) return null;
      const size = Number(txt);
      if (rb + size >= end) return null;
      let close = -1;
      for (let i = rb + size; i < end; i++) if (d[i] === 0x29) { close = i; break; }
      if (close < 0) return null;
      ctx.add(l, 'imap.line', latin1(d, lineAt, lineNext), lineAt, lineNext - lineAt);
      const litEnd = Math.min(end, lineNext + size);
      dissectImf(ctx, lineNext, litEnd);
      return { next: litEnd, imf: true };
    }
    const le = lineEnd(d, paren, end);
    if (le === null) return null;
    ctx.add(l, 'imap.line', latin1(d, lineAt, le[1]), lineAt, le[1] - lineAt);
    return { next: le[1], imf: false };
  }

  /** Requests remember their frame by tag; a response with that tag points back to it. */
  private match(ctx: Ctx, ses: Session, line: FieldNode, tag: string): void {
    if (this.request) {
      if (ses.requests.size >= MAX_TAGS && !ses.requests.has(tag)) ses.requests.delete(ses.requests.keys().next().value as string);
      ses.requests.set(tag, { frame: ctx.pkt.number, ts: ctx.pkt.tsNs });
      return;
    }
    const r = ses.requests.get(tag);
    if (!r) return;
    ctx.gen(line, 'imap.response_to', r.frame);
    if (r.ts !== null && ctx.pkt.tsNs !== null) ctx.reltime(line, 'imap.time', ctx.pkt.tsNs - r.ts);
  }

  fin(): void {}
  reset(): void { this.pending = null; }
}

// the client is the side that sends to the IMAP port
TCP_PORT.add([143], (_sp, dp) => new ImapApp(dp === 143));
