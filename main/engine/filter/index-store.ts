// A compact columnar index of decoded fields, so that a loaded capture can be
// re-filtered (the user edits the filter) without decoding a packet again.
//
// Built incrementally with add(d) as the capture loads, from complete
// Dissections (not a Dissector `fields` subset: the either-fields below are
// read from their src/dst columns). For each indexed field
// name it keeps one column of (packet index, value) pairs in typed arrays, in
// packet order; strings and byte values are interned per column. evaluate()
// runs the filter's plan column by column on bitsets (one bit per packet,
// each distinct interned value judged once); filters without a plan
// (functions, field-to-field tests) are replayed packet by packet into the
// compiled filter's slots. Either way the compiled filter's own predicates
// decide, so a filter means exactly the same thing here as on a Dissection.
//
// Memory (documented bound). Per field occurrence: its packet index,
// delta-encoded (index-positions.ts: ~1.1 bytes; 5 after a gap of 255
// packets or more), plus the value in the narrowest array that holds every
// value so far: 1 byte (booleans, integers < 256, interned ids while a
// column has < 256 distinct values), 2 (< 65536), 4 (IPv4, larger
// integers), 8 (signed/float); protocol layers store the packet index only. Interned strings/byte values cost their
// length plus ~64 bytes once per distinct value. Packets cost 4 bytes for
// their frame number. The "either" fields (eth.addr, ip.addr, ipv6.addr,
// tcp.port, udp.port) are not stored: they are read from their src/dst
// columns. With the default field set an Ethernet/IPv4/TCP packet costs about
// 50-60 bytes after compact() (1M such packets ≈ 50-60 MB); arrays grow
// by 1.5x while loading. The total is capped by `maxBytes` (default
// defaultIndexBytes(): 1/16 of the machine's memory, within 256 MiB-1 GiB):
// a column that would pass it, has more than `maxDistinct` distinct values,
// or holds values longer than 64 bytes (payloads) is dropped, and filters
// reading it are reported as not indexable (the caller re-dissects).
import { totalmem } from 'node:os';
import type { Dissection, FieldType, FieldValue } from '../types';
import { getField } from '../fields/registry';
import type { CompiledFilter, FilterPlan } from './compile';
import { finish, type Steps } from './steps';
import { CHECKPOINT_EVERY, PosCursor, Positions } from './index-positions';
import { FieldIds, NO_ID, setById } from '../fields/ids';

const MiB = 1024 * 1024;

/**
 * The index's cap unless told otherwise. A fixed 256 MiB filled at ~4M
 * packets (~60 B/packet): a 10M-packet file then lost its port, address and
 * length columns, and each filter on them re-dissected the whole file (4.6-
 * 10.7 minutes, bench/RESULTS.md). 1 GiB holds the default fields of 10M
 * packets and keeps such a file within 2.5 GB; a machine with less memory
 * gets 1/16 of it, never below the old 256 MiB.
 */
export function defaultIndexBytes(total = totalmem()): number {
  return Math.min(1024 * MiB, Math.max(256 * MiB, Math.floor(total / 16)));
}

/** work between two yields of a pass: loop iterations of a column or packet walk */
const STEP = 1024;

/** Fields indexed by default, besides every protocol (presence only). */
export const DEFAULT_INDEXED_FIELDS: readonly string[] = [
  'frame.len',
  'eth.src', 'eth.dst', 'eth.type', 'vlan.id', 'sll.pkttype',
  'arp.opcode', 'arp.src.proto_ipv4', 'arp.dst.proto_ipv4', 'arp.src.hw_mac', 'arp.dst.hw_mac',
  'ip.src', 'ip.dst', 'ip.proto', 'ip.ttl', 'ip.flags.mf', 'ip.frag_offset',
  'ipv6.src', 'ipv6.dst', 'ipv6.nxt', 'ipv6.hlim',
  'icmp.type', 'icmp.code', 'icmpv6.type', 'icmpv6.code',
  'tcp.srcport', 'tcp.dstport', 'tcp.stream', 'tcp.len', 'tcp.flags', 'tcp.flags.syn', 'tcp.flags.ack',
  'tcp.flags.fin', 'tcp.flags.reset', 'tcp.analysis.retransmission',
  'udp.srcport', 'udp.dstport', 'udp.length', 'udp.stream',
  'dns.qry.name', 'dns.qry.type', 'dns.flags.response', 'dns.flags.rcode', 'dns.a', 'dns.aaaa',
  'http.host', 'http.request.method', 'http.request.uri', 'http.user_agent', 'http.response.code', 'http.content_length', 'http.request', 'http.response',
  'tls.handshake.type', 'tls.handshake.extensions_server_name', 'tls.record.content_type',
  'ip.geoip.src_country_iso', 'ip.geoip.dst_country_iso', 'ip.geoip.country_iso',
];

