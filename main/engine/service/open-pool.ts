// Opening a capture file on every core. The service thread reads the file
// and deals each packet to the decoding thread that owns its IP host pair
// (parallel/partition.ts, as `xdpscope read` does); the threads dissect,
// summarise, colour and index their packets (open-rows.ts) and the service
// thread merges their answers into the store and the filter index in file
// order. tcp.stream and udp.stream count conversations per thread: they are
// renumbered here in order of first appearance in the file, which is what a
// one-thread open numbers. The insights run on a thread of their own, in
// file order (their detectors follow sources across conversations), from
// the digests the decoding threads make of their dissections
// (insights/digest.ts): no packet is dissected twice.
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import type { RawPacket } from '../types';
import type { ColouringRule } from '../../api/index';
import type { InsightsSettings, InsightsSnapshot } from '../insights/index';
import { digestTransfer, type InsightsDigest } from '../insights/digest';
import { Partitioner } from '../parallel/partition';
import { macNamesData } from '../enrich/manuf';
import { GeoIp } from '../enrich/geoip';
import { BatchBuilder, transferList } from '../parallel/batch';
import { WorkerLane, idleCoreThreads, type LaneMessage } from '../parallel/lane';
import type { PacketStore } from './store';
import type { StreamIds } from './summarize';
import type { FilterIndex } from '../filter/index-store';
import { NUMBER_COLS, SIDS, STRING_COLS, type FeedMsg, type FromOpenWorker, type OpenJob, type RowsMsg, type SharedStartup, type ToOpenWorker } from './open-rows';

/** batches a thread may fall behind before reading waits (bounds memory) */
const WINDOW = 4;
/** merged batches the insights thread may fall behind before merging waits (bounds memory) */
const INSIGHTS_WINDOW = 8;

/**
 * How many decoding threads open a file: XDPSCOPE_OPEN_THREADS when set (0
 * or 1: none, the service thread decodes), else idleCoreThreads (the pool
 * costs ~30% more CPU than one thread, bench/RESULTS.md: on a machine whose
 * cores are all busy it is slower).
 */
export function openThreads(fileBytes: number, load = loadavg()[0]!): number {
  const env = process.env.XDPSCOPE_OPEN_THREADS;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (Number.isInteger(n) && n >= 0 && n <= 16) return n <= 1 ? 0 : n;
  }
  return idleCoreThreads(fileBytes, load);
}

const script = (): string => join(__dirname, 'open-worker.js');

/**
 * The tables every decoding thread needs (MAC names, GeoIP), loaded once
 * per process and handed to the threads, which would each load them
 * (~0.1 s of CPU per thread for the manuf file alone). XDPSCOPE_OPEN_SHARED=0:
 * each thread loads its own (bench/open/thread-start.ts compares).
 */
export function sharedStartupData(): SharedStartup | undefined {
  if (process.env.XDPSCOPE_OPEN_SHARED === '0') return undefined;
  return { manuf: macNamesData(), geoip: GeoIp.defaultData() };
}

/** A thread's answer to a batch: its rows; 'fail': its failure; anything else is not the lane's. */
const readRows = (m: FromOpenWorker): LaneMessage<RowsMsg> => (m.t === 'rows' ? { answer: m } : m.t === 'fail' ? { failure: m.message } : undefined);

/** Where merged packets go. */
export interface PoolTarget {
  store: PacketStore;
  index: FilterIndex;
  streams: StreamIds;
  /** packets [from, to) of the store are in, indexed */
  merged(from: number, to: number): void;
  /** every batch, warm ones too, in file order: its packets, which thread decoded each, the threads' digests */
  feed?(batch: readonly RawPacket[], owners: Uint8Array, digests: InsightsDigest[]): void;
}

interface Sent { batch: readonly RawPacket[]; owners: Uint8Array; warm: boolean; base: number }

export class OpenPool {
  private readonly lanes: Array<WorkerLane<RowsMsg, FromOpenWorker>>;
  private readonly part: Partitioner;
  private readonly sent: Sent[] = [];
  private first: bigint | null = null;
  private prev: bigint | null = null;
  /** per thread: its string ids → the store's */
  private readonly strMap: number[][];
  /** per thread: its tcp.stream / udp.stream / pair ids → the file's */
  private readonly tcpMap: number[][];
  private readonly udpMap: number[][];
  private readonly pairMap: Array<Map<number, number>>;
  private tcpNext = 0;
  private udpNext = 0;
  private closed = false;

