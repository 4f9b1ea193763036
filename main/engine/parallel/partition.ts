// Which decoding thread owns a packet. All the state a packet's dissection
// reads or writes (TCP streams and their reassembly, IP fragments, ICMP
// echo pairs) is keyed by addresses within one pair of IP hosts, so packets
// are split by the pair of their outer IP header: a conversation's packets
// all meet in one thread, in file order.
import type { RawPacket } from '../types';
import { emptyHeaders, walkHeaders } from '../dissect/headers';
import { u32 } from '../dissect/bytes';

/** murmur3's finaliser: spreads a 32-bit key over all bits */
function mix(h: number): number {
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** An IPv6 address folded to 32 bits. */
function fold6(d: Uint8Array, o: number): number {
  return mix(u32(d, o) ^ mix(u32(d, o + 4) ^ mix(u32(d, o + 8) ^ mix(u32(d, o + 12)))));
}

/** The same key for both directions: the two hosts' keys, ordered. */
function pair(a: number, b: number): number {
  const lo = a < b ? a : b, hi = a < b ? b : a;
  return mix(lo ^ Math.imul(mix(hi), 0x9e3779b1));
}

const scratch = emptyHeaders();

/**
 * A 32-bit key for the packet's outer IP host pair (the same both ways), or
 * -1 for a packet without one (ARP, link-layer protocols, damaged headers).
 */
export function flowKey(p: RawPacket): number {
  const d = p.data;
  walkHeaders(d, p.linkType, scratch);
  const off = scratch.ipOff;
  if (scratch.ipVersion === 4) return pair(u32(d, off + 12), u32(d, off + 16));
  if (scratch.ipVersion === 6) return pair(fold6(d, off + 8), fold6(d, off + 24));
  return -1;
}

/** Past this many host pairs, new pairs are placed by their key alone (memory stays bounded). */
const MAX_PAIRS = 1 << 20;

/**
 * Deals host pairs out to threads. A pair goes, when first seen, to the
 * thread whose packet count so far is smallest for its share, and stays
 * there. shares[i] is thread i's part of the work (the reading thread, busy
 * with reading and merging too, takes a smaller one).
 */
export class Partitioner {
  private readonly owners = new Map<number, number>();
  private readonly load: Float64Array;
  private readonly share: Float64Array;
  readonly n: number;
  constructor(shares: readonly number[]) {
    this.n = shares.length;
    this.share = Float64Array.from(shares);
    this.load = new Float64Array(this.n);
  }

  owner(p: RawPacket): number {
    const n = this.n;
    if (n === 1) return 0;
    const key = flowKey(p);
    // packets with no IP pair all meet in thread 0 (ARP and friends keep no state across packets here)
    let w = key < 0 ? 0 : this.owners.get(key);
    if (w === undefined) {
      if (this.owners.size < MAX_PAIRS) {
        w = 0;
        for (let i = 1; i < n; i++) if (this.load[i] / this.share[i] < this.load[w] / this.share[w]) w = i;
        this.owners.set(key, w);
      } else w = key % n;
    }
    this.load[w]++;
    return w;
  }
}