/** Fields that are exactly "either of" two others, in Wireshark's trees. */
const ALIASES: Record<string, [string, string]> = {
  'eth.addr': ['eth.src', 'eth.dst'],
  'ip.addr': ['ip.src', 'ip.dst'],
  'ipv6.addr': ['ipv6.src', 'ipv6.dst'],
  'tcp.port': ['tcp.srcport', 'tcp.dstport'],
  'udp.port': ['udp.srcport', 'udp.dstport'],
};

export interface IndexOptions {
  /** field names to index besides protocol presence ('all': every non-payload field) */
  fields?: readonly string[] | 'all';
  /** memory cap for all columns (bytes) */
  maxBytes?: number;
  /** distinct strings/byte values per column before the column is dropped */
  maxDistinct?: number;
  /** occurrences a new column has room for (an index of one batch of known size grows less) */
  initialCapacity?: number;
}

const MAX_VALUE_BYTES = 64;

type Values = Uint8Array | Uint16Array | Uint32Array | Float64Array;
type Kind = 'none' | 'int' | 'float' | 'bool' | 'intern';

function kindFor(t: FieldType): Kind | null {
  switch (t) {
    case 'protocol': case 'none': return 'none';
    case 'uint': case 'framenum': case 'ipv4': return 'int';
    case 'int': case 'float': case 'reltime': return 'float';
    case 'bool': return 'bool';
    case 'string': case 'bytes': case 'ether': case 'ipv6': return 'intern';
    case 'abstime': return null; // ns since the epoch does not fit a double exactly
  }
}

/** blocks of positions between two yields of a pass */
const YIELD_BLOCKS = STEP / CHECKPOINT_EVERY;

/** A byte value's key in a column's intern map: MAC addresses (the common case) as a number, no allocation. */
function internKey(value: Uint8Array): string | number {
  return value.length === 6
    ? ((value[0]! * 256 + value[1]!) * 65536 + (value[2]! * 256 + value[3]!)) * 65536 + value[4]! * 256 + value[5]!
    : Buffer.from(value.buffer, value.byteOffset, value.length).toString('latin1') + '\0';
}

class Column {
  /** the packet position of each occurrence (delta-encoded: index-positions.ts) */
  pos: Positions;
  vals: Values | null;
  intern: Map<string | number, number> | null = null;
  table: FieldValue[] = [];
  internBytes = 0;
  /** dropped from the index (over a limit): nothing more goes in */
  gone = false;

  constructor(readonly name: string, readonly type: FieldType, readonly kind: Kind, cap = 64) {
    this.pos = new Positions(cap);
    // values start in the narrowest array and widen as they come (push)
    this.vals = kind === 'none' ? null : kind === 'float' ? new Float64Array(cap) : kind === 'int' && type === 'ipv4' ? new Uint32Array(cap) : new Uint8Array(cap);
    if (kind === 'intern') this.intern = new Map();
  }

  get n(): number { return this.pos.n; }

  bytes(): number {
    return this.pos.bytes + (this.vals?.byteLength ?? 0) + this.internBytes;
  }

  grow(): void {
    const cap = Math.ceil(this.pos.capacity * 1.5) + 1;
    this.pos.grow(cap);
    if (this.vals) {
      const v = new (this.vals.constructor as new (n: number) => Values)(cap);
      v.set(this.vals as never);
      this.vals = v;
    }
  }

  /** Re-stores the values in a wider array (u8 → u16 → u32 → f64). */
  widen(to: 'u16' | 'u32' | 'f64'): void {
    const cap = this.pos.capacity;
    const v = to === 'u16' ? new Uint16Array(cap) : to === 'u32' ? new Uint32Array(cap) : new Float64Array(cap);
    for (let i = 0; i < this.n; i++) v[i] = this.vals![i]!;
    this.vals = v;
  }

  trim(): void {
    const n = Math.max(this.n, 1);
    this.pos.trim();
    if (this.vals) this.vals = this.vals.slice(0, n);
  }

