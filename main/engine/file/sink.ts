// Where the capture writers put their bytes. Writers hand over whole blocks
// only, so whatever reached a sink is a valid file up to its last block.
import { closeSync, fsyncSync, writeSync } from 'node:fs';
import { createPrivateFile, createPrivateFileReplacing } from './private';

export interface ByteSink {
  write(bytes: Uint8Array): void;
  /** make written bytes durable (fsync) */
  sync?(): void;
  close(): void;
}

/**
 * Synchronous file sink: writes land in the file before write() returns.
 * The file is created private (0600, never through a link; file/private.ts):
 * 'w' replaces a regular file of that name as dumpcap -w does, 'wx' fails
 * when the name exists; `{ fd }` adopts a file already created that way.
 */
export class FileSink implements ByteSink {
  private fd: number | null;
  constructor(readonly path: string, how: 'w' | 'wx' | { fd: number } = 'w') {
    this.fd = typeof how === 'object' ? how.fd : how === 'wx' ? createPrivateFile(path) : createPrivateFileReplacing(path);
  }
  write(bytes: Uint8Array): void {
    if (this.fd === null) throw new Error(`${this.path}: write after close`);
    let off = 0;
    while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off);
  }
  sync(): void {
    if (this.fd !== null) fsyncSync(this.fd);
  }
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** Blocking writes to an fd Node may have made non-blocking (stdout as a pipe or socket). */
export class FdSink implements ByteSink {
  private readonly pause = new Int32Array(new SharedArrayBuffer(4));
  constructor(private readonly fd: number) {}
  write(bytes: Uint8Array): void {
    let off = 0;
    while (off < bytes.length) {
      try {
        off += writeSync(this.fd, bytes, off, bytes.length - off);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        Atomics.wait(this.pause, 0, 0, 1);
      }
    }
  }
  close(): void {}
}

/** Collects everything in memory (tests, small exports). */
export class MemorySink implements ByteSink {
  private parts: Buffer[] = [];
  write(bytes: Uint8Array): void {
    this.parts.push(Buffer.from(bytes));
  }
  close(): void {}
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/**
 * A growable byte buffer the writers assemble blocks in, little-endian
 * (pcapng sections and pcap files we write are little-endian).
 */
export class BlockBuffer {
  buf: Buffer;
  len = 0;
  constructor(initial = 1 << 20) {
    this.buf = Buffer.allocUnsafe(initial);
  }
  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
  u8(v: number): void { this.ensure(1); this.buf[this.len++] = v; }
  u16(v: number): void { this.ensure(2); this.buf.writeUInt16LE(v, this.len); this.len += 2; }
  u32(v: number): void { this.ensure(4); this.buf.writeUInt32LE(v >>> 0, this.len); this.len += 4; }
  i32(v: number): void { this.ensure(4); this.buf.writeInt32LE(v, this.len); this.len += 4; }
  u64(v: bigint): void { this.ensure(8); this.buf.writeBigUInt64LE(BigInt.asUintN(64, v), this.len); this.len += 8; }
  bytes(b: Uint8Array): void { this.ensure(b.length); this.buf.set(b, this.len); this.len += b.length; }
  pad4(): void { while (this.len & 3) this.u8(0); }
  patchU32(at: number, v: number): void { this.buf.writeUInt32LE(v >>> 0, at); }
  take(): Buffer { return this.buf.subarray(0, this.len); }
  reset(): void { this.len = 0; }
}

/**
 * What the pcap and pcapng writers share: records are assembled whole in a
 * BlockBuffer and handed to the sink once `bufferBytes` are pending or on
 * flush(), so after flush() the file is valid up to its last record.
 */
export abstract class BufferedRecordWriter {
  protected readonly out: BlockBuffer;
  protected readonly bufferBytes: number;
  protected closed = false;
  /** bytes handed to the sink so far */
  bytesWritten = 0;
  packetsWritten = 0;
  /** bytes assembled but not yet handed to the sink (the file's size is bytesWritten + pendingBytes) */
  get pendingBytes(): number {
    return this.out.len;
  }

  /** `what` names the writer in errors ("pcap writer") */
  constructor(protected readonly sink: ByteSink, bufferBytes: number | undefined, private readonly what: string) {
    this.bufferBytes = bufferBytes ?? 1 << 20;
    this.out = new BlockBuffer(Math.min(this.bufferBytes + 65536, 1 << 22));
  }

  /** Hands every complete record to the sink; with fsync, also makes it durable. */
  flush(opts: { fsync?: boolean } = {}): void {
    if (this.out.len > 0) {
      this.sink.write(this.out.take());
      this.bytesWritten += this.out.len;
      this.out.reset();
    }
    if (opts.fsync) this.sink.sync?.();
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.sink.close();
  }

  protected live(): void {
    if (this.closed) throw new Error(`${this.what}: used after close()`);
  }
}
