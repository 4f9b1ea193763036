// A frame's UDP datagram as the detectors count it: the header the facts read
// (an unfragmented datagram), or — for an IP-fragmented datagram — the
// reassembled one the dissector shows on the fragment that completed it
// (as Wireshark does: `udp.srcport` is on that frame only). Big reflection
// answers (DNS ANY, NTP monlist, memcached) are fragmented as a rule.
import type { Dissection, FieldValue } from '../types';
import type { PacketFacts } from './facts';

export interface Datagram {
  sport: number;
  dport: number;
  /** bytes of the datagram on the wire (all its fragments: IP and UDP headers plus payload) */
  bytes: number;
}

const num = (v: FieldValue | undefined): number => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : NaN);

/** The frame's one datagram under a single IP header, or null (not UDP, a tunnel, an ICMP error quoting UDP, an incomplete fragment). */
export function datagramOf(f: PacketFacts, d: Dissection, out: Datagram): Datagram | null {
  let ip = 0, udp = false;
  for (let i = 1; i < d.tree.length; i++) {
    const n = d.tree[i].name;
    if (n === 'ip' || n === 'ipv6') ip++;
    else if (n === 'udp') udp = true;
  }
  if (ip !== 1 || !udp) return null;
  if (f.transport === 'udp') {
    out.sport = f.srcPort as number; out.dport = f.dstPort as number; out.bytes = f.len;
    return out;
  }
  // reassembled: the fields the dissector added for the whole datagram
  let sp: FieldValue | undefined, dp: FieldValue | undefined, len: FieldValue | undefined;
  for (const fd of d.fields) {
    if (fd.name === 'udp.srcport') sp ??= fd.value;
    else if (fd.name === 'udp.dstport') dp ??= fd.value;
    else if (fd.name === 'udp.length') len ??= fd.value;
  }
  if (sp === undefined || dp === undefined) return null;
  out.sport = num(sp); out.dport = num(dp);
  const l = num(len);
  out.bytes = Number.isFinite(l) ? l + (f.ipVersion === 6 ? 40 : 20) : f.len;
  return out;
}
