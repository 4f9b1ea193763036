// The packet positions of one index column, ascending (a packet with two
// occurrences of a field appears twice), delta-encoded: one byte per
// occurrence for a gap under 255 packets (nearly every one: a field is in
// most packets or in runs of them), an escape and the 4-byte position for a
// longer gap, and a checkpoint every CHECKPOINT_EVERY occurrences so a pass can start
// anywhere. About 1.1 bytes an occurrence instead of 4; read block by block.

/** occurrences between two checkpoints */
export const CHECKPOINT_EVERY = 128;
const ESC = 255;

export class Positions {
  /** gap to the previous occurrence's position (the first: to 0), ESC: in `esc` */
  private gaps: Uint8Array;
  private esc: Uint32Array;
  private escN = 0;
  /** per block: its first occurrence's position, and how many escapes come before it */
  private ckPos: Uint32Array;
  private ckEsc: Uint32Array;
  n = 0;
  /** the last position pushed */
  last = 0;

  constructor(cap = 64) {
    this.gaps = new Uint8Array(Math.max(cap, 1));
    this.esc = new Uint32Array(4);
    const blocks = Math.ceil(Math.max(cap, 1) / CHECKPOINT_EVERY) + 1;
    this.ckPos = new Uint32Array(blocks);
    this.ckEsc = new Uint32Array(blocks);
  }

  /** occurrences there is room for without growing */
  get capacity(): number { return this.gaps.length; }

  push(p: number): void {
    const i = this.n;
    if (i >= this.gaps.length) this.grow(Math.ceil(this.gaps.length * 1.5) + 1);
    if ((i & (CHECKPOINT_EVERY - 1)) === 0) {
      const b = i / CHECKPOINT_EVERY;
      if (b >= this.ckPos.length) {
        const cap = Math.ceil(this.ckPos.length * 1.5) + 1;
        const a = new Uint32Array(cap); a.set(this.ckPos); this.ckPos = a;
        const e = new Uint32Array(cap); e.set(this.ckEsc); this.ckEsc = e;
      }
      this.ckPos[b] = p;
      this.ckEsc[b] = this.escN;
    }
    const d = p - this.last;
    if (d >= 0 && d < ESC) this.gaps[i] = d;
    else {
      this.gaps[i] = ESC;
      if (this.escN >= this.esc.length) { const e = new Uint32Array(this.esc.length * 2); e.set(this.esc); this.esc = e; }
      this.esc[this.escN++] = p;
    }
    this.last = p;
    this.n = i + 1;
  }

  grow(cap: number): void {
    const g = new Uint8Array(cap); g.set(this.gaps.subarray(0, this.n)); this.gaps = g;
  }

  trim(): void {
    const n = Math.max(this.n, 1), blocks = Math.ceil(n / CHECKPOINT_EVERY);
    this.gaps = this.gaps.slice(0, n);
    this.esc = this.esc.slice(0, Math.max(this.escN, 1));
    this.ckPos = this.ckPos.slice(0, blocks);
    this.ckEsc = this.ckEsc.slice(0, blocks);
  }

  get bytes(): number { return this.gaps.byteLength + this.esc.byteLength + this.ckPos.byteLength + this.ckEsc.byteLength; }

  /** Block b's positions into out (room for CHECKPOINT_EVERY); returns how many. */
  block(b: number, out: Uint32Array): number {
    const start = b * CHECKPOINT_EVERY, end = Math.min(this.n, start + CHECKPOINT_EVERY);
    if (start >= end) return 0;
    const g = this.gaps, esc = this.esc;
    let e = this.ckEsc[b]!, v = this.ckPos[b]!;
    if (g[start] === ESC) e++;
    out[0] = v;
    for (let i = start + 1, k = 1; i < end; i++, k++) {
      const d = g[i]!;
      v = d === ESC ? esc[e++]! : v + d;
      out[k] = v;
    }
    return end - start;
  }

  /** Every position, as one array (a fragment handed to another thread). */
  toArray(): Uint32Array {
    const out = new Uint32Array(this.n), buf = new Uint32Array(CHECKPOINT_EVERY);
    for (let b = 0; b * CHECKPOINT_EVERY < this.n; b++) out.set(buf.subarray(0, this.block(b, buf)), b * CHECKPOINT_EVERY);
    return out;
  }

  /** The first occurrence whose position is >= x (n when none). */
  lowerBound(x: number, buf = new Uint32Array(CHECKPOINT_EVERY)): number {
    if (this.n === 0 || this.last < x) return this.n;
    // the last block starting below x holds the answer, or the answer starts the next block
    const ck = this.ckPos;
    let lo = 0, hi = Math.ceil(this.n / CHECKPOINT_EVERY) - 1;
    if (ck[0]! >= x) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (ck[mid]! < x) lo = mid; else hi = mid - 1;
    }
    const k = this.block(lo, buf);
    for (let j = 0; j < k; j++) if (buf[j]! >= x) return lo * CHECKPOINT_EVERY + j;
    return (lo + 1) * CHECKPOINT_EVERY;
  }
}

/** Walks a column's positions in order from an occurrence, a block at a time. */
export class PosCursor {
  private readonly buf = new Uint32Array(CHECKPOINT_EVERY);
  private b = -1;
  private len = 0;
  /** the current occurrence */
  i: number;
  constructor(private readonly pos: Positions, from = 0) { this.i = from; }
  /** the current occurrence's position; 0xffffffff past the end */
  get at(): number {
    const i = this.i;
    if (i >= this.pos.n) return 0xffffffff;
    const b = (i / CHECKPOINT_EVERY) | 0;
    if (b !== this.b) { this.len = this.pos.block(b, this.buf); this.b = b; }
    return this.buf[i - b * CHECKPOINT_EVERY]!;
  }
}
