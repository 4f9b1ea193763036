// Timestamp text as tshark prints frame.time_epoch, including the odd
// output for damaged pcap records whose fraction is >= 1 s.
import type { RawPacket } from '../types';

/**
 * frame.time_epoch as tshark 4.0 prints it: seconds, '.', nine digits; ''
 * when the packet has no timestamp (pcapng SPB). For classic pcap records it
 * works from the raw fields like Wireshark does (fraction scaled to ns in a
 * signed 32-bit int), so 1418145370 + 1000000000 ns prints as
 * "1418145370.1000000000" and + 2147483648 ns as "-1418145370.2147483648".
 */
export function epochText(p: Pick<RawPacket, 'tsNs' | 'tsSec' | 'tsFrac' | 'tsUnitNs'>): string {
  if (p.tsSec !== undefined && p.tsFrac !== undefined) {
    const ns = Math.imul(p.tsFrac, p.tsUnitNs ?? 1) | 0;
    return ns < 0 ? `-${p.tsSec}.${String(-ns).padStart(9, '0')}` : `${p.tsSec}.${String(ns).padStart(9, '0')}`;
  }
  if (p.tsNs === null) return '';
  const neg = p.tsNs < 0n;
  const a = neg ? -p.tsNs : p.tsNs;
  return `${neg ? '-' : ''}${a / 1_000_000_000n}.${String(a % 1_000_000_000n).padStart(9, '0')}`;
}
