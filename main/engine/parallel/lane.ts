// One decoding thread seen from the thread that feeds it (parallel `read`,
// the service's pooled open): packet batches go out, answers come back in
// the order sent. The thread's failure (its own report, an uncaught error,
// an exit before end()) is thrown, with the thread's number, by the next
// send() or next(), so the feeder stops at the first one.
import type { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { transferList } from './batch';
import type { PacketBatch } from './protocol';

/** smaller files are over before a decoding thread has loaded its code */
const MIN_BYTES = 16 << 20;

/**
 * Decoding threads for a file when nobody chose a number (parallel read,
 * the pooled open): one per core, at most 4, for a file of at least 16 MiB
 * on a machine with two or more cores and one of them idle (load average at
 * most cores - 1); else 0. A pool costs CPU one thread does not spend
 * (start-up, the copy to the threads, the merge: bench/RESULTS.md): with
 * every core busy that is all it adds.
 */
export function idleCoreThreads(fileBytes: number, load: number): number {
  const cores = availableParallelism();
  return fileBytes < MIN_BYTES || cores < 2 || load > cores - 1 ? 0 : Math.min(4, cores);
}

/** What a thread's message means: an answer, a failure (its text), or neither (undefined: not for the lane). */
export type LaneMessage<A> = { answer: A } | { failure: string } | undefined;

export class WorkerLane<A, M = unknown> {
  private readonly answers: A[] = [];
  failure: string | null = null;
  /** next() waiting for an answer (or a failure) */
  private waiters: Array<() => void> = [];
  private ended = false;

  constructor(readonly worker: Worker, readonly index: number, read: (m: M) => LaneMessage<A>) {
    worker.on('message', (m: M) => {
      const r = read(m);
      if (r === undefined) return;
      if ('answer' in r) this.answers.push(r.answer);
      else this.failure = r.failure;
      this.notify();
    });
    worker.on('error', (e) => { this.failure = e.stack ?? e.message; this.notify(); });
    worker.on('exit', (code) => {
      if (!this.ended && this.failure === null) this.failure = `exited (code ${code}) before its last batch`;
      this.notify();
    });
  }

  private notify(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }

  check(): void {
    if (this.failure !== null) throw new Error(`decoding thread ${this.index + 1}: ${this.failure}`);
  }

  /** A batch of packets, its buffers transferred (not copied) to the thread. */
  send(b: PacketBatch): void {
    this.check();
    this.worker.postMessage(b, transferList(b));
  }

  /** Has the thread answered the oldest batch not yet taken? */
  ready(): boolean {
    return this.answers.length > 0;
  }

  /** The answer to the oldest batch not yet taken. */
  async next(): Promise<A> {
    for (;;) {
      this.check();
      const r = this.answers.shift();
      if (r !== undefined) return r;
      await new Promise<void>((res) => { this.waiters.push(res); });
    }
  }

  /** No more batches: the thread finishes what it has and exits; `terminate` does not wait for it. */
  end(terminate = false): void {
    this.ended = true;
    this.worker.postMessage({ t: 'end' });
    if (terminate) void this.worker.terminate();
  }
}
