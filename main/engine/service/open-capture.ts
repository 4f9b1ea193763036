// One open source — a capture file or a live interface — and everything
// derived from it: the packet store, the filter index, insights, comments,
// the session it came with, the live capture and its crash-safe spool.
// Opening something else builds a new OpenCapture and disposes this one
// whole; callbacks that arrive after that (a reader, the helper) find it
// closed and change nothing.
import type { CaptureInterface, Dissection, RawPacket } from '../types';
import type { CaptureOptions, ErrorInfo, SessionInfo, Status, ViewState } from '../../api/index';
import { ApiError } from '../../api/index';
import { PacketStore, type RowSummary } from './store';
import { StreamIds, summarize } from './summarize';
import { LiveCapture } from './live';
import type { HelloInfo, HelperCapture } from '../capture/index';
import { Dissector, type DissectorOptions } from '../dissect/index';
import { TlsKeyLog, tlsKeylogPreference } from '../dissect/keylog';
import { FilterIndex } from '../filter/index-store';
import { InsightsEngine, snapshotInsights, type InsightsSnapshot } from '../insights/index';
import { InsightsLane, OpenPool, openThreads } from './open-pool';
import { CommentMap } from '../session/comments';
import { SessionFileError, abortError } from '../session/errors';
import { SpoolWriter } from '../session/spool';
import { RingFileWriter } from '../file/ring';
import type { Session } from '../session/open';
import { SLICE_MS } from '../filter/steps';
import type { Colouring } from '../colour/colouring';
import { type DecodeAsRule, formatDecodeAs } from '../dissect/decode-as';
import type { Steps } from '../filter/steps';
import { brokenDissection, errMessage } from './broken';
import { CaptureFiles, ViewCap } from './view-cap';
import { FieldIds } from '../fields/ids';
import { settleHeapSoon } from './heap-settle';

export { brokenDissection, errMessage };

/** packets ingested between two looks at the clock while a file loads */
const INGEST_SLICE = 256;
const yieldNow = () => new Promise<void>((r) => setImmediate(r));
/** a parallel open decodes this many packets on the service thread first, for the first rows */
const FIRST_ROWS = 2048;
/** packets per batch dealt to the pool */
const POOL_BATCH = 2048;

/** Where an open capture reports to: the status pushes and error events of the service. */
export interface CaptureOutbox {
  /** status changed: push it now, or within 50 ms */
  status(now?: boolean): void;
  /** an error the user must see */
  error(e: ErrorInfo): void;
  /** the live capture's helper attached / exited (the block list drops through it) */
  helper?(h: HelperCapture, hello: HelloInfo | null): void;
}