  constructor(threads: number, colouringRules: readonly ColouringRule[], private readonly target: PoolTarget) {
    const job: OpenJob = { role: 'rows', colouringRules: [...colouringRules], shared: sharedStartupData() };
    this.lanes = Array.from({ length: threads }, (_, i) => new WorkerLane(new Worker(script(), { workerData: job, stdout: true, stderr: true }), i, readRows));
    this.part = new Partitioner(this.lanes.map(() => 1));
    this.strMap = this.lanes.map(() => [0]);
    this.tcpMap = this.lanes.map(() => []);
    this.udpMap = this.lanes.map(() => []);
    this.pairMap = this.lanes.map(() => new Map());
  }

  /** batches sent and not yet merged */
  get backlog(): number { return this.sent.length; }

  /** Has every thread answered the oldest batch? */
  get ready(): boolean { return this.sent.length > 0 && this.lanes.every((l) => l.ready()); }

  /** Is the oldest batch not merged one of the first rows' (stored already, its insights not yet fed)? */
  get warmPending(): boolean { return this.sent[0]?.warm === true; }

  /** Must the reader wait for a merge before sending more? */
  get full(): boolean { return this.sent.length >= WINDOW; }

  /**
   * Deals a batch out. warm: its packets are in the store already (the
   * service thread decoded them for the first rows): the threads decode
   * them only for their conversations' state, and their rows are dropped.
   */
  send(batch: readonly RawPacket[], warm: boolean, base: number): void {
    const n = batch.length, L = this.lanes.length;
    const owners = new Uint8Array(n);
    const count = new Int32Array(L), bytes = new Float64Array(L);
    for (let i = 0; i < n; i++) {
      const w = this.part.owner(batch[i]);
      owners[i] = w; count[w]++; bytes[w] += batch[i].data.length;
    }
    const builders = this.lanes.map((l) => new BatchBuilder(count[l.index], bytes[l.index]));
    let f = this.first, pv = this.prev;
    for (let i = 0; i < n; i++) {
      const p = batch[i];
      if (p.tsNs !== null && f === null) f = p.tsNs;
      builders[owners[i]].add(p, pv);
      if (p.tsNs !== null) pv = p.tsNs;
    }
    this.first = f; this.prev = pv;
    this.lanes.forEach((l, i) => l.send(builders[i].batch(f)));
    this.sent.push({ batch, owners, warm, base });
  }

  /** Merges the oldest batch once every thread has answered it. */
  async mergeOne(): Promise<void> {
    const s = this.sent[0];
    const results: RowsMsg[] = [];
    for (const l of this.lanes) results.push(await l.next());
    this.sent.shift();
    if (this.closed) return;
    this.merge(s, results);
  }

  private merge(s: Sent, results: RowsMsg[]): void {
    const { store, index, streams } = this.target;
    const { batch, owners } = s;
    const n = batch.length, L = this.lanes.length;
    this.target.feed?.(batch, owners, results.map((r) => r.digest));
    for (let w = 0; w < L; w++) { const m = this.strMap[w]; for (const str of results[w].strings) m.push(store.strings.intern(str)); }
    const first = s.warm ? s.base : store.count;
    const at = new Int32Array(L);
    const pos = results.map((r) => new Uint32Array(r.n));
    for (let k = 0; k < n; k++) {
      const w = owners[k], j = at[w]++, r = results[w];
      pos[w][j] = first + k;
      for (let c = r.newTcp[j]; c > 0; c--) this.tcpMap[w].push(this.tcpNext++);
      for (let c = r.newUdp[j]; c > 0; c--) this.udpMap[w].push(this.udpNext++);
      const v = r.stream[j];
      if (v <= -2 && !this.pairMap[w].has(-2 - v)) {
        // a conversation without tcp.stream: the service's own pair ids, in file order (the first rows' come from the store)
        this.pairMap[w].set(-2 - v, s.warm ? store.stream.get(first + k) : streams.fresh());
      }
    }
    if (s.warm) return;
    const loc = store.locate(batch);
    at.fill(0);
    const infoAt = new Int32Array(L);
    const NN = NUMBER_COLS.length;
    const cols = store.fieldCols;
    for (let k = 0; k < n; k++) {
      const w = owners[k], j = at[w]++, r = results[w], g = this.strMap[w];
      const i = store.appendPacket(batch[k], loc[k]);
      const o = j * SIDS, sids = r.sids;
      store.source.set(i, g[sids[o]]);
      store.destination.set(i, g[sids[o + 1]]);
      store.protocol.set(i, g[sids[o + 2]]);
      for (let c = 0; c < STRING_COLS.length; c++) cols[STRING_COLS[c]].set(i, g[sids[o + 3 + c]]);
      for (let c = 0; c < NN; c++) cols[NUMBER_COLS[c]].set(i, r.nums[j * NN + c]);
      const len = r.infoLen[j];
      store.setInfo(i, r.info.subarray(infoAt[w], infoAt[w] + len));
      infoAt[w] += len;
      store.colour.arr[i] = r.colour[j];
      const v = r.stream[j];
      store.stream.set(i, v >= 0 ? this.tcpMap[w][v] : v === -1 ? -1 : this.pairMap[w].get(-2 - v)!);
    }
    const numbers = new Uint32Array(n);
    for (let k = 0; k < n; k++) numbers[k] = batch[k].number;
    index.appendFragments(numbers, results.map((r, w) => ({ frag: r.index, pos: pos[w] })), (w, name) => {
      const m = name === 'tcp.stream' ? this.tcpMap[w] : name === 'udp.stream' ? this.udpMap[w] : null;
      return m && ((v: number) => m[v] ?? v);
    });
    this.target.merged(first, store.count);
  }

