// The packet store behind the UI: raw frames packed into large Buffers,
// per-packet metadata and list-row summaries in growable typed arrays, the
// repeated strings (addresses, protocols, countries, user agents, hosts)
// interned and the unique ones (Info) packed as deflated UTF-8. A million packets
// cost tens of bytes each plus their frame bytes, not a million objects.
import { closeSync, openSync, readSync } from 'node:fs';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { FIELD_COLUMNS } from '../../api/columns';
import type { ProcessInfo, RawPacket } from '../types';
import { indexOfSorted } from '../sorted';

type TypedCtor<T> = { new (n: number): T };
type AnyTyped = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array | BigInt64Array;

/** A typed array that doubles when full. */
export class Column<T extends AnyTyped> {
  arr: T;
  constructor(private readonly ctor: TypedCtor<T>, initial = 1024) { this.arr = new ctor(initial); }
  ensure(n: number): void {
    if (n <= this.arr.length) return;
    let cap = this.arr.length;
    while (cap < n) cap *= 2;
    const next = new this.ctor(cap);
    (next as any).set(this.arr);
    this.arr = next;
  }
  /** Shrinks to n entries (at least 1); the next ensure() grows it again. */
  trim(n: number): void {
    if (this.arr.length > Math.max(n, 1)) this.arr = this.arr.slice(0, Math.max(n, 1)) as T;
  }
  /** memory held, in bytes */
  get bytes(): number { return this.arr.byteLength; }
  /**
   * Keeps entries [k, n) at the front of a new array with `room` spare
   * entries: the old one (at its high-water mark) goes to the GC whole.
   */
  dropFront(k: number, n: number, room: number): void {
    const next = new this.ctor(Math.max(n - k + room, 1));
    (next as any).set(this.arr.subarray(k, n));
    this.arr = next;
  }
}

/**
 * Unsigned integers in the narrowest array that holds every value set so far
 * (u8, then u16, u32, and f64 past 2^32): most list columns (lengths, string
 * ids, link types) need 1 or 2 bytes a packet, not 4. Readers index `arr`
 * (or get()); writers go through set(), which widens. A `lazy` column holds
 * no array until its first non-zero value (columns most files never fill:
 * process, packet flags), and reads 0 until then.
 */
export class UintColumn {
  arr: Uint8Array | Uint16Array | Uint32Array | Float64Array;
  private cap: number;
  private max = 0xff;
  constructor(initial = 1024, private readonly lazy = false) {
    this.cap = initial;
    this.arr = new Uint8Array(lazy ? 0 : initial);
  }
  ensure(n: number): void {
    if (n <= this.cap) return;
    while (this.cap < n) this.cap *= 2;
    if (this.arr.length) this.realloc(this.arr.constructor as new (n: number) => UintColumn['arr']);
  }
  trim(n: number): void {
    const keep = Math.max(n, 1);
    if (this.cap > keep) { this.cap = keep; if (this.arr.length > keep) this.arr = this.arr.slice(0, keep); }
  }
  get(i: number): number { return i < this.arr.length ? this.arr[i]! : 0; }
  set(i: number, v: number): void {
    if (v > this.max || !this.arr.length) {
      if (v === 0 && !this.arr.length) return;
      this.widen(v);
    }
    this.arr[i] = v;
  }
  private widen(v: number): void {
    let ctor: new (n: number) => UintColumn['arr'] = this.arr.constructor as new (n: number) => UintColumn['arr'];
    if (v > this.max) {
      if (v <= 0xffff) { ctor = Uint16Array; this.max = 0xffff; }
      else if (v <= 0xffffffff) { ctor = Uint32Array; this.max = 0xffffffff; }
      else { ctor = Float64Array; this.max = Infinity; }
    }
    this.realloc(ctor);
  }
  private realloc(ctor: new (n: number) => UintColumn['arr']): void {
    const next = new ctor(this.cap);
    if (this.arr.length) (next as Float64Array).set(this.arr);
    this.arr = next;
  }
  get bytes(): number { return this.arr.byteLength; }
  /**
   * Keeps entries [k, n) at the front of a new array of the same width with
   * `room` spare entries (a lazy column still empty stays empty).
   */
  dropFront(k: number, n: number, room: number): void {
    this.cap = Math.max(n - k + room, 1);
    if (!this.arr.length) return;
    const next = new (this.arr.constructor as new (n: number) => UintColumn['arr'])(this.cap);
    (next as Float64Array).set(this.arr.subarray(k, Math.min(n, this.arr.length)));
    this.arr = next;
  }
}

/**
 * Numbers, NaN when absent. While every present value is a non-negative
 * integer they are kept as value + 1 (0: absent) in a lazy UintColumn, so a
 * column holds no array until its first value and then the narrowest one
 * (Content-Length, PID: 1-4 bytes); the first negative or fractional value
 * moves the column to a Float64Array.
 */