export class OpenCapture {
  readonly store = new PacketStore();
  streams = new StreamIds();
  /** each packet's field ids, found once for the colouring and the index (fields/ids.ts) */
  private readonly fids = new FieldIds();
  /** decoded fields in columns, so re-filtering rarely re-dissects (replaced whole by a re-dissection) */
  index = new FilterIndex();
  /** security alerts and statistics, fed every packet as it is indexed */
  insights = new InsightsEngine();
  alertCount = 0;
  interfaces: CaptureInterface[] = [];
  private dissector: Dissector | null = null;
  state: Status['state'];
  readonly startedAt = Date.now();
  finishedAt: number | null = null;
  dropped = 0;
  error: ErrorInfo | undefined;
  fileError: Status['fileError'];
  needsPermission = false;
  progress: Status['progress'];
  /** packet comments: the file's, plus the user's edits (saved as EPB opt_comment) */
  comments = new CommentMap();
  /** comments changed since the frame.comment values went into the filter index */
  commentsSinceIndex = false;
  /** the session metadata the open file came with (defaults for foreign files and live captures) */
  session: SessionInfo = emptySession();
  /** the renderer's last reported columns and selection */
  view: ViewState = {};
  /** a live capture holds packets no save has written yet */
  liveUnsaved: boolean;
  live: LiveCapture | null = null;
  /** crash-safe copy of the live capture (main/engine/session/spool) */
  spool: SpoolWriter | null = null;
  /** the capture's ring-buffer files (CaptureOptions.ringBuffer), in place of the spool */
  ring: RingFileWriter | null = null;
  /** the capture writes ring files (they outlive `ring`, which closes with the capture) */
  ringBuffer = false;
  /** cancels the file load in progress */
  openAbort: AbortController | null = null;
  /** another source replaced this one */
  closed = false;
  /** cancelOpen gave up on a reader that did not stop: what it does later is ignored */
  private readerAbandoned = false;
  /** the open file's TLS secrets (its Decryption Secrets Blocks), then the user's key log preference */
  private readonly fileKeys = new TlsKeyLog().withFallback(tlsKeylogPreference);
  /** Decode As: the rules this capture is dissected with (the user's, or the session's own) */
  decodeAs: DecodeAsRule[] = [];
  /** told of every packet as it is indexed (the displayed list judges it) */
  onPacket: (i: number, d: Dissection) => void = () => undefined;
  /** told of packets [from, to) stored and indexed without a dissection here (a parallel open) */
  onRange: (from: number, to: number) => void = () => undefined;
  /** a parallel open's insights, computed on a thread of their own (null: `insights` has them, or the thread starts later) */
  insightsLane: InsightsLane | null = null;
  /** the insights are not computed on this thread (a parallel open) */
  private insightsElsewhere = false;
  /** a live capture's view cap (CaptureOptions.viewCap): null keeps every packet */
  viewCap: ViewCap | null = null;
  /** which file on disk (ring file or spool) holds which frames of a live capture */
  readonly files = new CaptureFiles();
  /** told when the first k stored packets left the view (the displayed list shifts) */
  onEvict: (k: number) => void = () => undefined;
  /** the helper's last counters (live capture) */
  /** the helper's last counters (final: after a clean stop, the ring drained) */
  helperStats: { seen: number; filtered: number; sampledOut: number; paused: number; delivered: number; final: boolean } | null = null;

  /**
   * colouring: the table packets are coloured with as they are indexed (the
   * user's; a session's own replaces it before its packets are read)
   */
  constructor(readonly mode: Status['mode'], readonly source: string, private readonly out: CaptureOutbox, public colouring: Colouring) {
    // a live capture is 'loading' until the helper says its XDP program is attached:
    // 'capturing' must mean that packets sent now are captured
    this.state = mode === 'idle' ? 'idle' : 'loading';
    this.liveUnsaved = mode === 'live';
  }

  fail(message: string, kind: string): void {
    this.error = { message, kind };
    this.out.error(this.error);
    this.out.status(true);
  }

  /**
   * The TLS secrets this capture is dissected with: the file's DSB key logs
   * and the user's key log; null when neither holds any (then TLS is not
   * decrypted, as Wireshark without secrets).
   */
  tlsKeys(): TlsKeyLog | null {
    return this.fileKeys.holdsAny() ? this.fileKeys : tlsKeylogPreference();
  }

  /** A fresh dissector for this capture: every pass over its packets (list, details, follow) decodes alike. */
  newDissector(opts: DissectorOptions = {}): Dissector {
    return new Dissector({ tlsKeys: this.tlsKeys(), decodeAs: this.decodeAs.map(formatDecodeAs), ...opts });
  }

  /**
   * Dissects every stored packet again (Decode As changed): list columns,
   * filter index, stream ids and insights are rebuilt beside the old ones
   * and swapped in at the end, in one turn of the event loop, so a pass
   * dropped half-way changes nothing. Packets that arrive meanwhile (a file
   * still loading, a live capture) are in the store before the pass gets
   * to them: it runs to the store's count when it ends.
   */
  *redissectSteps(): Steps<void> {
    const release = this.holdPositions();
    try { yield* this.redissectPass(); } finally { release(); }
  }

