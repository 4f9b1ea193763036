// SIP (RFC 3261) on udp/5060 and tcp/5060: the request or status line,
// the headers tshark 4.0 names (compact forms too), the From/To users,
// hosts and tags a VoIP review filters on, and the body: an SDP (sdp.ts)
// that sets up the call's RTP and RTCP. Over TCP a message is framed by its
// blank line and Content-Length, reassembled across segments.
import type { Ctx, FieldNode } from './context';
import { declare } from './fields';
import { HeldBytesApp } from './pdu';
import type { State } from './state';
import { GrowingHeaderFramer, HEADER_MORE, HEADER_SKIP, type Framer } from './framers';
import { dissectSdp, type SdpOffer } from './sdp';
import * as readers from './bytes';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { TCP_PORT, UDP_PORT } = tables;
const { latin1 } = readers;

declare('sip', 'Session Initiation Protocol', [
  ['sip.Request-Line', 'string', 'Request-Line'],
  ['sip.Method', 'string', 'Method'],
  ['sip.r-uri', 'string', 'Request-URI'],
  ['sip.Status-Line', 'string', 'Status-Line'],
  ['sip.Status-Code', 'uint', 'Status-Code'],
  ['sip.Via', 'string', 'Via'],
  ['sip.From', 'string', 'From'],
  ['sip.from.display.info', 'string', 'SIP from display info'],
  ['sip.from.addr', 'string', 'SIP from address'],
  ['sip.from.user', 'string', 'SIP from address User Part'],
  ['sip.from.host', 'string', 'SIP from address Host Part'],
  ['sip.from.tag', 'string', 'SIP from tag'],
  ['sip.To', 'string', 'To'],
  ['sip.to.display.info', 'string', 'SIP to display info'],
  ['sip.to.addr', 'string', 'SIP to address'],
  ['sip.to.user', 'string', 'SIP to address User Part'],
  ['sip.to.host', 'string', 'SIP to address Host Part'],
  ['sip.to.tag', 'string', 'SIP to tag'],
  ['sip.Call-ID', 'string', 'Call-ID'],
  ['sip.CSeq', 'string', 'CSeq'],
  ['sip.CSeq.seq', 'uint', 'Sequence Number'],
  ['sip.CSeq.method', 'string', 'Method'],
  ['sip.Contact', 'string', 'Contact'],
  ['sip.Max-Forwards', 'uint', 'Max-Forwards'],
  ['sip.Subject', 'string', 'Subject'],
  ['sip.User-Agent', 'string', 'User-Agent'],
  ['sip.Server', 'string', 'Server'],
  ['sip.Allow', 'string', 'Allow'],
  ['sip.Expires', 'uint', 'Expires'],
  ['sip.Authorization', 'string', 'Authorization'],
  ['sip.WWW-Authenticate', 'string', 'WWW-Authenticate'],
  ['sip.Content-Type', 'string', 'Content-Type'],
  ['sip.Content-Length', 'uint', 'Content-Length'],
]);

/** header (lower case, compact forms included) → field; numbers are read as such */
const HEADERS: Record<string, string> = {
  via: 'sip.Via', v: 'sip.Via', from: 'sip.From', f: 'sip.From', to: 'sip.To', t: 'sip.To', 'call-id': 'sip.Call-ID', i: 'sip.Call-ID',
  cseq: 'sip.CSeq', contact: 'sip.Contact', m: 'sip.Contact', 'max-forwards': 'sip.Max-Forwards', subject: 'sip.Subject', s: 'sip.Subject',
  'user-agent': 'sip.User-Agent', server: 'sip.Server', allow: 'sip.Allow', expires: 'sip.Expires', authorization: 'sip.Authorization',
  'www-authenticate': 'sip.WWW-Authenticate', 'content-type': 'sip.Content-Type', c: 'sip.Content-Type', 'content-length': 'sip.Content-Length', l: 'sip.Content-Length',
};
const NUMERIC = new Set(['sip.Max-Forwards', 'sip.Expires', 'sip.Content-Length']);

/** each capture's SDP offers by Call-ID (sdp.ts sets the answer's media up by them) */
const offersOf = new WeakMap<State, Map<string, SdpOffer>>();