export class NumColumn {
  private ints: UintColumn | null;
  private floats: Float64Array | null = null;
  private cap: number;
  constructor(initial = 1024) { this.cap = initial; this.ints = new UintColumn(initial, true); }
  ensure(n: number): void {
    if (n <= this.cap) return;
    while (this.cap < n) this.cap *= 2;
    if (this.ints) this.ints.ensure(this.cap);
    else { const next = new Float64Array(this.cap).fill(NaN); next.set(this.floats!); this.floats = next; }
  }
  trim(n: number): void {
    const keep = Math.max(n, 1);
    if (this.cap <= keep) return;
    this.cap = keep;
    if (this.ints) this.ints.trim(keep);
    else if (this.floats!.length > keep) this.floats = this.floats!.slice(0, keep);
  }
  get(i: number): number {
    if (this.ints) { const u = this.ints.get(i); return u === 0 ? NaN : u - 1; }
    return i < this.floats!.length ? this.floats![i]! : NaN;
  }
  set(i: number, v: number): void {
    if (this.ints) {
      if (v !== v) { this.ints.set(i, 0); return; }
      if (v >= 0 && Number.isSafeInteger(v + 1)) { this.ints.set(i, v + 1); return; }
      const f = new Float64Array(this.cap).fill(NaN);
      const n = Math.min(this.cap, this.ints.arr.length);
      for (let j = 0; j < n; j++) f[j] = this.get(j);
      this.floats = f;
      this.ints = null;
    }
    this.floats![i] = v;
  }
  get bytes(): number { return this.ints ? this.ints.bytes : this.floats!.byteLength; }
  /** Keeps entries [k, n) at the front of new arrays (same kind and width) with `room` spare entries. */
  dropFront(k: number, n: number, room: number): void {
    this.cap = Math.max(n - k + room, 1);
    if (this.ints) { this.ints.dropFront(k, n, room); return; }
    const next = new Float64Array(this.cap).fill(NaN);
    next.set(this.floats!.subarray(k, Math.min(n, this.floats!.length)));
    this.floats = next;
  }
}

/**
 * Integers from -1 up (tcp.stream: -1 none), kept as value + 1 in the
 * narrowest array that holds them (a UintColumn): most files have fewer than
 * 65,535 conversations, 2 bytes a packet rather than 4.
 */
export class StreamColumn {
  private readonly u: UintColumn;
  constructor(initial = 1024) { this.u = new UintColumn(initial); }
  ensure(n: number): void { this.u.ensure(n); }
  trim(n: number): void { this.u.trim(n); }
  get(i: number): number { return this.u.get(i) - 1; }
  set(i: number, v: number): void { this.u.set(i, v + 1); }
  get bytes(): number { return this.u.bytes; }
  dropFront(k: number, n: number, room: number): void { this.u.dropFront(k, n, room); }
}

/**
 * Frame numbers, appended in order. A file numbers its packets 1, 2, 3, ...:
 * while the numbers run on by one from the first none is stored (4 bytes a
 * packet saved, bench/RESULTS.md); the first that does not (a file's
 * damaged record skipped, a live capture's gap) puts them in an array.
 */
export class FrameNumberColumn {
  private arr: Uint32Array | null = null;
  /** while arr is null: the frame number of entry 0 */
  private first = 0;
  private cap: number;
  constructor(initial = 1024) { this.cap = initial; }
  ensure(n: number): void {
    if (n <= this.cap) return;
    while (this.cap < n) this.cap *= 2;
    if (this.arr) { const a = new Uint32Array(this.cap); a.set(this.arr); this.arr = a; }
  }
  trim(n: number): void {
    const keep = Math.max(n, 1);
    if (this.cap > keep) { this.cap = keep; if (this.arr && this.arr.length > keep) this.arr = this.arr.slice(0, keep); }
  }
  get(i: number): number { return this.arr === null ? this.first + i : this.arr[i]!; }
  /** entry i's number: entries are set in order, i being the count so far */
  set(i: number, v: number): void {
    if (this.arr === null) {
      if (i === 0) { this.first = v; return; }
      if (v === this.first + i) return;
      const a = new Uint32Array(Math.max(this.cap, i + 1));
      for (let j = 0; j < i; j++) a[j] = this.first + j;
      this.arr = a;
    }
    this.arr[i] = v;
  }
  /** the first of entries [0, count) numbered `v`, -1 when none is (numbers ascend) */
  indexOf(v: number, count: number): number {
    if (this.arr !== null) return indexOfSorted(this.arr, v, count);
    const i = v - this.first;
    return i >= 0 && i < count ? i : -1;
  }
  /** entries [0, count) as an array (a copy) */
  toArray(count: number): Uint32Array {
    if (this.arr !== null) return this.arr.slice(0, count);
    const a = new Uint32Array(count);
    for (let j = 0; j < count; j++) a[j] = this.first + j;
    return a;
  }
  get bytes(): number { return this.arr?.byteLength ?? 0; }
  dropFront(k: number, n: number, room: number): void {
    this.cap = Math.max(n - k + room, 1);
    if (this.arr === null) { this.first += k; return; }
    const a = new Uint32Array(this.cap);
    a.set(this.arr.subarray(k, n));
    this.arr = a;
  }
}

/**
 * Frame lengths on the wire (origLen) where they differ from the captured
 * length, as exceptions: a packet cut short is rare in most files, and one
 * 256 KiB frame made a dense column 4 bytes a packet. Entries are set in
 * order; while exceptions are under a quarter of the entries they are kept
 * as (entry, length) pairs and read by binary search, past that in a dense
 * column of lengths (a file cut to a snap length: most big frames).
 */