  private *redissectPass(): Steps<void> {
    const dissector = this.newDissector();
    const streams = new StreamIds(), index = new FilterIndex();
    const insights = new InsightsEngine(this.insights.settings);
    for (let i = 0; i < this.store.count; i++) {
      const pkt = this.packetAt(i);
      let d: Dissection;
      try { d = dissector.dissect(pkt); } catch (e) { d = brokenDissection(pkt, e); }
      const ids = this.fids.of(d.fields);
      this.store.rewrite(i, summarize(d, streams, this.colouring, ids));
      index.addIds(d, ids);
      try { insights.add(d); } catch { /* insights must never stop a pass */ }
      yield 1;
    }
    this.dissector = dissector;
    this.streams = streams;
    this.index = index;
    this.insights = insights;
    this.commentsSinceIndex = false;
    if (this.state === 'done' || this.state === 'error') {
      index.compact();
      try { insights.finish(); this.alertCount = insights.alerts().length; } catch { /* insights must not fail a pass */ }
    }
  }

  /** The insights as the renderer shows them: the insights thread's when a parallel open has one. */
  async snapshotInsights(): Promise<InsightsSnapshot> {
    const lane = this.insightsLane;
    const snap = lane ? await lane.snapshot() : null;
    return snap ?? snapshotInsights(this.insights);
  }

  /** The number of alerts (sorting them: call at most once a second). */
  alertTotal(): number {
    const lane = this.insightsLane;
    return lane ? lane.last?.alerts.length ?? 0 : this.insights.alerts().length;
  }

  private reanalysisToken = 0;

  /**
   * Runs `engine` over every packet stored so far, from the first, then puts
   * it in place of the current insights engine. A live capture or a load
   * goes on meanwhile: packets stored during the run are caught up before the
   * swap, with no await between the last check and the swap, so none is
   * missed or counted twice. False when the capture closed or another
   * reanalysis started first (this one is then dropped).
   */
  async reanalyze(engine: InsightsEngine): Promise<boolean> {
    const release = this.holdPositions();
    try { return await this.reanalyzePass(engine); } finally { release(); }
  }

  private async reanalyzePass(engine: InsightsEngine): Promise<boolean> {
    const token = ++this.reanalysisToken;
    const dissector = this.newDissector();
    let i = 0;
    for (;;) {
      if (this.closed || token !== this.reanalysisToken) return false;
      const n = this.store.count;
      if (i >= n) break;
      for (const end = Math.min(n, i + 4096); i < end; i++) {
        let d: Dissection;
        const pkt = this.packetAt(i);
        try { d = dissector.dissect(pkt); } catch (e) { d = brokenDissection(pkt, e); }
        try { engine.add(d); } catch { /* as in ingest: one packet never stops the analysis */ }
      }
      // let calls, the load and the live capture run between chunks
      await new Promise((r) => setImmediate(r));
    }
    if (this.mode === 'file' && this.state === 'done') { try { engine.finish(); } catch { /* as after a load */ } }
    this.insights = engine;
    return true;
  }

  ingest(batch: readonly RawPacket[], fromFile = false): void {
    const store = this.store;
    const dissector = this.dissector ??= this.newDissector();
    // secrets that appeared since the pass began (a DSB after the first packets, a key log set while capturing) join it
    if (dissector.tlsKeys === null) dissector.tlsKeys = this.tlsKeys();
    const first = store.count;
    const summaries: RowSummary[] = [];
    for (const pkt of batch) {
      let d: Dissection;
      try { d = dissector.dissect(pkt); } catch (e) { d = brokenDissection(pkt, e); }
      const ids = this.fids.of(d.fields);
      summaries.push(summarize(d, this.streams, this.colouring, ids));
      if (!fromFile) store.append(pkt, summaries[summaries.length - 1]);
      const i = first + summaries.length - 1;
      this.index.addIds(d, ids);
      if (!this.insightsElsewhere) { try { this.insights.add(d); } catch { /* insights must never stop the capture */ } }
      this.onPacket(i, d);
    }
    if (fromFile) store.appendBatch(batch, summaries);
    const cap = this.viewCap;
    if (cap) { const k = cap.due(); if (k) { cap.evict(k); this.onEvict(k); } }
    this.out.status();
  }

