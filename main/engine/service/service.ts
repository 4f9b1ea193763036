// The engine service: one open capture (a file or a live interface) held in
// a PacketStore, the displayed list (filtered, optionally sorted) as an
// index array, and the API methods the faces call. It runs in a worker
// thread (see worker.ts); status goes out at most every 50 ms.
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { CaptureInterface, Dissection, RawPacket } from '../types';
import type {
  ColumnId, CaptureOptions, SpoolEntry, Completion, EngineEvent, ErrorInfo, FilterCheck, InterfaceInfo,
  Methods, Method, Params, PacketDetails, RecentEntry, Result, RowBlock, Status, StreamFollow,
} from '../../api/types';
import { ApiError } from '../../api/schema';
import { Column, PacketStore, type RowSummary } from './store';
import { StreamIds, summarize } from './summarize';
import { detailsOf } from './details';
import { followTcp } from './follow';
import * as parts from './parts';
import { LiveCapture } from './live';
import { FilterIndex } from '../filter/index-store';
import { InsightsEngine, insightsSnapshot, type InsightsSnapshot } from '../insights/index';

const STATUS_INTERVAL_MS = 50;
const CHUNK = 4096;
const yieldNow = () => new Promise<void>((r) => setImmediate(r));

export interface ServiceOptions {
  emit(ev: EngineEvent): void;
  /** where uploaded files are written before opening (browser mode) */
  uploadDir?: string;
}

export class EngineService {
  private store = new PacketStore();
  private interfaces: CaptureInterface[] = [];
  private dissector: parts.DissectorLike | null = null;
  private streams = new StreamIds();
  /** decoded fields in columns, so re-filtering rarely re-dissects */
  private index = new FilterIndex();
  /** security alerts and statistics, fed every packet as it is indexed */
  private insights = new InsightsEngine();
  private alertCount = 0;
  private lastAlertCheck = 0;
  /** displayed packet indices when a filter is set; null = every packet */
  private displayed: Column<Uint32Array> | null = null;
  private displayedCount = 0;
  private filter: { matches(d: Dissection): boolean } | null = null;
  private filterText = '';
  private sort: { column: ColumnId; desc: boolean } | null = null;
  /** the displayed list in sort order (only while sorted) */
  private order: Uint32Array | null = null;
  private generation = 0;
  /** bumps to cancel a running load/capture/filter pass */
  private loadToken = 0;
  private filterToken = 0;
  private state: Status['state'] = 'idle';
  private mode: Status['mode'] = 'idle';
  private source = '';
  private startedAt = Date.now();
  private finishedAt: number | null = null;
  private dropped = 0;
  private error: ErrorInfo | undefined;
  private fileError: Status['fileError'];
  private needsPermission = false;
  private live: LiveCapture | null = null;
  /** crash-safe copy of the live capture (main/engine/session/spool) */
  private spool: import('../session/spool').SpoolWriter | null = null;
  private lastCaptureOptions: CaptureOptions | null = null;
  private statusTimer: NodeJS.Timeout | null = null;
  private lastStatusAt = 0;
  private recent: any = null;
  /** where uploads were written: removed at shutdown */
  private uploadDirMade: string | null = null;

  constructor(private readonly opts: ServiceOptions) {}

  // ---- dispatch -------------------------------------------------------