  close(): void {
    this.closed = true;
    for (const l of this.lanes) l.end(true);
  }
}

/**
 * The insights of a file, computed on a thread of their own while the file
 * opens, from the decoding threads' digests (fed in file order by the merge);
 * the last snapshot stays when the thread is done.
 */
export class InsightsLane {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly waiting = new Map<number, (s: InsightsSnapshot | null) => void>();
  /** feeds not yet consumed */
  private inFlight = 0;
  private drained: Array<() => void> = [];
  private first: bigint | null = null;
  last: InsightsSnapshot | null = null;
  done = false;
  failure: string | null = null;
  /** called when the final snapshot arrives */
  onDone: () => void = () => undefined;

  constructor(settings: InsightsSettings, lanes: number) {
    const job: OpenJob = { role: 'insights', colouringRules: [], insights: settings, lanes };
    this.worker = new Worker(join(__dirname, 'open-insights-worker.js'), { workerData: job, stdout: true, stderr: true });
    this.worker.on('message', (m: FromOpenWorker) => {
      if (m.t === 'fail') { this.failure = m.message; this.settle(); return; }
      if (m.t === 'fed') { this.inFlight--; this.wake(); return; }
      if (m.t !== 'insights') return;
      this.last = m.snapshot;
      if (m.final && !this.done) {
        this.done = true;
        this.settle();
        void this.worker.terminate();
        this.onDone();
      }
      this.waiting.get(m.id)?.(m.snapshot);
      this.waiting.delete(m.id);
    });
    this.worker.on('error', (e) => { this.failure = e.message; this.settle(); });
    this.worker.on('exit', () => { if (!this.done && this.failure === null) this.failure = 'the insights thread exited'; this.settle(); });
  }

  private settle(): void {
    for (const r of this.waiting.values()) r(this.last);
    this.waiting.clear();
    this.wake();
  }

  private wake(): void { const ws = this.drained; this.drained = []; for (const w of ws) w(); }

  /** Must merging wait for the insights thread (it holds INSIGHTS_WINDOW batches already)? */
  get behind(): boolean { return this.inFlight >= INSIGHTS_WINDOW && !this.done && this.failure === null; }

  /** Resolves when the insights thread has consumed a batch (or stopped). */
  progress(): Promise<void> {
    if (!this.behind) return Promise.resolve();
    return new Promise((r) => this.drained.push(r));
  }

  /** A merged batch's packets (copied: the store keeps the originals) and their digests. */
  feed(batch: readonly RawPacket[], owners: Uint8Array, digests: InsightsDigest[]): void {
    if (this.done || this.failure !== null) return;
    let bytes = 0;
    for (const p of batch) bytes += p.data.length;
    const b = new BatchBuilder(batch.length, bytes);
    let f = this.first;
    for (const p of batch) { if (f === null && p.tsNs !== null) f = p.tsNs; b.add(p, null); }
    this.first = f;
    const packets = b.batch(f);
    const transfer = transferList(packets);
    for (const g of digests) transfer.push(...digestTransfer(g));
    this.inFlight++;
    this.worker.postMessage({ t: 'feed', packets, owners, digests } satisfies FeedMsg, transfer);
  }

  /** The insights so far (the last snapshot once done or failed). */
  snapshot(): Promise<InsightsSnapshot | null> {
    if (this.done || this.failure !== null) return Promise.resolve(this.last);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.worker.postMessage({ t: 'snapshot', id, final: false } satisfies ToOpenWorker);
    });
  }

  /** Every packet is fed (the load ended after `packets` packets): the insights count no more than those. */
  stopAt(packets: number): void {
    if (this.done || this.failure !== null) return;
    this.worker.postMessage({ t: 'snapshot', id: 0, final: true, stopAt: packets } satisfies ToOpenWorker);
  }

  close(): void {
    this.settle();
    void this.worker.terminate();
  }
}