export class OrigLenColumn {
  private idx = new Uint32Array(0);
  private vals = new UintColumn(16);
  private excN = 0;
  private dense: UintColumn | null = null;
  private cap: number;
  /** capLen: the captured lengths (entries without an exception have theirs as origLen) */
  constructor(private readonly capLen: UintColumn, initial = 1024) { this.cap = initial; }
  ensure(n: number): void {
    if (n <= this.cap) return;
    while (this.cap < n) this.cap *= 2;
    this.dense?.ensure(this.cap);
  }
  trim(n: number): void {
    this.cap = Math.max(n, 1);
    if (this.dense) { this.dense.trim(this.cap); return; }
    this.idx = this.idx.slice(0, this.excN);
    this.vals.trim(this.excN);
  }
  /** entry i's origLen, capLen being its captured length */
  get(i: number, capLen: number): number {
    if (this.dense) return this.dense.get(i);
    if (this.excN === 0 || i > this.idx[this.excN - 1]!) return capLen;
    const k = indexOfSorted(this.idx, i, this.excN);
    return k < 0 ? capLen : this.vals.get(k);
  }
  /** entry i (the count so far: set in order) */
  set(i: number, origLen: number, capLen: number): void {
    if (this.dense) { this.dense.set(i, origLen); return; }
    if (origLen === capLen) return;
    if (this.excN >= 64 && this.excN * 4 > i) {
      const d = new UintColumn(this.cap);
      for (let j = 0, k = 0; j < i; j++) {
        // entries before i without an exception are whole: their capLen is asked of the store
        if (k < this.excN && this.idx[k] === j) d.set(j, this.vals.get(k++));
        else d.set(j, this.capLen.get(j));
      }
      d.set(i, origLen);
      this.dense = d;
      this.idx = new Uint32Array(0);
      this.vals = new UintColumn(1);
      this.excN = 0;
      return;
    }
    if (this.excN >= this.idx.length) { const a = new Uint32Array(Math.max(16, this.idx.length * 2)); a.set(this.idx); this.idx = a; }
    this.vals.ensure(this.excN + 1);
    this.idx[this.excN] = i;
    this.vals.set(this.excN++, origLen);
  }
  get bytes(): number { return this.dense ? this.dense.bytes : this.idx.byteLength + this.vals.bytes; }
  dropFront(k: number, n: number, room: number): void {
    this.cap = Math.max(n - k + room, 1);
    if (this.dense) { this.dense.dropFront(k, n, room); return; }
    let j = 0;
    while (j < this.excN && this.idx[j]! < k) j++;
    const m = this.excN - j;
    const idx = new Uint32Array(Math.max(m, 16));
    const vals = new UintColumn(Math.max(m, 16));
    for (let q = 0; q < m; q++) { idx[q] = this.idx[j + q]! - k; vals.set(q, this.vals.get(j + q)); }
    this.idx = idx; this.vals = vals; this.excN = m;
  }
}

/** a packet without a timestamp */
const NO_TS = -(2n ** 63n);
/** entries per timestamp block (one 8-byte base each) */
const TS_BLOCK = 256;
/** the most a zigzagged offset may be and still fit 4 bytes with the two codes below */
const TS_MAX_ZZ = 0xffffffff - 2;

/**
 * Timestamps (ns, NO_TS when absent), appended in order, in about 4 bytes a
 * packet rather than 8: each block of TS_BLOCK entries keeps its first
 * timestamp as a base and every entry its offset from it, zigzagged (a file
 * may go back in time), in a UintColumn: 0 absent, 1 an exception, else the
 * offset + 2. Offsets within ±2.1 s fit 4 bytes (a block of 256 packets
 * within 2 s: any busy capture); an entry past that is an exception, kept
 * whole in a map, and past one exception in 16 entries (a slow capture) the
 * column holds every timestamp whole (8 bytes a packet, as before).
 */
export class TsColumn {
  private bases = new BigInt64Array(4);
  private off = new UintColumn();
  private readonly exc = new Map<number, bigint>();
  private dense: BigInt64Array | null = null;
  private cap: number;
  constructor(initial = 1024) { this.cap = initial; this.off.ensure(initial); }
  ensure(n: number): void {
    if (n <= this.cap) return;
    while (this.cap < n) this.cap *= 2;
    if (this.dense) { const d = new BigInt64Array(this.cap); d.set(this.dense); this.dense = d; return; }
    this.off.ensure(this.cap);
    const blocks = Math.ceil(this.cap / TS_BLOCK);
    if (blocks > this.bases.length) { const b = new BigInt64Array(blocks); b.set(this.bases); this.bases = b; }
  }
  trim(n: number): void {
    this.cap = Math.max(n, 1);
    if (this.dense) { if (this.dense.length > this.cap) this.dense = this.dense.slice(0, this.cap); return; }
    this.off.trim(this.cap);
    this.bases = this.bases.slice(0, Math.ceil(this.cap / TS_BLOCK));
  }
  get(i: number): bigint {
    if (this.dense) return this.dense[i]!;
    const u = this.off.get(i);
    if (u === 0) return NO_TS;
    if (u === 1) return this.exc.get(i)!;
    const z = u - 2;
    return this.bases[(i / TS_BLOCK) | 0]! + BigInt(z % 2 ? -(z + 1) / 2 : z / 2);
  }
  /** entry i's timestamp: entries are set in order, i being the count so far */
  set(i: number, ts: bigint): void {
    if (this.dense) { this.dense[i] = ts; return; }
    if (ts === NO_TS) { this.off.set(i, 0); return; }
    const b = (i / TS_BLOCK) | 0;
    // the block's base: its first timestamp (an absent one leaves it to the next)
    let first = i % TS_BLOCK === 0;
    for (let j = i - 1; !first && j >= b * TS_BLOCK && this.off.get(j) === 0; j--) if (j === b * TS_BLOCK) first = true;
    if (first) this.bases[b] = ts;
    const d = ts - this.bases[b]!;
    const zz = d >= 0n ? d * 2n : -d * 2n - 1n;
    if (zz <= BigInt(TS_MAX_ZZ)) { this.off.set(i, Number(zz) + 2); return; }
    this.exc.set(i, ts);
    this.off.set(i, 1);
    if (this.exc.size > 1024 && this.exc.size * 16 > i) this.toDense(i + 1);
  }
  private toDense(n: number): void {
    const d = new BigInt64Array(Math.max(this.cap, n));
    for (let j = 0; j < n; j++) d[j] = this.get(j);
    this.dense = d;
    this.off = new UintColumn(1);
    this.bases = new BigInt64Array(0);
    this.exc.clear();
  }
  get bytes(): number { return this.dense ? this.dense.byteLength : this.off.bytes + this.bases.byteLength + this.exc.size * 64; }
  dropFront(k: number, n: number, room: number): void {
    const keep: bigint[] = [];
    for (let j = k; j < n; j++) keep.push(this.get(j));
    const dense = this.dense !== null;
    this.cap = Math.max(n - k + room, 1);
    this.exc.clear();
    this.off = new UintColumn(this.cap);
    this.bases = new BigInt64Array(Math.ceil(this.cap / TS_BLOCK));
    this.dense = dense ? new BigInt64Array(this.cap) : null;
    for (let j = 0; j < keep.length; j++) this.set(j, keep[j]!);
  }
}

