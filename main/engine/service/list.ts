// The displayed packet list of one open capture: which packets the display
// filter lets through (an index array; null = every packet), in which
// order (only while sorted), and the row blocks the renderer pages through.
// It lives and dies with its OpenCapture; the filter and sort the user set
// carry over to the next capture's list.
import type { Dissection } from '../types';
import type { Dissector } from '../dissect/index';
import { FIELD_COLUMNS } from '../../api/columns';
import type { ColumnId, Completion, FilterCheck, RowBlock } from '../../api/index';
import { Column, type PacketStore } from './store';
import { brokenDissection, type OpenCapture } from './open-capture';
import type { Generation } from './status';
import { compileDisplayFilter, type CompiledFilter } from '../filter/compile';
import { completeFilter } from '../filter/complete';
import { runSliced, type Steps } from '../filter/steps';
import { indexOfSorted } from '../sorted';

export interface DisplayFilter { matches(d: Dissection): boolean }
const isCompiled = (f: DisplayFilter): f is CompiledFilter => Array.isArray((f as Partial<CompiledFilter>).slots);
export type Sort = { column: ColumnId; desc: boolean } | null;
/** What the next capture's list starts with. */
export interface ListSettings { filter: DisplayFilter | null; filterText: string; sort: Sort; orderSort: Sort }

export class DisplayedList {
  /** displayed packet indices when a filter is set; null = every packet */
  private displayed: Column<Uint32Array> | null;
  private displayedCount = 0;
  private filter: DisplayFilter | null;
  filterText: string;
  /** the sort asked for; `order` follows once its pass is done */
  private sort: Sort;
  /** the sort `order` was built for */
  private orderSort: Sort = null;
  /** the displayed list in sort order (only while sorted) */
  private order: Uint32Array | null = null;
  /** bumps to drop a running sort pass (a newer sort, a cancel) */
  private orderToken = 0;
  /** bumps to cancel a running filter pass */
  private filterToken = 0;
  /**
   * The filter a pass is building a new list for, from packet `from` on:
   * packets that arrive while it runs (live capture, file still loading)
   * are judged here, since the pass answers only for those before them.
   */
  private pending: { filter: DisplayFilter; from: number; hits: number[]; dissector?: Dissector } | null = null;

  constructor(
    private readonly cap: OpenCapture,
    private readonly generation: Generation,
    private readonly pushStatus: (now?: boolean) => void,
    carried: ListSettings = { filter: null, filterText: '', sort: null, orderSort: null },
  ) {
    this.filter = carried.filter;
    this.filterText = carried.filterText;
    this.sort = carried.sort;
    this.orderSort = carried.orderSort;
    this.displayed = this.filter ? new Column(Uint32Array) : null;
    cap.onPacket = (i, d) => this.consider(i, d);
    cap.onRange = (from, to) => this.considerRange(from, to);
    cap.onEvict = (k) => this.evictFront(k);
  }

  get settings(): ListSettings {
    return { filter: this.filter, filterText: this.filterText, sort: this.sort, orderSort: this.orderSort };
  }

  /** A packet just indexed: shown if the filter lets it through. */
  private consider(i: number, d: Dissection): void {
    if (this.displayed) {
      let ok: boolean;
      try { ok = this.filter ? this.filter.matches(d) : true; } catch { ok = false; }
      if (ok) this.pushDisplayed(i);
    }
    if (this.pending) {
      try { if (this.pending.filter.matches(d)) this.pending.hits.push(i); } catch { /* a filter error is no match */ }
    }
  }

  /**
   * Packets stored and indexed without a dissection on this thread (a
   * parallel open): the index judges them, or, for a filter it cannot
   * answer, this list's own dissector.
   */
  private considerRange(from: number, to: number): void {
    if (this.displayed && this.filter) {
      for (const i of this.judge(this.filter, from, to, () => (this.shownDissector ??= this.cap.newDissector()))) this.pushDisplayed(i);
    }
    const p = this.pending;
    if (p) for (const i of this.judge(p.filter, from, to, () => (p.dissector ??= this.cap.newDissector()))) p.hits.push(i);
  }