  /**
   * Keeps the occurrences of packets k on, at positions shifted down by k,
   * in new arrays with room for `extra` more occurrences: the positions re-encoded
   * from the first kept occurrence, the values copied at their width so far.
   * Returns how many occurrences are kept.
   */
  dropFront(k: number, extra: number): number {
    const old = this.pos, n = old.n;
    const i0 = old.lowerBound(k);
    const m = n - i0;
    const pos = new Positions(Math.max(m + extra, 16));
    for (const cur = new PosCursor(old, i0); cur.i < n; cur.i++) pos.push(cur.at - k);
    this.pos = pos;
    if (this.vals) {
      const vals = new (this.vals.constructor as new (n: number) => Values)(pos.capacity);
      vals.set(this.vals.subarray(i0, n) as never);
      this.vals = vals;
    }
    return m;
  }

  decoder(): (i: number) => FieldValue {
    const v = this.vals;
    switch (this.kind) {
      case 'none': return () => null;
      case 'bool': return (i) => v![i] !== 0;
      case 'int': case 'float': return (i) => v![i]!;
      case 'intern': { const t = this.table; return (i) => t[v![i]!]!; }
    }
  }
}

/**
 * The frame number at each index position. A file's packets are numbered 1,
 * 2, 3, ... in the order they are indexed: while the numbers run on by one
 * from the first, none is stored (4 bytes a packet saved, bench/RESULTS.md);
 * the first that does not (a live capture's gap, a view cap's front dropped
 * and more appended) puts them in an array.
 */
export class FrameNumbers {
  private arr: Uint32Array | null = null;
  /** while arr is null: the frame number at position 0 */
  private first = 0;
  n = 0;

  /** frame number at position p (< n) */
  at(p: number): number { return this.arr === null ? this.first + p : this.arr[p]!; }

  get bytes(): number { return this.arr?.byteLength ?? 0; }

  push(number: number): void {
    const p = this.n++;
    if (this.arr === null) {
      if (p === 0) { this.first = number; return; }
      if (number === this.first + p) return;
      this.materialize(Math.max(1024, Math.ceil(this.n * 1.5)));
    } else if (p >= this.arr.length) this.grow(Math.ceil(this.arr.length * 1.5));
    this.arr![p] = number;
  }

  /** Room for `more` pushes (an array's growth once, not per push). */
  reserve(more: number): void {
    if (this.arr !== null && this.n + more > this.arr.length) this.grow(Math.max(this.n + more, Math.ceil(this.arr.length * 1.5)));
  }

  trim(): void { if (this.arr !== null) this.arr = this.arr.slice(0, Math.max(this.n, 1)); }

  /** Forgets positions [0, k): the rest shift down; room for `room` more. */
  dropFront(k: number, room: number): void {
    k = Math.min(k, this.n);
    if (this.arr === null) this.first += k;
    else { const a = new Uint32Array(Math.max(this.n - k + room, 1)); a.set(this.arr.subarray(k, this.n)); this.arr = a; }
    this.n -= k;
  }

  private materialize(cap: number): void {
    const a = new Uint32Array(Math.max(cap, this.n));
    for (let i = 0; i < this.n - 1; i++) a[i] = this.first + i;
    this.arr = a;
  }

  private grow(cap: number): void { const a = new Uint32Array(cap); a.set(this.arr!.subarray(0, this.n)); this.arr = a; }
}

/**
 * The index of a run of packets decoded elsewhere (a decoding thread of a
 * parallel open): its columns as plain data, packets numbered from 0 within
 * the run. FilterIndex.appendFragments() merges runs into file order.
 */
export interface IndexFragment {
  cols: Array<{ name: string; n: number; pkts: Uint32Array; vals: Values | null; table: FieldValue[] }>;
  /** columns the run's index gave up, and why (the whole index gives them up too) */
  dropped: Array<[string, string]>;
}

/** One run's fragment and where its packets go: pos[j] is the index position of its packet j. */
export interface FragmentPart {
  frag: IndexFragment;
  pos: Uint32Array;
}

export class FilterIndex {
  private readonly frames = new FrameNumbers();
  private count = 0;
  private readonly cols = new Map<string, Column>();
  /** field name → why it is not indexed */
  private readonly dropped = new Map<string, string>();
  private readonly wanted: Set<string> | 'all';
  private readonly maxBytes: number;
  private readonly maxDistinct: number;
  private readonly initialCapacity: number;
  private colBytes = 0;
  private readonly decided = new Map<string, Column | null>();
  /** `decided` by field id (fields/ids.ts): the walk of add() reads this, no name lookup */
  private byId: Array<Column | null | undefined> = [];
  private ownIds: FieldIds | null = null;