  async call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
    const fn = (this.handlers as any)[method] as ((p: any) => Promise<any>) | undefined;
    if (!fn) throw new ApiError(`unknown method ${method}`, 'refused');
    return fn.call(this, params);
  }

  private readonly handlers: { [M in Method]: (p: Methods[M]['params']) => Promise<Methods[M]['result']> } = {
    getStatus: async () => this.status(),
    openFile: async (p) => this.openFile(p.path),
    openUpload: async (p) => this.openUpload(p.name, p.data),
    getRows: async (p) => this.rows(p.start, p.count),
    setFilter: async (p) => this.setFilter(p.text),
    checkFilter: async (p) => this.checkFilter(p.text),
    completeFilter: async (p) => this.complete(p.text, p.cursor),
    setSort: async (p) => { this.setSort(p.column, p.desc); return { ok: true as const }; },
    getDetails: async (p) => this.details(p.number),
    followStream: async (p) => this.follow(p.number),
    findRow: async (p) => ({ index: this.findRow(p.number) }),
    listInterfaces: async () => this.listInterfaces(),
    startCapture: async (p) => this.startCapture(p),
    stopCapture: async () => this.stopCapture(),
    restartCapture: async () => {
      if (!this.lastCaptureOptions) throw new ApiError('no capture to restart', 'capture');
      return this.startCapture(this.lastCaptureOptions);
    },
    save: async (p) => this.save(p.path, p.displayedOnly ?? false),
    recentSessions: async () => this.recentList(),
    grantPermission: async () => this.grant(),
    getInsights: async () => this.insightsNow(),
    recoverableSpools: async () => this.spools(),
    recoverSpool: async (p) => this.recover(p.path),
    discardSpool: async (p) => { this.spoolOrThrow(p.path); require('../session/spool').discardSpool(p.path); return { ok: true as const }; },
  };

  private spools(): SpoolEntry[] {
    const { findRecoverableSpools } = require('../session/spool') as typeof import('../session/spool');
    return findRecoverableSpools().map((x) => ({ path: x.path, size: x.size, modifiedAt: x.modifiedAt.toISOString(), closedCleanly: x.closedCleanly }));
  }

  /** only spools the spool directory offers may be recovered or discarded */
  private spoolOrThrow(path: string): void {
    if (!this.spools().some((x) => x.path === path)) throw new ApiError(`${path} is not a recoverable capture spool`, 'refused');
  }

  private async recover(path: string): Promise<Status> {
    this.spoolOrThrow(path);
    const { recoverSpool } = require('../session/spool') as typeof import('../session/spool');
    const r = await recoverSpool(path);
    return this.openFile(r.path);
  }

  insightsNow(): InsightsSnapshot {
    const snap = insightsSnapshot(this.insights);
    this.alertCount = snap.alerts.length;
    return snap;
  }

  // ---- status ---------------------------------------------------------

  status(): Status {
    const end = this.finishedAt ?? Date.now();
    const s: Status = {
      mode: this.mode,
      state: this.state,
      source: this.source,
      captured: this.store.count,
      displayed: this.displayedLength(),
      dropped: this.dropped,
      indexed: this.store.count,
      elapsed: this.mode === 'idle' ? 0 : (end - this.startedAt) / 1000,
      filter: this.filterText,
      generation: this.generation,
    };
    if (this.error) s.error = this.error;
    if (this.fileError) s.fileError = this.fileError;
    if (this.needsPermission) s.needsPermission = true;
    if (Date.now() - this.lastAlertCheck > 1000) {
      // counting alerts sorts them: at most once a second
      this.lastAlertCheck = Date.now();
      try { this.alertCount = this.insights.alerts().length; } catch { /* keep the last count */ }
    }
    if (this.alertCount) s.alerts = this.alertCount;
    if (this.spool) s.spool = this.spool.path;
    return s;
  }

  /** Push status now if the last push is older than 50 ms, else once the 50 ms are up. */
  private scheduleStatus(now = false): void {
    const since = Date.now() - this.lastStatusAt;
    if (now || since >= STATUS_INTERVAL_MS) {
      if (this.statusTimer) { clearTimeout(this.statusTimer); this.statusTimer = null; }
      this.lastStatusAt = Date.now();
      this.opts.emit({ event: 'status', data: this.status() });
      return;
    }
    if (!this.statusTimer) {
      this.statusTimer = setTimeout(() => { this.statusTimer = null; this.scheduleStatus(true); }, STATUS_INTERVAL_MS - since);
    }
  }

  private fail(message: string, kind: string): void {
    this.error = { message, kind };
    this.opts.emit({ event: 'error', data: this.error });
    this.scheduleStatus(true);
  }

  // ---- sources ----------------------------------------------------------

  private async reset(mode: Status['mode'], source: string): Promise<number> {
    const token = ++this.loadToken;
    if (this.live) { const l = this.live; this.live = null; await l.stop().catch(() => undefined); }
    this.closeSpool();
    this.store.close();
    this.store = new PacketStore();
    this.streams = new StreamIds();
    this.index = new FilterIndex();
    this.insights = new InsightsEngine();
    this.alertCount = 0;
    this.interfaces = [];
    this.dissector = parts.createDissector();
    this.displayed = this.filter ? new Column(Uint32Array) : null;
    this.displayedCount = 0;
    this.order = null;
    this.generation++;
    this.mode = mode;
    this.source = source;
    this.state = mode === 'live' ? 'capturing' : 'loading';
    this.startedAt = Date.now();
    this.finishedAt = null;
    this.dropped = 0;
    this.error = undefined;
    this.fileError = undefined;
    this.needsPermission = false;
    return token;
  }

  private ingest(batch: readonly RawPacket[], fromFile = false): void {
    const store = this.store;
    const first = store.count;
    const summaries: RowSummary[] = [];
    for (const pkt of batch) {
      let d: Dissection;
      try { d = this.dissector!.dissect(pkt); } catch (e) { d = brokenDissection(pkt, e); }
      summaries.push(summarize(d, this.streams));
      if (!fromFile) store.append(pkt, summaries[summaries.length - 1]);
      const i = first + summaries.length - 1;
      this.index.add(d);
      try { this.insights.add(d); } catch { /* insights must never stop the capture */ }
      if (this.displayed) {
        let ok: boolean;
        try { ok = this.filter ? this.filter.matches(d) : true; } catch { ok = false; }
        if (ok) this.pushDisplayed(i);
      }
    }
    if (fromFile) store.appendBatch(batch, summaries);
    this.scheduleStatus();
  }

  private pushDisplayed(i: number): void {
    const col = this.displayed!;
    col.ensure(this.displayedCount + 1);
    col.arr[this.displayedCount++] = i;
  }

  async openFile(path: string): Promise<Status> {
    let file: parts.CaptureFileLike;
    const token = await this.reset('file', path);
    try {
      file = await parts.openCaptureFile(path);
    } catch (e) {
      this.state = 'error';
      this.finishedAt = Date.now();
      this.fail(`cannot open ${path}: ${errMessage(e)}`, 'file');
      throw new ApiError(`cannot open ${path}: ${errMessage(e)}`, 'file');
    }
    const compressed = (file as { compressed?: boolean }).compressed;
    if (compressed === false) {
      try { this.store.attachFile(path); } catch { /* frames then stay in memory */ }
    }
    this.scheduleStatus(true);
    void this.readFile(file, token, path);
    // Let the first batch land so the caller's first getRows has rows.
    await this.waitFor(() => this.store.count > 0 || this.state !== 'loading', 1000);
    return this.status();
  }

  private async readFile(file: parts.CaptureFileLike, token: number, path: string): Promise<void> {
    try {
      for await (const batch of file.batches()) {
        if (token !== this.loadToken) break;
        this.interfaces = file.meta?.interfaces ?? file.interfaces ?? this.interfaces;
        this.ingest(batch, true);
        await yieldNow();
      }
      if (token !== this.loadToken) return;
      this.interfaces = file.meta?.interfaces ?? file.interfaces ?? this.interfaces;
      if (file.error) {
        this.fileError = { message: file.error.message, offset: file.error.offset };
        this.error = { message: `${path}: ${file.error.message} (the packets before it are shown)`, kind: 'file' };
      }
      this.state = 'done';
      this.index.compact();
      this.insights.finish();
      this.alertCount = this.insights.alerts().length;
    } catch (e) {
      if (token !== this.loadToken) return;
      this.state = 'error';
      this.fail(`reading ${path}: ${errMessage(e)}`, 'file');
    } finally {
      await file.close?.();
      if (token === this.loadToken) {
        this.finishedAt = Date.now();
        this.scheduleStatus(true);
        if (this.state === 'done') void this.addRecent(path);
      }
    }
  }

  async openUpload(name: string, data: Uint8Array): Promise<Status> {
    const dir = this.opts.uploadDir ?? join(tmpdir(), `xdpscope-uploads-${process.pid}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.uploadDirMade = dir;
    const safe = basename(name).replace(/[^\w.+-]/g, '_') || 'upload.pcap';
    const path = join(dir, `${Date.now()}-${safe}`);
    writeFileSync(path, data, { mode: 0o600 });
    return this.openFile(path);
  }

  private async waitFor(cond: () => boolean, ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (!cond() && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
  }

  // ---- live capture -----------------------------------------------------

  async listInterfaces(): Promise<InterfaceInfo[]> {
    return LiveCapture.listInterfaces();
  }

  async startCapture(opts: CaptureOptions): Promise<Status> {
    this.lastCaptureOptions = opts;
    const token = await this.reset('live', opts.iface);
    try {
      const { SpoolWriter } = require('../session/spool') as typeof import('../session/spool');
      this.spool = new SpoolWriter({ interfaces: [{ linkType: 1, snaplen: opts.snaplen ?? 262144, name: opts.iface }] });
    } catch (e) {
      // Capturing without the safety copy is still useful: say so and go on.
      this.fail(`capture spool unavailable (a crash would lose the capture): ${errMessage(e)}`, 'spool');
    }
    const spool = this.spool;
    const live = new LiveCapture(opts, {
      onBatch: (b) => {
        if (token !== this.loadToken) return;
        try { spool?.write(b); } catch (e) { this.fail(`capture spool: ${errMessage(e)}`, 'spool'); }
        this.ingest(b);
      },
      onInterfaces: (ifs) => { if (token === this.loadToken) this.interfaces = ifs; },
      onStats: (dropped) => { if (token === this.loadToken) { this.dropped = dropped; this.scheduleStatus(); } },
      onError: (err) => {
        if (token !== this.loadToken) return;
        if (err.kind === 'permission') this.needsPermission = true;
        this.state = 'error';
        this.finishedAt = Date.now();
        this.fail(err.message, err.kind);
      },
      onExit: () => {
        try { spool?.close(); } catch { /* reported on write */ }
        if (token !== this.loadToken) return;
        if (this.state !== 'error') this.state = 'done';
        this.finishedAt ??= Date.now();
        this.live = null;
        this.scheduleStatus(true);
      },
    });
    this.live = live;
    // Elapsed time moves on even when no packets arrive.
    const beat = setInterval(() => {
      if (token !== this.loadToken || this.state !== 'capturing') clearInterval(beat);
      else this.scheduleStatus();
    }, 1000);
    beat.unref();
    try {
      await live.start();
    } catch (e) {
      this.live = null;
      const perm = isPermissionError(e);
      this.needsPermission = perm;
      this.state = 'error';
      this.finishedAt = Date.now();
      this.fail(errMessage(e), perm ? 'permission' : 'capture');
    }
    this.scheduleStatus(true);
    return this.status();
  }

  async stopCapture(): Promise<Status> {
    const l = this.live;
    if (l) {
      this.state = 'stopping';
      this.scheduleStatus(true);
      await l.stop();
      this.live = null;
      if (this.state === 'stopping') this.state = 'done';
      this.finishedAt ??= Date.now();
    }
    this.scheduleStatus(true);
    return this.status();
  }

  async grant(): Promise<{ ok: boolean; message: string }> {
    const { grantCapturePermission } = require('./grant') as typeof import('./grant');
    const r = await grantCapturePermission();
    if (r.ok) { this.needsPermission = false; this.scheduleStatus(true); }
    return r;
  }

  /** The spool stays (closed) until the capture is saved: then it is offered for recovery. */
  private closeSpool(): void {
    if (this.spool) { try { this.spool.close(); } catch { /* already reported */ } this.spool = null; }
  }

  /** Stop everything (quit): the helper detaches XDP before it exits. */
  async shutdown(): Promise<void> {
    this.loadToken++;
    this.filterToken++;
    if (this.live) { const l = this.live; this.live = null; await l.stop().catch(() => undefined); }
    this.closeSpool();
    this.store.close();
    if (this.statusTimer) clearTimeout(this.statusTimer);
    if (this.uploadDirMade) rmSync(this.uploadDirMade, { recursive: true, force: true });
  }

  // ---- filter -----------------------------------------------------------

  checkFilter(text: string): FilterCheck {
    if (!text.trim()) return { ok: true, empty: true };
    const r = parts.compileDisplayFilter(text);
    return r.ok ? { ok: true, empty: false } : { ok: false, error: r.error };
  }

  complete(text: string, cursor: number): Completion {
    return parts.filterCompletions(text, Math.min(cursor, text.length));
  }

  async setFilter(text: string): Promise<FilterCheck & { displayed?: number }> {
    const token = ++this.filterToken;
    if (!text.trim()) {
      this.filter = null;
      this.filterText = '';
      this.displayed = null;
      this.displayedCount = 0;
      this.rebuildOrder();
      this.generation++;
      this.scheduleStatus(true);
      return { ok: true, empty: true, displayed: this.displayedLength() };
    }
    const r = parts.compileDisplayFilter(text);
    if (!r.ok) return { ok: false, error: r.error };
    const filter = r.filter;
    const store = this.store;
    const fromIndex = this.index.size === store.count ? this.index.evaluate(filter) : null;
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
    const dissector = parts.createDissector();
    const next = new Column(Uint32Array, 1 << 14);
    let n = 0;
    let i = 0;
    while (i < store.count) {
      const end = Math.min(store.count, i + CHUNK);
      for (; i < end; i++) {
        let d: Dissection;
        try { d = dissector.dissect(store.packet(i)); } catch (e) { d = brokenDissection(store.packet(i), e); }
        let ok: boolean;
        try { ok = filter.matches(d); } catch { ok = false; }
        if (ok) { next.ensure(n + 1); next.arr[n++] = i; }
      }
      await yieldNow();
      if (token !== this.filterToken || store !== this.store) return { ok: true, empty: false, displayed: this.displayedLength() };
    }
    return this.swapDisplayed(filter, text, next, n);
  }

  private swapDisplayed(filter: { matches(d: Dissection): boolean }, text: string, next: Column<Uint32Array>, n: number): FilterCheck & { displayed: number } {
    this.filter = filter;
    this.filterText = text;
    this.displayed = next;
    this.displayedCount = n;
    this.rebuildOrder();
    this.generation++;
    this.scheduleStatus(true);
    return { ok: true, empty: false, displayed: n };
  }

  // ---- the list ---------------------------------------------------------

  private displayedLength(): number {
    return this.displayed ? this.displayedCount : this.store.count;
  }

  /** store index of displayed row r */
  private rowIndex(r: number): number {
    // rows appended after sorting follow the sorted ones in arrival order
    if (this.order && r < this.order.length) return this.order[r];
    return this.displayed ? this.displayed.arr[r] : r;
  }

  setSort(column: ColumnId | null, desc: boolean): void {
    this.sort = column ? { column, desc } : null;
    this.rebuildOrder();
    this.generation++;
    this.scheduleStatus(true);
  }

  private rebuildOrder(): void {
    if (!this.sort || this.sort.column === 'number' && !this.sort.desc) { this.order = null; return; }
    const n = this.displayedLength();
    const idx = new Uint32Array(n);
    for (let r = 0; r < n; r++) idx[r] = this.displayed ? this.displayed.arr[r] : r;
    const s = this.store;
    const key = sortKey(s, this.sort.column);
    const dir = this.sort.desc ? -1 : 1;
    const arr = Array.from(idx);
    arr.sort((a, b) => {
      const ka = key(a), kb = key(b);
      return (ka < kb ? -1 : ka > kb ? 1 : a - b) * dir;
    });
    this.order = Uint32Array.from(arr);
  }

  rows(start: number, count: number): RowBlock {
    const total = this.displayedLength();
    const n = Math.max(0, Math.min(count, total - start));
    const s = this.store;
    const local = new Map<number, number>([[0, 0]]);
    const strings: string[] = [''];
    const map = (id: number) => {
      let l = local.get(id);
      if (l === undefined) { l = strings.length; strings.push(s.strings.get(id)); local.set(id, l); }
      return l;
    };
    const b: RowBlock = {
      start, total, strings, generation: this.generation,
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
    const i = this.store.indexOf(number);
    if (i < 0) return -1;
    const n = this.displayedLength();
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

  // ---- one packet ---------------------------------------------------------

  /**
   * Re-dissect a packet for the detail pane. A fresh dissector sees the
   * packet's TCP stream up to it first, so reassembly and stream state
   * match what the list saw.
   */
  private redissect(i: number): Dissection {
    const s = this.store;
    const stream = s.stream.arr[i];
    const seq: number[] = [];
    if (stream >= 0) {
      for (let j = i; j >= 0 && seq.length < 2000; j--) if (s.stream.arr[j] === stream) seq.push(j);
      seq.reverse();
    } else seq.push(i);
    const dissector = parts.createDissector();
    let d: Dissection | null = null;
    for (const j of seq) {
      try { d = dissector.dissect(s.packet(j)); } catch (e) { d = brokenDissection(s.packet(j), e); }
    }
    return d!;
  }

  private indexOrThrow(number: number): number {
    const i = this.store.indexOf(number);
    if (i < 0) throw new ApiError(`no packet number ${number} (${this.store.count} packets)`, 'request');
    return i;
  }

  details(number: number): PacketDetails {
    const i = this.indexOrThrow(number);
    const d = this.redissect(i);
    const stream = this.store.stream.arr[i];
    return detailsOf(d, stream >= 0 ? `tcp.stream eq ${stream}` : undefined);
  }

  follow(number: number): StreamFollow {
    const i = this.indexOrThrow(number);
    const stream = this.store.stream.arr[i];
    if (stream < 0) throw new ApiError(`packet ${number} is not part of a TCP stream`, 'request');
    const s = this.store;
    const dissector = parts.createDissector();
    const ds: Dissection[] = [];
    for (let j = 0; j < s.count; j++) {
      if (s.stream.arr[j] !== stream) continue;
      try { ds.push(dissector.dissect(s.packet(j))); } catch { /* skip what cannot be decoded */ }
      if (ds.length >= 100_000) break;
    }
    return followTcp(ds, `tcp.stream eq ${stream}`);
  }

  // ---- saving & recent ---------------------------------------------------

  async save(path: string, displayedOnly: boolean): Promise<{ path: string; packets: number }> {
    const { saveSession } = require('../session/save') as typeof import('../session/save');
    const store = this.store;
    const count = store.count;
    const only = displayedOnly && this.displayed ? this.displayed.arr.slice(0, this.displayedCount) : null;
    const interfaces = this.interfaces.length ? this.interfaces : [{ id: 0, linkType: 1, snaplen: 262144 }];
    const source = {
      interfaces,
      *batches() {
        const n = only ? only.length : count;
        for (let k = 0; k < n; k += 4096) {
          const batch: RawPacket[] = [];
          for (let j = k; j < Math.min(n, k + 4096); j++) batch.push(store.packet(only ? only[j] : j));
          yield batch;
        }
      },
    };
    const r = await saveSession(path, source, { overwrite: true, format: /\.pcap$/i.test(path) ? 'pcap' : 'pcapng' });
    // Saved in full once the capture has ended: the safety copy is no longer needed.
    if (this.spool && !this.live && !only) { try { this.spool.discard(); } catch { /* gone already */ } this.spool = null; }
    void this.addRecent(path);
    return { path: r.path, packets: r.packets };
  }

  private recentFiles(): any {
    if (!this.recent) {
      const { RecentFiles } = require('../session/recent');
      this.recent = new RecentFiles();
    }
    return this.recent;
  }

  private async addRecent(path: string): Promise<void> {
    try { await this.recentFiles().add(path); } catch { /* the recent list is a convenience */ }
  }

  async recentList(): Promise<RecentEntry[]> {
    try {
      const list = await this.recentFiles().list();
      return list.map((f: any) => ({ path: f.path, openedAt: f.openedAt, exists: f.exists }));
    } catch { return []; }
  }

  /** for tests and benchmarks */
  get packetStore(): PacketStore { return this.store; }
  get captureInterfaces(): CaptureInterface[] { return this.interfaces; }
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

/** What the list shows for a packet the dissector threw on (a bug, shown not hidden). */
function brokenDissection(pkt: RawPacket, e: unknown): Dissection {
  const frame = { name: 'frame', value: null, start: 0, len: pkt.data.length, children: [] };
  return {
    packet: pkt, tree: [frame], fields: [frame],
    summary: { number: pkt.number, time: 0, source: '', destination: '', protocol: 'frame', length: pkt.origLen, info: `[Dissector error: ${errMessage(e)}]` },
    expert: [{ severity: 'error', group: 'malformed', message: `dissector error: ${errMessage(e)}` }],
    malformed: true,
  };
}

export function errMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function isPermissionError(e: unknown): boolean {
  const m = errMessage(e);
  return /EPERM|EACCES|permission|capabilit|not permitted/i.test(m) || (e as any)?.kind === 'permission' || (e as any)?.code === 'EPERM';
}
