// Which decoding thread owns a packet. All the state a packet's dissection
// reads or writes (TCP streams and their reassembly, IP fragments, ICMP
// echo pairs) is keyed by addresses within one pair of IP hosts, so packets
// are split by the pair of their outer IP header: a conversation's packets
// all meet in one thread, in file order.
import type { RawPacket } from '../types';

const ETHERNET = 1, RAW = 101, RAW_12 = 12, RAW_14 = 14, LOOP = 108, NULL = 0, SLL = 113, SLL2 = 276, IPV4 = 228, IPV6 = 229;

/** murmur3's finaliser: spreads a 32-bit key over all bits */
function mix(h: number): number {
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const rd32 = (d: Uint8Array, o: number): number => ((d[o] << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3]) >>> 0;

/** An IPv6 address folded to 32 bits. */
function fold6(d: Uint8Array, o: number): number {
  return mix(rd32(d, o) ^ mix(rd32(d, o + 4) ^ mix(rd32(d, o + 8) ^ mix(rd32(d, o + 12)))));
}

/** The same key for both directions: the two hosts' keys, ordered. */
function pair(a: number, b: number): number {
  const lo = a < b ? a : b, hi = a < b ? b : a;
  return mix(lo ^ Math.imul(mix(hi), 0x9e3779b1));
}

/** Key of the IP header at d[off]: the host pair, or -1 when there is none to read. */
function ipKey(d: Uint8Array, off: number): number {
  if (off >= d.length) return -1;
  const v = d[off] >> 4;
  if (v === 4 && off + 20 <= d.length) return pair(rd32(d, off + 12), rd32(d, off + 16));
  if (v === 6 && off + 40 <= d.length) return pair(fold6(d, off + 8), fold6(d, off + 24));
  return -1;
}

/** Walks the link layers the dissector walks (VLAN, MPLS, PPPoE, LLC/SNAP) to the IP header. */
function afterEthertype(d: Uint8Array, type: number, off: number): number {
  for (let hops = 0; hops < 8; hops++) {
    switch (type) {
      case 0x0800: case 0x86dd: return ipKey(d, off);
      case 0x8100: case 0x88a8: case 0x9100:
        if (off + 4 > d.length) return -1;
        type = (d[off + 2] << 8) | d[off + 3];
        off += 4;
        if (type <= 1500) return snap(d, off);
        continue;
      case 0x8847: case 0x8848:
        for (let i = 0; i < 16; i++) {
          if (off + 4 > d.length) return -1;
          const bottom = (d[off + 2] & 1) !== 0;
          off += 4;
          if (bottom) return ipKey(d, off);
        }
        return -1;
      case 0x8864: {
        // PPPoE session: 6-byte header, then the PPP protocol (0x0021 IPv4, 0x0057 IPv6)
        if (off + 8 > d.length) return -1;
        const ppp = (d[off + 6] << 8) | d[off + 7];
        return ppp === 0x0021 || ppp === 0x0057 ? ipKey(d, off + 8) : -1;
      }
      default: return -1;
    }
  }
  return -1;
}

/** 802.2 LLC with a SNAP header of OUI 0 carries an ethertype. */
function snap(d: Uint8Array, off: number): number {
  if (off + 8 > d.length || d[off] !== 0xaa || d[off + 1] !== 0xaa) return -1;
  if (d[off + 3] !== 0 || d[off + 4] !== 0 || d[off + 5] !== 0) return -1;
  return afterEthertype(d, (d[off + 6] << 8) | d[off + 7], off + 8);
}

/**
 * A 32-bit key for the packet's outer IP host pair (the same both ways), or
 * -1 for a packet without one (ARP, link-layer protocols, damaged headers).
 */
export function flowKey(p: RawPacket): number {
  const d = p.data;
  switch (p.linkType & 0x03ffffff) {
    case ETHERNET: {
      if (d.length < 14) return -1;
      const type = (d[12] << 8) | d[13];
      return type <= 1500 ? snap(d, 14) : afterEthertype(d, type, 14);
    }
    case SLL: return d.length < 16 ? -1 : afterEthertype(d, (d[14] << 8) | d[15], 16);
    case SLL2: return d.length < 20 ? -1 : afterEthertype(d, (d[0] << 8) | d[1], 20);
    case NULL: case LOOP: return ipKey(d, 4);
    case RAW: case RAW_12: case RAW_14: case IPV4: case IPV6: return ipKey(d, 0);
    default: return -1;
  }
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