  /**
   * Keeps store positions where they are until the returned function is
   * called: a pass over them (filter, sort, re-dissection) runs across turns
   * of the event loop, and the view cap's eviction waits for it.
   */
  holdPositions(): () => void {
    return this.viewCap?.hold() ?? (() => undefined);
  }

  /** Is the file reader's work still wanted here? */
  get reading(): boolean {
    return !this.closed && !this.readerAbandoned;
  }

  /**
   * Stops a file load and keeps the packets read so far. Whatever the reader
   * is stuck in, the capture leaves 'loading': a reader that does not stop
   * within `ms` is abandoned (nothing it does later lands here).
   */
  async cancelLoad(wait: (cond: () => boolean, ms: number) => Promise<void>, ms: number): Promise<void> {
    this.openAbort?.abort();
    await wait(() => this.state !== 'loading', ms);
    if (this.state === 'loading' && this.mode === 'file' && !this.closed) {
      this.readerAbandoned = true;
      this.openAbort = null;
      this.progress = undefined;
      this.state = 'done';
      this.finishedAt = Date.now();
      this.fail(`Loading of ${this.source} cancelled after ${this.store.count} packets (the reader did not stop; the rest is not shown)`, 'file');
    }
  }

  /** The insights of a file opened on the pool: on a thread of their own, fed the decoding threads' digests. */
  private startInsightsLane(threads: number): InsightsLane {
    const lane = this.insightsLane = new InsightsLane(this.insights.settings, threads);
    lane.onDone = () => { if (!this.closed) { this.alertCount = lane.last?.alerts.length ?? 0; this.out.status(true); } };
    return lane;
  }

  /**
   * The insights of packets the service thread stored itself while the pool
   * was to compute them (a file whose packets all fit in the first rows: the
   * pool never started): dissected again here, from the first.
   */
  private insightsHere(): void {
    this.insightsElsewhere = false;
    const dissector = this.newDissector();
    for (let i = 0; i < this.store.count; i++) {
      const pkt = this.packetAt(i);
      let d: Dissection;
      try { d = dissector.dissect(pkt); } catch (e) { d = brokenDissection(pkt, e); }
      try { this.insights.add(d); } catch { /* insights must never stop a load */ }
    }
  }

  /** Ingests packets on this thread, in slices between which it answers calls; false when the load stopped meanwhile. */
  private async ingestSliced(batch: readonly RawPacket[]): Promise<boolean> {
    // A display filter (stored in the session, or set while loading) runs
    // on every packet: look at the clock often enough to keep answering.
    let sliceStart = Date.now();
    for (let k = 0; k < batch.length; k += INGEST_SLICE) {
      this.ingest(k === 0 && batch.length <= INGEST_SLICE ? batch : batch.slice(k, k + INGEST_SLICE), true);
      if (Date.now() - sliceStart >= SLICE_MS) {
        await yieldNow();
        if (!this.reading) return false;
        sliceStart = Date.now();
      }
    }
    return true;
  }