/** entries per location block (one 8-byte base each) */
const LOC_BLOCK = 128;

/**
 * Locations in an append-only arena (the Info text's), in 2 bytes a packet
 * rather than 4: packets append their text in order, so each block of
 * LOC_BLOCK entries keeps its lowest location as a base and every entry its
 * offset from it, in a UintColumn (2 bytes while a block's text is under 64
 * KiB; a rewritten entry's text, appended at the end, may widen it to 4).
 */
export class LocColumn {
  private bases = new Float64Array(8);
  private off: UintColumn;
  /** entries set so far (a set beyond them appends; below them rewrites) */
  private n = 0;
  constructor(initial = 1024) { this.off = new UintColumn(initial); }
  ensure(n: number): void {
    this.off.ensure(n);
    // the offsets' capacity (grown by doubling): the store appends up to the capacity it saw grow
    const blocks = Math.ceil(Math.max(n, this.off.arr.length) / LOC_BLOCK);
    if (blocks > this.bases.length) { const b = new Float64Array(Math.max(blocks, this.bases.length * 2)); b.set(this.bases); this.bases = b; }
  }
  trim(n: number): void {
    this.off.trim(n);
    this.bases = this.bases.slice(0, Math.max(1, Math.ceil(n / LOC_BLOCK)));
  }
  get(i: number): number { return this.bases[(i / LOC_BLOCK) | 0]! + this.off.get(i); }
  set(i: number, loc: number): void {
    const b = (i / LOC_BLOCK) | 0;
    if (i >= this.n) {
      // the block's first entry set: its base
      if (this.n <= b * LOC_BLOCK) this.bases[b] = loc;
      this.n = i + 1;
    }
    const base = this.bases[b]!;
    if (loc < base) {
      // below the block's base (rebuilt after a drop): lower the base, the block's offsets move up
      const end = Math.min((b + 1) * LOC_BLOCK, this.n);
      for (let j = b * LOC_BLOCK; j < end; j++) if (j !== i) this.off.set(j, this.off.get(j) + base - loc);
      this.bases[b] = loc;
    }
    this.off.set(i, loc - this.bases[b]!);
  }
  get bytes(): number { return this.off.bytes + this.bases.byteLength; }
  dropFront(k: number, n: number, room: number): void {
    const keep: number[] = [];
    for (let j = k; j < n; j++) keep.push(this.get(j));
    this.n = 0;
    this.off = new UintColumn(Math.max(n - k + room, 1));
    this.bases = new Float64Array(Math.ceil(Math.max(n - k + room, 1) / LOC_BLOCK));
    for (let j = 0; j < keep.length; j++) this.set(j, keep[j]!);
  }
}

/** What the store does with every column (grow, shrink, drop the front, count bytes). */
interface StoreColumn {
  ensure(n: number): void;
  trim(n: number): void;
  dropFront(k: number, n: number, room: number): void;
  readonly bytes: number;
}

/** Interned strings; id 0 is always ''. */
export class StringTable {
  private readonly ids = new Map<string, number>([['', 0]]);
  readonly strings: string[] = [''];
  intern(s: string | undefined | null): number {
    if (!s) return 0;
    let id = this.ids.get(s);
    if (id === undefined) { id = this.strings.length; this.strings.push(s); this.ids.set(s, id); }
    return id;
  }
  get(id: number): string { return this.strings[id] ?? ''; }
  get size(): number { return this.strings.length; }
  /** Forgets every string (the caller re-interns those it still uses). */
  clear(): void {
    this.ids.clear();
    this.ids.set('', 0);
    this.strings.length = 1;
  }
}

/** The last chunk (or block) whose start is at or before loc (0 when none is). */
function chunkAt(starts: readonly number[], loc: number): number {
  let lo = 0, hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (starts[mid]! <= loc) lo = mid; else hi = mid - 1;
  }
  return Math.max(lo, 0);
}

