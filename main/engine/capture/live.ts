// A running capture: the helper process, its decoded stream, and the queue
// between it and the consumer. See index.ts for the API contract.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { RawPacket } from '../types';
import { captureFilterProblem, normalizeCaptureFilter } from './filter-limit';
import { helperPath } from './helper-path';
import { HelperStreamDecoder, type CaptureStats, type HelloInfo, type Reply } from './protocol';
import type { RecordBatch } from './records';

export interface HelperCaptureOptions {
  /** interface name, as in `xdpscope interfaces` */
  iface: string;
  mode?: 'auto' | 'native' | 'generic';
  /** bytes kept per frame (default: the whole frame) */
  snaplen?: number;
  /** keep 1 in N frames that pass the filter */
  sample?: number;
  /** kernel pre-filter, tcpdump syntax subset (see helper/PROTOCOL.md) */
  filter?: string;
  /** ring buffer size, power of two (default 8 MiB) */
  ringBytes?: number;
  /** which way (tcpdump's -Q words): received, sent, or both (the helper's default) */
  direction?: CaptureDirection;
  /** how egress attaches: tcx (kernel >= 6.6), a clsact filter, or tcx falling back to clsact (default) */
  egressAttach?: 'auto' | 'tcx' | 'clsact';
  /** name each packet's local process (default true; false: `--no-proc`, nothing loaded for it) */
  proc?: boolean;
  /** RawPacket.interfaceId to stamp on packets (default 0) */
  interfaceId?: number;
  /** helper binary (default: helperPath()) */
  helper?: string;
  /** run the helper through this prefix, e.g. ['ip', 'netns', 'exec', 'ns1'] */
  wrapper?: string[];
  /** pause reading the helper when this many packets wait for the consumer (default 50000) */
  highWaterPackets?: number;
  /** ... or when their captured bytes reach this (default 64 MiB) */
  highWaterBytes?: number;
  /** how long a control command (filter, sample, pause, resume) waits for the helper's reply (default 5000 ms) */
  commandTimeoutMs?: number;
}

export type CaptureDirection = 'in' | 'out' | 'inout';

/** One entry of the helper's block list. */
export interface HelperBlock {
  /** canonical ADDR/LEN */
  prefix: string;
  remainingSec: number;
  /** frames and bytes it dropped */
  packets: number;
  bytes: number;
}

export interface CaptureExit {
  /** helper exit code (0 = clean stop), null if killed by a signal */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** last stats received (final === true after a clean stop) */
  stats: CaptureStats | null;
  /** the helper's error line when code !== 0 */
  message?: string;
}

/** The helper's exit codes (helper/PROTOCOL.md, helper/common.h). */
export const HELPER_EXIT = { OK: 0, RUNTIME: 1, USAGE: 2, PRIVILEGE: 3, NO_IFACE: 4, BUSY: 5, ATTACH: 6, FILTER: 7 } as const;

/** A helper failure: message is the helper's one line, code its exit code (helper/PROTOCOL.md). */
export class CaptureError extends Error {
  constructor(message: string, readonly code: number | null) {
    super(message);
    this.name = 'CaptureError';
  }
}

/**
 * Refuse, before any process starts, a filter the helper would refuse for
 * its length or bytes: the same error (exit code FILTER) the helper gives.
 */
function checkFilterText(text: string): void {
  const problem = captureFilterProblem(text);
  if (problem) throw new CaptureError(problem, HELPER_EXIT.FILTER);
}

export function helperArgs(o: HelperCaptureOptions): string[] {
  const args = ['capture', '--iface', o.iface];
  if (o.mode) args.push('--mode', o.mode);
  if (o.snaplen !== undefined) args.push('--snaplen', String(o.snaplen));
  if (o.sample !== undefined) args.push('--sample', String(o.sample));
  if (o.filter !== undefined && o.filter.trim() !== '') args.push('--filter', normalizeCaptureFilter(o.filter));
  if (o.ringBytes !== undefined) args.push('--ring-bytes', String(o.ringBytes));
  if (o.direction !== undefined) args.push('--direction', o.direction);
  if (o.egressAttach !== undefined) args.push('--egress-attach', o.egressAttach);
  if (o.proc === false) args.push('--no-proc');
  return args;
}