  constructor(opts: IndexOptions = {}) {
    this.wanted = opts.fields === 'all' ? 'all' : new Set(opts.fields ?? DEFAULT_INDEXED_FIELDS);
    this.maxBytes = opts.maxBytes ?? defaultIndexBytes();
    this.maxDistinct = opts.maxDistinct ?? 1 << 20;
    this.initialCapacity = Math.max(16, opts.initialCapacity ?? 64);
  }

  /** packets added so far */
  get size(): number { return this.count; }

  /** bytes held by the index (typed arrays at capacity, plus interned values) */
  memoryBytes(): number {
    let b = this.frames.bytes;
    for (const c of this.cols.values()) b += c.bytes();
    return b;
  }

  add(d: Dissection): void {
    this.addIds(d, (this.ownIds ??= new FieldIds()).of(d.fields));
  }

  /** add(), with ids[j] the id of d.fields[j] (a walk shared with other consumers: FieldIds). */
  addIds(d: Dissection, ids: Int32Array): void {
    const p = this.count++;
    this.frames.push(d.packet.number);
    const fields = d.fields, byId = this.byId;
    for (let j = 0; j < fields.length; j++) {
      const f = fields[j]!;
      const id = ids[j]!;
      let col = id === NO_ID ? this.decided.get(f.name) : byId[id];
      if (col === undefined) col = this.decide(f.name);
      if (col === null) continue;
      this.push(col, p, f.value);
    }
  }

  /** Records what add() does with a field name (and under its id). */
  private setDecided(name: string, col: Column | null): void {
    this.decided.set(name, col);
    setById(this.byId, name, col);
  }

  /** Shrinks the columns to their content (call when the capture is fully loaded). */
  compact(): void {
    for (const c of this.cols.values()) c.trim();
    this.frames.trim();
    this.colBytes = 0;
    for (const c of this.cols.values()) this.colBytes += c.bytes();
  }

  /**
   * Forgets the first k packets (a live capture's view cap): positions shift
   * down by k, each column is re-allocated at what stays plus room for
   * `room` more packets' worth of its occurrences, and interned values no
   * kept packet uses are forgotten, so memory follows the packets held.
   */
  dropFront(k: number, room = 0): void {
    k = Math.min(k, this.count);
    if (k <= 0) return;
    const n = this.count - k;
    this.frames.dropFront(k, room);
    this.count = n;
    this.colBytes = 0;
    for (const c of this.cols.values()) {
      // a column's share of the room: its occurrences per packet so far
      const m = c.dropFront(k, Math.ceil((room * c.n) / Math.max(n + k, 1)));
      if (c.kind === 'intern') {
        const table = c.table, ids = c.vals!, remap = new Map<number, number>();
        c.table = [];
        c.intern = new Map();
        c.internBytes = 0;
        for (let i = 0; i < m; i++) {
          let id = remap.get(ids[i]!);
          if (id === undefined) {
            const v = table[ids[i]!]!;
            id = c.table.length;
            c.table.push(v);
            c.intern.set(typeof v === 'string' ? v : internKey(v as Uint8Array), id);
            c.internBytes += (typeof v === 'string' ? v.length * 2 : (v as Uint8Array).length) + 64;
            remap.set(ids[i]!, id);
          }
          ids[i] = id;
        }
      }
      this.colBytes += c.bytes();
    }
  }

  /** This index's columns as a fragment (for an index built over one run of packets). */
  fragment(): IndexFragment {
    const cols: IndexFragment['cols'] = [];
    for (const c of this.cols.values()) cols.push({ name: c.name, n: c.n, pkts: c.pos.toArray(), vals: c.vals ? c.vals.subarray(0, c.n) : null, table: c.table });
    return { cols, dropped: [...this.dropped] };
  }