/** From/To: display name, the address inside <> (or up to the parameters), its user and host, the tag. */
function nameAddr(ctx: Ctx, f: FieldNode, side: 'from' | 'to', v: string, at: number): void {
  const lt = v.indexOf('<');
  let addr: string, rest: string;
  if (lt >= 0) {
    if (lt > 0) ctx.sub(f, `sip.${side}.display.info`, v.slice(0, lt), at, lt);
    const gt = v.indexOf('>', lt);
    addr = v.slice(lt + 1, gt < 0 ? v.length : gt);
    rest = gt < 0 ? '' : v.slice(gt + 1);
  } else {
    const semi = v.indexOf(';');
    addr = semi < 0 ? v : v.slice(0, semi);
    rest = semi < 0 ? '' : v.slice(semi);
  }
  ctx.sub(f, `sip.${side}.addr`, addr, at, 0);
  const m = /^[a-zA-Z]+:(?:([^@]*)@)?([^:;>]*)/.exec(addr);
  if (m) {
    if (m[1] !== undefined) ctx.sub(f, `sip.${side}.user`, m[1], at, 0);
    ctx.sub(f, `sip.${side}.host`, m[2], at, 0);
  }
  const tag = /;\s*tag=([^;\s]*)/i.exec(rest);
  if (tag) ctx.sub(f, `sip.${side}.tag`, tag[1], at, 0);
}

export function dissectSip(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  let e = off;
  while (e < end && d[e] !== 13 && d[e] !== 10) e++;
  const first = latin1(d, off, e);
  const req = /^([A-Z]+) (\S+) SIP\/2\.0$/.exec(first);
  const status = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(first);
  // not SIP (a keep-alive, another protocol on the port): tshark leaves it to the next dissector
  if (!req && !status) {
    ctx.layer('sip', off, end - off);
    ctx.protocol = 'SIP';
    ctx.info = `Continuation`;
    return;
  }
  const l = ctx.layer('sip', off, end - off);
  ctx.protocol = 'SIP';
  if (req) {
    const rl = ctx.add(l, 'sip.Request-Line', first, off, e - off);
    ctx.sub(rl, 'sip.Method', req[1], off, req[1].length);
    ctx.sub(rl, 'sip.r-uri', req[2], off + req[1].length + 1, req[2].length);
  } else if (status) {
    const sl = ctx.add(l, 'sip.Status-Line', first, off, e - off);
    ctx.sub(sl, 'sip.Status-Code', +status[1], off + 8, 3);
  }
  let o = e;
  if (o < end && d[o] === 13) o++;
  if (o < end && d[o] === 10) o++;
  let callId: string | null = null, cseqMethod = '', ctype = '', clen = -1;
  // headers, unfolding continuation lines, up to the blank line
  while (o < end) {
    let le = o;
    while (le < end && d[le] !== 13 && d[le] !== 10) le++;
    let next = le;
    if (next < end && d[next] === 13) next++;
    if (next < end && d[next] === 10) next++;
    if (le === o) { o = next; break; }
    while (next < end && (d[next] === 32 || d[next] === 9)) {
      le = next;
      while (le < end && d[le] !== 13 && d[le] !== 10) le++;
      if (le < end && d[le] === 13) le++;
      if (le < end && d[le] === 10) le++;
      next = le;
      while (le > o && (d[le - 1] === 13 || d[le - 1] === 10)) le--;
    }
    const line = latin1(d, o, le);
    const colon = line.indexOf(':');
    if (colon > 0) {
      const name = line.slice(0, colon).trim().toLowerCase();
      const field = HEADERS[name];
      const raw = line.slice(colon + 1);
      const lead = raw.length - raw.trimStart().length;
      const v = raw.trim();
      const at = o + colon + 1 + lead;
      if (field !== undefined) {
        if (NUMERIC.has(field)) {
          const n = parseInt(v, 10);
          if (Number.isFinite(n)) ctx.add(l, field, n, at, v.length);
          if (field === 'sip.Content-Length') clen = Number.isFinite(n) ? n : -1;
        } else {
          const f = ctx.add(l, field, v, at, v.length);
          if (field === 'sip.From') nameAddr(ctx, f, 'from', v, at);
          else if (field === 'sip.To') nameAddr(ctx, f, 'to', v, at);
          else if (field === 'sip.Call-ID') callId = v;
          else if (field === 'sip.Content-Type') ctype = v.split(';')[0].trim().toLowerCase();
          else if (field === 'sip.CSeq') {
            const m = /^(\d+)\s+(\S+)/.exec(v);
            if (m) {
              ctx.sub(f, 'sip.CSeq.seq', +m[1], at, m[1].length);
              ctx.sub(f, 'sip.CSeq.method', m[2], at, 0);
              cseqMethod = m[2];
            }
          }
        }
      }
    }
    o = next;
  }
  ctx.info = req ? `Request: ${req[1]} ${req[2]} |` : `Status: ${status![1]} ${status![2]}${+status![1] >= 200 && cseqMethod ? ` (${cseqMethod})` : ''} |`;
  let bodyEnd = end;
  if (clen >= 0) {
    if (o + clen > end) ctx.malformedAt('sip', `Content-Length ${clen} past the datagram (${end - o} bytes)`, o, end - o);
    else bodyEnd = o + clen;
  }
  if (o < bodyEnd && ctype === 'application/sdp') {
    let offers = offersOf.get(st);
    if (!offers) { offers = new Map(); offersOf.set(st, offers); }
    ctx.protocol = 'SIP/SDP';
    dissectSdp(ctx, st, o, bodyEnd, callId, offers);
  }
}

