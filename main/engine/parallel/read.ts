// `read -T fields` and `-T text` on several cores. This thread reads the file, deals each
// packet to the decoding thread that owns its IP host pair (partition.ts),
// and merges the lines they send back into file order; the threads
// (worker.ts) dissect and format. The output is byte for byte what
// one thread prints, as long as no requested field depends on packets of
// other conversations: tcp.stream and udp.stream count conversations in the
// order the whole file shows them, and frame.time_delta_displayed looks at
// the last packet displayed, which no single thread sees — a read that needs
// them stays on one thread.
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import type { CaptureFile } from '../file/open';
import type { BufferedWriter } from '../output/writer';
import { Partitioner } from './partition';
import { LineMaker } from './lines';
import { GrowingSink } from '../output/writer';
import { timePrecisionOf } from '../output/text';
import type { GeoIp } from '../enrich/geoip';
import { BatchBuilder as Builder } from './batch';
import { WorkerLane, idleCoreThreads, type LaneMessage } from './lane';
import type { ReadJob, FromWorker } from './protocol';

/** fields whose values depend on every conversation before them in the file (or on which of their packets were displayed) */
export const ORDER_FIELDS: ReadonlySet<string> = new Set(['tcp.stream', 'udp.stream', 'frame.time_delta_displayed']);

/** batches a worker thread may fall behind before reading waits for it (bounds memory) */
const WINDOW = 4;

/**
 * How many threads decode a read (the reading thread is one of them):
 * XDPSCOPE_READ_THREADS when set, else idleCoreThreads (at least 1), the
 * rule the service's open pool follows too.
 */
export function readThreads(fileBytes: number, names: readonly string[], load = loadavg()[0]): number {
  if (names.some((n) => ORDER_FIELDS.has(n))) return 1;
  const env = process.env.XDPSCOPE_READ_THREADS;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (Number.isInteger(n) && n >= 1 && n <= 16) return n;
  }
  return Math.max(1, idleCoreThreads(fileBytes, load));
}

interface Lines { lens: Int32Array; buf: Uint8Array }

/** A thread's answer to a batch: its lines. */
const readLines = (m: FromWorker): LaneMessage<Lines> => (m.t === 'lines' ? { answer: { lens: m.lens, buf: m.buf } } : { failure: m.message });

export interface ParallelResult {
  /** -c was reached, or the reader of our output went away: the rest of the file was not read */
  stopped: boolean;
}

/** the reading thread's share of the packets: it also reads, deals out and merges */
const READER_SHARE = 0.7;

/**
 * Reads `file` with `threads` decoding threads — this one and threads-1
 * worker threads — writing the lines in file order to out; at most `limit`
 * packets (-c). Damage is left in file.error, as a one-thread read leaves it.
 */
export async function readParallel(file: CaptureFile, job: ReadJob, geoip: GeoIp | null | undefined, threads: number, limit: number, out: BufferedWriter): Promise<ParallelResult> {
  const script = join(__dirname, 'worker.js');
  // stdout/stderr: true keeps Node from opening our fd 1 for the threads (that would make a pipe non-blocking under the bulk writer)
  const lanes = Array.from({ length: threads - 1 }, (_, i) => new WorkerLane(new Worker(script, { workerData: job, stdout: true, stderr: true }), i + 1, readLines));
  const local = new LineMaker(job, geoip);
  // -T text's Time digits per interface, as one thread prints them (timePrecisionOf reads the interfaces live)
  local.precision = timePrecisionOf(file);
  const part = new Partitioner([READER_SHARE, ...lanes.map(() => 1)]);
  // batches whose lines are not all in yet: which thread owns each packet, and this thread's own lines
  const waiting: Array<{ owners: Uint8Array; mine: Lines }> = [];
  let seen = 0;
  let stopped = false;
  let first: bigint | null = null, prev: bigint | null = null;
  let sinkSize = 1 << 16;

  /** Writes the oldest waiting batch once every thread has answered it. */
  const merge = async (): Promise<void> => {
    const b = waiting.shift() as { owners: Uint8Array; mine: Lines };
    const results: Lines[] = [b.mine];
    for (const l of lanes) results.push(await l.next());
    const owners = b.owners;
    const at = new Int32Array(threads), off = new Int32Array(threads);
    // consecutive lines of one thread lie back to back in its buffer: copied as one run
    let run = -1, runStart = 0, runEnd = 0;
    for (let i = 0; i < owners.length; i++) {
      const w = owners[i];
      const len = results[w].lens[at[w]++];
      if (len === 0) continue;
      if (w !== run || off[w] !== runEnd) {
        if (run >= 0) copy(out, results[run].buf, runStart, runEnd);
        run = w; runStart = off[w];
      }
      off[w] += len;
      runEnd = off[w];
    }
    if (run >= 0) copy(out, results[run].buf, runStart, runEnd);
  };

  try {
    for await (const batch of file.batches()) {
      // -c: tshark stops at the count, and then says nothing of damage further on
      if (seen >= limit) { stopped = true; break; }
      const n = Math.min(batch.length, limit - seen);
      const owners = new Uint8Array(n);
      const count = new Int32Array(threads), bytes = new Float64Array(threads);
      for (let i = 0; i < n; i++) {
        const w = part.owner(batch[i]);
        owners[i] = w; count[w]++; bytes[w] += batch[i].data.length;
      }
      // the worker threads' packets go first, so they decode while this thread does its own
      const builders = lanes.map((l) => new Builder(count[l.index], bytes[l.index]));
      let f = first, pv = prev;
      for (let i = 0; i < n; i++) {
        const p = batch[i], w = owners[i];
        if (w > 0) builders[w - 1].add(p, pv);
        if (p.tsNs !== null) { if (f === null) f = p.tsNs; pv = p.tsNs; }
      }
      const units = file.pcapHeader === undefined ? file.interfaces.map((x) => x.tsUnitNs ?? null) : undefined;
      lanes.forEach((l, i) => l.send(builders[i].batch(f, units)));
      const sink = new GrowingSink(sinkSize);
      const lens = new Int32Array(count[0]);
      for (let i = 0, k = 0; i < n; i++) {
        const p = batch[i];
        if (p.tsNs !== null && first === null) first = p.tsNs;
        if (owners[i] === 0) lens[k++] = local.line(p, first, prev, sink);
        if (p.tsNs !== null) prev = p.tsNs;
      }
      sinkSize = Math.max(sinkSize, sink.pos);
      waiting.push({ owners, mine: { lens, buf: sink.buf } });
      seen += n;
      // merge what is ready; wait only when a thread has fallen WINDOW batches behind
      while (waiting.length > 0 && (lanes.every((l) => l.ready()) || waiting.length >= WINDOW)) await merge();
      await out.maybeFlush();
      if (out.closed) { stopped = true; break; }
      if (n < batch.length) { stopped = true; break; }
    }
    while (waiting.length > 0 && !out.closed) await merge();
  } finally {
    for (const l of lanes) l.end(true);
  }
  return { stopped };
}

function copy(out: BufferedWriter, buf: Uint8Array, start: number, end: number): void {
  const n = end - start;
  const dst = out.room(n);
  dst.set(buf.subarray(start, end), out.pos);
  out.pos += n;
}