  /**
   * The dissector that judges packets for the shown filter when the index
   * cannot: the one its re-dissection pass ran, which has seen every packet
   * before (a filter a session set before the load starts one at the first
   * such range).
   */
  private shownDissector: Dissector | null = null;

  private judge(filter: DisplayFilter, from: number, to: number, dissectorOf: () => Dissector): Iterable<number> {
    const { index, store } = this.cap;
    if (isCompiled(filter) && index.size === store.count && !this.cap.commentsSinceIndex) {
      const r = index.evaluateRange(filter, from, to);
      if (r) return r;
    }
    const dissector = dissectorOf();
    const out: number[] = [];
    for (let i = from; i < to; i++) {
      const pkt = this.cap.packetAt(i);
      let d: Dissection;
      try { d = dissector.dissect(pkt); } catch (e) { d = brokenDissection(pkt, e); }
      try { if (filter.matches(d)) out.push(i); } catch { /* a filter error is no match */ }
    }
    return out;
  }

  /**
   * The first k stored packets left the view (view-cap.ts): positions shift
   * down by k, rows of those packets go. The renderer refetches (generation).
   */
  evictFront(k: number): void {
    const shift = (a: ArrayLike<number>, n: number): Uint32Array => {
      const out = new Uint32Array(n);
      let m = 0;
      for (let r = 0; r < n; r++) { const i = a[r]!; if (i >= k) out[m++] = i - k; }
      return out.subarray(0, m);
    };
    if (this.displayed) {
      const kept = shift(this.displayed.arr, this.displayedCount);
      // re-allocated at what stays: the old array goes whole
      const next = new Column(Uint32Array, Math.max(16, kept.length + (kept.length >>> 2)));
      next.arr.set(kept);
      this.displayed = next;
      this.displayedCount = kept.length;
    }
    if (this.order) this.order = shift(this.order, this.order.length).slice();
    if (this.pending) {
      this.pending.hits = Array.from(shift(this.pending.hits, this.pending.hits.length));
      this.pending.from = Math.max(0, this.pending.from - k);
    }
    this.generation.next();
    this.pushStatus();
  }

  private pushDisplayed(i: number): void {
    const col = this.displayed!;
    col.ensure(this.displayedCount + 1);
    col.arr[this.displayedCount++] = i;
  }

  /** A session's saved filter, set before any packet is read. */
  useFilter(filter: DisplayFilter | null, text: string): void {
    this.filter = filter;
    this.filterText = text;
    this.displayed = filter ? new Column(Uint32Array) : null;
    this.displayedCount = 0;
    this.order = null;
    this.shownDissector = null;
  }

  get length(): number {
    return this.displayed ? this.displayedCount : this.cap.store.count;
  }

  get filtered(): boolean {
    return this.displayed !== null;
  }

  // ---- filter -----------------------------------------------------------

  /** selected: the packet field references (${ip.src}) read */
  static check(text: string, selected: Dissection | null = null): FilterCheck {
    if (!text.trim()) return { ok: true, empty: true };
    const r = compileDisplayFilter(text, { selected });
    return r.ok ? { ok: true, empty: false, ...(r.warnings.length ? { warnings: r.warnings } : {}) } : { ok: false, error: r.error };
  }

  static complete(text: string, cursor: number): Completion {
    const r = completeFilter(text, Math.min(cursor, text.length));
    return { from: r.start, to: r.end, items: r.items.map((x) => ({ label: x.name, ...(x.title !== undefined ? { detail: x.title } : {}), ...(x.type ? { type: x.type } : {}) })) };
  }