  /**
   * Reads an opened capture file into the store, batch by batch, yielding
   * between batches. A big file is decoded on the worker pool (open-pool.ts):
   * its first packets here, at once, for the first rows; the rest on every
   * core.
   */
  async readFile(session: Session, path: string): Promise<void> {
    this.fileKeys.addSecretsBlocks(() => session.secrets);
    let pool: OpenPool | null = null;
    /** decoding threads for this file (-1: not decided before its first batch, when its DSBs are known) */
    let threads = -1;
    /** the first rows' packets, for the threads to see first */
    const warm: Array<{ head: readonly RawPacket[]; base: number }> = [];
    try {
      for await (const batch of session.batches()) {
        if (!this.reading) break;
        this.interfaces = session.interfaces;
        if (threads < 0) {
          // TLS secrets and Decode As entries stay in this thread (the decoding threads would need them): such files load here
          threads = this.tlsKeys() === null && this.decodeAs.length === 0 ? openThreads(session.size) : 0;
          // the insights come from the pool's digests (the first rows' packets are decoded there too)
          if (threads > 0) this.insightsElsewhere = true;
        }
        if (threads === 0) {
          if (!(await this.ingestSliced(batch))) break;
          await yieldNow();
          continue;
        }
        let rest = batch;
        if (this.store.count < FIRST_ROWS) {
          // the first rows now, from this thread, before any thread competes for the CPU;
          // the decoding threads see these packets too, for their conversations' state
          const head = batch.slice(0, FIRST_ROWS - this.store.count);
          const base = this.store.count;
          if (!(await this.ingestSliced(head))) break;
          warm.push({ head, base });
          rest = batch.slice(head.length);
          if (rest.length === 0) { await yieldNow(); continue; }
        }
        if (!pool) {
          const lane = this.startInsightsLane(threads);
          pool = new OpenPool(threads, this.colouring.rules, {
            store: this.store, index: this.index, streams: this.streams,
            merged: (from, to) => { this.onRange(from, to); this.out.status(); },
            feed: (b, owners, digests) => lane.feed(b, owners, digests),
          });
          for (const w of warm.splice(0)) pool.send(w.head, true, w.base);
        }
        // in parts, so threads start on a file's first batch early and merges stay short
        for (let k = 0; k < rest.length && this.reading; k += POOL_BATCH) {
          // Cancel stops here too: a file's batch is thousands of packets
          if (this.openAbort?.signal.aborted) throw abortError(path, 'Opening');
          pool.send(rest.length <= POOL_BATCH ? rest : rest.slice(k, k + POOL_BATCH), false, 0);
          let sliceStart = Date.now();
          while (pool.ready || pool.full) {
            // the insights thread holds the packets it has not analysed yet: it bounds the merge too
            if (this.insightsLane?.behind) { await this.insightsLane.progress(); continue; }
            await pool.mergeOne();
            if (!this.reading) break;
            if (Date.now() - sliceStart >= SLICE_MS) { await yieldNow(); sliceStart = Date.now(); }
          }
        }
        await yieldNow();
      }
      while (pool && pool.backlog > 0 && this.reading) {
        if (this.openAbort?.signal.aborted) throw abortError(path, 'Opening');
        if (this.insightsLane?.behind) { await this.insightsLane.progress(); continue; }
        await pool.mergeOne();
      }
      if (!this.reading) return;
      this.interfaces = session.interfaces;
      if (session.damage) {
        const d = session.damage;
        this.fileError = { message: d.message, offset: d.offset, block: d.block, reason: d.reason };
        this.error = { message: d.message, kind: 'file' };
      }
      this.state = 'done';
    } catch (e) {
      if (!this.reading) return;
      if (e instanceof SessionFileError && e.code === 'EABORT') {
        this.session.notices.push(`Loading was cancelled: showing the first ${this.store.count} packets of ${path}`);
        this.state = 'done';
        this.fail(`Loading of ${path} cancelled after ${this.store.count} packets (the rest is not shown; saving writes only these)`, 'file');
      } else {
        this.state = 'error';
        this.fail(e instanceof SessionFileError ? e.message : `reading ${path}: ${errMessage(e)}`, 'file');
      }
    } finally {
      // the first rows are shown whatever happened: their insights come from the pool's digests, so take them
      // (a load cancelled before the pool answered them would otherwise leave them out of the insights)
      try { while (pool?.warmPending && !this.closed) await pool.mergeOne(); } catch { /* a thread failed: the insights count fewer */ }
      pool?.close();
      if (this.insightsElsewhere && !this.insightsLane && !this.closed) this.insightsHere();
      // the insights count the packets shown, no more (a cancelled or damaged load)
      this.insightsLane?.stopAt(this.store.count);
      await session.close().catch(() => undefined);
      if (this.reading) {
        this.openAbort = null;
        this.interfaces = session.interfaces;
        // a file is read once: its dissector's conversation state (TCP reassembly, stream tables) goes
        this.dissector = null;
        if (this.state === 'done') {
          this.index.compact();
          this.store.trim();
          settleHeapSoon();
          if (!this.insightsElsewhere) {
            try { this.insights.finish(); this.alertCount = this.insights.alerts().length; } catch { /* insights must not fail a load */ }
          }
        }
        this.finishedAt = Date.now();
        this.out.status(true);
      }
    }
  }

