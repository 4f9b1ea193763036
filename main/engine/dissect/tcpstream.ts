// TCP conversation state: stream indexes, per-direction sequence tracking
// and the application-layer reassembler each direction feeds. Bounded: the
// table forgets the least recently created streams past MAX_STREAMS.
import type { Ctx } from './context';
import { HEX2 } from './addr';
import type { State } from './state';
import { HttpApp, looksLikeHttp } from './http';
import { TlsApp, looksLikeTls } from './tls';
import { LineApp, NameApp, DataApp, DnsTcpApp } from './tcpsimple';

const MAX_STREAMS = 200_000;

/** An application-layer reassembler for one direction of a TCP stream. */
export interface TcpApp {
  /** in-order new bytes [off, end) of ctx.d */
  feed(ctx: Ctx, st: State, s: TcpStream, flow: TcpFlow, off: number, end: number): void;
  /** the direction sent FIN: complete whatever waits for the close */
  fin(ctx: Ctx, st: State, s: TcpStream, flow: TcpFlow): void;
  /** bytes were lost: forget any partial PDU */
  reset(): void;
  /** Info text for a frame whose bytes wait for a later one (e.g. 'POST / HTTP/1.1') */
  partialInfo?(): string | undefined;
}

export class TcpFlow {
  base = -1;
  nextSeq = -1;
  lastAck = -1;
  lastWin = -1;
  lastAckFrame = 0;
  dupAcks = 0;
  /** window scale shift from this side's SYN; -1 unknown, -2 none */
  wscale = -1;
  fin = false;
  app: TcpApp | null = null;
  /** segments sent and not yet acknowledged: raw end sequence, frame, time (bounded) */
  unacked: Array<{ end: number; frame: number; ts: bigint | null }> = [];
  /** payload bytes since the last PSH */
  pushBytes = 0;
}

export class TcpStream {
  a = new TcpFlow();
  b = new TcpFlow();
  rst = false;
  /** HTTP: methods of requests still waiting for their response (HEAD has no body) */
  pendingMethods: string[] = [];
  synSeq = -1;
  /** tcp.completeness bits seen so far: SYN 1, SYN-ACK 2, ACK 4, data 8, FIN 16, RST 32 */
  completeness = 0;
  synTs: bigint | null = null;
  synAckSeen = false;
  initialRtt = -1;
  /** HTTP: completed requests waiting for their response, and the request/response count */
  httpRequests: Array<{ frame: number; uri: string; ts: bigint | null }> = [];
  httpCount = 0;
  /** TLS version negotiated by the ServerHello, for the summary */
  tlsVersion?: number;
  constructor(readonly index: number) {}
}

export interface StreamRef {
  s: TcpStream;
  /** true when this packet goes from endpoint a to b */
  fwd: boolean;
}

function endpoint(ctx: Ctx, src: boolean): string {
  if (ctx.ipVersion === 4) return String(src ? ctx.ip4Src : ctx.ip4Dst);
  const b = (src ? ctx.ip6Src : ctx.ip6Dst) as Uint8Array;
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX2[b[i]];
  return s;
}

export class TcpTable {
  /** IPv6 conversations, by text key */
  private map = new Map<string, TcpStream>();
  /** IPv4 conversations: endpoint (address × 65536 + port, exact below 2^53) → endpoint → stream */
  private map4 = new Map<number, Map<number, TcpStream>>();
  private size4 = 0;
  private next = 0;
  private ref: StreamRef = { s: null as unknown as TcpStream, fwd: true };

