// What a save/export reads from: the interfaces packets refer to and a
// stream of packet batches. An opened session, a spool being recovered, or
// the UI's in-memory packet store all fit this shape.
import type { CaptureInterface, RawPacket } from '../types';

export interface PacketSource {
  /** indexed by RawPacket.interfaceId */
  interfaces: readonly CaptureInterface[];
  /** batches in frame order; may be called once per save */
  batches(): AsyncIterable<readonly RawPacket[]> | Iterable<readonly RawPacket[]>;
}

/**
 * Which packets to export ("Export Specified Packets"): all, an explicit
 * list of frame numbers (displayed or selected rows), an inclusive range, or
 * a predicate.
 */
export type PacketSelection =
  | 'all'
  | { frames: Iterable<number> }
  | { range: [first: number, last: number] }
  | { predicate: (frame: number, pkt: RawPacket) => boolean };

export function selectionPredicate(sel: PacketSelection | undefined): (frame: number, pkt: RawPacket) => boolean {
  if (!sel || sel === 'all') return () => true;
  if ('frames' in sel) {
    const set = sel.frames instanceof Set ? (sel.frames as Set<number>) : new Set(sel.frames);
    return (n) => set.has(n);
  }
  if ('range' in sel) {
    const [a, b] = sel.range;
    if (!(a <= b)) throw new RangeError(`invalid packet range ${a}-${b}`);
    return (n) => n >= a && n <= b;
  }
  return sel.predicate;
}

/** A source over packets already in memory (tests, small exports). */
export function arraySource(interfaces: readonly CaptureInterface[], packets: readonly RawPacket[], batchSize = 1024): PacketSource {
  return {
    interfaces,
    *batches() {
      for (let i = 0; i < packets.length; i += batchSize) yield packets.slice(i, i + batchSize);
    },
  };
}
