// SMTP (RFC 5321, tcp/25 and the submission port 587), as tshark 4.0's
// packet-smtp.c reads it: a segment is read once its first line is whole
// (a segment without any line end waits for the next, tshark's line
// desegmentation), each client line is a command (smtp.req.command is its
// first four characters, the parameter what follows the fifth) or, after
// DATA and until the lone ".", message data: every data segment is a DATA
// fragment, the one with the end of the message reassembles them and hands
// the mail to IMF (imf.ts). BDAT chunks count by their announced length.
// AUTH LOGIN's user name and password lines are smtp.auth.username and
// .password (base64, as tshark shows them without its decryption option).
// After STARTTLS answered 220 both directions are TLS.
import { type Ctx, type FieldNode, SKIP } from './context';
import { declare } from './fields';
import type { State } from './state';
import type { TcpApp, TcpFlow, TcpStream } from './tcpstream';
import type { Framer } from './framers';
import { TlsApp } from './tls';
import { dissectImf, openMedia } from './imf';
import * as readers from './bytes';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { TCP_PORT } = tables;
const { latin1, lineEnd } = readers;

const CODES: Record<number, string> = {
  211: 'System status, or system help reply', 214: 'Help message', 220: '<domain> Service ready',
  221: '<domain> Service closing transmission channel', 235: 'Authentication successful', 250: 'Requested mail action okay, completed',
  251: 'User not local; will forward to <forward-path>', 252: 'Cannot VRFY user, but will accept message and attempt delivery',
  334: 'AUTH input', 354: 'Start mail input; end with <CRLF>.<CRLF>', 421: '<domain> Service not available, closing transmission channel',
  432: 'A password transition is needed', 450: 'Requested mail action not taken: mailbox unavailable',
  451: 'Requested action aborted: local error in processing', 452: 'Requested action not taken: insufficient system storage',
  454: 'Temporary authentication failed', 500: 'Syntax error, command unrecognized', 501: 'Syntax error in parameters or arguments',
  502: 'Command not implemented', 503: 'Bad sequence of commands', 504: 'Command parameter not implemented', 530: 'Authentication required',
  534: 'Authentication mechanism is too weak', 535: 'Authentication credentials invalid', 538: 'Encryption required for requested authentication mechanism',
  550: 'Requested action not taken: mailbox unavailable', 551: 'User not local; please try <forward-path>',
  552: 'Requested mail action aborted: exceeded storage allocation', 553: 'Requested action not taken: mailbox name not allowed', 554: 'Transaction failed',
};

declare('smtp', 'Simple Mail Transfer Protocol', [
  ['smtp.req', 'bool', 'Request'],
  ['smtp.rsp', 'bool', 'Response'],
  ['smtp.command_line', 'string', 'Command Line'],
  ['smtp.req.command', 'string', 'Command'],
  ['smtp.req.parameter', 'string', 'Request parameter'],
  ['smtp.response', 'string', 'Response'],
  ['smtp.response.code', 'uint', 'Response code', { valueNames: CODES }],
  ['smtp.rsp.parameter', 'string', 'Response parameter'],
  ['smtp.auth.username', 'string', 'Username'],
  ['smtp.auth.password', 'string', 'Password'],
  ['smtp.auth.username_password', 'string', 'Username/Password'],
  ['smtp.eom', 'none', 'EOM'],
  ['smtp.data.fragments', 'none', 'DATA fragments'],
  ['smtp.data.fragment', 'framenum', 'DATA fragment'],
  ['smtp.data.fragment.count', 'uint', 'DATA fragment count'],
  ['smtp.data.reassembled.length', 'uint', 'Reassembled DATA length'],
]);

const enum St { Cmds, Data, AwaitStartTls }
const enum Auth { None, Start, UserReq, UserRsp, PassReq, PassRsp, PlainStartReq, PlainReq, PlainRsp, PlainCredReq, NtlmReq, NtlmChallenge, NtlmRsp, Success, Failed }
const enum Pdu { Cmd, Message, Eom }

