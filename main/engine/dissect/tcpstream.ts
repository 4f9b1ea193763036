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

/** A segment sent and not yet acknowledged (tshark's tcp_unacked_t): raw sequence numbers. */
export interface Unacked { frame: number; seq: number; next: number; ts: bigint | null }

export class TcpFlow {
  base = -1;
  /** the in-order delivery point (raw, -1 none yet): what the application reassemblers were fed up to */
  nextSeq = -1;
  /** a segment of this direction was seen */
  seen = false;
  /** window scale shift from this side's SYN; -1 unknown, -2 none */
  wscale = -1;
  fin = false;
  app: TcpApp | null = null;
  /** PDU boundaries for tcp.segment_data and the reassembly fields (undefined: not looked at yet) */
  track: PduTrack | null | undefined = undefined;

  /** tshark's SEQ/ACK analysis state, made when the analysis runs (field-subset reads without analysis fields never do) */
  an: SeqState | null = null;
}

/** One direction's state of tshark's SEQ/ACK analysis (tcp_analyze_seq_info): raw numbers, 0 meaning unset as in tshark. */
export class SeqState {
  /** until the direction's first ACK without SYN its window is not scaled (tshark's is_first_ack) */
  firstAck = true;
  /** highest next sequence number seen, its frame and time */
  aNext = 0;
  aNextFrame = 0;
  aNextTs: bigint | null = null;
  /** highest contiguous sequence number to be acknowledged */
  aMaxToAck = 0;
  /** the last segment's ack field, its time, and its raw window (tshark starts the window at G_MAXUINT32) */
  aLastAck = 0;
  aLastAckTs: bigint | null = null;
  aWin = 0xffffffff;
  /** analysis flags of the direction's last segment */
  aLastFlags = 0;
  aDupAcks = 0;
  aLastNonDup = 0;
  /** unacknowledged segments, oldest first (tshark keeps at most 10000) */
  segs: Unacked[] = [];
  /** the ack and list length of the last acknowledgment pass over segs (nothing to do when both are unchanged) */
  scanAck = -1;
  scanLen = -1;
  /** bytes in flight: min start / max end of segs relative to base, valid while bifOk */
  bifMin = 0;
  bifMax = 0;
  bifOk = false;
  validBif = true;
  /** bytes the SACK blocks of this direction's latest segment report received */
  sackBytes = 0;
  pushBytes = 0;
  pushLast = false;
}

export class TcpStream {
  a = new TcpFlow();
  b = new TcpFlow();
  rst = false;
  /** HTTP: methods of requests still waiting for their response (HEAD has no body) */
  pendingMethods: string[] = [];
  /** tcp.completeness bits seen so far: SYN 1, SYN-ACK 2, ACK 4, data 8, FIN 16, RST 32 */
  completeness = 0;
  synTs: bigint | null = null;
  initialRtt = -1;
  /** the same in nanoseconds (tshark's out-of-order threshold), -1n unknown */
  initialRttNs = -1n;
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
  /** a SYN started a new stream on the ports of an earlier one (tshark: reused ports) */
  reused: boolean;
}

/**
 * tshark 4.0: a SYN whose sequence number is not the first one of its side of
 * the conversation (from that side's first segment, or the other side's first
 * ACK) starts a new conversation on the same ports.
 */
