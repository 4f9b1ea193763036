// IP fragment reassembly (shared by IPv4 and the IPv6 fragment header).
// Bounded: at most MAX_PENDING datagrams in flight (oldest dropped first),
// MAX_FRAGS fragments and 64 KiB per datagram.

const MAX_PENDING = 1024;
const MAX_FRAGS = 128;
const MAX_LEN = 65535;

interface Pending {
  frames: number[];
  parts: Array<{ off: number; data: Uint8Array }>;
  total: number; // -1 until the last fragment is seen
}

export interface Reassembled {
  data: Uint8Array;
  frames: number[];
}

export class FragTable {
  private pending = new Map<string, Pending>();

  /** Adds a fragment; returns the datagram when this fragment completes it. */
  add(key: string, frame: number, off: number, data: Uint8Array, last: boolean): Reassembled | null {
    let p = this.pending.get(key);
    if (!p) {
      if (this.pending.size >= MAX_PENDING) this.pending.delete(this.pending.keys().next().value as string);
      p = { frames: [], parts: [], total: -1 };
      this.pending.set(key, p);
    }
    if (p.parts.length >= MAX_FRAGS || off + data.length > MAX_LEN) {
      this.pending.delete(key);
      return null;
    }
    p.frames.push(frame);
    p.parts.push({ off, data: data.slice() });
    if (last) p.total = off + data.length;
    if (p.total < 0) return null;
    // contiguous coverage of [0, total)?
    const sorted = [...p.parts].sort((a, b) => a.off - b.off);
    let covered = 0;
    for (const s of sorted) {
      if (s.off >= p.total) break; // past the end: no part of the datagram
      if (s.off > covered) return null;
      covered = Math.max(covered, s.off + s.data.length);
    }
    if (covered < p.total) return null;
    const buf = new Uint8Array(p.total);
    // later fragments overwrite earlier ones where they overlap (arrival order)
    // a fragment past the end the last fragment set (damage, or an attack) is left out, as Wireshark leaves it
    for (const s of p.parts) if (s.off < p.total) buf.set(s.data.subarray(0, Math.min(s.data.length, p.total - s.off)), s.off);
    this.pending.delete(key);
    return { data: buf, frames: p.frames };
  }
}
