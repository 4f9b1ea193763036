// The engine service: the API the faces call, answered by one handler
// table per domain (handlers/), over three parts:
//  - the open capture (open-capture.ts): a file or live interface and all
//    derived from it, built per source and disposed whole when replaced;
//  - the displayed list (list.ts): filter, sort and rows over that capture;
//  - persistence (persistence.ts): save, export, recent files.
// It runs in a worker thread (see worker.ts); status goes out at most every 50 ms.
import type { CaptureInterface } from '../types';
import type { EngineEvent, Method, Methods, Params, Result, RowBlock, Status } from '../../api/index';
import { ApiError } from '../../api/index';
import type { PacketStore } from './store';
import { OpenCapture } from './open-capture';
import { DisplayedList } from './list';
import { Persistence } from './persistence';
import { Uploads } from './uploads';
import { Generation, StatusPusher } from './status';
import { Colouring } from '../colour/colouring';
import { InsightsEngine, type InsightsSettings } from '../insights/index';
import { captureHandlers } from './handlers/capture';
import { fileHandlers } from './handlers/file';
import { viewHandlers } from './handlers/view';
import { packetHandlers } from './handlers/packet';
import { sessionHandlers } from './handlers/session';
import { insightsHandlers } from './handlers/insights';
import { privilegeHandlers } from './handlers/privilege';
import { blockHandlers } from './handlers/block';
import { BlockList, startBlockControl, type ControlServer } from '../block/index';
import type { HelloInfo, HelperCapture } from '../capture/index';
import { decodeHandlers } from './handlers/decode';
import { loadUserDecodeAs } from '../session/decode-as-entries';
import type { DecodeAsRule } from '../dissect/decode-as';

export interface ServiceOptions {
  emit(ev: EngineEvent): void;
  /** where uploaded files are written before opening (browser mode) */
  uploadDir?: string;
}

export class EngineService {
  readonly generation = new Generation();
  readonly statusPusher: StatusPusher;
  readonly persistence: Persistence;
  readonly uploads: Uploads;
  /** the open capture (an idle, empty one until something is opened) */
  cap: OpenCapture;
  /** the displayed list over `cap` */
  list: DisplayedList;
  /** the user's colouring table (Wireshark's defaults until setColouring); a capture may use a session's own */
  userColouring = new Colouring();
  /** "Block this source": the live capture's block list (main/engine/block) */
  readonly blocks = new BlockList();
  /** where `xdpscope block` reaches the live capture, while one runs */
  private control: Promise<ControlServer | null> | null = null;
  /** the user's Decode As entries (their decode_as_entries file until setDecodeAs); a capture may use a session's own */
  userDecodeAs: DecodeAsRule[];
  /** what of the user's file or the open session's entries could not be used */
  decodeAsProblems: string[];
  /** insights settings the user set (setInsightsSettings), for the captures opened next; null: the defaults */
  insightsSettings: InsightsSettings | null = null;
  private lastAlertCheck = 0;
  private readonly handlers: { [M in Method]: (p: Methods[M]['params']) => Promise<Methods[M]['result']> };

  constructor(private readonly opts: ServiceOptions) {
    const decodeAs = loadUserDecodeAs();
    this.userDecodeAs = decodeAs.rules;
    this.decodeAsProblems = decodeAs.problems;
    this.statusPusher = new StatusPusher(opts.emit, () => this.status());
    this.uploads = new Uploads(opts.uploadDir);
    this.persistence = new Persistence((path) => this.uploads.holds(path));
    this.cap = this.newCapture('idle', '');
    this.list = new DisplayedList(this.cap, this.generation, (now) => this.pushStatus(now));
    this.handlers = {
      ...captureHandlers(this),
      ...fileHandlers(this),
      ...viewHandlers(this),
      ...packetHandlers(this),
      ...sessionHandlers(this),
      ...insightsHandlers(this),
      ...privilegeHandlers(this),
      ...blockHandlers(this),
      ...decodeHandlers(this),
    };
  }