  /** Applies a display filter; null when another capture made this pass moot. */
  async setFilter(text: string, selected: Dissection | null = null): Promise<(FilterCheck & { displayed?: number; superseded?: boolean }) | null> {
    // a bad filter leaves the list, and a pass under way, as they were
    const r = text.trim() ? compileDisplayFilter(text, { selected }) : null;
    if (r && !r.ok) return { ok: false, error: r.error };
    // store positions must not move under the pass: eviction waits for it
    const release = this.cap.holdPositions();
    try { return await this.filterPass(text, r); } finally { release(); }
  }

  private async filterPass(text: string, r: ReturnType<typeof compileDisplayFilter> | null): Promise<(FilterCheck & { displayed?: number; superseded?: boolean }) | null> {
    if (r && !r.ok) return { ok: false, error: r.error };
    const token = ++this.filterToken;
    this.pending = null;
    const { store, index } = this.cap;
    const live = () => token === this.filterToken && !this.cap.closed;
    // another capture replaced this list: the handler answers for the new one
    const moot = () => (this.cap.closed ? null : this.superseded());
    if (!r) return (await this.swapDisplayed(null, '', null, 0, live)) ?? moot();
    const filter = r.filter;
    // Comments edited since indexing are not in the index's frame.comment values.
    const stale = this.cap.commentsSinceIndex && /comment/.test(text);
    if (!stale && index.size === store.count) {
      // the index answers for the packets it holds now; later ones go to pending
      const pending = { filter, from: store.count, hits: [] as number[] };
      this.pending = pending;
      const ran = await runSliced(index.evaluateSteps(filter), live);
      if (!ran.done) return moot();
      const fromIndex = ran.value;
      if (fromIndex) {
        // Frame numbers ascend in both: walk them together to store indices.
        const next = new Column(Uint32Array, Math.max(16, fromIndex.length));
        let n = 0;
        for (let k = 0, i = 0; k < fromIndex.length && i < pending.from; i++) {
          if (store.number.get(i) === fromIndex[k]) { next.arr[n++] = i; k++; }
        }
        return (await this.swapDisplayed(filter, text, next, n, live)) ?? moot();
      }
      this.pending = null;
    }
    // Re-dissect every stored packet in order with a fresh (stateful)
    // dissector, building the new list aside; swap when it has caught up.
    const ran = await runSliced(this.redissectSteps(filter), live);
    if (!ran.done) return moot();
    return (await this.swapDisplayed(filter, text, ran.value.next, ran.value.n, live)) ?? moot();
  }

  private *redissectSteps(filter: DisplayFilter): Steps<{ next: Column<Uint32Array>; n: number }> {
    const store = this.cap.store;
    const dissector = this.cap.newDissector();
    const next = new Column(Uint32Array, 1 << 14);
    let n = 0;
    for (let i = 0; ; i++) {
      if (i >= store.count) {
        // caught up: packets that arrive while the list is sorted are judged as they come
        // its dissector has seen every packet so far: packets merged later without a dissection continue with it
        this.pending = { filter, from: i, hits: [], dissector };
        break;
      }
      let d: Dissection;
      const pkt = this.cap.packetAt(i);
      try { d = dissector.dissect(pkt); } catch (e) { d = brokenDissection(pkt, e); }
      let ok: boolean;
      try { ok = filter.matches(d); } catch { ok = false; }
      if (ok) { next.ensure(n + 1); next.arr[n++] = i; }
      yield 1;
    }
    return { next, n };
  }

  /** What a filter pass that was overtaken answers: the list as it is shown. */
  superseded(): FilterCheck & { displayed: number; superseded: true } {
    return { ok: true, empty: false, displayed: this.length, superseded: true };
  }

  /** Drops the running filter and sort passes: the list stays as it is shown. */
  cancelPasses(): void {
    this.filterToken++;
    this.orderToken++;
    this.pending = null;
    this.sort = this.orderSort;
  }