/** the longest a stopping helper may go on draining its ring before it is killed */
const STOP_DRAIN_MAX_MS = 60_000;

export class HelperCapture extends EventEmitter implements AsyncIterable<RawPacket[]> {
  hello: HelloInfo | null = null;
  stats: CaptureStats | null = null;
  exitInfo: CaptureExit | null = null;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly decoder: HelperStreamDecoder;
  private readonly queue: RecordBatch[] = [];
  private queued = 0;
  private queuedBytes = 0;
  private readonly high: number;
  private readonly highBytes: number;
  private readPaused = false;
  /** stop() was called: read everything the helper drains (see stop) */
  private stopping = false;
  /** the consumer is behind: the queue reached its high-water mark and the helper's output is not read */
  get readingPaused(): boolean { return this.readPaused; }
  private waiter: (() => void) | null = null;
  private readonly replies: Array<{ line: string; resolve: (message: string) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }> = [];
  private readonly commandTimeoutMs: number;
  private stderrTail = '';
  private failure: CaptureError | null = null;
  private readonly exited: Promise<CaptureExit>;

  constructor(opts: HelperCaptureOptions) {
    super();
    this.high = opts.highWaterPackets ?? 50_000;
    this.highBytes = opts.highWaterBytes ?? 64 << 20;
    this.commandTimeoutMs = opts.commandTimeoutMs ?? 5000;
    if (opts.filter !== undefined) checkFilterText(opts.filter);
    const bin = opts.helper ?? helperPath();
    const argv = [...(opts.wrapper ?? []), bin, ...helperArgs(opts)];
    this.child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    this.decoder = new HelperStreamDecoder({
      hello: (h) => { this.hello = h; this.emit('hello', h); },
      packets: (b) => this.enqueue(b),
      stats: (s) => { this.stats = s; this.emit('stats', s); },
      reply: (r) => this.onReply(r),
    }, opts.interfaceId ?? 0);
    this.child.stdout.on('data', (chunk: Buffer) => {
      try {
        this.decoder.push(chunk);
      } catch (e) {
        this.fail(new CaptureError((e as Error).message, null));
        this.child.kill('SIGTERM');
      }
    });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (s: string) => {
      // Keep only the tail: the helper says what went wrong in its last line.
      this.stderrTail = (this.stderrTail + s).slice(-4096);
    });
    // Writing to a helper that already exited must not crash us.
    this.child.stdin.on('error', () => {});
    this.exited = new Promise((resolve) => {
      this.child.on('error', (e) => {
        this.fail(new CaptureError(`cannot run the capture helper ${bin}: ${e.message}`, null));
        const info: CaptureExit = { code: null, signal: null, stats: this.stats, message: e.message };
        this.finish(info);
        resolve(info);
      });
      this.child.on('close', (code, signal) => {
        const line = this.stderrTail.trim().split('\n').pop()?.replace(/^xdpscope-helper: /, '') ?? '';
        const info: CaptureExit = { code, signal, stats: this.stats };
        if (code !== 0) {
          info.message = line || (signal ? `capture helper killed by ${signal}` : `capture helper exited with code ${code}`);
          this.fail(new CaptureError(info.message, code));
        }
        // A failure of ours (a corrupt stream, an unanswered command) is the capture's end too.
        if (this.failure && !this.failure.code) info.message = this.failure.message;
        this.finish(info);
        resolve(info);
      });
    });
  }

  /** Resolves when the helper has exited. */
  get done(): Promise<CaptureExit> {
    return this.exited;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  setFilter(expr: string): Promise<void> {
    try { checkFilterText(expr); } catch (e) { return Promise.reject(e); }
    return this.command(`filter ${normalizeCaptureFilter(expr)}`).then(() => undefined);
  }

  setSample(n: number): Promise<void> {
    return this.command(`sample ${n}`).then(() => undefined);
  }

  pause(): Promise<void> {
    return this.command('pause').then(() => undefined);
  }

  resume(): Promise<void> {
    return this.command('resume').then(() => undefined);
  }

  /**
   * Drop received frames from `prefix` (an address or ADDR/LEN) for ttlSec
   * seconds (helper/PROTOCOL.md). Rejects with the helper's reason: a
   * protected address (its own, loopback, the gateway...), a full list, a
   * capture that cannot drop. Resolves with the canonical prefix.
   */
  block(prefix: string, ttlSec: number): Promise<string> {
    if (!/^[0-9A-Fa-f.:/]{1,64}$/.test(prefix)) return Promise.reject(new CaptureError(`block: '${prefix.slice(0, 80)}' is not an address`, null));
    return this.command(`block ${prefix} ${Math.floor(ttlSec)}`).then((m) => m.split(' ')[1]);
  }

  unblock(prefix: string): Promise<string> {
    if (!/^[0-9A-Fa-f.:/]{1,64}$/.test(prefix)) return Promise.reject(new CaptureError(`unblock: '${prefix.slice(0, 80)}' is not an address`, null));
    return this.command(`unblock ${prefix}`).then((m) => m.split(' ')[1]);
  }

  /** The helper's block list: each prefix, seconds left, frames and bytes dropped. */
  async blocks(): Promise<HelperBlock[]> {
    const out: HelperBlock[] = [];
    // paged: a reply holds ~15 entries, the list up to 1024
    for (let from = 0, pages = 0; pages < 200; pages++) {
      const words = (await this.command(`blocks ${from}`)).trim().split(' ');
      let i = 1;
      for (; i + 3 < words.length && !words[i].startsWith('more='); i += 4) {
        out.push({ prefix: words[i], remainingSec: Number(words[i + 1]), packets: Number(words[i + 2]), bytes: Number(words[i + 3]) });
      }
      const more = words[i]?.startsWith('more=') ? Number(words[i].slice(5)) : NaN;
      if (!Number.isFinite(more) || more <= from) break;
      from = more;
    }
    return out;
  }

  /**
   * Ask the helper to detach, drain and exit; SIGTERM, then SIGKILL, if it
   * falls silent for `timeoutMs` (or drains for longer than STOP_DRAIN_MAX_MS).
   */
  async stop(timeoutMs = 5000): Promise<CaptureExit> {
    if (!this.exitInfo) {
      this.stopping = true;
      this.child.stdin.write('stop\n');
      this.child.stdin.end();
      // The consumer may have stopped reading: the drain still needs the pipe
      // emptied, and the helper's final counters come after the last record.
      // Reading on costs at most what the kernel ring holds (the helper has
      // detached), where pausing again would let the timeout kill the helper
      // with records and counters unsent.
      this.resumeReading();
      // A helper still sending is draining, not hung: on a loaded machine a
      // full ring takes longer than the timeout to reach a slow engine, and
      // killing it then lost the records and the final counters (bench/uilive).
      // Only silence, or a drain past the cap, ends it by signal.
      let last = Date.now();
      const progress = (): void => { last = Date.now(); };
      this.child.stdout.on('data', progress);
      const cap = Date.now() + Math.max(STOP_DRAIN_MAX_MS, timeoutMs);
      const pending: { timer: NodeJS.Timeout | null } = { timer: null };
      const watch = (settled: boolean): void => {
        const now = Date.now();
        if (now - last < timeoutMs && now < cap) { pending.timer = setTimeout(watch, Math.min(timeoutMs - (now - last), cap - now), false); return; }
        // timers run before pending I/O: after a stalled loop, let the output that waits be read before judging silence
        if (!settled) { setImmediate(watch, true); return; }
        if (this.exitInfo) return;
        this.child.kill('SIGTERM');
        pending.timer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
      };
      pending.timer = setTimeout(watch, timeoutMs, false);
      try { await this.exited; } finally { if (pending.timer) clearTimeout(pending.timer); this.child.stdout.off('data', progress); }
    }
    return this.exitInfo!;
  }

  /** Batches of RawPackets until the helper exits. Leaving the loop early (break, throw) stops the capture. */
  [Symbol.asyncIterator](): AsyncIterator<RawPacket[]> {
    return this.drain((b) => b.packets());
  }

  /**
   * The same batches as records in the buffer they arrived in, with no
   * object per packet (what `capture -w` writes from). Iterate either this
   * or the capture itself, not both.
   */
  records(): AsyncIterable<RecordBatch> {
    return { [Symbol.asyncIterator]: () => this.drain((b) => b) };
  }

  private async *drain<T>(as: (b: RecordBatch) => T): AsyncGenerator<T> {
    let finished = false;
    try {
      for (;;) {
        const b = this.queue.shift();
        if (b) {
          this.queued -= b.count;
          this.queuedBytes -= b.queuedBytes;
          if (this.readPaused && this.queued < this.high / 2 && this.queuedBytes < this.highBytes / 2) this.resumeReading();
          yield as(b);
          continue;
        }
        if (this.exitInfo) {
          finished = true;
          if (this.failure) throw this.failure;
          return;
        }
        await new Promise<void>((r) => { this.waiter = r; });
      }
    } finally {
      if (!finished && !this.exitInfo) void this.stop();
    }
  }

  private enqueue(b: RecordBatch): void {
    this.queue.push(b);
    this.queued += b.count;
    this.queuedBytes += b.queuedBytes;
    // Backpressure: stop reading; the helper stops draining its ring and
    // the kernel counts the overflow as ring drops.
    if (!this.readPaused && !this.stopping && (this.queued >= this.high || this.queuedBytes >= this.highBytes) && !this.exitInfo) {
      this.readPaused = true;
      this.child.stdout.pause();
    }
    this.wake();
  }

  private resumeReading(): void {
    if (this.readPaused) {
      this.readPaused = false;
      this.child.stdout.resume();
    }
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  /**
   * Send one control line; its reply comes in stream order. A helper that
   * does not answer in time is broken or hung, and later replies could no
   * longer be paired with their commands: the command fails, and so does
   * the capture (stopped, with that message).
   */
  private command(line: string): Promise<string> {
    if (this.exitInfo) return Promise.reject(new CaptureError('capture has ended', this.exitInfo.code));
    return new Promise((resolve, reject) => {
      const word = line.split(' ', 1)[0];
      const expire = (): void => {
        // Our own backpressure holds the stream (and the reply in it): that wait is not the helper's.
        if (this.readPaused) { entry.timer = setTimeout(expire, this.commandTimeoutMs); return; }
        const err = new CaptureError(`the capture helper did not answer '${word}' within ${this.commandTimeoutMs} ms; stopping the capture`, null);
        this.fail(err);
        for (const p of this.replies.splice(0)) { clearTimeout(p.timer); p.reject(err); }
        void this.stop();
      };
      const entry = { line: word, resolve, reject, timer: setTimeout(expire, this.commandTimeoutMs) };
      this.replies.push(entry);
      this.child.stdin.write(line + '\n');
    });
  }

  private onReply(r: Reply): void {
    const p = this.replies.shift();
    if (!p) return;
    clearTimeout(p.timer);
    if (r.ok) p.resolve(r.message);
    else p.reject(new CaptureError(r.message, null));
  }

  private fail(e: CaptureError): void {
    if (this.failure) return;
    this.failure = e;
    if (this.listenerCount('error') > 0) this.emit('error', e);
  }

  private finish(info: CaptureExit): void {
    if (this.exitInfo) return;
    this.exitInfo = info;
    for (const p of this.replies.splice(0)) { clearTimeout(p.timer); p.reject(new CaptureError(`capture ended before the helper answered '${p.line}'`, info.code)); }
    this.emit('exit', info);
    this.wake();
  }
}

export function startCapture(opts: HelperCaptureOptions): HelperCapture {
  return new HelperCapture(opts);
}