  /**
   * Appends packets decoded by other indexes: numbers[k] is the frame number
   * of the k-th new packet, and every part says which of them each of its
   * packets is. Occurrences land in packet order, as add() would have put
   * them. remap rewrites a part's values of a field (per-run counters such as
   * tcp.stream, renumbered in file order): asked once per part and field, it
   * answers the rewrite, or null to keep the values.
   *
   * A part's interned values are interned here once each (its ids mapped to
   * this index's), not once per occurrence: the merge runs on the service
   * thread, one for all decoding threads, and bounded a parallel open.
   */
  appendFragments(numbers: ArrayLike<number>, parts: readonly FragmentPart[], remap?: (part: number, name: string) => ((v: number) => number) | null): void {
    const base = this.count, n = numbers.length;
    this.frames.reserve(n);
    for (let k = 0; k < n; k++) this.frames.push(numbers[k]!);
    this.count = base + n;
    for (const part of parts) {
      for (const [name, why] of part.frag.dropped) {
        if (this.dropped.has(name)) continue;
        const c = this.cols.get(name);
        if (c) this.drop(c, why);
        else { this.dropped.set(name, why); this.setDecided(name, null); }
      }
    }
    const byName = new Map<string, Array<IndexFragment['cols'][number] | undefined>>();
    parts.forEach((part, w) => {
      for (const c of part.frag.cols) {
        let l = byName.get(c.name);
        if (!l) { l = new Array(parts.length); byName.set(c.name, l); }
        l[w] = c;
      }
    });
    const at = new Int32Array(parts.length);
    const S = parts.length, heads = new Float64Array(S);
    for (const [name, srcs] of byName) {
      let col = this.decided.get(name);
      if (col === undefined) col = this.decide(name);
      if (col === null) continue;
      const kind = col.kind;
      at.fill(0);
      // per part: its occurrences' store positions, and how its values become this column's
      const where: Array<Uint32Array | null> = [], pkts: Array<Uint32Array | null> = [], ns = new Int32Array(S);
      const ids: Array<Int32Array | null> = [], maps: Array<((v: number) => number) | null> = [];
      for (let s = 0; s < S; s++) {
        const c = srcs[s];
        where.push(c ? parts[s]!.pos : null); pkts.push(c ? c.pkts : null); ns[s] = c ? c.n : 0;
        ids.push(c && kind === 'intern' ? new Int32Array(c.table.length).fill(-1) : null);
        maps.push(c && (kind === 'int' || kind === 'float') && remap ? remap(s, name) : null);
      }
      // each part's next occurrence's position (Infinity: none left)
      for (let s = 0; s < S; s++) heads[s] = ns[s]! > 0 ? where[s]![pkts[s]![0]!]! : Infinity;
      for (;;) {
        // the part whose next occurrence comes first (runs are few: a scan beats a heap)
        let w = 0, best = heads[0]!;
        for (let s = 1; s < S; s++) if (heads[s]! < best) { best = heads[s]!; w = s; }
        if (best === Infinity) break;
        const c = srcs[w]!, i = at[w]!++;
        heads[w] = i + 1 < ns[w]! ? where[w]![pkts[w]![i + 1]!]! : Infinity;
        if (kind === 'intern') {
          const m = ids[w]!, k = c.vals![i]!;
          let id = m[k]!;
          if (id < 0) { id = m[k] = this.internId(col, c.table[k]!); if (id < 0) break; }
          this.pushId(col, best, id);
        } else {
          let v: FieldValue;
          switch (kind) {
            case 'none': v = null; break;
            case 'bool': v = c.vals![i] !== 0; break;
            default: { const f = maps[w]; v = f ? f(c.vals![i]!) : c.vals![i]!; }
          }
          this.push(col, best, v);
        }
        if (col.gone) break;
      }
    }
  }

  /**
   * The positions (not frame numbers) in [from, upTo) the filter matches,
   * ascending; null when the index cannot answer it. For packets that
   * arrive while a filter is shown: a small range costs a small walk.
   */
  evaluateRange(filter: CompiledFilter, from: number, upTo = this.count): Uint32Array | null {
    if (this.unindexed(filter).length) return null;
    if (filter.plan) return finish(this.positionsOf(this.planBits(filter.plan, filter, upTo, from), upTo, from));
    return finish(this.replay(filter, upTo, from, true));
  }

  private *positionsOf(bitsSteps: Steps<Uint32Array>, upTo: number, from: number): Steps<Uint32Array> {
    return this.framesOf(yield* bitsSteps, upTo, from, true);
  }

  /** Why a filter cannot be answered from the index (empty: it can). */
  unindexed(filter: CompiledFilter): string[] {
    const out: string[] = [];
    for (const s of filter.slots) {
      if (s.frameBytes) out.push(`${s.name}: needs the frame bytes`);
      else if (s.lengths) out.push(`${s.name}: needs field lengths`);
      else if (s.layers !== undefined) out.push(`${s.name}#: layer operator`);
      else {
        for (const name of ALIASES[s.name] ?? [s.name]) {
          const type = getField(name)?.type ?? s.type;
          if (this.dropped.has(name)) out.push(`${name}: ${this.dropped.get(name)}`);
          else if (!this.indexable(name, type)) out.push(`${name}: not indexed`);
        }
      }
    }
    return out;
  }