const reusedBy = (flow: TcpFlow, seq: number): boolean => flow.base >= 0 && seq !== flow.base;

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
  private ref: StreamRef = { s: null as unknown as TcpStream, fwd: true, reused: false };

  lookup(ctx: Ctx, sp: number, dp: number, pureSyn: boolean, seq: number): StreamRef {
    if (ctx.ipVersion === 4) return this.lookup4(ctx.ip4Src * 65536 + sp, ctx.ip4Dst * 65536 + dp, pureSyn, seq);
    const a = endpoint(ctx, true) + ':' + sp, b = endpoint(ctx, false) + ':' + dp;
    const fwd = a <= b;
    const key = fwd ? a + '|' + b : b + '|' + a;
    let s = this.map.get(key);
    // a new SYN on a finished (or differently numbered) connection starts a new stream
    const reused = s !== undefined && pureSyn && reusedBy(fwd ? s.a : s.b, seq);
    if (reused) s = undefined;
    if (!s) {
      s = new TcpStream(this.next++);
      if (reused) s.completeness = 1;
      if (this.map.size >= MAX_STREAMS) this.map.delete(this.map.keys().next().value as string);
      this.map.delete(key);
      this.map.set(key, s);
    }
    this.ref.s = s;
    this.ref.fwd = fwd;
    this.ref.reused = reused;
    return this.ref;
  }

  private lookup4(a: number, b: number, pureSyn: boolean, seq: number): StreamRef {
    const fwd = a <= b;
    const lo = fwd ? a : b, hi = fwd ? b : a;
    let inner = this.map4.get(lo);
    let s = inner?.get(hi);
    const reused = s !== undefined && pureSyn && reusedBy(fwd ? s.a : s.b, seq);
    if (reused) s = undefined;
    if (!s) {
      s = new TcpStream(this.next++);
      if (reused) s.completeness = 1;
      // bounded: past the limit, start over (old conversations are long gone from view)
      if (this.size4 >= MAX_STREAMS) { this.map4.clear(); this.size4 = 0; inner = undefined; }
      if (!inner) { inner = new Map(); this.map4.set(lo, inner); }
      if (!inner.has(hi)) this.size4++;
      inner.set(hi, s);
    }
    this.ref.s = s;
    this.ref.fwd = fwd;
    this.ref.reused = reused;
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

// --- PDU boundaries, as tshark's TCP reassembly sees them -------------------
// tshark shows a segment's bytes as "TCP segment data" when they belong to a
// PDU that spans segments (and on retransmissions), and lists the segments
// where such a PDU completes. The apps above consume the bytes for their own
// fields; these framers only find where each PDU ends (cheap: lengths are
// skipped, not scanned) and run only when those TCP fields are wanted.

/** Finds PDU ends in one direction's in-order bytes. */
interface Framer {
  /** consumes [o, end): the offset just past a PDU that ends there, or -1 when every byte belongs to a PDU still open */
  next(d: Uint8Array, o: number, end: number, s: TcpStream): number;
  /**
   * whether the open PDU's length is known (a TLS or DNS length read, an HTTP
   * Content-Length); when it is not, tshark asks for one more segment at a time
   * and the whole segment joins the reassembly, also the bytes past the PDU's end
   */
  known(): boolean;
  /** the open PDU ends with the direction's FIN (an HTTP body without length) */
  untilFin?(): boolean;
  reset(): void;
}

const MAX_HTTP_HEADER = 64 * 1024;

/** HTTP/1.x messages: header block, then a body framed by Content-Length, chunks, or the close. */
class HttpFramer implements Framer {
  private mode = 0; // 0 idle, 1 headers, 2 length, 3 chunked, 4 until close
  private hdr: number[] = [];
  private remaining = 0;
  private chunk = 0; // 0 size line, 1 data, 2 CRLF after data, 3 trailer
  private size = 0;
  private sizeDone = false;
  private lineLen = 0;

  reset(): void { this.mode = 0; this.hdr = []; }
  untilFin(): boolean { return this.mode === 4; }
  known(): boolean { return this.mode === 2; }

  next(d: Uint8Array, o: number, end: number, s: TcpStream): number {
    while (o < end) {
      switch (this.mode) {
        case 0:
          // bytes that start no message are left alone by tshark's HTTP (a continuation): they end here
          if (!looksLikeHttp(d, o, end)) return end;
          this.mode = 1;
          this.hdr = [];
          break;
        case 1: {
          const h = this.hdr;
          while (o < end) {
            const c = d[o++];
            if (h.length < MAX_HTTP_HEADER) h.push(c);
            const n = h.length;
            if (c === 10 && ((n >= 2 && h[n - 2] === 10) || (n >= 3 && h[n - 2] === 13 && h[n - 3] === 10))) {
              this.body(s);
              if ((this.mode as number) === 0) return o;
              break;
            }
          }
          break;
        }
        case 2: {
          const n = Math.min(this.remaining, end - o);
          this.remaining -= n;
          o += n;
          if (this.remaining === 0) { this.mode = 0; return o; }
          break;
        }
        case 3:
          o = this.chunked(d, o, end);
          if ((this.mode as number) === 0) return o;
          break;
        default:
          return -1; // the close ends it
      }
    }
    return -1;
  }

  /** The header block is complete: how is the body framed? (as HttpApp decides) */
  private body(s: TcpStream): void {
    const text = String.fromCharCode.apply(null, this.hdr.length > 8192 ? this.hdr.slice(0, 8192) : this.hdr).toLowerCase();
    this.hdr = [];
    const cl = /\ncontent-length:[ \t]*(\d+)/.exec(text);
    const chunked = /\ntransfer-encoding:[^\n]*chunked/.test(text);
    const len = cl ? parseInt(cl[1], 10) : -1;
    let noBody: boolean;
    if (!text.startsWith('http/')) noBody = len < 0 && !chunked;
    else {
      const code = parseInt(text.slice(9, 12), 10);
      // HttpApp pairs the response with its request's method when it sees the same header (after this)
      noBody = (code >= 100 && code < 200) || code === 204 || code === 304 || s.pendingMethods[0] === 'HEAD';
    }
    if (noBody || len === 0) this.mode = 0;
    else if (chunked) { this.mode = 3; this.chunk = 0; this.size = 0; this.sizeDone = false; this.lineLen = 0; }
    else if (len > 0) { this.mode = 2; this.remaining = len; }
    else this.mode = 4;
  }

  private chunked(d: Uint8Array, o: number, end: number): number {
    while (o < end) {
      if (this.chunk === 1) {
        const n = Math.min(this.remaining, end - o);
        this.remaining -= n;
        o += n;
        if (this.remaining === 0) this.chunk = 2;
        continue;
      }
      const c = d[o++];
      if (this.chunk === 2) { if (c === 10) { this.chunk = 0; this.lineLen = 0; } continue; }
      if (this.chunk === 3) {
        if (c === 10) { if (this.lineLen === 0) { this.mode = 0; return o; } this.lineLen = 0; }
        else if (c !== 13) this.lineLen++;
        continue;
      }
      // size line
      if (c === 10) {
        if (this.lineLen === 0) continue;
        this.lineLen = 0;
        this.sizeDone = false;
        if (this.size === 0) this.chunk = 3;
        else { this.remaining = this.size; this.chunk = 1; }
        this.size = 0;
        continue;
      }
      if (c === 13) continue;
      this.lineLen++;
      const h = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
      if (h < 0 || this.lineLen > 8) this.sizeDone = true;
      else if (!this.sizeDone) this.size = this.size * 16 + h;
    }
    return o;
  }
}

/** Length-prefixed PDUs: TLS records (5-byte header), DNS over TCP (2-byte length). */
class LengthFramer implements Framer {
  private hdr = new Uint8Array(5);
  private got = 0;
  private remaining = -1;
  private bad = false;
  constructor(private readonly tls: boolean) {}

  reset(): void { this.got = 0; this.remaining = -1; }
  known(): boolean { return this.remaining >= 0; }

  next(d: Uint8Array, o: number, end: number): number {
    if (this.bad) return end;
    const hl = this.tls ? 5 : 2;
    while (o < end) {
      if (this.remaining < 0) {
        while (o < end && this.got < hl) this.hdr[this.got++] = d[o++];
        if (this.got < hl) return -1;
        const h = this.hdr;
        // not TLS framing: TlsApp ignores the rest of the direction, a single unknown record each time
        if (this.tls && (h[0] < 20 || h[0] > 24 || h[1] !== 3)) { this.bad = true; this.got = 0; return end; }
        this.remaining = this.tls ? (h[3] << 8) | h[4] : (h[0] << 8) | h[1];
      }
      const n = Math.min(this.remaining, end - o);
      this.remaining -= n;
      o += n;
      if (this.remaining === 0) { this.remaining = -1; this.got = 0; return o; }
    }
    return -1;
  }
}

/** Line-based protocols (SMTP): a PDU ends with the segment's last line feed. */
class LineFramer implements Framer {
  reset(): void {}
  known(): boolean { return false; }
  next(d: Uint8Array, o: number, end: number): number {
    for (let i = end - 1; i >= o; i--) if (d[i] === 10) return i + 1;
    return -1;
  }
}

/** Where one direction's PDUs end, and the segments of the one still open. */
export class PduTrack {
  /** segments of the open PDU (none: no PDU open); frames and byte counts kept up to MAX_PARTS */
  count = 0;
  frames: number[] = [];
  lens: number[] = [];
  total = 0;
  /** the open PDU's bytes, when kept for tcp.reassembled.data; null once past MAX_KEEP */
  data: Uint8Array[] | null = [];
  constructor(readonly framer: Framer) {}

  /** This frame's bytes [o, end) belong to the open PDU. */
  part(frame: number, d: Uint8Array, o: number, end: number, keep: boolean): void {
    if (this.count++ < MAX_PARTS) { this.frames.push(frame); this.lens.push(end - o); }
    this.total += end - o;
    if (keep && this.data !== null) {
      if (this.total > MAX_KEEP) this.data = null;
      else this.data.push(d.slice(o, end));
    }
  }

  /** The open PDU is done (completed or given up). */
  clear(): void { this.count = 0; this.frames = []; this.lens = []; this.total = 0; this.data = []; }
  reset(): void { this.framer.reset(); this.clear(); }
}

const MAX_PARTS = 4096;
const MAX_KEEP = 1 << 20;

/** The track for an app whose PDUs tshark reassembles, or null. */
export function trackFor(app: TcpApp): PduTrack | null {
  if (app instanceof HttpApp) return new PduTrack(new HttpFramer());
  if (app instanceof TlsApp) return new PduTrack(new LengthFramer(true));
  if (app instanceof DnsTcpApp) return new PduTrack(new LengthFramer(false));
  if (app instanceof LineApp) return new PduTrack(new LineFramer());
  return null;
}