  /**
   * Makes `next` (null: every packet) the displayed list, once it is in the
   * current sort order; packets that arrived meanwhile (pending) are added.
   * Null when the pass was superseded.
   */
  private async swapDisplayed(
    filter: DisplayFilter | null, text: string, next: Column<Uint32Array> | null, n: number, live: () => boolean,
  ): Promise<(FilterCheck & { displayed: number }) | null> {
    const store = this.cap.store;
    // a sort asked for while ordering: order again with it
    let sort: Sort;
    let order: Uint32Array | null;
    do {
      sort = this.sort;
      const r = await runSliced(orderSteps(store, next, next ? n : store.count, sort), live);
      if (!r.done) return null;
      order = r.value;
    } while (sort !== this.sort);
    if (next && this.pending) for (const i of this.pending.hits) { next.ensure(n + 1); next.arr[n++] = i; }
    this.shownDissector = this.pending?.dissector ?? null;
    this.pending = null;
    this.orderToken++; // a sort pass over the old list is moot
    this.filter = filter;
    this.filterText = text;
    this.displayed = next;
    this.displayedCount = n;
    this.order = order;
    this.orderSort = sort;
    this.generation.next();
    this.pushStatus(true);
    return next ? { ok: true, empty: false, displayed: n } : { ok: true, empty: true, displayed: this.length };
  }

  // ---- sort and rows ----------------------------------------------------

  /** store index of displayed row r */
  private rowIndex(r: number): number {
    // rows appended after sorting follow the sorted ones in arrival order
    if (this.order && r < this.order.length) return this.order[r];
    return this.displayed ? this.displayed.arr[r] : r;
  }

  async setSort(column: ColumnId | null, desc: boolean): Promise<void> {
    const release = this.cap.holdPositions();
    try { await this.sortPass(column, desc); } finally { release(); }
  }

  private async sortPass(column: ColumnId | null, desc: boolean): Promise<void> {
    const sort = column ? { column, desc } : null;
    this.sort = sort;
    const token = ++this.orderToken;
    const { displayed } = this;
    const store = this.cap.store;
    const n = this.length;
    // a newer sort, filter or capture makes this pass moot (a filter orders its own list)
    const live = () => token === this.orderToken && !this.cap.closed && displayed === this.displayed;
    const r = await runSliced(orderSteps(store, displayed, n, sort), live);
    if (!r.done) return;
    this.order = r.value;
    this.orderSort = sort;
    this.generation.next();
    this.pushStatus(true);
  }

  rows(start: number, count: number): RowBlock {
    const total = this.length;
    const n = Math.max(0, Math.min(count, total - start));
    const s = this.cap.store;
    const local = new Map<number, number>([[0, 0]]);
    const strings: string[] = [''];
    const map = (id: number) => {
      let l = local.get(id);
      if (l === undefined) { l = strings.length; strings.push(s.strings.get(id)); local.set(id, l); }
      return l;
    };
    const fieldArrays = FIELD_COLUMNS.map((c) => (c.type === 'number' ? new Float64Array(n) : new Uint32Array(n)));
    const core = {
      start, total, strings, generation: this.generation.value,
      number: new Uint32Array(n), time: new Float64Array(n), length: new Uint32Array(n),
      source: new Uint32Array(n), destination: new Uint32Array(n), protocol: new Uint32Array(n), info: new Uint32Array(n),
      colour: new Uint8Array(n),
    };
    for (let r = 0; r < n; r++) {
      const i = this.rowIndex(start + r);
      core.number[r] = s.number.get(i);
      core.time[r] = s.relTime(i);
      core.length[r] = s.origLenAt(i);
      core.source[r] = map(s.source.arr[i]);
      core.destination[r] = map(s.destination.arr[i]);
      core.protocol[r] = map(s.protocol.arr[i]);
      core.info[r] = strings.push(s.info(i)) - 1;
      core.colour[r] = s.colour.arr[i];
      for (let c = 0; c < fieldArrays.length; c++) {
        const v = s.fieldCols[c]!.get(i);
        fieldArrays[c]![r] = FIELD_COLUMNS[c]!.type === 'number' ? v : map(v);
      }
    }
    // the field columns are keyed by their ids (the schema spreads the same definition)
    const b = Object.assign(core, Object.fromEntries(FIELD_COLUMNS.map((c, k) => [c.id, fieldArrays[k]]))) as unknown as RowBlock;
    return b;
  }

