// Buffered output: lines are gathered into large chunks and written with
// back-pressure, instead of one write per line (the -T fields hot path).
import { once } from 'node:events';
import type { Writable } from 'node:stream';

const CHUNK = 256 * 1024;

export class BufferedWriter {
  private buf = '';
  constructor(private readonly out: Writable = process.stdout) {}

  write(s: string): void {
    this.buf += s;
  }

  /** Writes the buffer once it is large; call between batches. */
  async maybeFlush(): Promise<void> {
    if (this.buf.length >= CHUNK) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.buf) return;
    const chunk = this.buf;
    this.buf = '';
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }

  /** Flushes and waits until the stream has taken every byte. */
  async end(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve) => this.out.write('', () => resolve()));
  }
}