/**
 * packet-sip.c dissect_sip (UDP), whose first line must be a request or
 * status line or it returns 0 (and the other port is tried); SigComp
 * (first byte 0xf8 and up) goes on to its own dissector. The line rule as
 * tshark 4.0 applies it: no NUL; "SIP/2.0 ", three digits and a space or
 * the end; or a method of printable ASCII, one space, a URI with a colon
 * inside it, one space and "SIP/2.0" to the end of the line.
 */
function sipUdpAccepts(d: Uint8Array, off: number, end: number): boolean {
  if ((d[off] & 0xf8) === 0xf8) return true;
  let e = off;
  while (e < end && d[e] !== 13 && d[e] !== 10) {
    if (d[e] === 0) return false;
    e++;
  }
  if (e === off) return false;
  const line = latin1(d, off, e);
  if (line.startsWith('SIP/2.0 ')) return /^SIP\/2\.0 \d{3}(?: |$)/.test(line);
  return /^[\x21-\x7e]+ [^ :]+:[^ ]*[^ :] SIP\/2\.0$/.test(line);
}
UDP_PORT.add([5060], dissectSip, { accepts: sipUdpAccepts });

/** a message larger than this is not kept whole over TCP */
const MAX_MESSAGE = 1 << 20;

/** The length of the SIP message at the start of [o, end) (headers, blank line, Content-Length bytes), or -1 while unknown. */
function messageLength(d: Uint8Array, o: number, end: number): number {
  for (let i = o; i + 3 < end; i++) {
    if (d[i] !== 13 || d[i + 1] !== 10 || d[i + 2] !== 13 || d[i + 3] !== 10) continue;
    const head = latin1(d, o, i);
    const m = /(?:^|\n)(?:content-length|l)[ \t]*:[ \t]*(\d+)/i.exec(head);
    return i + 4 - o + (m ? Number(m[1]) : 0);
  }
  return -1;
}

/** false when [o, e) holds a whole first line that is not a SIP request or status line (true while it may still be one). */
function startsMessage(d: Uint8Array, o: number, e: number): boolean {
  let l = o;
  while (l < e && d[l] !== 13 && d[l] !== 10) l++;
  if (l >= e) return true;
  const first = latin1(d, o, l);
  return /^[A-Z]+ \S+ SIP\/2\.0$/.test(first) || /^SIP\/2\.0 \d{3}/.test(first);
}

/** SIP over TCP: whole messages, however the segments cut them. */
class SipTcpApp extends HeldBytesApp {
  protected read(ctx: Ctx, st: State, d: Uint8Array, o: number, e: number): void {
    const infos: string[] = [];
    while (o < e) {
      // a whole first line that is no SIP start line (another protocol on the port, a keep-alive):
      // tshark shows it as SIP continuation rather than waiting for a message that never comes
      if (!startsMessage(d, o, e)) {
        dissectSip(ctx, st, o, e);
        infos.push(typeof ctx.info === 'function' ? ctx.info() : ctx.info);
        o = e;
        break;
      }
      const n = messageLength(d, o, e);
      if (n < 0 || o + n > e) break;
      dissectSip(ctx, st, o, o + n);
      infos.push(typeof ctx.info === 'function' ? ctx.info() : ctx.info);
      o += n;
    }
    if (o < e) {
      if (e - o <= MAX_MESSAGE) this.held = d.slice(o, e);
      else ctx.note('protocol', 'sip', `SIP message past ${MAX_MESSAGE} bytes: not reassembled`, 'warn');
    }
    if (infos.length > 1) ctx.info = infos.join(' ');
  }

  framer(): Framer { return new SipFramer(); }
}

/** Where SIP messages end over TCP (the same rule as SipTcpApp's): the blank line, then Content-Length. */
class SipFramer extends GrowingHeaderFramer {
  protected length(h: readonly number[]): number {
    const n = h.length;
    if (n >= 4 && h[n - 4] === 13 && h[n - 3] === 10 && h[n - 2] === 13 && h[n - 1] === 10) return Math.max(0, messageLength(Uint8Array.from(h), 0, n) - n);
    return n > MAX_MESSAGE ? HEADER_SKIP : HEADER_MORE;
  }
}

TCP_PORT.add([5060], () => new SipTcpApp());