/** a mail kept for IMF up to this size; past it the fragments are still listed, the text is not decoded */
const MAX_MESSAGE = 4 << 20;
/** a line-less run of bytes kept waiting for its line end up to this size, then read as it is */
const MAX_PENDING = 64 << 10;
const MAX_FRAGMENTS = 4096;

/** One SMTP connection, both directions. */
class Session {
  state = St.Cmds;
  auth = Auth.None;
  firstAuthFrame = 0;
  lastAuthFrame = 0;
  userFrame = 0;
  passFrame = 0;
  userCmdFrame = 0;
  userPassFrame = 0;
  userPassCmdFrame = 0;
  ntlmReqFrame = 0;
  ntlmRspFrame = 0;
  crlfSeen = false;
  dataSeen = false;
  bdatRead = 0;
  bdatTotal = 0;
  bdatLast = true;
  /** the DATA fragments so far: frames, lengths and (while under MAX_MESSAGE) bytes */
  frames: number[] = [];
  lens: number[] = [];
  parts: Uint8Array[] | null = [];
  total = 0;

  addFragment(frame: number, d: Uint8Array, o: number, end: number): void {
    if (this.frames.length < MAX_FRAGMENTS) { this.frames.push(frame); this.lens.push(end - o); }
    this.total += end - o;
    if (this.parts !== null) {
      if (this.total > MAX_MESSAGE) this.parts = null;
      else this.parts.push(d.slice(o, end));
    }
  }

  clearFragments(): void { this.frames = []; this.lens = []; this.parts = []; this.total = 0; }
}

const sessions = new WeakMap<TcpStream, Session>();

/** The line at o: a whole one, else the rest of the buffer. */
function lineAt(d: Uint8Array, o: number, end: number): [number, number] {
  return lineEnd(d, o, end) ?? [end, end];
}

