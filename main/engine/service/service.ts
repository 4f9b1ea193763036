// The engine service: one open capture (a file or a live interface) held in
// a PacketStore, the displayed list (filtered, optionally sorted) as an
// index array, and the API methods the faces call. It runs in a worker
// thread (see worker.ts); status goes out at most every 50 ms.
import { closeSync, mkdtempSync, readFileSync, statSync, writeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { CaptureInterface, Dissection, RawPacket } from '../types';
import type {
  ColumnId, CaptureOptions, SpoolEntry, Completion, EngineEvent, ErrorInfo, FilterCheck, InterfaceInfo,
  Methods, Method, Params, PacketDetails, RecentEntry, Result, RowBlock, Status, StreamFollow,
  DetailNode, ExportParams, SaveParams, SessionInfo, ViewState,
} from '../../api/types';
import { ApiError, UPLOAD_CHUNK_MAX } from '../../api/schema';
import { Column, PacketStore, type RowSummary } from './store';
import { StreamIds, summarize } from './summarize';
import { detailsOf } from './details';
import { followTcp, followUdp, udpStreamIds } from './follow';
import * as parts from './parts';
import { LiveCapture } from './live';
import { FilterIndex } from '../filter/index-store';
import { runSliced, SLICE_MS, type Steps } from '../filter/steps';
import { InsightsEngine, insightsSnapshot, type InsightsSnapshot } from '../insights/index';
import { CommentMap } from '../session/comments';
import { SessionFileError } from '../session/errors';
import type { PacketSelection, PacketSource } from '../session/source';
import type { SessionMetadata } from '../session/metadata';
import { cleanColumns, parseRange } from './session-view';
import { Colouring, cleanColouringRules, recolourSteps } from '../colour/colouring';
import { scratchPrefix } from '../file/scratch';

const STATUS_INTERVAL_MS = 50;
/** largest export handed back as bytes for a browser download */
const MAX_DOWNLOAD = 256 * 1024 * 1024;
/** packets ingested between two looks at the clock while a file loads */
const INGEST_SLICE = 256;
/** default largest upload; XDPSCOPE_UPLOAD_LIMIT (bytes) changes it */
export const DEFAULT_UPLOAD_LIMIT = 4 * 1024 ** 3;
/** uploads in progress at once */
const MAX_UPLOADS = 4;
/** an upload with no chunk for this long is dropped */
const UPLOAD_IDLE_MS = 60_000;
const yieldNow = () => new Promise<void>((r) => setImmediate(r));

export interface ServiceOptions {
  emit(ev: EngineEvent): void;
  /** where uploaded files are written before opening (browser mode) */
  uploadDir?: string;
}

interface Upload {
  id: string;
  name: string;
  path: string;
  fd: number;
  size: number;
  written: number;
  timer: NodeJS.Timeout | null;
}

/** The upload size limit: XDPSCOPE_UPLOAD_LIMIT bytes when set to a positive integer, else 4 GiB. */
export function uploadLimit(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.XDPSCOPE_UPLOAD_LIMIT);
  return Number.isSafeInteger(v) && v > 0 ? v : DEFAULT_UPLOAD_LIMIT;
}

