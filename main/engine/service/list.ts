// The displayed packet list of one open capture: which packets the display
// filter lets through (an index array; null = every packet), in which
// order (only while sorted), and the row blocks the renderer pages through.
// It lives and dies with its OpenCapture; the filter and sort the user set
// carry over to the next capture's list.
import type { Dissection } from '../types';
import type { ColumnId, Completion, FilterCheck, RowBlock } from '../../api/index';
import { Column, type PacketStore } from './store';
import { brokenDissection, type OpenCapture } from './open-capture';
import type { Generation } from './status';
import { Dissector } from '../dissect/index';
import { compileDisplayFilter } from '../filter/compile';
import { completeFilter } from '../filter/complete';

const CHUNK = 4096;
const yieldNow = () => new Promise<void>((r) => setImmediate(r));

export interface DisplayFilter { matches(d: Dissection): boolean }
export type Sort = { column: ColumnId; desc: boolean } | null;
/** What the next capture's list starts with. */
export interface ListSettings { filter: DisplayFilter | null; filterText: string; sort: Sort }

export class DisplayedList {
  /** displayed packet indices when a filter is set; null = every packet */
  private displayed: Column<Uint32Array> | null;
  private displayedCount = 0;
  private filter: DisplayFilter | null;
  filterText: string;
  private sort: Sort;
  /** the displayed list in sort order (only while sorted) */
  private order: Uint32Array | null = null;
  /** bumps to cancel a running filter pass */
  private filterToken = 0;

  constructor(
    private readonly cap: OpenCapture,
    private readonly generation: Generation,
    private readonly pushStatus: (now?: boolean) => void,
    carried: ListSettings = { filter: null, filterText: '', sort: null },
  ) {
    this.filter = carried.filter;
    this.filterText = carried.filterText;
    this.sort = carried.sort;
    this.displayed = this.filter ? new Column(Uint32Array) : null;
    cap.onPacket = (i, d) => this.consider(i, d);
  }

  get settings(): ListSettings {
    return { filter: this.filter, filterText: this.filterText, sort: this.sort };
  }

  /** A packet just indexed: shown if the filter lets it through. */
  private consider(i: number, d: Dissection): void {
    if (!this.displayed) return;
    let ok: boolean;
    try { ok = this.filter ? this.filter.matches(d) : true; } catch { ok = false; }
    if (ok) this.pushDisplayed(i);
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
  }

  get length(): number {
    return this.displayed ? this.displayedCount : this.cap.store.count;
  }

  get filtered(): boolean {
    return this.displayed !== null;
  }

  // ---- filter -----------------------------------------------------------

  static check(text: string): FilterCheck {
    if (!text.trim()) return { ok: true, empty: true };
    const r = compileDisplayFilter(text);
    return r.ok ? { ok: true, empty: false } : { ok: false, error: r.error };
  }

  static complete(text: string, cursor: number): Completion {
    const r = completeFilter(text, Math.min(cursor, text.length));
    return { from: r.start, to: r.end, items: r.items.map((x) => ({ label: x.name, detail: x.title })) };
  }

  /** Applies a display filter; null when a newer filter or another capture made this pass moot. */
  async setFilter(text: string): Promise<(FilterCheck & { displayed?: number }) | null> {
    const token = ++this.filterToken;
    if (!text.trim()) {
      this.filter = null;
      this.filterText = '';
      this.displayed = null;
      this.displayedCount = 0;
      this.rebuildOrder();
      this.generation.next();
      this.pushStatus(true);
      return { ok: true, empty: true, displayed: this.length };
    }
    const r = compileDisplayFilter(text);
    if (!r.ok) return { ok: false, error: r.error };
    const filter = r.filter;
    const { store, index } = this.cap;
    // Comments edited since indexing are not in the index's frame.comment values.
    const stale = this.cap.commentsSinceIndex && /comment/.test(text);
    const fromIndex = !stale && index.size === store.count ? index.evaluate(filter) : null;
    if (fromIndex) {
      // Frame numbers ascend in both: walk them together to store indices.
      const next = new Column(Uint32Array, Math.max(16, fromIndex.length));
      let n = 0;
      for (let k = 0, i = 0; k < fromIndex.length && i < store.count; i++) {
        if (store.number.arr[i] === fromIndex[k]) { next.arr[n++] = i; k++; }
      }
      return this.swapDisplayed(filter, text, next, n);
    }
    // Re-dissect every stored packet in order with a fresh (stateful)
    // dissector, building the new list aside; swap when it has caught up.
    const dissector = new Dissector();
    const next = new Column(Uint32Array, 1 << 14);
    let n = 0;
    let i = 0;
    while (i < store.count) {
      const end = Math.min(store.count, i + CHUNK);
      for (; i < end; i++) {
        let d: Dissection;
        const pkt = this.cap.packetAt(i);
        try { d = dissector.dissect(pkt); } catch (e) { d = brokenDissection(pkt, e); }
        let ok: boolean;
        try { ok = filter.matches(d); } catch { ok = false; }
        if (ok) { next.ensure(n + 1); next.arr[n++] = i; }
      }
      await yieldNow();
      if (this.cap.closed) return null;
      if (token !== this.filterToken) return { ok: true, empty: false, displayed: this.length };
    }
    return this.swapDisplayed(filter, text, next, n);
  }