const isAlpha = (b: number): boolean => (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7a;
const LONG_COMMANDS = ['STARTTLS', 'X-EXPS', 'X-LINK2STATE', 'XEXCH50'];

/** RFC 821's four-letter commands, or one of the longer extensions tshark knows. */
function isCommand(d: Uint8Array, o: number, len: number): boolean {
  if (len === 4 && isAlpha(d[o]) && isAlpha(d[o + 1]) && isAlpha(d[o + 2]) && isAlpha(d[o + 3])) return true;
  const w = latin1(d, o, o + len).toUpperCase();
  return LONG_COMMANDS.includes(w);
}

const startsWith = (d: Uint8Array, o: number, end: number, s: string): boolean => {
  if (end - o < s.length) return false;
  for (let i = 0; i < s.length; i++) if (d[o + i] !== s.charCodeAt(i)) return false;
  return true;
};


export class SmtpApp implements TcpApp {
  /** bytes of segments without a line end, read with the next one */
  private pending: Uint8Array | null = null;
  /** the connection said STARTTLS and the server agreed: from the next frame on it is TLS */
  private tlsAfter = 0;

  constructor(private readonly request: boolean) {}

  framer(): Framer { return new SmtpFramer(); }

  feed(ctx: Ctx, st: State, s: TcpStream, flow: TcpFlow, off: number, end: number): void {
    let ses = sessions.get(s);
    if (!ses) { ses = new Session(); sessions.set(s, ses); }
    const d = ctx.d;
    let buf = d, start = off, stop = end;
    if (this.pending !== null) {
      const p = this.pending;
      buf = new Uint8Array(p.length + end - off);
      buf.set(p, 0); buf.set(d.subarray(off, end), p.length);
      start = 0; stop = buf.length;
    }
    if (lineEnd(buf, start, stop) === null && stop - start < MAX_PENDING) {
      this.pending = buf === d ? d.slice(off, end) : buf;
      return;
    }
    const carried = this.pending?.length ?? 0;
    this.pending = null;
    const run = (): void => (this.request ? this.client(ctx, ses, start, stop) : this.server(ctx, st, s, flow, ses, start, stop));
    if (buf === d) run();
    else ctx.withReassembled(buf, carried, off, end - off, run);
  }

  private client(ctx: Ctx, ses: Session, off: number, end: number): void {
    const d = ctx.d;
    const frame = ctx.pkt.number;
    let pdu = Pdu.Cmd, moreFrags = true, eomAt = off, lineLen = 0;
    // first pass, as tshark's: what this frame is (commands, message data, the end of the message) and the state it leaves
    for (let lo = off; lo < end;) {
      const [le, next] = lineAt(d, lo, end);
      lineLen = le - lo;
      let eom = false;
      if (ses.state === St.Data) {
        if ((ses.crlfSeen && startsWith(d, lo, end, '.\r\n')) || startsWith(d, lo, end, '\r\n.\r\n')) eom = true;
        ses.crlfSeen = end - lo >= 2 && d[end - 2] === 13 && d[end - 1] === 10;
      }
      if (ses.state === St.Data) {
        if (eom) { pdu = Pdu.Eom; eomAt = lo; ses.state = St.Cmds; break; }
        pdu = Pdu.Message;
        if (ses.bdatTotal > 0) {
          ses.bdatRead += end - lo;
          if (ses.bdatRead === ses.bdatTotal) {
            ses.state = St.Cmds;
            if (ses.bdatLast) moreFrags = false;
            break;
          }
        }
      } else {
        let sp = lo;
        while (sp < le && d[sp] !== 32) sp++;
        if (isCommand(d, lo, sp - lo)) {
          pdu = Pdu.Cmd;
          const line = latin1(d, lo, le).toUpperCase();
          if (line.startsWith('DATA')) { ses.state = St.Data; ses.dataSeen = true; }
          else if (line.startsWith('BDAT')) {
            const n = parseInt(line.slice(5), 10) >>> 0;
            ses.dataSeen = true;
            ses.bdatTotal += n;
            ses.state = n === 0 ? St.Cmds : St.Data;
            if (line.endsWith('LAST')) { ses.bdatLast = true; if (n === 0) moreFrags = false; } else ses.bdatLast = false;
          } else if (line.startsWith('AUTH LOGIN')) {
            ses.state = St.Cmds; ses.firstAuthFrame = frame;
            if (lineLen <= 11) ses.auth = Auth.Start;
            else { ses.auth = Auth.UserRsp; ses.userCmdFrame = frame; }
          } else if (line.startsWith('AUTH PLAIN')) {
            ses.state = St.Cmds; ses.firstAuthFrame = frame;
            if (lineLen <= 11) ses.auth = Auth.PlainStartReq;
            else { ses.auth = Auth.PlainCredReq; ses.userPassCmdFrame = frame; }
          } else if (line.startsWith('AUTH NTLM') && lineLen > 10) {
            ses.state = St.Cmds; ses.auth = Auth.NtlmReq; ses.ntlmReqFrame = frame;
          } else if (line.startsWith('STARTTLS')) ses.state = St.AwaitStartTls;
        } else if (ses.auth === Auth.UserReq) { ses.auth = Auth.UserRsp; ses.userFrame = frame; }
        else if (ses.auth === Auth.PassReq) { ses.auth = Auth.PassRsp; ses.passFrame = frame; }
        else if (ses.auth === Auth.PlainReq) { ses.auth = Auth.PlainRsp; ses.userPassFrame = frame; }
        else if (ses.auth === Auth.NtlmChallenge) { ses.auth = Auth.NtlmRsp; ses.ntlmRspFrame = frame; }
        else pdu = ses.dataSeen ? Pdu.Message : Pdu.Cmd;
      }
      lo = next;
    }

    const l = ctx.layer('smtp', off, end - off);
    ctx.protocol = 'SMTP';
    let complete = false;
    if (pdu === Pdu.Message) {
      const n = end - off;
      ctx.info = `C: DATA fragment, ${n} byte${n === 1 ? '' : 's'}`;
      ses.addFragment(frame, d, off, end);
      if (!moreFrags) complete = true;
    } else if (pdu === Pdu.Eom) {
      ctx.info = 'C: .';
      ctx.add(l, 'smtp.eom', null, eomAt, lineLen);
      if (eomAt > off) ses.addFragment(frame, d, off, eomAt);
      complete = true;
    } else {
      const info: string[] = [];
      for (let lo = off; lo < end;) {
        const [le, next] = lineAt(d, lo, end);
        const len = le - lo;
        const text = latin1(d, lo, le);
        ctx.hidden('smtp.req', true, lo, 0);
        if (ses.userFrame === frame) { ctx.add(l, 'smtp.auth.username', text, lo, len); info.push(`User: ${text}`); }
        else if (ses.passFrame === frame) { ctx.add(l, 'smtp.auth.password', text, lo, len); info.push(`Pass: ${text}`); }
        else if (ses.ntlmRspFrame === frame) { ctx.add(l, 'smtp.command_line', text, lo, len); info.push(text); }
        else if (ses.userPassFrame === frame) { ctx.add(l, 'smtp.auth.username_password', text, lo, len); info.push(text); }
        else {
          const cl = ctx.add(l, 'smtp.command_line', latin1(d, lo, next), lo, next - lo);
          const cmdLen = Math.min(4, len);
          ctx.sub(cl, 'smtp.req.command', latin1(d, lo, lo + cmdLen), lo, cmdLen);
          if (len > 5) {
            ctx.sub(cl, 'smtp.req.parameter', latin1(d, lo + 5, le), lo + 5, len - 5);
            if (ses.userCmdFrame === frame) {
              const u = latin1(d, lo + 11, le);
              ctx.sub(cl, 'smtp.auth.username', u, lo + 11, Math.max(0, len - 11));
              info.push(`${latin1(d, lo, lo + 11)}User: ${u}`);
            } else if (ses.userPassCmdFrame === frame) {
              ctx.sub(cl, 'smtp.auth.username_password', latin1(d, lo + 11, le), lo + 11, Math.max(0, len - 11));
              info.push(text);
            } else info.push(text);
          } else info.push(text);
          if (!moreFrags) complete = true;
        }
        lo = next;
      }
      ctx.info = `C: ${info.join(' | ')}`;
    }
    if (complete) this.reassembled(ctx, ses, l, off);
    // a fragment still waiting for the rest of its mail is shown as its lines
    else if (pdu === Pdu.Message) openMedia(ctx, 'data-text-lines', '', off, end - off, l); // no type: '(N lines)' only
  }

  /** The message is whole: its fragments, then the mail itself (IMF). */
  private reassembled(ctx: Ctx, ses: Session, l: FieldNode, off: number): void {
    const frs = ctx.add(l, 'smtp.data.fragments', null, off, 0);
    const n = ses.frames.length;
    if (frs !== SKIP) frs.label = `${n} DATA fragment${n === 1 ? '' : 's'} (${ses.total} bytes)`;
    for (const f of ses.frames) ctx.sub(frs, 'smtp.data.fragment', f, off, 0);
    ctx.sub(frs, 'smtp.data.fragment.count', n, off, 0);
    ctx.sub(frs, 'smtp.data.reassembled.length', ses.total, off, 0);
    const parts = ses.parts;
    const mine = ses.frames.length > 0 && ses.frames[n - 1] === ctx.pkt.number ? ses.lens[n - 1] : 0;
    ses.clearFragments();
    if (parts === null) { ctx.note('protocol', 'smtp', `mail past the ${MAX_MESSAGE}-byte limit: its headers are not decoded`, 'warn'); return; }
    const total = parts.reduce((a, p) => a + p.length, 0);
    if (total === 0) return;
    const msg = new Uint8Array(total);
    let o = 0;
    for (const p of parts) { msg.set(p, o); o += p.length; }
    // this frame's part of the message is its last bytes
    ctx.withReassembled(msg, total - mine, off, mine, () => dissectImf(ctx, 0, total));
  }

  private server(ctx: Ctx, st: State, s: TcpStream, flow: TcpFlow, ses: Session, off: number, end: number): void {
    const d = ctx.d;
    const frame = ctx.pkt.number;
    const l = ctx.layer('smtp', off, end - off);
    ctx.protocol = 'SMTP';
    ctx.hidden('smtp.rsp', true, off, 0);
    const info: string[] = [];
    let first = -1;
    // a reply's continuation lines ("250-...") go under its first line; a final line ("250 ...") ends the reply
    let r: FieldNode | null = null;
    for (let lo = off; lo < end;) {
      const [le, next] = lineAt(d, lo, end);
      const len = le - lo;
      const starts = r === null;
      if (r === null) r = ctx.add(l, 'smtp.response', latin1(d, lo, next), lo, next - lo);
      const digits = len >= 3 && isDigit(d[lo]) && isDigit(d[lo + 1]) && isDigit(d[lo + 2]);
      if (!digits) info.push(latin1(d, lo, le));
      else {
        const code = (d[lo] - 48) * 100 + (d[lo + 1] - 48) * 10 + (d[lo + 2] - 48);
        if (first < 0) {
          first = code;
          if (ses.state === St.AwaitStartTls) {
            if (code === 220) this.tlsAfter = frame;
            ses.state = St.Cmds;
          }
          if (code === 334) {
            if (ses.auth === Auth.Start) ses.auth = Auth.UserReq;
            else if (ses.auth === Auth.UserRsp) ses.auth = Auth.PassReq;
            else if (ses.auth === Auth.PlainReq) ses.auth = Auth.PlainRsp;
            else if (ses.auth === Auth.PlainStartReq) ses.auth = Auth.PlainReq;
            else if (ses.auth === Auth.NtlmReq) ses.auth = Auth.NtlmChallenge;
          } else if (ses.auth === Auth.PassRsp || ses.auth === Auth.PlainRsp || ses.auth === Auth.NtlmRsp || ses.auth === Auth.PlainCredReq) {
            ses.auth = code === 235 ? Auth.Success : Auth.Failed;
            ses.lastAuthFrame = frame;
          }
        }
        if (starts) ctx.sub(r, 'smtp.response.code', code, lo, 3);
        const param = len >= 4 ? latin1(d, lo + 4, le) : '';
        if (len >= 4) ctx.sub(r, 'smtp.rsp.parameter', param, lo + 4, len - 4);
        info.push(starts ? latin1(d, lo, le) : param);
        if (len === 3 || d[lo + 3] !== 0x2d) r = null;
      }
      lo = next;
    }
    ctx.info = `S: ${info.join(' | ')}`;
    if (this.tlsAfter === frame) {
      // the rest of the connection, both ways, is TLS
      const other = flow === s.a ? s.b : s.a;
      for (const f of [flow, other]) { f.app = new TlsApp(); f.track = undefined; }
    }
  }

  fin(): void {}
  reset(): void { this.pending = null; }
}

const isDigit = (b: number): boolean => b >= 48 && b <= 57;

/** tshark's TCP reassembly for SMTP: a segment without any line end joins the next one. */
class SmtpFramer implements Framer {
  private open = false;
  reset(): void { this.open = false; }
  known(): boolean { return false; }
  next(d: Uint8Array, o: number, end: number): number {
    for (let i = o; i < end; i++) if (d[i] === 10 || (d[i] === 13 && i + 1 < end)) { this.open = false; return end; }
    this.open = true;
    return -1;
  }
}

// as packet-smtp.c: a segment to the port SMTP was found on (tshark's match_uint) is a request
TCP_PORT.add([25, 587], (_sp, dp, match) => new SmtpApp(dp === match));