  lookup(ctx: Ctx, sp: number, dp: number, pureSyn: boolean, seq: number): StreamRef {
    if (ctx.ipVersion === 4) return this.lookup4(ctx.ip4Src * 65536 + sp, ctx.ip4Dst * 65536 + dp, pureSyn, seq);
    const a = endpoint(ctx, true) + ':' + sp, b = endpoint(ctx, false) + ':' + dp;
    const fwd = a <= b;
    const key = fwd ? a + '|' + b : b + '|' + a;
    let s = this.map.get(key);
    // a new SYN on a finished (or differently numbered) connection starts a new stream
    if (s && pureSyn && s.synSeq !== seq && (s.synSeq >= 0 || s.rst || s.a.fin || s.b.fin)) s = undefined;
    if (!s) {
      s = new TcpStream(this.next++);
      if (this.map.size >= MAX_STREAMS) this.map.delete(this.map.keys().next().value as string);
      this.map.delete(key);
      this.map.set(key, s);
    }
    if (pureSyn && s.synSeq < 0) s.synSeq = seq;
    this.ref.s = s;
    this.ref.fwd = fwd;
    return this.ref;
  }

  private lookup4(a: number, b: number, pureSyn: boolean, seq: number): StreamRef {
    const fwd = a <= b;
    const lo = fwd ? a : b, hi = fwd ? b : a;
    let inner = this.map4.get(lo);
    let s = inner?.get(hi);
    if (s && pureSyn && s.synSeq !== seq && (s.synSeq >= 0 || s.rst || s.a.fin || s.b.fin)) s = undefined;
    if (!s) {
      s = new TcpStream(this.next++);
      // bounded: past the limit, start over (old conversations are long gone from view)
      if (this.size4 >= MAX_STREAMS) { this.map4.clear(); this.size4 = 0; inner = undefined; }
      if (!inner) { inner = new Map(); this.map4.set(lo, inner); }
      if (!inner.has(hi)) this.size4++;
      inner.set(hi, s);
    }
    if (pureSyn && s.synSeq < 0) s.synSeq = seq;
    this.ref.s = s;
    this.ref.fwd = fwd;
    return this.ref;
  }
}

/** Protocols recognised by port and shown by name, each segment on its own (as tshark does for these). */
const TCP_NAMES = new Map<number, [string, string]>([
  [21, ['ftp', 'FTP']], [23, ['telnet', 'TELNET']], [110, ['pop', 'POP']], [143, ['imap', 'IMAP']],
  [139, ['nbss', 'NBSS']], [445, ['nbss', 'NBSS']], [179, ['bgp', 'BGP']], [6379, ['resp', 'RESP']], [5060, ['sip', 'SIP']],
  [3306, ['mysql', 'MySQL']], [5432, ['pgsql', 'PGSQL']],
]);

const HTTP_PORTS = new Set([80, 8080, 8000, 8008, 8888, 3128, 3132, 5985, 8088, 11371, 1900, 2869, 2710]);
const TLS_PORTS = new Set([443, 8443, 465, 993, 995, 853, 636, 990, 992, 5061, 6697]);

/** Picks the reassembler for a direction from its ports and first bytes. */
export function appFor(_ctx: Ctx, _s: TcpStream, _flow: TcpFlow, sp: number, dp: number, d: Uint8Array, off: number, end: number): TcpApp | null {
  // well-known ports first (as tshark), then a look at the first bytes
  if (HTTP_PORTS.has(sp) || HTTP_PORTS.has(dp)) return new HttpApp();
  if (TLS_PORTS.has(sp) || TLS_PORTS.has(dp)) return new TlsApp();
  if (sp === 22 || dp === 22) return new NameApp('ssh', 'SSH');
  if (sp === 53 || dp === 53) return new DnsTcpApp();
  if (sp === 25 || dp === 25 || sp === 587 || dp === 587) return new LineApp('smtp', 'SMTP', sp === 25 || sp === 587 ? 'S: ' : 'C: ');
  if (sp === 1723 || dp === 1723) return new NameApp('pptp', 'PPTP');
  const named = TCP_NAMES.get(sp) ?? TCP_NAMES.get(dp);
  if (named) return new NameApp(named[0], named[1]);
  if (looksLikeHttp(d, off, end)) return new HttpApp();
  if (looksLikeTls(d, off, end)) return new TlsApp();
  return new DataApp();
}
