// The prologue dissectors share: open the layer, name the protocol, and give
// up on a header too short, saying "cut short" the same way everywhere.
// openLayer for a header of a fixed least length; openHeader for ICMP,
// ICMPv6, TCP and UDP, which give up only below the two 16-bit words every
// one of them starts with (type/code or the port pair).
import { type Ctx, type FieldKey, type FieldNode, fieldKey } from './context';

export interface Prologue {
  /** The layer's field name (icmp, tcp…). */
  layer: string;
  /** Column Protocol, and the name the malformed message starts with. */
  protocol: string;
  /** The bytes the short-header message counts against. */
  header: number;
  /** The layer's length at most (Infinity: all that is there). */
  cap: number;
  /** Info when not even 4 bytes are there. */
  shortInfo: string;
  /** the layer's key, made on first use (every packet opens TCP or UDP: no name hashing per packet) */
  key?: FieldKey;
}

/**
 * The prologue of a dissector whose header has a fixed least length: opens
 * the layer over [off, end), names the protocol, and answers null (the layer
 * marked malformed: "`what` header cut short (n of `need` bytes)") when
 * fewer than `need` bytes are there.
 */
export function openLayer(ctx: Ctx, layer: string, protocol: string, off: number, end: number, need: number, what = protocol): FieldNode | null {
  const l = ctx.layer(layer, off, end - off);
  ctx.protocol = protocol;
  if (end - off >= need) return l;
  ctx.malformedAt(layer, `${what} header cut short (${end - off} of ${need} bytes)`, off, end - off);
  return null;
}

/** Opens the layer; null (with the layer marked malformed and Info set) when fewer than 4 bytes are there. */
export function openHeader(ctx: Ctx, p: Prologue, off: number, end: number): FieldNode | null {
  const have = Math.max(0, end - off);
  const l = ctx.layerK(p.key ??= fieldKey(p.layer), off, Math.min(p.cap, have));
  ctx.protocol = p.protocol;
  if (have >= 4) return l;
  ctx.malformedAt(p.layer, `${p.protocol} header cut short (${have} of ${p.header} bytes)`, off, have);
  ctx.info = p.shortInfo;
  return null;
}

/**
 * A UDP payload's length as sent (tshark's reported length): more than the
 * bytes there when the capture's snap length cut the frame, read from the
 * UDP header just before the payload (for the heuristics, which see
 * top-level datagrams only).
 */
export function udpSentLength(ctx: Ctx, off: number, end: number): number {
  const have = end - off;
  if (ctx.pkt.capLen >= ctx.pkt.origLen || off < 8 || end !== ctx.d.length) return have;
  const sent = ((ctx.d[off - 4] << 8) | ctx.d[off - 3]) - 8;
  return sent > have ? sent : have;
}