  /** Starts the live capture this object was made for; resolves once the helper runs (or failed to). */
  async startLive(opts: CaptureOptions): Promise<void> {
    this.session.capture = { interface: opts.iface, mode: opts.mode ?? 'auto', ...(opts.captureFilter ? { filter: opts.captureFilter } : {}) };
    const ringOpts = opts.ringBuffer;
    this.ringBuffer = ringOpts !== undefined;
    if (opts.viewCap) {
      const store = this.store;
      this.viewCap = new ViewCap(opts.viewCap, [
        { bytes: () => store.bytes, dropFront: (k, room) => store.dropFront(k, room) },
        // the index is replaced whole by a re-dissection: always the current one
        { bytes: () => this.index.memoryBytes(), dropFront: (k, room) => this.index.dropFront(k, room) },
      ], () => store.count, (i) => store.number.get(i));
    }
    // A ring buffer is the capture's files on disk, bounded by files × size: a
    // spool beside it would grow without bound, so there is none then.
    if (!ringOpts) {
      try {
        this.spool = new SpoolWriter({ interfaces: [{ linkType: 1, snaplen: opts.snaplen ?? 262144, name: opts.iface }] });
      } catch (e) {
        // Capturing without the safety copy is still useful: say so and go on.
        this.fail(`capture spool unavailable (a crash would lose the capture): ${errMessage(e)}`, 'spool');
      }
    }
    const spool = this.spool;
    // ring files: losing them silently would break the promise, so a write error stops the capture
    const ringFailed = (e: unknown): void => {
      const r = this.ring;
      this.ring = null;
      try { r?.close(); } catch { /* the error below says what went wrong */ }
      this.fail(`capture ring buffer ${ringOpts?.path}: ${errMessage(e)} (capture stopped)`, 'capture');
      void this.stopLive().catch(() => undefined);
    };
    const live = new LiveCapture(opts, {
      onBatch: (b) => {
        if (this.closed) return;
        if (spool && b.length) {
          try { spool.write(b); this.files.wrote(spool.path, b[0]!.number, b[b.length - 1]!.number); } catch (e) { this.fail(`capture spool: ${errMessage(e)}`, 'spool'); }
        }
        const ring = this.ring;
        if (ring) {
          try {
            for (const p of b) { if (ring.writePacket(0, p.tsNs ?? 0n, p.data, p.origLen, p)) this.files.wrote(ring.lastFile, p.number, p.number); }
          } catch (e) { ringFailed(e); }
        }
        this.ingest(b);
      },
      onInterfaces: (ifs) => { if (!this.closed) this.interfaces = ifs; },
      onHelper: (h, hello) => { if (!this.closed) this.out.helper?.(h, hello); },
      // even when closed: its blocks are gone, and the list must not show them
      onHelperGone: (h) => this.out.helper?.(h, null),
      onAttached: () => {
        if (this.closed || this.state !== 'loading') return;
        if (ringOpts) {
          // opened now, with the link type the helper reports (not before: no empty file when it cannot start)
          const i = this.interfaces[0];
          try {
            this.ring = new RingFileWriter(ringOpts.path, ringOpts, {
              interfaces: [{ linkType: i?.linkType ?? 1, snaplen: i?.snaplen ?? opts.snaplen ?? 262144, name: opts.iface, ...(opts.captureFilter ? { filter: opts.captureFilter } : {}) }],
            });
          } catch (e) { ringFailed(e); return; }
        }
        this.state = 'capturing';
        this.out.status(true);
      },
      onStats: (st) => {
        if (this.closed) return;
        this.dropped = st.ringDrops;
        this.helperStats = { seen: st.seen, filtered: st.filtered, sampledOut: st.sampledOut, paused: st.paused, delivered: st.delivered, final: st.final };
        this.out.status();
      },
      onError: (err) => {
        if (this.closed) return;
        if (err.kind === 'permission') this.needsPermission = true;
        this.state = 'error';
        this.finishedAt = Date.now();
        this.fail(err.message, err.kind);
      },
      onExit: () => {
        try { spool?.close(); } catch { /* reported on write */ }
        const ring = this.ring;
        this.ring = null;
        try { ring?.close(); } catch (e) { if (!this.closed) this.fail(`capture ring buffer ${ringOpts?.path}: ${errMessage(e)}`, 'capture'); }
        if (this.closed) return;
        if (this.state !== 'error') this.state = 'done';
        this.finishedAt ??= Date.now();
        this.live = null;
        this.out.status(true);
      },
    });
    this.live = live;
    // Elapsed time moves on even when no packets arrive.
    const beat = setInterval(() => {
      if (this.closed || (this.state !== 'capturing' && this.state !== 'loading')) clearInterval(beat);
      else this.out.status();
    }, 1000);
    beat.unref();
    // ring files: whole up to their last packet twice a second, and time-based switches without traffic
    const ringBeat = setInterval(() => {
      const ring = this.ring;
      if (this.closed || (this.state !== 'capturing' && this.state !== 'loading')) clearInterval(ringBeat);
      else if (ring) { try { ring.tick(); ring.flush(); } catch (e) { ringFailed(e); } }
    }, 500);
    ringBeat.unref();
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
  }

