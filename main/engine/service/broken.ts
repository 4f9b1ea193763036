// A packet the dissector threw on, as the list shows it; in a module of its
// own so the decoding threads of a parallel open load no more than they use.
import type { Dissection, RawPacket } from '../types';

/** What the list shows for a packet the dissector threw on (a bug, shown not hidden). */
export function brokenDissection(pkt: RawPacket, e: unknown): Dissection {
  const frame = { name: 'frame', value: null, start: 0, len: pkt.data.length, children: [] };
  return {
    packet: pkt, tree: [frame], fields: [frame],
    summary: { number: pkt.number, time: 0, source: '', destination: '', protocol: 'frame', length: pkt.origLen, info: `[Dissector error: ${errMessage(e)}]` },
    expert: [{ severity: 'error', group: 'malformed', message: `dissector error: ${errMessage(e)}` }],
    malformed: true,
  };
}

export function errMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