  async call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
    const fn = Object.hasOwn(this.handlers, method) ? this.handlers[method] as (p: Params<M>) => Promise<Result<M>> : undefined;
    if (!fn) throw new ApiError(`unknown method ${method}`, 'refused');
    return fn(params);
  }

  pushStatus(now = false): void {
    this.statusPusher.push(now);
  }

  private newCapture(mode: Status['mode'], source: string): OpenCapture {
    const cap = new OpenCapture(mode, source, {
      status: (now) => this.pushStatus(now),
      error: (e) => this.opts.emit({ event: 'error', data: e }),
      helper: (h, hello) => this.onHelper(h, hello),
    }, this.userColouring);
    cap.decodeAs = this.userDecodeAs;
    if (this.insightsSettings) {
      // thresholds and policy carry over; what was learned belongs to the traffic it was learned from
      const carried = structuredClone(this.insightsSettings);
      carried.baseline.learned = null;
      carried.icsWrite.learned = null;
      cap.insights = new InsightsEngine(carried);
    }
    return cap;
  }

  /** A live capture's helper attached (its block list is ours to drive) or exited (its blocks are gone). */
  private onHelper(h: HelperCapture, hello: HelloInfo | null): void {
    if (!hello) {
      if (this.blocks.attached !== h) return;
      this.blocks.detach(h);
      const c = this.control;
      this.control = null;
      void c?.then((srv) => srv?.close());
      return;
    }
    const why = hello.directions === 'out' ? 'this capture is egress only: blocking drops received frames and needs ingress'
      : hello.mode === 'trace' ? `beside the traced XDP program ${hello.foreign?.id ?? ''} '${hello.foreign?.name ?? ''}' frames can only be watched, not dropped`
        : undefined;
    this.blocks.attach(h, hello.ifname, why);
    const prev = this.control;
    this.control = (prev ?? Promise.resolve(null)).then((p) => p?.close()).then(() => startBlockControl(this.blocks, hello.ifname)).catch(() => null);
  }

  /** The control socket path while a live capture runs. */
  async controlSocket(): Promise<string | undefined> {
    return (await this.control)?.path;
  }

  /**
   * Opens an empty capture for the new source in place of the open one,
   * whose live capture is stopped, spool closed and store freed before this
   * resolves; the display filter and sort carry over to the new list. The
   * swap itself is synchronous: a call that comes in meanwhile (cancelOpen,
   * getStatus) already sees the new source.
   */
  async replace(mode: 'file' | 'live', source: string): Promise<OpenCapture> {
    const old = this.cap;
    const settings = this.list.settings;
    this.cap = this.newCapture(mode, source);
    // the user's block rules stay with them (a file opened next brings its own)
    this.cap.insights.settings.response = structuredClone(old.insights.settings.response);
    this.list = new DisplayedList(this.cap, this.generation, (now) => this.pushStatus(now), settings);
    this.generation.next();
    await old.dispose();
    return this.cap;
  }

  status(): Status {
    const cap = this.cap;
    const end = cap.finishedAt ?? Date.now();
    const s: Status = {
      mode: cap.mode,
      state: cap.state,
      source: cap.source,
      captured: cap.store.count,
      displayed: this.list.length,
      dropped: cap.dropped,
      indexed: cap.store.count,
      elapsed: cap.mode === 'idle' ? 0 : (end - cap.startedAt) / 1000,
      filter: this.list.filterText,
      generation: this.generation.value,
    };
    if (cap.error) s.error = cap.error;
    if (cap.fileError) s.fileError = cap.fileError;
    if (cap.needsPermission) s.needsPermission = true;
    if (Date.now() - this.lastAlertCheck > 1000) {
      // counting alerts sorts them: at most once a second
      this.lastAlertCheck = Date.now();
      try {
        cap.alertCount = cap.alertTotal();
        // the optional rules, once blocking is allowed: each alert's sources blocked once
        if (cap.mode === 'live' && !this.blocks.unavailable) void this.blocks.applyRules(cap.insights.alerts(), cap.insights.settings.response.rules);
      } catch { /* keep the last count */ }
    }
    if (cap.alertCount) s.alerts = cap.alertCount;
    if (cap.spool) s.spool = cap.spool.path;
    if (cap.ring && !cap.ring.done) s.ringFile = cap.ring.current;
    if (cap.viewCap?.evicted) {
      s.evicted = cap.viewCap.evicted;
      s.evictedTo = cap.ringBuffer ? 'ring' : cap.spool ? 'spool' : 'none';
    }
    if (cap.helperStats) {
      const { seen, filtered, sampledOut, paused } = cap.helperStats;
      Object.assign(s, { seen, filtered, sampledOut, paused });
    }
    if (cap.live?.behind) s.behind = true;
    if (cap.state === 'loading' && cap.progress) s.progress = cap.progress;
    if ((cap.liveUnsaved && cap.store.count > 0) || cap.comments.dirty) s.unsaved = true;
    return s;
  }

  /** Stop everything (quit): the helper detaches XDP before it exits. */
  async shutdown(): Promise<void> {
    await this.cap.dispose();
    await (await this.control)?.close();
    this.statusPusher.dispose();
    this.uploads.dispose();
  }

  /** for tests and benchmarks */
  rows(start: number, count: number): RowBlock { return this.list.rows(start, count); }
  get packetStore(): PacketStore { return this.cap.store; }
  get captureInterfaces(): CaptureInterface[] { return this.cap.interfaces; }
}
