// Where tshark's dissector reads past the bytes it throws: a BoundsError
// when the capture cut the frame there (Info gets "[Packet size limited
// during capture]", the packet is not malformed), else a malformed packet.
import type { Ctx } from './context';

/** The dissector of `proto` ran past `end`, the last byte it was given. */
export function pastEnd(ctx: Ctx, proto: string, message: string, start: number, len: number, end: number): void {
  if (ctx.pkt.capLen < ctx.pkt.origLen && end >= ctx.pkt.data.length) ctx.short = true;
  else ctx.boundsAt(proto, message, start, len);
}
