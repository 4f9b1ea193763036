// The view cap of a live capture (CaptureOptions.viewCap): keep the last N
// packets and/or MB in view, so a capture can run for days in bounded
// memory. Packets leave the store, the filter index and the displayed list
// from the front in whole chunks (one copy of what stays per chunk, never a
// shift per packet); they stay in the capture's ring files or spool on disk,
// which `CaptureFiles` tracks so they can be reopened (captureFiles call).
//
// Positions in the store are the packets' places in arrays, which a filter
// or sort pass walks across turns of the event loop: while one runs
// (holdPositions) eviction waits, and the view may pass its cap by what
// arrives meanwhile; the next batch after the pass evicts.
import { statSync } from 'node:fs';
import type { CaptureFileEntry } from '../../api/index';

/** The parts of the open capture that give packets up, through a small interface (store, index, list). */
export interface Evictable {
  /** bytes held (what the MB cap counts) */
  bytes(): number;
  /** forget the first k packets; re-allocate for what stays plus `room` packets */
  dropFront(k: number, room: number): void;
}

export interface ViewCapLimits {
  packets?: number | undefined;
  megabytes?: number | undefined;
}

/** a chunk is this share of the cap: the view holds between cap and cap + cap/4 */
const CHUNK_SHARE = 4;
const MIN_CHUNK = 256;

export class ViewCap {
  /** packets that left the view so far */
  evicted = 0;
  /** frame number of the last packet that left the view (0: none) */
  lastEvicted = 0;
  private holds = 0;
  private readonly chunk: number;

  /** count: packets in view; frameAt: the frame number at a position */
  constructor(readonly limits: ViewCapLimits, private readonly parts: readonly Evictable[],
    private readonly count: () => number, private readonly frameAt: (i: number) => number) {
    this.chunk = limits.packets ? Math.max(MIN_CHUNK, Math.ceil(limits.packets / CHUNK_SHARE)) : 0;
  }

  /** The most the view holds by count once a batch is ingested (cap + one chunk). */
  get maxPackets(): number { return this.limits.packets ? this.limits.packets + this.chunk : Infinity; }

  /** Positions must not move until the returned function is called (a pass walks them). */
  hold(): () => void {
    this.holds++;
    let released = false;
    return () => { if (!released) { released = true; this.holds--; } };
  }

  /** How many packets to evict now (0: none): a whole chunk past the cap. */
  due(): number {
    if (this.holds > 0) return 0;
    const n = this.count();
    const { packets, megabytes } = this.limits;
    let k = 0;
    if (packets && n >= packets + this.chunk) k = n - packets;
    if (megabytes) {
      const cap = megabytes * 2 ** 20;
      let bytes = 0;
      for (const p of this.parts) bytes += p.bytes();
      // past the cap: back to three quarters of it, judged by the average packet's share
      if (bytes > cap && n > 0) k = Math.max(k, Math.min(n, Math.ceil(n * (1 - (0.75 * cap) / bytes))));
    }
    return k;
  }

  /** Evicts the first k packets from every part; room: the chunk the arrays are sized for next. */
  evict(k: number): void {
    if (k <= 0) return;
    this.lastEvicted = this.frameAt(k - 1);
    const room = this.chunk || Math.ceil(k / 2);
    for (const p of this.parts) p.dropFront(k, room);
    this.evicted += k;
  }
}

/**
 * Which file on disk holds which frames of a live capture: each ring file
 * (CaptureOptions.ringBuffer) from the first packet written to it, or the
 * spool. Files the ring deleted are left out of the list.
 */
export class CaptureFiles {
  private readonly files: Array<{ path: string; first: number; last: number }> = [];

  /** packets [first, last] went into `path` (called per batch, in order) */
  wrote(path: string, first: number, last: number): void {
    const cur = this.files[this.files.length - 1];
    if (cur && cur.path === path) { cur.last = last; return; }
    this.files.push({ path, first, last });
  }

  /** The files still on disk, oldest first; `live`: the file being written now. */
  list(live: string | null): CaptureFileEntry[] {
    const out: CaptureFileEntry[] = [];
    for (const f of this.files) {
      let size: number;
      try { size = statSync(f.path).size; } catch { continue; }
      out.push({ path: f.path, firstNumber: f.first, lastNumber: f.last, size, writing: f.path === live });
    }
    return out;
  }

  /** the file holding frame `number`, when one does */
  holding(number: number): string | null {
    for (const f of this.files) if (number >= f.first && number <= f.last) return f.path;
    return null;
  }
}