/**
 * Bytes appended into fixed-size chunks; an item never spans two chunks. A
 * location is the chunk's start (the sizes of the chunks before it) plus the
 * offset in it: locations stay below 2^32 (4-byte columns) until 4 GiB.
 * Chunks released from the front (a view cap) keep later locations as they
 * were: they count every byte appended, so a long live capture's locations pass 4 GiB
 * in time (a UintColumn of them then widens to 8 bytes).
 */
export class ByteArena {
  private readonly chunks: Buffer[] = [];
  private readonly starts: number[] = [];
  private used = 0;
  private total = 0;
  constructor(private readonly chunkSize = 4 << 20) {}
  append(data: Uint8Array): number {
    let cur = this.chunks[this.chunks.length - 1];
    if (!cur || this.used + data.length > cur.length) {
      cur = Buffer.allocUnsafe(Math.max(this.chunkSize, data.length));
      this.starts.push(this.total);
      this.total += cur.length;
      this.chunks.push(cur);
      this.used = 0;
    }
    cur.set(data, this.used);
    const loc = this.starts[this.starts.length - 1]! + this.used;
    this.used += data.length;
    return loc;
  }
  /** the location the next append starts at, at the latest */
  get end(): number { return this.starts.length ? this.starts[this.starts.length - 1]! + this.used : 0; }
  /**
   * Frees the chunks wholly before location `loc` (nothing there is read
   * again); the last chunk is always kept. Locations stay absolute: the
   * kept chunks keep their starts.
   */
  releaseBefore(loc: number): void {
    const drop = Math.min(chunkAt(this.starts, loc), this.chunks.length - 1);
    if (drop <= 0) return;
    this.chunks.splice(0, drop);
    this.starts.splice(0, drop);
  }
  view(loc: number, len: number): Buffer {
    const lo = chunkAt(this.starts, loc);
    const off = loc - this.starts[lo]!;
    return this.chunks[lo]!.subarray(off, off + len);
  }
  get bytes(): number { return this.chunks.reduce((s, c) => s + c.length, 0); }
}

/**
 * Text appended into 64 KiB blocks, each deflated once full (Info columns
 * repeat their words: ~5x smaller); the open block stays plain. Locations
 * are offsets into the uncompressed text (4-byte columns until 4 GiB). A
 * read inflates its block, and the last few inflated blocks are kept: the
 * list asks for rows that sit together, and a pass in store order (sort by
 * Info: list.ts) inflates each block once.
 */
const TEXT_BLOCK = 64 << 10;
/** inflated blocks kept (8 × 64 KiB) */
const TEXT_CACHED = 8;

export class PackedText {
  private readonly packed: Buffer[] = [];
  /** uncompressed start of each block (packed ones, then the open one) */
  private readonly starts: number[] = [0];
  private open = Buffer.allocUnsafe(TEXT_BLOCK);
  private used = 0;
  private packedBytes = 0;
  private readonly cache = new Map<number, Buffer>();

  append(data: Uint8Array): number {
    if (this.used + data.length > this.open.length) this.seal(data.length);
    const loc = this.starts[this.starts.length - 1]! + this.used;
    this.open.set(data, this.used);
    this.used += data.length;
    return loc;
  }

  /** Deflates the open block and starts one with room for `need` bytes. */
  private seal(need: number): void {
    if (this.used > 0) {
      const z = deflateRawSync(this.open.subarray(0, this.used), { level: 1 });
      this.packed.push(z);
      this.packedBytes += z.length;
      this.starts.push(this.starts[this.starts.length - 1]! + this.used);
    }
    if (this.open.length < need || this.open.length > TEXT_BLOCK) this.open = Buffer.allocUnsafe(Math.max(TEXT_BLOCK, need));
    this.used = 0;
  }

  /** the location the next append starts at, at the latest */
  get end(): number { return this.starts[this.starts.length - 1]! + this.used; }

  /**
   * Frees the deflated blocks wholly before location `loc` (nothing there is
   * read again); the open block is always kept. Locations stay absolute: the
   * kept blocks keep their starts.
   */
  releaseBefore(loc: number): void {
    const drop = Math.min(chunkAt(this.starts, loc), this.packed.length);
    if (drop <= 0) return;
    for (let b = 0; b < drop; b++) this.packedBytes -= this.packed[b]!.length;
    this.packed.splice(0, drop);
    this.starts.splice(0, drop);
    // cached blocks are keyed by block number: the kept ones move down
    const cached = [...this.cache];
    this.cache.clear();
    for (const [b, block] of cached) if (b >= drop) this.cache.set(b - drop, block);
  }

  view(loc: number, len: number): Buffer {
    const lo = chunkAt(this.starts, loc);
    const off = loc - this.starts[lo]!;
    if (lo === this.packed.length) return this.open.subarray(off, off + len);
    let block = this.cache.get(lo);
    if (block) { this.cache.delete(lo); this.cache.set(lo, block); }
    else {
      block = inflateRawSync(this.packed[lo]!);
      this.cache.set(lo, block);
      if (this.cache.size > TEXT_CACHED) this.cache.delete(this.cache.keys().next().value!);
    }
    return block.subarray(off, off + len);
  }

  get bytes(): number {
    let b = this.packedBytes + this.open.length;
    for (const c of this.cache.values()) b += c.length;
    return b;
  }
}

