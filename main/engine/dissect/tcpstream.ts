// TCP conversation state: stream indexes, per-direction sequence tracking
// and the application-layer reassembler each direction feeds. Bounded: the
// table forgets the least recently created streams past MAX_STREAMS.
import type { Ctx } from './context';
import type { State } from './state';
import { DataApp } from './tcpsimple';
import type { Framer } from './framers';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { TCP_HEURISTICS, TCP_PORT } = tables;

const MAX_STREAMS = 200_000;

/** An application-layer reassembler for one direction of a TCP stream. */
export interface TcpApp {
  /** in-order new bytes [off, end) of ctx.d */
  feed(ctx: Ctx, st: State, s: TcpStream, flow: TcpFlow, off: number, end: number): void;
  /** the direction sent FIN: complete whatever waits for the close */
  fin(ctx: Ctx, st: State, s: TcpStream, flow: TcpFlow): void;
  /** bytes were lost: forget any partial PDU */
  reset(): void;
  /** Info text for a frame whose bytes wait for a later one (e.g. 'POST / HTTP/1.1'; '' for none, not even TCP's) */
  partialInfo?(): string | undefined;
  /**
   * The app claimed the segment without a protocol layer of its own (tshark's
   * dissector set the columns but added no layer, as PostgreSQL's one-byte
   * SSL answer): TCP leaves its summary alone.
   */
  claimedBare?(): boolean;
  /** where the protocol's PDUs end, for tshark's reassembly fields (none: each segment stands alone) */
  framer?(): Framer;
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
  /** the server's port, from the latest SYN (its destination) or SYN-ACK (its source); 0 none seen (tshark's tcpd->server_port) */
  serverPort = 0;
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

const w = (b: Uint8Array, i: number): number => (b[i] << 8) | b[i + 1];
/** An IPv6 address as 8 UTF-16 code units, one per 16-bit word: compares as its bytes do. */
const addr6 = (b: Uint8Array): string =>
  String.fromCharCode(w(b, 0), w(b, 2), w(b, 4), w(b, 6), w(b, 8), w(b, 10), w(b, 12), w(b, 14));

export class TcpTable {
  /** IPv6 conversations: both addresses (addr6) and ports as code units, lower endpoint first */
  private map = new Map<string, TcpStream>();
  /** IPv4 conversations: endpoint (address × 65536 + port, exact below 2^53) → endpoint → stream */
  private map4 = new Map<number, Map<number, TcpStream>>();
  private size4 = 0;
  private next = 0;
  private ref: StreamRef = { s: null as unknown as TcpStream, fwd: true, reused: false };

  lookup(ctx: Ctx, sp: number, dp: number, pureSyn: boolean, seq: number): StreamRef {
    if (ctx.ipVersion === 4) return this.lookup4(ctx.ip4Src * 65536 + sp, ctx.ip4Dst * 65536 + dp, pureSyn, seq);
    const as = addr6(ctx.ip6Src as Uint8Array), bs = addr6(ctx.ip6Dst as Uint8Array);
    // the lower endpoint is side a; between equal addresses the ports compare as text, as they always have
    const fwd = as !== bs ? as < bs : String(sp) <= String(dp);
    // fixed widths (8 + 8 + 2 code units): one key per conversation and direction-free
    const key = fwd ? as + bs + String.fromCharCode(sp, dp) : bs + as + String.fromCharCode(dp, sp);
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

/**
 * Data after every port's protocol rejected the payload: tshark tries the
 * ports again on the next segment, so tcp.ts does not keep this one as the
 * direction's app (it holds no state).
 */
export const RETRY_DATA: TcpApp = new DataApp();

/**
 * Picks the reassembler for a direction as tshark's decode_tcp_ports: the
 * ports (tcp.port: the server's from the handshake, the lower, the higher;
 * a protocol may reject the payload), then a look at its first bytes
 * (heuristics), else data.
 */
export function appFor(sp: number, dp: number, server: number, d: Uint8Array, off: number, end: number): TcpApp {
  const port = TCP_PORT.choose(sp, dp, server, d, off, end);
  if (port !== undefined) return port(sp, dp, TCP_PORT.matched);
  const heur = TCP_HEURISTICS.find(d, off, end);
  if (heur !== undefined) return heur(sp, dp, 0);
  return TCP_PORT.rejected ? RETRY_DATA : new DataApp();
}

// --- PDU boundaries (the framers are in framers.ts) ---

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

/** The track for an app whose PDUs tshark reassembles (one that has a framer), or null. */
export function trackFor(app: TcpApp): PduTrack | null {
  const framer = app.framer?.();
  return framer === undefined ? null : new PduTrack(framer);
}