  /**
   * Frame numbers (ascending) of the packets the filter matches, or null when
   * the filter reads something the index does not hold (see unindexed());
   * the caller then re-dissects.
   */
  evaluate(filter: CompiledFilter): Uint32Array | null {
    return finish(this.evaluateSteps(filter));
  }

  /**
   * evaluate() as a pass that can run in slices (see steps.ts). It answers
   * for the packets indexed when it starts: packets added meanwhile (a live
   * capture, a file still loading) are left to the caller.
   */
  *evaluateSteps(filter: CompiledFilter): Steps<Uint32Array | null> {
    if (this.unindexed(filter).length) return null;
    const upTo = this.count;
    if (filter.plan) return this.framesOf(yield* this.planBits(filter.plan, filter, upTo), upTo);
    return yield* this.replay(filter, upTo);
  }

  // ---- column-wise evaluation: one bit per packet ----------------------------

  private columnsOf(filter: CompiledFilter, slot: number): Column[] {
    const out: Column[] = [];
    for (const name of ALIASES[filter.slots[slot]!.name] ?? [filter.slots[slot]!.name]) {
      const c = this.cols.get(name);
      if (c) out.push(c);
    }
    return out;
  }

  /** columns hold packets in order: an occurrence at or past upTo ends a column's walk */
  private *planBits(plan: FilterPlan, filter: CompiledFilter, upTo: number, from = 0): Steps<Uint32Array> {
    // bit k stands for packet from + k
    const words = (upTo - from + 31) >>> 5;
    switch (plan.k) {
      case 'and': case 'or': {
        const a = yield* this.planBits(plan.l, filter, upTo, from);
        const b = yield* this.planBits(plan.r, filter, upTo, from);
        if (plan.k === 'and') for (let w = 0; w < words; w++) a[w]! &= b[w]!;
        else for (let w = 0; w < words; w++) a[w]! |= b[w]!;
        return a;
      }
      case 'not': {
        const a = yield* this.planBits(plan.e, filter, upTo, from);
        for (let w = 0; w < words; w++) a[w] = ~a[w]!;
        return a;
      }
      case 'exists': {
        const bits = new Uint32Array(words);
        const buf = new Uint32Array(CHECKPOINT_EVERY);
        for (const c of this.columnsOf(filter, plan.slot)) {
          const pos = c.pos;
          const i0 = pos.lowerBound(from, buf);
          walk: for (let b = (i0 / CHECKPOINT_EVERY) | 0, j0 = i0 - b * CHECKPOINT_EVERY; b * CHECKPOINT_EVERY < pos.n; b++, j0 = 0) {
            const k = pos.block(b, buf);
            for (let j = j0; j < k; j++) {
              const pk = buf[j]!;
              if (pk >= upTo) break walk;
              const p = pk - from;
              bits[p >>> 5]! |= 1 << (p & 31);
            }
            if (b % YIELD_BLOCKS === YIELD_BLOCKS - 1) yield STEP;
          }
        }
        return bits;
      }
      case 'test': {
        const hit = new Uint32Array(words);
        const miss = plan.all ? new Uint32Array(words) : null;
        const pred = plan.pred;
        const buf = new Uint32Array(CHECKPOINT_EVERY);
        for (const c of this.columnsOf(filter, plan.slot)) {
          const pos = c.pos;
          const i0 = pos.lowerBound(from, buf);
          const n = pos.lowerBound(upTo, buf);
          // interned values: each distinct value judged once
          const t = c.table;
          const verdict = c.kind === 'intern' ? new Int8Array(t.length).fill(-1) : null;
          const ids = c.vals!;
          const dec = c.decoder();
          for (let b = (i0 / CHECKPOINT_EVERY) | 0, j0 = i0 - b * CHECKPOINT_EVERY; b * CHECKPOINT_EVERY < n; b++, j0 = 0) {
            const k = Math.min(pos.block(b, buf), n - b * CHECKPOINT_EVERY);
            const base = b * CHECKPOINT_EVERY;
            if (verdict) {
              for (let j = j0; j < k; j++) {
                const id = ids[base + j]!;
                let ok = verdict[id]!;
                // a predicate may be a regular expression over a long value: each counts
                if (ok < 0) { ok = verdict[id] = pred(t[id]!) ? 1 : 0; yield 1; }
                const p = buf[j]! - from;
                if (ok) hit[p >>> 5]! |= 1 << (p & 31);
                else if (miss) miss[p >>> 5]! |= 1 << (p & 31);
              }
            } else {
              for (let j = j0; j < k; j++) {
                const p = buf[j]! - from;
                if (pred(dec(base + j))) hit[p >>> 5]! |= 1 << (p & 31);
                else if (miss) miss[p >>> 5]! |= 1 << (p & 31);
              }
            }
            if (b % YIELD_BLOCKS === YIELD_BLOCKS - 1) yield STEP;
          }
        }
        // every occurrence satisfies: some did and none failed
        if (miss) for (let w = 0; w < words; w++) hit[w] = (hit[w]! | miss[w]!) & ~miss[w]!;
        return hit;
      }
    }
  }