/** What the list shows for one packet, as the service computes it from a dissection. */
export interface RowSummary {
  source: string;
  destination: string;
  protocol: string;
  info: string;
  /** each field column's value (main/api/columns.ts FIELD_COLUMNS order) */
  fields: ReadonlyArray<string | number | undefined>;
  /** colouring rule number (main/engine/colour/colouring.ts): 0 none, n rule n-1 */
  colour: number;
  /** TCP conversation id, -1 when not TCP */
  stream: number;
}

/** Record header sizes before the packet bytes: pcapng EPB/OPB, pcap, modified pcap, pcapng SPB. */
const DATA_OFFSETS = [28, 16, 24, 12];

export class PacketStore {
  count = 0;
  readonly strings = new StringTable();
  private readonly frames = new ByteArena();
  private readonly infoText = new PackedText();
  /**
   * where each frame is: 2 × its location in the arena, or 2 × its offset in
   * the attached file + 1 (4 bytes a packet while both are below 2 GiB)
   */
  private readonly frameLoc = new UintColumn();
  readonly tsNs = new TsColumn();
  readonly capLen = new UintColumn();
  /** origLen where it is not capLen (origLenAt()) */
  private readonly lenCut = new OrigLenColumn(this.capLen);
  /**
   * each packet's (interface, link type) pair, as an index into `links`: a
   * file has a few interfaces, each with one link type (1 byte a packet for
   * both, not 1-2 each: linkTypeAt(), ifaceAt())
   */
  private readonly link = new UintColumn();
  private readonly links: Array<{ iface: number; linkType: number }> = [];
  private readonly linkIds = new Map<number, number>();
  readonly source = new UintColumn();
  readonly destination = new UintColumn();
  readonly protocol = new UintColumn();
  readonly infoLoc = new LocColumn();
  readonly infoLen = new UintColumn();
  /** one per field column (FIELD_COLUMNS order): interned string ids (0: absent), or numbers (NaN: absent); get(i) reads either */
  readonly fieldCols: ReadonlyArray<UintColumn | NumColumn> = FIELD_COLUMNS.map((c) => (c.type === 'number' ? new NumColumn() : new UintColumn(1024, true)));
  readonly colour = new Column(Uint8Array);
  /** TCP conversation (or the service's pair id), -1 none */
  readonly stream = new StreamColumn();
  /** frame.number of each stored packet (files may skip numbers) */
  readonly number = new FrameNumberColumn();
  /** RawPacket.flags and .xdpAction, each kept only when present (bits of `extras`: 1 flags, 2 action) */
  readonly pktFlags = new UintColumn(1024, true);
  readonly xdpAction = new UintColumn(1024, true);
  readonly extras = new UintColumn(1024, true);
  /** RawPacket.procAttr (0: absent) and .proc (0: none, else 1 + its index in procs) */
  readonly procAttr = new UintColumn(1024, true);
  readonly procRef = new UintColumn(1024, true);
  /** each process description once (packets share them) */
  readonly procs: ProcessInfo[] = [];
  private readonly procIndex = new Map<ProcessInfo, number>();
  /** first packet's timestamp, the origin of the Time column */
  firstTsNs: bigint | null = null;
  /** open capture file whose bytes frames may point into (uncompressed files only) */
  private fd: number | null = null;
  /** the read buffer of locate() */
  private scratch = Buffer.alloc(0);
  /** packets whose frames stay in the file rather than in memory */
  fileBacked = 0;
  /** rows every column has room for */
  private capacity = 0;

  /**
   * Let frames of this (uncompressed) capture file stay in the file:
   * appendBatch() then keeps only their offsets, after checking the bytes.
   */
  attachFile(path: string): void {
    this.close();
    this.fd = openSync(path, 'r');
  }

  close(): void {
    this.scratch = Buffer.alloc(0);
    if (this.fd !== null) { try { closeSync(this.fd); } catch { /* already closed */ } this.fd = null; }
  }

  /**
   * Append a batch read from the attached file. One read covers the batch's
   * records; a packet whose bytes are found right after its record header
   * keeps just that offset, any other is copied into memory.
   */
  appendBatch(batch: readonly RawPacket[], summaries: readonly RowSummary[]): void {
    const at = this.locate(batch);
    for (let k = 0; k < batch.length; k++) this.append(batch[k], summaries[k], at[k]);
  }

  /**
   * Where each packet of a batch read from the attached file lies in it: the
   * offset of its bytes when they are found right after its record header,
   * else -1 (then the store keeps a copy). One read covers the batch.
   */
  locate(batch: readonly RawPacket[]): Float64Array {
    const out = new Float64Array(batch.length).fill(-1);
    let region: Buffer | null = null;
    let base = 0;
    if (this.fd !== null && batch.length && batch.every((p) => typeof p.fileOffset === 'number')) {
      base = batch[0].fileOffset!;
      const last = batch[batch.length - 1];
      const end = last.fileOffset! + 32 + last.data.length;
      if (end > base && end - base < 256 << 20) {
        // one buffer for every batch: a fresh multi-megabyte one per batch left the heap fragmented (bench/RESULTS.md)
        if (this.scratch.length < end - base) this.scratch = Buffer.allocUnsafe(Math.max(end - base, this.scratch.length * 2));
        const got = readSync(this.fd, this.scratch, 0, end - base, base);
        region = this.scratch.subarray(0, got);
      }
    }
    if (!region) return out;
    for (let k = 0; k < batch.length; k++) {
      const pkt = batch[k];
      const rel = pkt.fileOffset! - base;
      const want = Buffer.from(pkt.data.buffer, pkt.data.byteOffset, pkt.data.length);
      for (const h of DATA_OFFSETS) {
        const a = rel + h;
        if (a >= 0 && a + want.length <= region.length && region.subarray(a, a + want.length).equals(want)) { out[k] = pkt.fileOffset! + h; break; }
      }
    }
    return out;
  }

