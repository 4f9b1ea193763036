// Length-prefixed PDUs over TCP (NBSS, DCE/RPC, TPKT, Kerberos and LDAP over
// TCP): one reassembler and one framer driven by the same header rule, so
// the protocol's fields and tshark's reassembly fields (tcp.segment_data,
// tcp.reassembled_in) agree on where each PDU ends. A PDU wholly inside the
// frame is dissected in place; one spanning frames is copied (its first
// MAX_KEEP bytes: enough for every header we read) and dissected on the
// frame that completes it, as tshark does.
import type { Ctx } from './context';
import type { State } from './state';
import { FixedHeaderFramer, type Framer, type PduRule } from './framers';
import type { TcpApp, TcpFlow, TcpStream } from './tcpstream';

/** Bytes of a spanning PDU kept for dissection (the rest is counted, not copied). */
export const MAX_KEEP = 256 * 1024;

/**
 * Dissects one complete PDU at [off, off + kept) of ctx.d; `len` is its
 * length on the wire (larger than `kept` when the copy stopped at MAX_KEEP).
 */
export type PduDissect = (ctx: Ctx, st: State, s: TcpStream, off: number, kept: number, len: number) => void;

/**
 * The bytes an app reads this frame: those it kept from earlier segments,
 * then [off, end) of the frame (a copy); the frame itself when none were kept.
 */
export function joinKept(kept: Uint8Array | null, d: Uint8Array, off: number, end: number): Uint8Array {
  if (kept === null) return d;
  const b = new Uint8Array(kept.length + end - off);
  b.set(kept, 0);
  b.set(d.subarray(off, end), kept.length);
  return b;
}

/**
 * An app that reads whole messages and holds a message cut at the segment's
 * end (MySQL, PostgreSQL, RESP): the next segment is read after the held
 * bytes, over a joined copy whose earlier part maps to no offset of this
 * frame (ctx.withReassembled). The subclass sets `held` when it stops short.
 * MQTT and SIP over TCP read the same way.
 */
export abstract class HeldBytesApp implements TcpApp {
  protected held: Uint8Array | null = null;

  /** Reads the messages at [o, end) of `d` (ctx.d: the frame, or the joined copy). */
  protected abstract read(ctx: Ctx, st: State, d: Uint8Array, o: number, end: number, s: TcpStream): void;

  fin(): void {}
  reset(): void { this.held = null; }

  feed(ctx: Ctx, st: State, s: TcpStream, _f: unknown, off: number, end: number): void {
    const held = this.held;
    if (held === null) { this.read(ctx, st, ctx.d, off, end, s); return; }
    const b = joinKept(held, ctx.d, off, end);
    this.held = null;
    ctx.withReassembled(b, held.length, off, end - off, () => { this.read(ctx, st, ctx.d, 0, b.length, s); });
  }
}

export class PduApp implements TcpApp {
  private hdr: Uint8Array;
  private got = 0;
  /** the open PDU's length (-1: header incomplete) and the bytes still to come */
  private len = -1;
  private left = 0;
  private buf: Uint8Array | null = null;
  private kept = 0;
  private bad = false;

  constructor(
    private readonly rule: PduRule,
    private readonly dissect: PduDissect,
    /** bytes that are not this protocol (a bad header): how to show them */
    private readonly unknown: (ctx: Ctx, off: number, end: number) => void,
  ) {
    this.hdr = new Uint8Array(rule.hdrLen);
  }

  framer(): Framer { return new FixedHeaderFramer(this.rule); }
  fin(): void {}
  reset(): void { this.got = 0; this.len = -1; this.buf = null; this.kept = 0; this.bad = false; }

  feed(ctx: Ctx, st: State, s: TcpStream, _flow: TcpFlow, off: number, end: number): void {
    const d = ctx.d;
    let o = off;
    if (this.bad) { this.unknown(ctx, off, end); return; }
    // each pass consumes at least one byte or returns
    while (o < end) {
      if (this.len < 0) {
        // fast path: a whole PDU in this frame, nothing pending
        if (this.got === 0 && end - o >= this.rule.hdrLen) {
          const n = this.rule.length(d, o);
          if (n < this.rule.hdrLen) { this.bad = true; this.unknown(ctx, o, end); return; }
          if (n <= end - o) { this.dissect(ctx, st, s, o, n, n); o += n; continue; }
        }
        const hl = this.rule.hdrLen;
        while (o < end && this.got < hl) this.hdr[this.got++] = d[o++];
        if (this.got < hl) return;
        const n = this.rule.length(this.hdr, 0);
        if (n < hl) { this.bad = true; this.got = 0; this.unknown(ctx, off, end); return; }
        this.len = n;
        this.left = n - hl;
        this.buf = new Uint8Array(Math.min(n, MAX_KEEP));
        this.buf.set(this.hdr.subarray(0, Math.min(hl, this.buf.length)));
        this.kept = Math.min(hl, this.buf.length);
      }
      const take = Math.min(this.left, end - o);
      const buf = this.buf as Uint8Array;
      const room = Math.min(take, buf.length - this.kept);
      if (room > 0) { buf.set(d.subarray(o, o + room), this.kept); this.kept += room; }
      this.left -= take;
      o += take;
      if (this.left === 0) {
        const len = this.len, kept = this.kept;
        this.len = -1; this.got = 0; this.buf = null; this.kept = 0;
        // the PDU's tail in this frame maps to frame offsets; its earlier bytes live in other frames
        const inFrame = Math.min(o - off, kept);
        ctx.withReassembled(buf, kept - inFrame, o - inFrame, kept === len ? inFrame : 0, () => this.dissect(ctx, st, s, 0, kept, len));
      }
    }
  }
}
