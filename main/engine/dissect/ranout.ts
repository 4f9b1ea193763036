// A header that needs bytes past the end of what is there: tshark's two
// exceptions. Past the captured bytes of a frame the snap length cut, but
// within what was sent, it is a BoundsError ("[Packet size limited during
// capture]", no malformed mark); past what was sent, a ReportedBoundsError
// ("[Malformed Packet]").
import type { Ctx } from './context';

/** The end of [off, …) as sent: the captured end plus what the snap length cut off (frame-level layers only). */
export function sentEnd(ctx: Ctx, end: number): number {
  return end === ctx.d.length ? end + Math.max(0, ctx.pkt.origLen - ctx.pkt.capLen) : end;
}

/** Marks the frame for a read of [off, off + len) that ran out of bytes. */
export function ranOut(ctx: Ctx, protocol: string, message: string, off: number, len: number): void {
  if (off + len <= sentEnd(ctx, ctx.d.length) && ctx.pkt.capLen < ctx.pkt.origLen && ctx.d === ctx.pkt.data) ctx.short = true;
  else ctx.boundsAt(protocol, message, off, Math.max(0, ctx.d.length - off));
}