  private swapDisplayed(filter: DisplayFilter, text: string, next: Column<Uint32Array>, n: number): FilterCheck & { displayed: number } {
    this.filter = filter;
    this.filterText = text;
    this.displayed = next;
    this.displayedCount = n;
    this.rebuildOrder();
    this.generation.next();
    this.pushStatus(true);
    return { ok: true, empty: false, displayed: n };
  }

  // ---- sort and rows ----------------------------------------------------

  /** store index of displayed row r */
  private rowIndex(r: number): number {
    // rows appended after sorting follow the sorted ones in arrival order
    if (this.order && r < this.order.length) return this.order[r];
    return this.displayed ? this.displayed.arr[r] : r;
  }

  setSort(column: ColumnId | null, desc: boolean): void {
    this.sort = column ? { column, desc } : null;
    this.rebuildOrder();
    this.generation.next();
    this.pushStatus(true);
  }

  private rebuildOrder(): void {
    if (!this.sort || this.sort.column === 'number' && !this.sort.desc) { this.order = null; return; }
    const n = this.length;
    const idx = new Uint32Array(n);
    for (let r = 0; r < n; r++) idx[r] = this.displayed ? this.displayed.arr[r] : r;
    const key = sortKey(this.cap.store, this.sort.column);
    const dir = this.sort.desc ? -1 : 1;
    const arr = Array.from(idx);
    arr.sort((a, b) => {
      const ka = key(a), kb = key(b);
      return (ka < kb ? -1 : ka > kb ? 1 : a - b) * dir;
    });
    this.order = Uint32Array.from(arr);
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
    const b: RowBlock = {
      start, total, strings, generation: this.generation.value,
      number: new Uint32Array(n), time: new Float64Array(n), length: new Uint32Array(n),
      source: new Uint32Array(n), destination: new Uint32Array(n), protocol: new Uint32Array(n), info: new Uint32Array(n),
      srcCountry: new Uint32Array(n), dstCountry: new Uint32Array(n), userAgent: new Uint32Array(n), hostSni: new Uint32Array(n),
      contentLength: new Float64Array(n), colour: new Uint8Array(n),
    };
    for (let r = 0; r < n; r++) {
      const i = this.rowIndex(start + r);
      b.number[r] = s.number.arr[i];
      b.time[r] = s.relTime(i);
      b.length[r] = s.origLen.arr[i];
      b.source[r] = map(s.source.arr[i]);
      b.destination[r] = map(s.destination.arr[i]);
      b.protocol[r] = map(s.protocol.arr[i]);
      b.info[r] = strings.push(s.info(i)) - 1;
      b.srcCountry[r] = map(s.srcCountry.arr[i]);
      b.dstCountry[r] = map(s.dstCountry.arr[i]);
      b.userAgent[r] = map(s.userAgent.arr[i]);
      b.hostSni[r] = map(s.hostSni.arr[i]);
      b.contentLength[r] = s.contentLength.arr[i];
      b.colour[r] = s.colour.arr[i];
    }
    return b;
  }

  findRow(number: number): number {
    const i = this.cap.store.indexOf(number);
    if (i < 0) return -1;
    const n = this.length;
    if (this.order) { const at = this.order.indexOf(i); if (at >= 0) return at; }
    if (!this.displayed) return i;
    // displayed is ascending: binary search
    const a = this.displayed.arr;
    let lo = 0, hi = n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid] === i) return mid;
      if (a[mid] < i) lo = mid + 1; else hi = mid - 1;
    }
    return -1;
  }

  /** Frame numbers of the displayed packets, in capture order. */
  displayedFrames(): number[] {
    const n = this.length;
    const out = new Array<number>(n);
    for (let r = 0; r < n; r++) out[r] = this.cap.store.number.arr[this.displayed ? this.displayed.arr[r] : r];
    return out;
  }
}

function sortKey(s: PacketStore, col: ColumnId): (i: number) => number | string {
  switch (col) {
    case 'number': return (i) => s.number.arr[i];
    case 'time': return (i) => s.relTime(i);
    case 'length': return (i) => s.origLen.arr[i];
    case 'contentLength': return (i) => { const v = s.contentLength.arr[i]; return Number.isNaN(v) ? -1 : v; };
    case 'info': return (i) => s.info(i);
    case 'source': return (i) => s.strings.get(s.source.arr[i]);
    case 'destination': return (i) => s.strings.get(s.destination.arr[i]);
    case 'protocol': return (i) => s.strings.get(s.protocol.arr[i]);
    case 'srcCountry': return (i) => s.strings.get(s.srcCountry.arr[i]);
    case 'dstCountry': return (i) => s.strings.get(s.dstCountry.arr[i]);
    case 'userAgent': return (i) => s.strings.get(s.userAgent.arr[i]);
    case 'hostSni': return (i) => s.strings.get(s.hostSni.arr[i]);
  }
}