  async stopLive(): Promise<void> {
    const l = this.live;
    if (!l) return;
    this.state = 'stopping';
    this.out.status(true);
    await l.stop();
    this.live = null;
    if (this.state === 'stopping') this.state = 'done';
    this.finishedAt ??= Date.now();
  }

  /** Saved in full: nothing is unsaved, and once the capture has ended its safety copy is no longer needed. */
  savedInFull(): void {
    if (this.live) return;
    // packets that left the view were not in the save: their copy on disk stays
    if (this.viewCap?.evicted) return;
    this.liveUnsaved = false;
    if (this.spool) { try { this.spool.discard(); } catch { /* gone already */ } this.spool = null; }
  }

  /**
   * Drops this source: late callbacks are ignored from now on, the live
   * capture stops (the helper detaches XDP), the spool closes (it stays on
   * disk until saved: then it is offered for recovery) and the store frees
   * its memory.
   */
  async dispose(): Promise<void> {
    this.closed = true;
    this.openAbort?.abort();
    this.openAbort = null;
    this.insightsLane?.close();
    if (this.live) { const l = this.live; this.live = null; await l.stop().catch(() => undefined); }
    if (this.spool) { try { this.spool.close(); } catch { /* already reported */ } this.spool = null; }
    if (this.ring) { try { this.ring.close(); } catch { /* already reported */ } this.ring = null; }
    this.store.close();
  }

  /** The store index of a frame number, or an ApiError naming it. */
  indexOrThrow(number: number): number {
    const i = this.store.indexOf(number);
    if (i < 0) {
      const cap = this.viewCap;
      if (cap && number <= cap.lastEvicted) {
        const f = this.files.holding(number);
        throw new ApiError(`packet ${number} left the view (the view cap keeps the last packets)${f ? `; it is in ${f}` : ''}`, 'request');
      }
      throw new ApiError(`no packet number ${number} (${this.store.count} packets)`, 'request');
    }
    return i;
  }

  /** A stored packet with its current comments (the user's edits included). */
  packetAt(i: number): RawPacket {
    const pkt = this.store.packet(i);
    const c = this.comments.get(pkt.number);
    if (c.length) pkt.comments = c;
    return pkt;
  }
}

export function emptySession(): SessionInfo {
  return { ours: false, displayFilter: '', columns: [], selectedPacket: null, colouringRules: [], insights: {}, notices: [], commentedFrames: [] };
}

function isPermissionError(e: unknown): boolean {
  const m = errMessage(e);
  return /EPERM|EACCES|permission|capabilit|not permitted/i.test(m) || (e as any)?.kind === 'permission' || (e as any)?.code === 'EPERM';
}