  findRow(number: number): number {
    const i = this.cap.store.indexOf(number);
    if (i < 0) return -1;
    const n = this.length;
    if (this.order) { const at = this.order.indexOf(i); if (at >= 0) return at; }
    if (!this.displayed) return i;
    return indexOfSorted(this.displayed.arr, i, n); // displayed is ascending
  }

  /** Frame numbers of the displayed packets, in capture order. */
  displayedFrames(): number[] {
    const n = this.length;
    const out = new Array<number>(n);
    for (let r = 0; r < n; r++) out[r] = this.cap.store.number.get(this.displayed ? this.displayed.arr[r]! : r);
    return out;
  }
}

/**
 * The first n displayed rows (null list: every packet) in sort order, or
 * null when the sort is none / ascending by number (the list's own order).
 * A merge sort in steps: runs sorted at once, then merged pairwise.
 */
function* orderSteps(s: PacketStore, displayed: Column<Uint32Array> | null, n: number, sort: Sort): Steps<Uint32Array | null> {
  if (!sort || (sort.column === 'number' && !sort.desc)) return null;
  let src = new Uint32Array(n);
  for (let r = 0; r < n; r++) src[r] = displayed ? displayed.arr[r] : r;
  let key = sortKey(s, sort.column);
  if (sort.column === 'info') {
    // Info is deflated in blocks: read each row's once, in store order, not once per comparison
    const text = new Array<string>(s.count);
    const rows = Uint32Array.from(src).sort();
    for (let r = 0; r < n; r++) {
      text[rows[r]!] = s.info(rows[r]!);
      if ((r & 1023) === 1023) yield 1024;
    }
    key = (i) => text[i]!;
  }
  const dir = sort.desc ? -1 : 1;
  const cmp = (a: number, b: number): number => {
    const ka = key(a), kb = key(b);
    return (ka < kb ? -1 : ka > kb ? 1 : a - b) * dir;
  };
  const RUN = 1024;
  for (let lo = 0; lo < n; lo += RUN) {
    const run = src.subarray(lo, Math.min(n, lo + RUN));
    run.sort(cmp);
    yield run.length * 10;
  }
  let dst = new Uint32Array(n);
  for (let w = RUN; w < n; w *= 2) {
    for (let lo = 0; lo < n; lo += 2 * w) {
      const mid = Math.min(lo + w, n), hi = Math.min(lo + 2 * w, n);
      let i = lo, j = mid, k = lo;
      while (i < mid && j < hi) {
        dst[k++] = cmp(src[j]!, src[i]!) < 0 ? src[j++]! : src[i++]!;
        if ((k & 1023) === 0) yield 1024;
      }
      while (i < mid) dst[k++] = src[i++]!;
      while (j < hi) dst[k++] = src[j++]!;
    }
    [src, dst] = [dst, src];
  }
  return src;
}

const FIELD_INDEX = new Map<ColumnId, number>(FIELD_COLUMNS.map((c, k) => [c.id, k]));

function sortKey(s: PacketStore, col: ColumnId): (i: number) => number | string {
  switch (col) {
    case 'number': return (i) => s.number.get(i);
    case 'time': return (i) => s.relTime(i);
    case 'length': return (i) => s.origLenAt(i);
    case 'info': return (i) => s.info(i);
    case 'source': return (i) => s.strings.get(s.source.arr[i]);
    case 'destination': return (i) => s.strings.get(s.destination.arr[i]);
    case 'protocol': return (i) => s.strings.get(s.protocol.arr[i]);
  }
  const k = FIELD_INDEX.get(col)!;
  const fc = s.fieldCols[k]!;
  // absent numbers (NaN) sort before every present one
  if (FIELD_COLUMNS[k]!.type === 'number') return (i) => { const v = fc.get(i); return Number.isNaN(v) ? -1 : v; };
  return (i) => s.strings.get(fc.get(i));
}