function fmtBytes(n: number): string {
  return n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)} GiB` : n >= 1024 ** 2 ? `${(n / 1024 ** 2).toFixed(1)} MiB` : `${n} bytes`;
}

export class EngineService {
  private store = new PacketStore();
  private interfaces: CaptureInterface[] = [];
  private dissector: parts.DissectorLike | null = null;
  private streams = new StreamIds();
  /** the user's colouring table (Wireshark's defaults until setColouring), and the one in use (a session's own) */
  private userColouring = new Colouring();
  private colouring = this.userColouring;
  /** bumps to drop a running recolouring pass */
  private colourToken = 0;
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
  /** the sort asked for; `order` follows once its pass is done */
  private sort: { column: ColumnId; desc: boolean } | null = null;
  /** the sort `order` was built for */
  private orderSort: { column: ColumnId; desc: boolean } | null = null;
  /** the displayed list in sort order (only while sorted) */
  private order: Uint32Array | null = null;
  /** bumps to drop a running sort pass (a newer sort, a cancel) */
  private orderToken = 0;
  /**
   * The filter a pass is building a new list for, from packet `from` on:
   * packets that arrive while it runs (live capture, file still loading)
   * are judged here, since the pass answers only for those before them.
   */
  private pending: { filter: { matches(d: Dissection): boolean }; from: number; hits: number[] } | null = null;
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
  /** uploads in progress, by id */
  private uploads = new Map<string, Upload>();
  /** the uploaded file now open (removed when another upload replaces it, and at shutdown) */
  private uploadOpened: string | null = null;
  /** our own upload folder when the face gave none (removed at shutdown) */
  private uploadScratch: import('../file/private').ScratchDir | null = null;
  /** packet comments: the file's, plus the user's edits (saved as EPB opt_comment) */
  private comments = new CommentMap();
  /** comments changed since the frame.comment values went into the filter index */
  private commentsSinceIndex = false;
  /** the session metadata the open file came with (defaults for foreign files and live captures) */
  private session: SessionInfo = emptySession();
  /** the renderer's last reported columns and selection */
  private view: ViewState = {};
  /** cancels the file load in progress */
  private openAbort: AbortController | null = null;
  private progress: Status['progress'];
  /** a live capture holds packets no save has written yet */
  private liveUnsaved = false;

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
    uploadBegin: async (p) => this.uploadBegin(p.name, p.size),
    uploadChunk: async (p) => this.uploadChunk(p.id, p.offset, p.bytes),
    uploadEnd: async (p) => this.uploadEnd(p.id),
    uploadAbort: async (p) => this.uploadAbort(p.id),
    getRows: async (p) => this.rows(p.start, p.count),
    setFilter: async (p) => this.setFilter(p.text),
    exportPackets: async (p) => this.exportPackets(p),
    exportDissections: async (p) => this.exportDissections(p),
    exportBytes: async (p) => this.exportBytes(p),
    setView: async (p) => { this.setView(p); return { ok: true as const }; },
    getSession: async () => this.sessionInfo(),
    getColouring: async () => ({ rules: this.colouring.table() }),
    setColouring: async (p) => this.setColouring(p.rules),
    cancelOpen: async () => this.cancelOpen(),
    addComment: async (p) => { this.indexOrThrow(p.number); this.comments.add(p.number, p.text); return this.commentsChanged(p.number); },
    editComment: async (p) => { this.indexOrThrow(p.number); this.commentEdit(() => this.comments.edit(p.number, p.index, p.text)); return this.commentsChanged(p.number); },
    deleteComment: async (p) => { this.indexOrThrow(p.number); this.commentEdit(() => this.comments.delete(p.number, p.index)); return this.commentsChanged(p.number); },
    checkFilter: async (p) => this.checkFilter(p.text),
    completeFilter: async (p) => this.complete(p.text, p.cursor),
    setSort: async (p) => { await this.setSort(p.column, p.desc); return { ok: true as const }; },
    getDetails: async (p) => this.details(p.number),
    followStream: async (p) => this.follow(p.number, p.protocol),
    findRow: async (p) => ({ index: this.findRow(p.number) }),
    listInterfaces: async () => this.listInterfaces(),
    startCapture: async (p) => this.startCapture(p),
    stopCapture: async () => this.stopCapture(),
    restartCapture: async () => {
      if (!this.lastCaptureOptions) throw new ApiError('no capture to restart', 'capture');
      return this.startCapture(this.lastCaptureOptions);
    },
    save: async (p) => this.save(p),
    saveCopy: async (p) => this.saveCopy(p),
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
    if (this.state === 'loading' && this.progress) s.progress = this.progress;
    if ((this.liveUnsaved && this.store.count > 0) || this.comments.dirty) s.unsaved = true;
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
    this.colouring = this.userColouring;
    this.index = new FilterIndex();
    this.insights = new InsightsEngine();
    this.alertCount = 0;
    this.interfaces = [];
    this.dissector = parts.createDissector();
    this.displayed = this.filter ? new Column(Uint32Array) : null;
    this.displayedCount = 0;
    this.order = null;
    this.pending = null;
    this.generation++;
    this.mode = mode;
    this.source = source;
    // a live capture is 'loading' until the helper says its XDP program is attached:
    // 'capturing' must mean that packets sent now are captured
    this.state = 'loading';
    this.startedAt = Date.now();
    this.finishedAt = null;
    this.dropped = 0;
    this.error = undefined;
    this.fileError = undefined;
    this.needsPermission = false;
    this.openAbort?.abort();
    this.openAbort = null;
    this.progress = undefined;
    this.comments = new CommentMap();
    this.commentsSinceIndex = false;
    this.session = emptySession();
    this.view = {};
    this.liveUnsaved = mode === 'live';
    return token;
  }

  private ingest(batch: readonly RawPacket[], fromFile = false): void {
    const store = this.store;
    const first = store.count;
    const summaries: RowSummary[] = [];
    for (const pkt of batch) {
      let d: Dissection;
      try { d = this.dissector!.dissect(pkt); } catch (e) { d = brokenDissection(pkt, e); }
      summaries.push(summarize(d, this.streams, this.colouring));
      if (!fromFile) store.append(pkt, summaries[summaries.length - 1]);
      const i = first + summaries.length - 1;
      this.index.add(d);
      try { this.insights.add(d); } catch { /* insights must never stop the capture */ }
      if (this.displayed) {
        let ok: boolean;
        try { ok = this.filter ? this.filter.matches(d) : true; } catch { ok = false; }
        if (ok) this.pushDisplayed(i);
      }
      if (this.pending) {
        try { if (this.pending.filter.matches(d)) this.pending.hits.push(i); } catch { /* a filter error is no match */ }
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
    const token = await this.reset('file', path);
    const { openSession } = require('../session/open') as typeof import('../session/open');
    const abort = new AbortController();
    this.openAbort = abort;
    let session: import('../session/open').Session;
    try {
      session = await openSession(path, {
        signal: abort.signal,
        onProgress: (p) => { if (token === this.loadToken) this.progress = { bytesRead: p.bytesRead, size: p.size }; },
      });
    } catch (e) {
      if (token !== this.loadToken) throw new ApiError(`opening ${path} was cancelled`, 'file');
      this.state = 'error';
      this.finishedAt = Date.now();
      // SessionFileError messages already name the path and the reason (no such file, permission denied, not a capture)
      const msg = e instanceof SessionFileError ? e.message : `cannot open ${path}: ${errMessage(e)}`;
      this.fail(msg, 'file');
      throw new ApiError(msg, 'file');
    }
    if (token !== this.loadToken) { await session.close(); return this.status(); }
    this.progress = { bytesRead: session.bytesRead, size: session.size };
    this.comments = session.comments;
    this.applySessionMetadata(session.metadata, session.ours, session.notices);
    if (!session.compressed) {
      try { this.store.attachFile(path); } catch { /* frames then stay in memory */ }
    }
    this.scheduleStatus(true);
    void this.readFile(session, token, path);
    // Let the first batch land so the caller's first getRows has rows.
    await this.waitFor(() => this.store.count > 0 || this.state !== 'loading', 1000);
    return this.status();
  }

  /** Our session's display filter and insight settings apply before the packets are read. */
  private applySessionMetadata(meta: SessionMetadata, ours: boolean, notices: string[]): void {
    const colouring = cleanColouringRules(meta.colouringRules);
    if (colouring.dropped) notices.push(`${colouring.dropped} saved colouring rule(s) were malformed and are ignored`);
    // a session shows the colours it was saved with (packets are read after this)
    if (ours && colouring.rules.length) this.colouring = new Colouring(colouring.rules);
    this.session = {
      ours,
      displayFilter: meta.displayFilter,
      columns: cleanColumns(meta.columns),
      selectedPacket: meta.selectedPacket,
      colouringRules: colouring.rules,
      capture: meta.capture ? { interface: meta.capture.interface, mode: meta.capture.mode, filter: meta.capture.filter } : undefined,
      insights: meta.insights,
      notices,
      commentedFrames: [],
    };
    if (!ours) return;
    this.view = { columns: this.session.columns, selectedPacket: meta.selectedPacket };
    if (meta.displayFilter.trim()) {
      const r = parts.compileDisplayFilter(meta.displayFilter);
      if (r.ok) {
        this.filter = r.filter;
        this.filterText = meta.displayFilter;
        this.displayed = new Column(Uint32Array);
        this.displayedCount = 0;
        this.order = null;
      } else notices.push(`the saved display filter "${meta.displayFilter}" is not valid here: ${r.error.message}`);
    } else if (this.filter) {
      // the session was saved unfiltered: show it so
      this.filter = null;
      this.filterText = '';
      this.displayed = null;
    }
    if (Object.keys(meta.insights).length) {
      try { this.insights = new InsightsEngine(meta.insights as never); } catch (e) { notices.push(`saved insight settings not applied: ${errMessage(e)}`); }
    }
  }

  private async readFile(session: import('../session/open').Session, token: number, path: string): Promise<void> {
    try {
      read: for await (const batch of session.batches()) {
        if (token !== this.loadToken) break;
        this.interfaces = session.interfaces;
        // A display filter (stored in the session, or set while loading) runs
        // on every packet: look at the clock often enough to keep answering.
        let sliceStart = Date.now();
        for (let k = 0; k < batch.length; k += INGEST_SLICE) {
          this.ingest(k === 0 && batch.length <= INGEST_SLICE ? batch : batch.slice(k, k + INGEST_SLICE), true);
          if (Date.now() - sliceStart >= SLICE_MS) {
            await yieldNow();
            if (token !== this.loadToken) break read;
            sliceStart = Date.now();
          }
        }
        await yieldNow();
      }
      if (token !== this.loadToken) return;
      this.interfaces = session.interfaces;
      if (session.damage) {
        const d = session.damage;
        this.fileError = { message: d.message, offset: d.offset, block: d.block, reason: d.reason };
        this.error = { message: d.message, kind: 'file' };
      }
      this.state = 'done';
    } catch (e) {
      if (token !== this.loadToken) return;
      if (e instanceof SessionFileError && e.code === 'EABORT') {
        this.session.notices.push(`Loading was cancelled: showing the first ${this.store.count} packets of ${path}`);
        this.state = 'done';
        this.fail(`Loading of ${path} cancelled after ${this.store.count} packets (the rest is not shown; saving writes only these)`, 'file');
      } else {
        this.state = 'error';
        this.fail(e instanceof SessionFileError ? e.message : `reading ${path}: ${errMessage(e)}`, 'file');
      }
    } finally {
      await session.close().catch(() => undefined);
      if (token === this.loadToken) {
        this.openAbort = null;
        this.interfaces = session.interfaces;
        if (this.state === 'done') {
          this.index.compact();
          try { this.insights.finish(); this.alertCount = this.insights.alerts().length; } catch { /* insights must not fail a load */ }
        }
        this.finishedAt = Date.now();
        this.scheduleStatus(true);
        if (this.state === 'done') void this.addRecent(path);
      }
    }
  }

  /**
   * Stops a file load and keeps the packets read so far. Whatever the reader
   * is stuck in, the service leaves 'loading': a reader that does not stop
   * within 2 s is abandoned (its token is retired, so nothing it does later
   * lands here).
   */
  private async cancelOpen(): Promise<Status> {
    this.openAbort?.abort();
    this.cancelPasses();
    await this.waitFor(() => this.state !== 'loading', 2000);
    if (this.state === 'loading' && this.mode === 'file') {
      this.loadToken++;
      this.openAbort = null;
      this.progress = undefined;
      this.state = 'done';
      this.finishedAt = Date.now();
      this.fail(`Loading of ${this.source} cancelled after ${this.store.count} packets (the reader did not stop; the rest is not shown)`, 'file');
    }
    return this.status();
  }

  // ---- uploads (browser face) -------------------------------------------
  //
  // A browser sends a file in chunks (uploadBegin → uploadChunk… → uploadEnd),
  // so no message is larger than the server's WebSocket limit and neither the
  // server nor the engine holds the file in memory. Each upload is a new 0600
  // file (O_EXCL|O_NOFOLLOW) in a private 0700 scratch folder; chunks must come
  // in order and the declared size is a hard limit.

  /** where uploads go: the server's scratch folder, or one of our own made on first use */
  private uploadFolder(): string {
    if (this.opts.uploadDir) return this.opts.uploadDir;
    if (!this.uploadScratch) {
      const { makeScratchDir } = require('../file/private') as typeof import('../file/private');
      this.uploadScratch = makeScratchDir(scratchPrefix('uploads'));
    }
    return this.uploadScratch.path;
  }

  uploadBegin(name: string, size: number): { id: string; chunkSize: number; limit: number } {
    const limit = uploadLimit();
    if (size > limit) throw new ApiError(`${name} is ${fmtBytes(size)}, more than the ${fmtBytes(limit)} an upload may be (XDPSCOPE_UPLOAD_LIMIT): open it by path on the machine running xdpscope instead`, 'upload');
    if (this.uploads.size >= MAX_UPLOADS) throw new ApiError(`${MAX_UPLOADS} uploads are already in progress: finish or abort one first`, 'upload');
    const { createPrivateFile } = require('../file/private') as typeof import('../file/private');
    const { randomUUID } = require('node:crypto') as typeof import('node:crypto');
    const id = randomUUID();
    const safe = basename(name).replace(/[^\w.+-]/g, '_').slice(-100) || 'upload.pcap';
    const path = join(this.uploadFolder(), `${id.slice(0, 8)}-${safe}`);
    let fd: number;
    try { fd = createPrivateFile(path); } catch (e) { throw new ApiError(`cannot store the upload of ${name}: ${errMessage(e)}`, 'upload'); }
    const up: Upload = { id, name, path, fd, size, written: 0, timer: null };
    this.uploads.set(id, up);
    this.touchUpload(up);
    return { id, chunkSize: UPLOAD_CHUNK_MAX, limit };
  }

  uploadChunk(id: string, offset: number, bytes: Uint8Array): { received: number; size: number } {
    const up = this.uploadOrThrow(id);
    if (offset !== up.written) throw new ApiError(`upload of ${up.name}: chunk at byte ${offset}, expected ${up.written} (chunks go in order)`, 'upload');
    if (up.written + bytes.length > up.size) {
      this.dropUpload(up);
      throw new ApiError(`upload of ${up.name}: more than the ${fmtBytes(up.size)} announced; upload aborted`, 'upload');
    }
    try {
      let off = 0;
      while (off < bytes.length) off += writeSync(up.fd, bytes, off, bytes.length - off);
    } catch (e) {
      this.dropUpload(up);
      throw new ApiError(`upload of ${up.name}: cannot write ${up.path}: ${errMessage(e)}; upload aborted`, 'upload');
    }
    up.written += bytes.length;
    this.touchUpload(up);
    return { received: up.written, size: up.size };
  }

  async uploadEnd(id: string): Promise<Status> {
    const up = this.uploadOrThrow(id);
    if (up.written !== up.size) throw new ApiError(`upload of ${up.name}: ${fmtBytes(up.written)} of ${fmtBytes(up.size)} received`, 'upload');
    this.uploads.delete(id);
    if (up.timer) clearTimeout(up.timer);
    closeSync(up.fd);
    // The capture it replaces (if an upload) is no longer read once the new one opens.
    const previous = this.uploadOpened;
    this.uploadOpened = up.path;
    try {
      return await this.openFile(up.path);
    } finally {
      if (previous) rmSync(previous, { force: true });
    }
  }

  uploadAbort(id: string): { ok: true } {
    const up = this.uploads.get(id);
    if (up) this.dropUpload(up);
    return { ok: true };
  }

  private uploadOrThrow(id: string): Upload {
    const up = this.uploads.get(id);
    if (!up) throw new ApiError(`no upload ${id} in progress (finished, aborted, or idle for more than ${UPLOAD_IDLE_MS / 1000} s)`, 'upload');
    return up;
  }

  /** An upload nobody continues is dropped, so a closed tab does not hold a file and a descriptor. */
  private touchUpload(up: Upload): void {
    if (up.timer) clearTimeout(up.timer);
    up.timer = setTimeout(() => this.dropUpload(up), UPLOAD_IDLE_MS);
    up.timer.unref();
  }

  private dropUpload(up: Upload): void {
    this.uploads.delete(up.id);
    if (up.timer) clearTimeout(up.timer);
    try { closeSync(up.fd); } catch { /* closed already */ }
    rmSync(up.path, { force: true });
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
    this.session.capture = { interface: opts.iface, mode: opts.mode ?? 'auto', ...(opts.captureFilter ? { filter: opts.captureFilter } : {}) };
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
      onAttached: () => {
        if (token !== this.loadToken || this.state !== 'loading') return;
        this.state = 'capturing';
        this.scheduleStatus(true);
      },
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
      if (token !== this.loadToken || (this.state !== 'capturing' && this.state !== 'loading')) clearInterval(beat);
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
    for (const up of [...this.uploads.values()]) this.dropUpload(up);
    if (this.uploadOpened) rmSync(this.uploadOpened, { force: true });
    this.uploadScratch?.dispose();
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

  async setFilter(text: string): Promise<FilterCheck & { displayed?: number; superseded?: boolean }> {
    // a bad filter leaves the list, and a pass under way, as they were
    const r = text.trim() ? parts.compileDisplayFilter(text) : null;
    if (r && !r.ok) return { ok: false, error: r.error };
    const token = ++this.filterToken;
    this.pending = null;
    const store = this.store;
    const live = () => token === this.filterToken && store === this.store;
    if (!r) return this.swapDisplayed(null, '', null, 0, live);
    const filter = r.filter;
    // Comments edited since indexing are not in the index's frame.comment values.
    const stale = this.commentsSinceIndex && /comment/.test(text);
    if (!stale && this.index.size === store.count) {
      // the index answers for the packets it holds now; later ones go to pending
      const pending = { filter, from: store.count, hits: [] as number[] };
      this.pending = pending;
      const ran = await runSliced(this.index.evaluateSteps(filter), live);
      if (!ran.done) return this.superseded();
      const fromIndex = ran.value;
      if (fromIndex) {
        // Frame numbers ascend in both: walk them together to store indices.
        const next = new Column(Uint32Array, Math.max(16, fromIndex.length));
        let n = 0;
        for (let k = 0, i = 0; k < fromIndex.length && i < pending.from; i++) {
          if (store.number.arr[i] === fromIndex[k]) { next.arr[n++] = i; k++; }
        }
        return this.swapDisplayed(filter, text, next, n, live);
      }
      this.pending = null;
    }
    // Re-dissect every stored packet in order with a fresh (stateful)
    // dissector, building the new list aside; swap when it has caught up.
    const ran = await runSliced(this.redissectSteps(filter), live);
    if (!ran.done) return this.superseded();
    return this.swapDisplayed(filter, text, ran.value.next, ran.value.n, live);
  }

  private *redissectSteps(filter: { matches(d: Dissection): boolean }): Steps<{ next: Column<Uint32Array>; n: number }> {
    const store = this.store;
    const dissector = parts.createDissector();
    const next = new Column(Uint32Array, 1 << 14);
    let n = 0;
    for (let i = 0; ; i++) {
      if (i >= store.count) {
        // caught up: packets that arrive while the list is sorted are judged as they come
        this.pending = { filter, from: i, hits: [] };
        break;
      }
      let d: Dissection;
      const pkt = this.packetAt(i);
      try { d = dissector.dissect(pkt); } catch (e) { d = brokenDissection(pkt, e); }
      let ok: boolean;
      try { ok = filter.matches(d); } catch { ok = false; }
      if (ok) { next.ensure(n + 1); next.arr[n++] = i; }
      yield 1;
    }
    return { next, n };
  }

  private superseded(): FilterCheck & { displayed: number; superseded: true } {
    return { ok: true, empty: false, displayed: this.displayedLength(), superseded: true };
  }

  /** Drops the running filter and sort passes: the list stays as it is shown. */
  private cancelPasses(): void {
    this.filterToken++;
    this.orderToken++;
    this.pending = null;
    this.sort = this.orderSort;
  }

  /**
   * Makes `next` (null: every packet) the displayed list, once it is in the
   * current sort order; packets that arrived meanwhile (pending) are added.
   */
  private async swapDisplayed(
    filter: { matches(d: Dissection): boolean } | null, text: string, next: Column<Uint32Array> | null, n: number, live: () => boolean,
  ): Promise<FilterCheck & { displayed: number; superseded?: true }> {
    // a sort asked for while ordering: order again with it
    let sort: EngineService['sort'];
    let order: Uint32Array | null;
    do {
      sort = this.sort;
      const r = await runSliced(orderSteps(this.store, next, next ? n : this.store.count, sort), live);
      if (!r.done) return this.superseded();
      order = r.value;
    } while (sort !== this.sort);
    if (next && this.pending) for (const i of this.pending.hits) { next.ensure(n + 1); next.arr[n++] = i; }
    this.pending = null;
    this.orderToken++; // a sort pass over the old list is moot
    this.filter = filter;
    this.filterText = text;
    this.displayed = next;
    this.displayedCount = n;
    this.order = order;
    this.orderSort = sort;
    this.generation++;
    this.scheduleStatus(true);
    return next ? { ok: true, empty: false, displayed: n } : { ok: true, empty: true, displayed: this.displayedLength() };
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

  async setSort(column: ColumnId | null, desc: boolean): Promise<void> {
    const sort = column ? { column, desc } : null;
    this.sort = sort;
    const token = ++this.orderToken;
    const { store, displayed } = this;
    const n = this.displayedLength();
    // a newer sort, filter or capture makes this pass moot (a filter orders its own list)
    const live = () => token === this.orderToken && store === this.store && displayed === this.displayed;
    const r = await runSliced(orderSteps(store, displayed, n, sort), live);
    if (!r.done) return;
    this.order = r.value;
    this.orderSort = sort;
    this.generation++;
    this.scheduleStatus(true);
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
      const pkt = this.packetAt(j);
      try { d = dissector.dissect(pkt); } catch (e) { d = brokenDissection(pkt, e); }
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
    const out = detailsOf(d, stream >= 0 ? `tcp.stream eq ${stream}` : undefined);
    const comments = this.comments.get(number);
    if (comments.length) {
      // Wireshark shows comments as their own top section, not inside Frame.
      out.comments = comments;
      const strip = (n: DetailNode): DetailNode => (n.children ? { ...n, children: n.children.filter((c) => c.name !== 'frame.comment') } : n);
      const section: DetailNode = {
        name: 'frame.comment', label: 'Packet comments', start: 0, len: 0,
        children: comments.map((c) => ({ name: 'frame.comment', label: c, value: JSON.stringify(c), start: 0, len: 0 })),
      };
      out.tree = [section, ...out.tree.map(strip)];
    }
    return out;
  }

  /** A stored packet with its current comments (the user's edits included). */
  private packetAt(i: number): RawPacket {
    const pkt = this.store.packet(i);
    const c = this.comments.get(pkt.number);
    if (c.length) pkt.comments = c;
    return pkt;
  }

  private commentEdit(fn: () => void): void {
    try { fn(); } catch (e) { throw new ApiError(errMessage(e), 'request'); }
  }

  private commentsChanged(number: number): { number: number; comments: string[] } {
    this.commentsSinceIndex = true;
    this.scheduleStatus(true);
    return { number, comments: this.comments.get(number) };
  }

  // ---- session view ---------------------------------------------------------

  setView(v: ViewState): void {
    if (v.columns) this.view.columns = cleanColumns(v.columns);
    if (v.selectedPacket !== undefined) this.view.selectedPacket = v.selectedPacket;
  }

  /** A new colouring table for this capture and the next ones; the stored packets are coloured again. */
  private async setColouring(rules: Methods['setColouring']['params']['rules']): Promise<Methods['setColouring']['result']> {
    const colouring = new Colouring(rules);
    this.userColouring = this.colouring = colouring;
    const token = ++this.colourToken;
    const store = this.store;
    const dissector = parts.createDissector();
    const ran = await runSliced(recolourSteps(colouring, {
      count: store.count,
      frames: store.number.arr,
      index: !this.commentsSinceIndex && this.index.size >= store.count ? this.index : null,
      dissect: (i) => { const pkt = this.packetAt(i); try { return dissector.dissect(pkt); } catch (e) { return brokenDissection(pkt, e); } },
    }), () => token === this.colourToken && store === this.store);
    if (ran.done) {
      store.colour.arr.set(ran.value);
      this.generation++;
      this.scheduleStatus(true);
    }
    return { rules: colouring.table() };
  }

  sessionInfo(): SessionInfo {
    const notices = [...this.session.notices];
    return { ...this.session, notices, commentedFrames: this.comments.frames() };
  }

  follow(number: number, protocol: 'tcp' | 'udp' = 'tcp'): StreamFollow {
    const i = this.indexOrThrow(number);
    if (protocol === 'udp') return this.followUdp(i);
    const stream = this.store.stream.arr[i];
    if (stream < 0) throw new ApiError(`packet ${number} is not part of a TCP stream`, 'request');
    const s = this.store;
    return followTcp(this.followDissections((j) => s.stream.arr[j] === stream), `tcp.stream eq ${stream}`);
  }

  /**
   * Dissections of one stream's packets, in order (generated: the follow
   * keeps only payload), by a fresh dissector that also sees the IP
   * fragments (rows shown as IPv4/IPv6) so reassembled segments and
   * datagrams come out whole.
   */
  private *followDissections(member: (j: number) => boolean): Generator<Dissection> {
    const s = this.store;
    const dissector = parts.createDissector();
    for (let j = 0; j < s.count; j++) {
      const isMember = member(j);
      if (!isMember) {
        const proto = s.strings.get(s.protocol.arr[j]);
        if (proto !== 'IPv4' && proto !== 'IPv6') continue;
      }
      let d: Dissection;
      try { d = dissector.dissect(s.packet(j)); } catch { continue; /* skip what cannot be decoded */ }
      if (isMember) yield d;
    }
  }

  /** Follow UDP stream: the store keeps no udp.stream, so number the UDP conversations once (cached per store). */
  private followUdp(i: number): StreamFollow {
    const s = this.store;
    const ids = udpStreamIds(s);
    const stream = ids[i];
    if (stream < 0) throw new ApiError(`packet ${s.number.arr[i]} is not part of a UDP stream`, 'request');
    return followUdp(this.followDissections((j) => ids[j] === stream), `udp.stream eq ${stream}`);
  }

  // ---- saving & recent ---------------------------------------------------

  /** The metadata a save stores: what the user sees now. */
  private metadata(): Partial<SessionMetadata> {
    const capture = this.session.capture;
    const selected = this.view.selectedPacket ?? null;
    return {
      ...(capture ? { capture } : {}),
      displayFilter: this.filterText,
      columns: (this.view.columns ?? this.session.columns).map((c) => ({ ...c })),
      colouringRules: this.colouring.rules.map((r) => ({ ...r })),
      selectedPacket: selected !== null && this.store.indexOf(selected) >= 0 ? selected : null,
      insights: JSON.parse(JSON.stringify(this.insights.settings)) as Record<string, unknown>,
    };
  }

  /** The stored packets as a save/export source (frames read as the writer goes). */
  private storeSource(): PacketSource {
    const count = this.store.count;
    const interfaces = this.interfaces.length ? this.interfaces : [{ id: 0, linkType: this.store.count ? this.store.linkType.arr[0] : 1, snaplen: 262144 }];
    const packet = (i: number) => this.store.packet(i);
    return {
      interfaces,
      *batches() {
        for (let k = 0; k < count; k += 4096) {
          const batch: RawPacket[] = [];
          for (let j = k; j < Math.min(count, k + 4096); j++) batch.push(packet(j));
          yield batch;
        }
      },
    };
  }

  private displayedFrames(): number[] {
    const n = this.displayedLength();
    const out = new Array<number>(n);
    for (let r = 0; r < n; r++) out[r] = this.store.number.arr[this.displayed ? this.displayed.arr[r] : r];
    return out;
  }

  private selection(p: ExportParams): PacketSelection {
    switch (p.select) {
      case 'all': return 'all';
      case 'displayed': return this.displayed ? { frames: this.displayedFrames() } : 'all';
      case 'selected': {
        const frames = p.frames?.length ? p.frames : this.view.selectedPacket ? [this.view.selectedPacket] : [];
        if (!frames.length) throw new ApiError('no packet is selected', 'request');
        return { frames };
      }
      case 'range': {
        const inRange = parseRange(p.range ?? '');
        return { predicate: (n) => inRange(n) };
      }
    }
  }

  private async writeFile<T>(path: string, fn: () => Promise<T>): Promise<T> {
    if (this.state === 'loading') throw new ApiError(`the capture is still loading: wait or cancel before saving to ${path}`, 'save');
    try {
      return await fn();
    } catch (e) {
      if (e instanceof SessionFileError) throw new ApiError(e.message, e.code === 'EEXIST' ? 'exists' : 'save');
      if (e instanceof ApiError) throw e;
      throw new ApiError(`cannot write ${path}: ${errMessage(e)}`, 'save');
    }
  }

  /**
   * The file a save writes, without a save's consequences (browser
   * downloads: the copy leaves this machine, so nothing here counts as saved).
   */
  async saveCopy(p: SaveParams): Promise<{ path: string; packets: number; format: 'pcapng' | 'pcap' }> {
    const { format, r } = await this.writeSession(p);
    return { path: r.path, packets: r.packets, format };
  }

  private async writeSession(p: SaveParams): Promise<{ format: 'pcapng' | 'pcap'; only: number[] | null; r: { path: string; packets: number } }> {
    const { saveSession } = require('../session/save') as typeof import('../session/save');
    if (p.view) this.setView(p.view);
    const format = p.format ?? (/\.pcap$/i.test(p.path) ? 'pcap' : 'pcapng');
    const only = p.displayedOnly && this.displayed ? this.displayedFrames() : null;
    const r = await this.writeFile(p.path, () => saveSession(p.path, this.storeSource(), {
      overwrite: p.overwrite ?? false,
      format,
      metadata: format === 'pcapng' ? this.metadata() : undefined,
      comments: this.comments,
      select: only ? { frames: only } : 'all',
    }));
    return { format, only, r };
  }

  async save(p: SaveParams): Promise<{ path: string; packets: number; format: 'pcapng' | 'pcap' }> {
    const { format, only, r } = await this.writeSession(p);
    // classic pcap keeps no comments: they stay unsaved
    if (!only && format === 'pcapng') this.comments.commit();
    if (!only) {
      if (!this.live) this.liveUnsaved = false;
      // Saved in full once the capture has ended: the safety copy is no longer needed.
      if (this.spool && !this.live) { try { this.spool.discard(); } catch { /* gone already */ } this.spool = null; }
    }
    this.scheduleStatus(true);
    void this.addRecent(p.path);
    return { path: r.path, packets: r.packets, format };
  }

  async exportPackets(p: ExportParams & { format?: 'pcapng' | 'pcap' }): Promise<{ path: string; packets: number; format: 'pcapng' | 'pcap' }> {
    const { saveSession } = require('../session/save') as typeof import('../session/save');
    const format = p.format ?? (/\.pcap$/i.test(p.path) ? 'pcap' : 'pcapng');
    const select = this.selection(p);
    const r = await this.writeFile(p.path, () => saveSession(p.path, this.storeSource(), {
      overwrite: p.overwrite ?? false, format, select, comments: this.comments,
      metadata: format === 'pcapng' ? { ...this.metadata(), displayFilter: '' } : undefined,
    }));
    return { path: r.path, packets: r.packets, format };
  }

  /** Export to a private temp file and hand back its bytes (browser downloads). */
  async exportBytes(p: Omit<ExportParams, 'path' | 'overwrite'> & { format: 'pcapng' | 'pcap' | 'csv' | 'json' }): Promise<{ data: Uint8Array; packets: number; format: 'pcapng' | 'pcap' | 'csv' | 'json' }> {
    const dir = mkdtempSync(join(tmpdir(), 'xdpscope-export-'));
    try {
      const path = join(dir, `export.${p.format}`);
      const r = p.format === 'csv' || p.format === 'json'
        ? await this.exportDissections({ ...p, path, format: p.format })
        : await this.exportPackets({ ...p, path, format: p.format });
      const size = statSync(path).size;
      if (size > MAX_DOWNLOAD) throw new ApiError(`the export is ${(size / 1e6).toFixed(0)} MB, more than the ${MAX_DOWNLOAD / 1e6} MB a download may carry: export to a path instead`, 'save');
      return { data: new Uint8Array(readFileSync(path)), packets: r.packets, format: p.format };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  async exportDissections(p: ExportParams & { format: 'csv' | 'json' }): Promise<{ path: string; packets: number; format: 'csv' | 'json' }> {
    const { exportDissections } = require('../session/export-dissections') as typeof import('../session/export-dissections');
    const select = this.selection(p);
    const r = await this.writeFile(p.path, () => exportDissections(p.path, this.storeSource(), {
      format: p.format, select, overwrite: p.overwrite ?? false, comments: this.comments,
    }));
    return { path: r.path, packets: r.packets, format: p.format };
  }

  private recentFiles(): any {
    if (!this.recent) {
      const { RecentFiles } = require('../session/recent');
      this.recent = new RecentFiles();
    }
    return this.recent;
  }

  private async addRecent(path: string): Promise<void> {
    // An upload's scratch copy is gone when the server exits: not worth remembering.
    const uploads = this.opts.uploadDir ?? this.uploadScratch?.path;
    if (uploads && path.startsWith(uploads + '/')) return;
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

function emptySession(): SessionInfo {
  return { ours: false, displayFilter: '', columns: [], selectedPacket: null, colouringRules: [], insights: {}, notices: [], commentedFrames: [] };
}

/**
 * The first n displayed rows (null list: every packet) in sort order, or
 * null when the sort is none / ascending by number (the list's own order).
 * A merge sort in steps: runs sorted at once, then merged pairwise.
 */
function* orderSteps(s: PacketStore, displayed: Column<Uint32Array> | null, n: number, sort: { column: ColumnId; desc: boolean } | null): Steps<Uint32Array | null> {
  if (!sort || (sort.column === 'number' && !sort.desc)) return null;
  let src = new Uint32Array(n);
  for (let r = 0; r < n; r++) src[r] = displayed ? displayed.arr[r] : r;
  const key = sortKey(s, sort.column);
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