  append(pkt: RawPacket, s: RowSummary, fileDataOffset = -1): number {
    const i = this.appendPacket(pkt, fileDataOffset);
    this.setSummary(i, s);
    return i;
  }

  /**
   * Replaces packet i's list columns with those of a new dissection (Decode
   * As changed what it is). A changed Info is appended and the old text
   * stays in the arena until the store is freed; an unchanged one is kept.
   */
  rewrite(i: number, s: RowSummary): void {
    if (i < 0 || i >= this.count) throw new RangeError(`rewrite: no packet at index ${i} (${this.count} stored)`);
    this.setSummary(i, s, true);
  }

  private setSummary(i: number, s: RowSummary, again = false): void {
    const st = this.strings;
    this.source.set(i, st.intern(s.source));
    this.destination.set(i, st.intern(s.destination));
    this.protocol.set(i, st.intern(s.protocol));
    const info = Buffer.from(s.info, 'utf8');
    // a packet the new dissection left as it was keeps its Info text: only changed rows cost a copy
    if (!again || this.infoLen.get(i) !== info.length || !this.infoText.view(this.infoLoc.get(i), info.length).equals(info)) {
      this.infoLoc.set(i, this.infoText.append(info));
      this.infoLen.set(i, info.length);
    }
    for (let c = 0; c < this.fieldCols.length; c++) {
      const v = s.fields[c];
      this.fieldCols[c]!.set(i, FIELD_COLUMNS[c]!.type === 'number' ? (typeof v === 'number' ? v : NaN) : st.intern(v as string | undefined));
    }
    this.colour.arr[i] = s.colour;
    this.stream.set(i, s.stream);
  }

  /**
   * A packet's record and frame (the row columns are left for the caller to
   * fill: append() from a summary, or a parallel open from its threads' rows).
   */
  appendPacket(pkt: RawPacket, fileDataOffset = -1): number {
    const i = this.count;
    const n = i + 1;
    if (n > this.capacity) { for (const c of this.columns) c.ensure(n); this.capacity = this.colour.arr.length; }
    if (fileDataOffset >= 0) { this.frameLoc.set(i, fileDataOffset * 2 + 1); this.fileBacked++; }
    else this.frameLoc.set(i, this.frames.append(pkt.data) * 2);
    this.tsNs.set(i, pkt.tsNs ?? NO_TS);
    if (this.firstTsNs === null && pkt.tsNs !== null) this.firstTsNs = pkt.tsNs;
    const cap = pkt.data.length;
    this.capLen.set(i, cap);
    this.lenCut.set(i, pkt.origLen, cap);
    this.link.set(i, this.linkOf(pkt.interfaceId, pkt.linkType));
    this.number.set(i, pkt.number);
    this.extras.set(i, (pkt.flags !== undefined ? 1 : 0) | (pkt.xdpAction !== undefined ? 2 : 0));
    this.pktFlags.set(i, pkt.flags ?? 0);
    this.xdpAction.set(i, pkt.xdpAction ?? 0);
    this.procAttr.set(i, pkt.procAttr ?? 0);
    this.procRef.set(i, pkt.proc ? this.procRefOf(pkt.proc) : 0);
    this.count = n;
    return i;
  }

  /** Info of packet i, as UTF-8 bytes (copied into the store). */
  setInfo(i: number, utf8: Uint8Array): void {
    this.infoLoc.set(i, this.infoText.append(utf8));
    this.infoLen.set(i, utf8.length);
  }

  /** Gives back the slack of the growable columns (the capture is complete). */
  trim(): void {
    this.scratch = Buffer.alloc(0);
    for (const c of this.columns) c.trim(this.count);
    this.capacity = this.colour.arr.length;
  }

  /**
   * Forgets the first k packets (a live capture's view cap): every column is
   * re-allocated at the size of what stays plus `room` (at its width so far),
   * the frame arena's chunks and the deflated Info blocks before the first
   * kept frame and Info are freed, and the interned strings and process
   * descriptions are rebuilt from the packets kept, so memory follows the
   * view rather than the capture's high-water mark. Frame numbers and the
   * Time origin stay the capture's own; locations stay absolute.
   */
  dropFront(k: number, room = 0): void {
    k = Math.min(k, this.count);
    if (k <= 0) return;
    const n = this.count;
    // the lowest location a kept packet reads (a rewritten Info sits after later packets' own)
    let frameMin = this.frames.end, infoMin = this.infoText.end;
    for (let i = k; i < n; i++) {
      const f = this.frameLoc.get(i);
      if (f % 2 === 0 && f / 2 < frameMin) frameMin = f / 2;
      const t = this.infoLoc.get(i);
      if (t < infoMin) infoMin = t;
    }
    this.frames.releaseBefore(frameMin);
    this.infoText.releaseBefore(infoMin);
    for (const c of this.columns) c.dropFront(k, n, room);
    this.count = n - k;
    this.capacity = this.colour.arr.length;
    if (this.fileBacked) this.fileBacked = Math.max(0, this.fileBacked - k);
    const old = this.strings.strings.slice();
    this.strings.clear();
    // new ids are no larger than the old ones: each column keeps its width
    const reintern = (c: UintColumn) => { for (let i = 0; i < this.count; i++) c.set(i, this.strings.intern(old[c.get(i)])); };
    reintern(this.source); reintern(this.destination); reintern(this.protocol);
    FIELD_COLUMNS.forEach((c, j) => { if (c.type !== 'number') reintern(this.fieldCols[j] as UintColumn); });
    const procs = this.procs.splice(0);
    this.procIndex.clear();
    const ref = this.procRef;
    for (let i = 0; i < this.count; i++) { const r = ref.get(i); if (r) ref.set(i, this.procRefOf(procs[r - 1]!)); }
  }

