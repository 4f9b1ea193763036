// Buffered output: lines are gathered into large chunks and written with
// back-pressure, instead of one write per line (the -T fields hot path).
import { createWriteStream, fstatSync, write as fsWrite } from 'node:fs';
import { Writable } from 'node:stream';

const CHUNK = 1 << 20;

/**
 * Standard output for bulk text. Node writes to a pipe or file on fd 1
 * synchronously, so the decoder would stop for every write; a write stream
 * on the same fd writes from libuv's thread pool instead, while the next
 * batch is being decoded. A terminal keeps process.stdout.
 */
export function bulkStdout(): Writable {
  let kind = 'other';
  try {
    const st = fstatSync(1);
    if (st.isFIFO()) kind = 'pipe';
    else if (st.isFile()) kind = 'file';
  } catch { /* no fd 1: process.stdout reports it */ }
  if (kind === 'other') return process.stdout;
  // a few chunks may be queued before write() asks us to wait for 'drain'
  if (kind === 'pipe') return new PipeOut(1, 4 * CHUNK);
  return createWriteStream('', { fd: 1, autoClose: false, highWaterMark: 4 * CHUNK });
}

/**
 * A pipe on fd 1, written from the thread pool. The pipe's open file may be
 * (or become) non-blocking behind our back: with `2>&1` it is also fd 2, and
 * the first module to touch process.stderr (node:assert does, for its
 * colours) puts fd 2 in libuv's non-blocking mode. A slow reader then makes
 * write() fail with EAGAIN, which an fs write stream turns into a fatal
 * error after a few retries, losing the rest of the output. On EAGAIN this
 * stream hands everything from that byte on to process.stdout, whose libuv
 * pipe waits for the reader.
 */
export class PipeOut extends Writable {
  private viaStdout = false;
  constructor(private readonly fd: number, highWaterMark: number) {
    super({ highWaterMark });
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.writeFrom(chunk, 0, cb);
  }

  private writeFrom(chunk: Buffer, at: number, cb: (e?: Error | null) => void): void {
    if (this.viaStdout) {
      process.stdout.write(at === 0 ? chunk : chunk.subarray(at), (e) => cb(e ?? null));
      return;
    }
    fsWrite(this.fd, chunk, at, chunk.length - at, null, (e, n) => {
      if (e !== null) {
        if (e.code !== 'EAGAIN') { cb(e); return; }
        this.viaStdout = true;
        // its errors (EPIPE) reach us through the write callback; unhandled, they would also be thrown
        process.stdout.on('error', () => { /* reported by cb */ });
        this.writeFrom(chunk, at, cb);
        return;
      }
      // a non-blocking pipe takes what fits
      if (at + n < chunk.length) this.writeFrom(chunk, at + n, cb);
      else cb(null);
    });
  }
}

/** Where byte formatters write: bytes go to buf[pos..] after room(n) made space for n of them. */
export interface OutputBuffer {
  buf: Buffer;
  pos: number;
  room(n: number): Buffer;
}

/**
 * One growing buffer (a batch of output lines handed to another thread in
 * one piece); room() copies into a larger buffer when it runs out.
 */
export class GrowingSink implements OutputBuffer {
  buf: Buffer;
  pos = 0;
  constructor(size = CHUNK) {
    // not from Node's shared pool: the whole ArrayBuffer may be transferred
    this.buf = Buffer.from(new ArrayBuffer(size));
  }

  write(s: string): void {
    // utf8 needs at most 3 bytes per UTF-16 unit
    this.room(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  room(n: number): Buffer {
    if (this.pos + n > this.buf.length) {
      const next = Buffer.from(new ArrayBuffer(Math.max(this.buf.length * 2, this.pos + n)));
      this.buf.copy(next, 0, 0, this.pos);
      this.buf = next;
    }
    return this.buf;
  }
}

export class BufferedWriter implements OutputBuffer {
  // text goes straight into a byte buffer: joining many small strings (or
  // appending to one) costs more in flattening and garbage than the encoding
  /** the chunk being filled: formatters may write bytes at buf[pos..] after room() */
  buf = Buffer.allocUnsafe(CHUNK);
  pos = 0;
  /** set when the reader went away (EPIPE, e.g. `| head`): further output is dropped */
  closed = false;
  constructor(private readonly out: Writable = process.stdout) {
    out.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') this.closed = true;
      else throw e;
    });
  }

  write(s: string): void {
    // utf8 needs at most 3 bytes per UTF-16 unit
    this.room(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** Makes room for n more bytes at buf[pos] (direct byte writers: the -T fields hot path). */
  room(n: number): Buffer {
    if (this.pos + n > this.buf.length) {
      this.pending.push(this.buf.subarray(0, this.pos));
      this.buf = Buffer.allocUnsafe(Math.max(CHUNK, n));
      this.pos = 0;
    }
    return this.buf;
  }

  private pending: Buffer[] = [];

  /** Writes what is buffered once it is large; call between batches. */
  async maybeFlush(): Promise<void> {
    if (this.pending.length > 0) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pos > 0) {
      this.pending.push(this.buf.subarray(0, this.pos));
      this.buf = Buffer.allocUnsafe(CHUNK);
      this.pos = 0;
    }
    const chunks = this.pending;
    this.pending = [];
    for (const c of chunks) {
      if (this.closed) return;
      if (!this.out.write(c)) await this.drained();
    }
  }

  /** Waits for 'drain' (or an error); removes both listeners after, so none pile up over a long run. */
  private drained(): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        this.out.off('drain', done);
        this.out.off('error', done);
        resolve();
      };
      this.out.on('drain', done);
      this.out.on('error', done);
    });
  }

  /** Flushes and waits until the stream has taken every byte. */
  async end(): Promise<void> {
    await this.flush();
    if (this.closed) return;
    await new Promise<void>((resolve) => this.out.write('', () => resolve()));
  }
}
