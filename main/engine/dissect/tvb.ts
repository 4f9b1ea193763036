// Bounded reads the way a tshark dissector reads its tvb: any read past the
// bytes there throws, and the dissection stops where it was, with every
// field added so far kept. Protocols whose tshark dissector walks nested
// structures without checking lengths first (OSPF LSAs, BGP attributes, PIM
// options) read through this, so where they stop and what they show on a
// lying length is tshark's, without a length check per field.
import type { Ctx } from './context';
import { u16, u24, u32 } from './bytes';

/** The read ran past the bytes there (thrown only inside `guarded`). */
class Cut {
  constructor(readonly at: number, readonly len: number) {}
}

/** Ends the dissection where it is, the damage already marked (tshark's dissector giving up on what it read). */
const STOP = new Cut(-1, 0);
export function stop(): never {
  throw STOP;
}

export class Tvb {
  /** `end`: where the protocol's bytes end (a read past it throws) */
  constructor(readonly d: Uint8Array, readonly end: number) {}
  need(o: number, n: number): void {
    if (n < 0 || o < 0 || o + n > this.end) throw new Cut(o, n);
  }
  u8(o: number): number { this.need(o, 1); return this.d[o]; }
  u16(o: number): number { this.need(o, 2); return u16(this.d, o); }
  u24(o: number): number { this.need(o, 3); return u24(this.d, o); }
  u32(o: number): number { this.need(o, 4); return u32(this.d, o); }
  u64(o: number): bigint { this.need(o, 8); return (BigInt(u32(this.d, o)) << 32n) | BigInt(u32(this.d, o + 4)); }
  bytes(o: number, n: number): Uint8Array { this.need(o, n); return this.d.subarray(o, o + n); }
}

/**
 * Where the protocol's bytes end on the wire (tshark's reported length):
 * past `end` when the capture's snap length cut the frame there. Loops that
 * tshark runs to the reported end read on and stop where the bytes do.
 */
export function reportedEnd(ctx: Ctx, end: number): number {
  return end === ctx.d.length && ctx.pkt.capLen < ctx.pkt.origLen ? end + ctx.pkt.origLen - ctx.pkt.capLen : end;
}

/**
 * Runs a dissection that reads through a Tvb; a read past the end stops it
 * as tshark's exception does: where the capture's snap length cut the frame,
 * a BoundsError ("[Packet size limited during capture]"), else a
 * ReportedBoundsError ("[Malformed Packet]"). Answers whether it ran whole.
 */
export function guarded(ctx: Ctx, protocol: string, end: number, fn: () => void): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    if (!(e instanceof Cut)) throw e;
    if (e === STOP) return false;
    if (ctx.pkt.capLen < ctx.pkt.origLen && end === ctx.d.length) ctx.short = true;
    else ctx.boundsAt(protocol, `${protocol} read past its bytes (${e.len} bytes at offset ${e.at})`, Math.min(e.at, end), Math.max(0, end - e.at));
    return false;
  }
}