  private get columns(): StoreColumn[] {
    return [this.frameLoc, this.tsNs, this.capLen, this.lenCut, this.link, this.source,
      this.destination, this.protocol, this.infoLoc, this.infoLen, ...this.fieldCols, this.colour, this.stream, this.number,
      this.pktFlags, this.xdpAction, this.extras, this.procAttr, this.procRef];
  }

  private linkOf(iface: number, linkType: number): number {
    // interface ids and link types are 32-bit: one number keys the pair
    const key = iface * 2 ** 32 + linkType;
    let id = this.linkIds.get(key);
    if (id === undefined) { id = this.links.length; this.links.push({ iface, linkType }); this.linkIds.set(key, id); }
    return id;
  }

  /** packet i's link type (LINKTYPE_*) */
  linkTypeAt(i: number): number { return this.links[this.link.get(i)]?.linkType ?? 0; }

  /** packet i's interface id */
  ifaceAt(i: number): number { return this.links[this.link.get(i)]?.iface ?? 0; }

  private procRefOf(p: ProcessInfo): number {
    let r = this.procIndex.get(p);
    if (r === undefined) {
      this.procs.push(p);
      r = this.procs.length;
      this.procIndex.set(p, r);
    }
    return r;
  }

  /** The stored frame as a RawPacket (data is a view into the store: copy to keep). */
  packet(i: number): RawPacket {
    const ts = this.tsNs.get(i);
    return {
      number: this.number.get(i),
      tsNs: ts === NO_TS ? null : ts,
      capLen: this.capLen.get(i),
      origLen: this.origLenAt(i),
      linkType: this.linkTypeAt(i),
      interfaceId: this.ifaceAt(i),
      data: this.frame(i),
      ...(this.extras.get(i) & 1 ? { flags: this.pktFlags.get(i) } : {}),
      ...(this.extras.get(i) & 2 ? { xdpAction: this.xdpAction.get(i) } : {}),
      ...(this.procAttr.get(i) ? { procAttr: this.procAttr.get(i) } : {}),
      ...(this.procRef.get(i) ? { proc: this.procs[this.procRef.get(i) - 1] } : {}),
    };
  }

  /** packet i's length on the wire (frame.len) */
  origLenAt(i: number): number {
    return this.lenCut.get(i, this.capLen.get(i));
  }

  /** the frame bytes: a view into the arena, or read from the attached file */
  private frame(i: number): Uint8Array {
    const f = this.frameLoc.get(i);
    const len = this.capLen.get(i);
    if (f % 2 === 0) return this.frames.view(f / 2, len);
    const at = (f - 1) / 2;
    const buf = Buffer.allocUnsafe(len);
    const got = this.fd === null ? 0 : readSync(this.fd, buf, 0, len, at);
    if (got !== len) throw new Error(`frame ${this.number.get(i)}: the capture file changed or closed (read ${got} of ${len} bytes at ${at})`);
    return buf;
  }

  info(i: number): string {
    return this.infoText.view(this.infoLoc.get(i), this.infoLen.get(i)).toString('utf8');
  }

  /** seconds since the first packet (0 when either has no timestamp) */
  relTime(i: number): number {
    const ts = this.tsNs.get(i);
    if (ts === NO_TS || this.firstTsNs === null) return 0;
    return Number(ts - this.firstTsNs) / 1e9;
  }

  /** index of the packet with this frame number (binary search: numbers ascend), -1 when absent */
  indexOf(number: number): number {
    return this.number.indexOf(number, this.count);
  }

  /** Bytes held per part of the store (each column, the frame and Info arenas), for the bench's breakdown. */
  breakdown(): Record<string, number> {
    const out: Record<string, number> = { frames: this.frames.bytes, infoText: this.infoText.bytes };
    const named: Record<string, { bytes: number }> = { frameLoc: this.frameLoc, tsNs: this.tsNs, capLen: this.capLen, origLen: this.lenCut,
      link: this.link, source: this.source, destination: this.destination, protocol: this.protocol,
      infoLoc: this.infoLoc, infoLen: this.infoLen, colour: this.colour, stream: this.stream, number: this.number, pktFlags: this.pktFlags,
      xdpAction: this.xdpAction, extras: this.extras, procAttr: this.procAttr, procRef: this.procRef };
    for (const [k, c] of Object.entries(named)) out[k] = c.bytes;
    FIELD_COLUMNS.forEach((c, k) => { out[`field:${c.id}`] = this.fieldCols[k]!.bytes; });
    return out;
  }

  /** memory held by the store, in bytes (typed arrays + arenas; strings estimated) */
  get bytes(): number {
    let b = this.frames.bytes + this.infoText.bytes;
    for (const c of this.columns) b += c.bytes;
    return b;
  }
}