  /** the packets whose bits are set (bit k: packet from + k), as frame numbers or as positions */
  private framesOf(bits: Uint32Array, upTo: number, from = 0, positions = false): Uint32Array {
    let k = 0;
    const out = new Uint32Array(upTo - from);
    const frames = this.frames;
    const n = upTo;
    for (let w = 0; w < bits.length; w++) {
      let x = bits[w]!;
      while (x !== 0) {
        const b = 31 - Math.clz32(x & -x);
        const p = from + (w << 5) + b;
        if (p >= n) break;
        out[k++] = positions ? p : frames.at(p);
        x &= x - 1;
      }
    }
    return out.slice(0, k);
  }

  /** Packet-by-packet evaluation for filters without a plan (functions, field-to-field comparisons, ...). */
  private *replay(filter: CompiledFilter, upTo: number, from = 0, positions = false): Steps<Uint32Array> {
    // one source per (slot, column): alias slots read two columns
    const srcSlot: number[] = [];
    const srcCols: Array<Column | undefined> = [];
    filter.slots.forEach((s, i) => {
      for (const name of ALIASES[s.name] ?? [s.name]) { srcSlot.push(i); srcCols.push(this.cols.get(name)); }
    });
    const ns = srcSlot.length;
    const lens = srcCols.map((c) => c?.pos.lowerBound(upTo) ?? 0);
    const dec = srcCols.map((c) => c?.decoder() ?? (() => null));
    const cur = srcCols.map((c) => new PosCursor(c?.pos ?? new Positions(1), c?.pos.lowerBound(from) ?? 0));
    const vals: FieldValue[][] = filter.slots.map(() => []);
    // A packet none of the columns mentions gets the filter's value on
    // absent fields (false for `tcp.port == 80`, true for `not arp`): only
    // packets with an occurrence are replayed.
    const base = filter.evalValues(vals);
    const out = new Uint32Array(upTo - from);
    let k = 0;
    let next = from; // first packet not yet decided
    // positions: the packets' places in the index rather than their frame numbers
    const frames = positions ? { at: (p: number) => p } : this.frames;
    for (;;) {
      let p = 0xffffffff;
      for (let s = 0; s < ns; s++) {
        const c = cur[s]!;
        if (c.i < lens[s]!) { const at = c.at; if (at < p) p = at; }
      }
      if (p === 0xffffffff) break;
      if (base) while (next < p) out[k++] = frames.at(next++);
      for (let s = 0; s < ns; s++) {
        const c = cur[s]!;
        const n = lens[s]!;
        if (c.i < n && c.at === p) {
          const v = vals[srcSlot[s]!]!;
          const d = dec[s]!;
          do v.push(d(c.i++)); while (c.i < n && c.at === p);
        }
      }
      if (filter.evalValues(vals)) out[k++] = frames.at(p);
      for (let s = 0; s < vals.length; s++) vals[s]!.length = 0;
      next = p + 1;
      yield 1;
    }
    if (base) while (next < upTo) out[k++] = frames.at(next++);
    return out.slice(0, k);
  }

  /** Bytes held per column (packet positions, values, interned values) and by the frame numbers, for the bench's breakdown. */
  breakdown(): Record<string, { pkts: number; vals: number; intern: number; n: number }> {
    const out: Record<string, { pkts: number; vals: number; intern: number; n: number }> = { '(frames)': { pkts: this.frames.bytes, vals: 0, intern: 0, n: this.count } };
    for (const c of this.cols.values()) out[c.name] = { pkts: c.pos.bytes, vals: c.vals?.byteLength ?? 0, intern: c.internBytes, n: c.n };
    return out;
  }

  /** Sizes and dropped columns, for diagnostics. */
  stats(): { packets: number; bytes: number; columns: number; dropped: Record<string, string> } {
    return { packets: this.count, bytes: this.memoryBytes(), columns: this.cols.size, dropped: Object.fromEntries(this.dropped) };
  }

  private indexable(name: string, type: FieldType): boolean {
    if (kindFor(type) === null || name in ALIASES) return false;
    return type === 'protocol' || type === 'none' || this.wanted === 'all' || this.wanted.has(name);
  }

  private decide(name: string): Column | null {
    const def = getField(name);
    let col: Column | null = null;
    if (def && this.indexable(name, def.type) && !this.dropped.has(name)) {
      col = new Column(name, def.type, kindFor(def.type)!, this.initialCapacity);
      this.cols.set(name, col);
      this.colBytes += col.bytes();
      if (this.colBytes > this.maxBytes) {
        this.drop(col, `index memory cap (${this.maxBytes} bytes) reached`);
        return null;
      }
    } else if (def && !this.dropped.has(name) && kindFor(def.type) === null) {
      this.dropped.set(name, `${def.type} fields are not indexed`);
    }
    this.setDecided(name, col);
    return col;
  }

  private drop(col: Column, why: string): void {
    this.colBytes -= col.bytes();
    this.cols.delete(col.name);
    col.gone = true;
    this.dropped.set(col.name, why);
    this.setDecided(col.name, null);
  }

  private resize(col: Column, fn: () => void): boolean {
    const before = col.bytes();
    fn();
    this.colBytes += col.bytes() - before;
    if (this.colBytes <= this.maxBytes) return true;
    this.drop(col, `index memory cap (${this.maxBytes} bytes) reached`);
    return false;
  }

  private push(col: Column, p: number, value: FieldValue): void {
    const i = col.n;
    if (i >= col.pos.capacity && !this.resize(col, () => col.grow())) return;
    switch (col.kind) {
      case 'none': break;
      case 'bool': col.vals![i] = value ? 1 : 0; break;
      case 'int': {
        if (typeof value !== 'number') return this.drop(col, 'values beyond 2^53');
        let v = col.vals!;
        if (!(v instanceof Float64Array) && (value < 0 || value > 0xffffffff || !Number.isInteger(value))) {
          if (!this.resize(col, () => col.widen('f64'))) return;
        } else if (v instanceof Uint16Array && value > 0xffff) {
          if (!this.resize(col, () => col.widen('u32'))) return;
        } else if (v instanceof Uint8Array && value > 0xff) {
          if (!this.resize(col, () => col.widen(value > 0xffff ? 'u32' : 'u16'))) return;
        }
        v = col.vals!;
        v[i] = value;
        break;
      }
      case 'float':
        if (typeof value !== 'number') return this.drop(col, 'values beyond 2^53');
        col.vals![i] = value;
        break;
      case 'intern': {
        const id = this.internId(col, value);
        if (id < 0) return;
        col.vals![i] = id;
        break;
      }
    }
    col.pos.push(p);
  }

  /** An occurrence whose value is interned already (its id in this column). */
  private pushId(col: Column, p: number, id: number): void {
    const i = col.n;
    if (i >= col.pos.capacity && !this.resize(col, () => col.grow())) return;
    col.vals![i] = id;
    col.pos.push(p);
  }

  /** A value's id in an interned column (widened to hold it), or -1 when the value drops the column. */
  private internId(col: Column, value: FieldValue): number {
    let key: string | number;
    if (typeof value === 'string') {
      if (value.length > 256) { this.drop(col, 'long strings'); return -1; }
      key = value;
    } else if (value instanceof Uint8Array) {
      if (value.length > MAX_VALUE_BYTES) { this.drop(col, 'long byte values (payloads)'); return -1; }
      key = internKey(value);
    } else {
      this.drop(col, 'unexpected value type');
      return -1;
    }
    let id = col.intern!.get(key);
    if (id === undefined) {
      if (col.table.length >= this.maxDistinct) { this.drop(col, `more than ${this.maxDistinct} distinct values`); return -1; }
      id = col.table.length;
      // copy: byte values are views into the packet's buffer
      col.table.push(typeof value === 'string' ? value : Uint8Array.from(value));
      col.intern!.set(key, id);
      const cost = (typeof value === 'string' ? value.length * 2 : (value as Uint8Array).length) + 64;
      col.internBytes += cost;
      this.colBytes += cost;
      if (id > 0xff && col.vals instanceof Uint8Array && !this.resize(col, () => col.widen('u16'))) return -1;
      if (id > 0xffff && col.vals instanceof Uint16Array && !this.resize(col, () => col.widen('u32'))) return -1;
    }
    return id;
  }
}
