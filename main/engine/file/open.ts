// Reading capture files: pcap or pcapng, plain or gzip-compressed
// (detected by the 1f 8b magic, not the name), streamed with bounded memory.
//
//   const f = await openCaptureFile('x.pcapng.gz');   // rejects with CaptureFileError if not a capture
//   for await (const batch of f.batches()) for (const p of batch) use(p);
//   if (f.error) console.error(f.error.message);      // damage: every packet before it was yielded
//
// The file is read in chunks (1 MiB by default) and packets come in batches
// (RawPacket[]). RawPacket.data is a plain Uint8Array VIEW (not a Buffer) of the chunk buffer: each
// chunk is a fresh buffer, so a view stays valid as long as it is referenced,
// but keeping one packet keeps its whole chunk alive: copy data
// (Uint8Array.prototype.slice) to keep packets for long. After
// recycleChunks() (a caller that keeps nothing: `read` on one thread) spent
// chunks are read into again, and a batch is valid only until the next one
// is asked for. interfaces,
// sections, nameResolution, customBlocks and stats grow while reading, up
// to a fixed budget (file/budget.ts: metaNotice says what was dropped).
//
// parseCaptureBuffer(buf) parses a whole in-memory file synchronously with
// the same record parsers.
import { constants as fsc } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { createGunzip, type Gunzip } from 'node:zlib';
import type { RawPacket } from '../types';
import { CaptureFileError, NotAFileError, specialKind } from './errors';
import { isGzip, parserFor } from './parser';
import { metaNotice } from './budget';
import type {
  CaptureFileInterface, CaptureFormat, CaptureMeta, CaptureSection, CustomBlock, DecryptionSecret,
  InterfaceStatistics, NameResolutionEntry, PcapHeader, RecordParser,
} from './types';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';

/** 1 MiB: big enough for few reads, small enough that spent chunks are collected early. */
const DEFAULT_CHUNK = 1 << 20;

export interface OpenOptions {
  /** bytes read per chunk (default 1 MiB) */
  chunkSize?: number;
  /** most packets per batch (default 8192: small batches die young, which keeps GC cheap) */
  maxBatch?: number;
}

/** Where the (decompressed) bytes come from. */
interface ByteSource {
  read(into: Buffer, off: number, len: number): Promise<number>;
  /**
   * The next bytes as a chunk of their own with `tail` copied in front,
   * when a finished read-ahead holds them (the bytes read are not copied
   * again); null when there is none: read() then serves.
   */
  chunkAfter?(tail: Uint8Array): Promise<Buffer | null>;
  /** bytes taken from the file on disk so far */
  readonly rawBytes: number;
  close(): Promise<void>;
}

/**
 * Bytes of a plain file, with one read kept in flight ahead of the parser:
 * while a chunk is being parsed and dissected the next one is already being
 * read on libuv's thread pool, so the parser does not sit idle on the disk.
 */
class FileSource implements ByteSource {
  rawBytes = 0;
  /** reads issued ahead, in file order: at most the one being consumed and the one after it */
  private ahead: Ahead[] = [];
  /** CaptureFile.recycleChunks(): the chunk chunkAfter() handed out last, and one spent chunk to read into */
  recycle = false;
  private current: Buffer | null = null;
  private spare: Buffer | null = null;
  constructor(private readonly fh: FileHandle) {}

  async chunkAfter(tail: Uint8Array): Promise<Buffer | null> {
    const a = this.ahead[0];
    if (a === undefined || a.used !== 0 || a.at !== this.rawBytes || tail.length > HEADROOM) return null;
    const got = await a.done;
    // nothing read ahead (the end, or an error the direct read reports): read() decides
    if (got === 0) return null;
    this.ahead.shift();
    this.rawBytes += got;
    a.buf.set(tail, HEADROOM - tail.length);
    // the chunk before is spent (its tail was just copied, its packets were consumed): the next read goes into it
    if (this.recycle) { this.spare = this.current; this.current = a.buf; }
    if (got === a.buf.length - HEADROOM) this.ahead.push(this.readAhead(a.at + got, got));
    return a.buf.subarray(HEADROOM - tail.length, HEADROOM + got);
  }

  async read(into: Buffer, off: number, len: number): Promise<number> {
    const a = this.ahead[0];
    if (a !== undefined && a.at + a.used === this.rawBytes) {
      const got = await a.done;
      // a short read-ahead may have hit an end the file has since grown past: such an end is read afresh
      if (a.used < got) {
        if (got === a.buf.length - HEADROOM && this.ahead.length === 1) this.ahead.push(this.readAhead(a.at + got, got));
        const n = Math.min(len, got - a.used);
        a.buf.copy(into, off, HEADROOM + a.used, HEADROOM + a.used + n);
        a.used += n;
        this.rawBytes += n;
        if (a.used === got) this.ahead.shift();
        return n;
      }
    }
    await this.settle();
    const { bytesRead } = await this.fh.read(into, off, len, this.rawBytes);
    this.rawBytes += bytesRead;
    // a full read suggests more follows: fetch it while the caller works
    if (bytesRead === len && len >= 1 << 16) this.ahead.push(this.readAhead(this.rawBytes, len));
    return bytesRead;
  }

  private readAhead(at: number, size: number): Ahead {
    // read after a headroom, where chunkAfter() puts the unparsed tail of the chunk before
    const spare = this.spare;
    this.spare = null;
    const buf = spare !== null && spare.length === HEADROOM + size ? spare : Buffer.allocUnsafe(HEADROOM + size);
    // an error surfaces from the direct read that follows a 0-byte read-ahead
    const done = this.fh.read(buf, HEADROOM, size, at).then((r) => r.bytesRead, () => 0);
    return { at, buf, used: 0, done };
  }

  /** Drops the reads ahead once they have finished (a read in flight must not outlive the handle). */
  private async settle(): Promise<void> {
    const pending = this.ahead;
    this.ahead = [];
    for (const a of pending) await a.done;
  }

  async close(): Promise<void> {
    await this.settle();
    return this.fh.close();
  }
}

/** buf: HEADROOM bytes, then the bytes read from `at` */
interface Ahead { at: number; buf: Buffer; used: number; done: Promise<number> }

/** room before read-ahead bytes for a chunk's unparsed tail (a record cut by the chunk's end: most are smaller) */
const HEADROOM = 1 << 16;

/**
 * Decompressed bytes of a gzip file. Events are queued by hand rather than
 * read through the stream's async iterator, which drops output already
 * decompressed when the stream then fails (e.g. a bad CRC at the end).
 */
class GzipSource implements ByteSource {
  private readonly gunzip: Gunzip;
  private readonly fileStream: ReturnType<FileHandle['createReadStream']>;
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private ended = false;
  private failure: unknown = null;
  private wake: (() => void) | null = null;
  private static readonly HIGH_WATER = 4 << 20;
  /**
   * The file's last 8 bytes (a gzip member's trailer: CRC-32 and length) go
   * to zlib in a call of their own, after everything before them has been
   * inflated and handed on: a failing check then costs no data, where in
   * one call with the data zlib would drop that call's output (all of a
   * small file). Likewise the stream is ended only once they are inflated.
   */
  private static readonly TRAILER = 8;
  private held: Buffer = Buffer.alloc(0);

  constructor(fh: FileHandle) {
    // zlib drops the output of the call that fails, so output chunks stay
    // small: a failure then loses at most 32 KiB before the break.
    this.fileStream = fh.createReadStream({ start: 0, highWaterMark: 1 << 16, autoClose: true });
    this.gunzip = createGunzip({ chunkSize: 1 << 15 });
    this.fileStream.on('error', (e) => this.gunzip.destroy(e));
    this.gunzip.on('data', (d: Buffer) => {
      this.queue.push(d);
      this.queued += d.length;
      if (this.queued > GzipSource.HIGH_WATER) this.gunzip.pause();
      this.notify();
    });
    this.gunzip.on('end', () => { this.ended = true; this.notify(); });
    // (and no more reading after a failure, as pipe() would stop)
    this.gunzip.on('error', (e) => { this.failure = e; this.fileStream.pause(); this.notify(); });
    // by hand rather than fileStream.pipe(): Readable.pipe() looks at process.stdout, and creating it
    // turns a piped fd 1 non-blocking — the bulk writer's writes then fail with EAGAIN on a slow reader
    this.fileStream.on('data', (c: string | Buffer) => {
      const b = this.held.length ? Buffer.concat([this.held, c as Buffer]) : c as Buffer;
      const cut = Math.max(0, b.length - GzipSource.TRAILER);
      this.held = Buffer.from(b.subarray(cut));
      if (cut > 0 && !this.gunzip.write(b.subarray(0, cut))) this.fileStream.pause();
    });
    this.gunzip.on('drain', () => this.fileStream.resume());
    // end() only once the last bytes are inflated: zlib takes the chunk it is given with end() in
    // its finishing call, whose output is dropped if the stream then turns out truncated
    this.fileStream.on('end', () => {
      this.gunzip.write(this.held, () => { if (!this.gunzip.destroyed) this.gunzip.end(); });
    });
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  get rawBytes(): number {
    return this.fileStream.bytesRead;
  }

  async read(into: Buffer, off: number, len: number): Promise<number> {
    while (this.queue.length === 0) {
      if (this.failure) throw this.failure;
      if (this.ended) return 0;
      if (this.gunzip.isPaused()) this.gunzip.resume();
      await new Promise<void>((resolve) => { this.wake = resolve; });
    }
    const head = this.queue[0];
    const n = Math.min(len, head.length);
    head.copy(into, off, 0, n);
    if (n === head.length) this.queue.shift();
    else this.queue[0] = head.subarray(n);
    this.queued -= n;
    if (this.queued <= GzipSource.HIGH_WATER / 2 && this.gunzip.isPaused() && !this.ended) this.gunzip.resume();
    return n;
  }

  async close(): Promise<void> {
    this.gunzip.destroy();
    this.fileStream.destroy();
    this.queue.length = 0;
    this.ended = true;
    this.notify(); // a read() waiting for data returns 0 instead of hanging
    await new Promise<void>((resolve) => {
      if (this.fileStream.closed) resolve();
      else this.fileStream.once('close', () => resolve());
    });
  }
}

const zlibReason = (e: unknown): string => {
  const err = e as NodeJS.ErrnoException;
  const msg = String(err?.message ?? e);
  if (err?.code === 'Z_BUF_ERROR' || /unexpected end/i.test(msg)) return 'compressed data end unexpectedly (truncated gzip file)';
  if (/incorrect data check/.test(msg)) return 'the gzip CRC-32 does not match the data (incorrect data check)';
  if (/incorrect length check/.test(msg)) return 'the gzip length field does not match the data (incorrect length check)';
  return `decompression failed: ${msg}`;
};

/** A capture file being read. See the top of this file. */
export class CaptureFile {
  /** set after iteration when the file is damaged; packets before the damage were all yielded */
  error: CaptureFileError | null = null;
  /** decompression failed at the end of the buffered bytes */
  private gzipError: CaptureFileError | null = null;
  private buf: Buffer;
  private pos = 0;
  private end = 0;
  /** file offset of buf[0] in the decompressed file */
  private base = 0;
  private eof = false;
  private started = false;
  private closed = false;
  private pending: RawPacket[] = [];
  private readonly chunkSize: number;
  private readonly maxBatch: number;

  private constructor(
    readonly path: string,
    private readonly source: ByteSource,
    private readonly parser: RecordParser,
    /** size of the file on disk (compressed size for gzip) */
    readonly size: number,
    readonly compressed: boolean,
    first: { buf: Buffer; end: number; eof: boolean },
    opts: OpenOptions,
  ) {
    this.buf = first.buf;
    this.end = first.end;
    this.eof = first.eof;
    this.chunkSize = opts.chunkSize ?? DEFAULT_CHUNK;
    this.maxBatch = opts.maxBatch ?? 8192;
  }

  /** @internal use openCaptureFile */
  static async open(path: string, opts: OpenOptions = {}): Promise<CaptureFile> {
    // Refused before opening: open(2) of a FIFO blocks until a writer comes, on the thread pool,
    // where nothing can cancel it.
    const kind = specialKind(await stat(path));
    if (kind) throw new NotAFileError(path, kind);
    // O_NONBLOCK: the path may have been swapped for a FIFO since the stat; the fstat below sees it
    const fh = await open(path, fsc.O_RDONLY | fsc.O_NONBLOCK | fsc.O_NOCTTY);
    let source: ByteSource | null = null;
    try {
      const st = await fh.stat();
      const swapped = specialKind(st);
      if (swapped) throw new NotAFileError(path, swapped);
      const size = st.size;
      const head = Buffer.alloc(2);
      await fh.read(head, 0, 2, 0);
      const compressed = isGzip(head);
      source = compressed ? new GzipSource(fh) : new FileSource(fh);
      const chunk = Buffer.allocUnsafe(Math.max(opts.chunkSize ?? DEFAULT_CHUNK, 16));
      let end = 0;
      let eof = false;
      let gzipError: CaptureFileError | null = null;
      try {
        while (end < 4 && !eof) {
          const n = await source.read(chunk, end, chunk.length - end);
          if (n === 0) eof = true;
          end += n;
        }
      } catch (e) {
        gzipError = new CaptureFileError('gzip', end, 0, zlibReason(e));
      }
      const parser = parserFor(chunk.subarray(0, end), compressed);
      if (parser instanceof CaptureFileError) throw gzipError && end < 4 ? gzipError : parser;
      const f = new CaptureFile(path, source, parser, size, compressed, { buf: chunk, end, eof: eof || !!gzipError }, opts);
      f.gzipError = gzipError;
      // Parse what the first chunk holds, so headers and first interfaces are known now.
      f.step();
      return f;
    } catch (e) {
      if (source) await source.close().catch(() => undefined);
      else await fh.close().catch(() => undefined);
      throw e;
    }
  }

  get format(): CaptureFormat { return this.parser.meta.format; }
  get meta(): CaptureMeta { return this.parser.meta; }
  get interfaces(): CaptureFileInterface[] { return this.parser.meta.interfaces; }
  get sections(): CaptureSection[] { return this.parser.meta.sections; }
  get nameResolution(): NameResolutionEntry[] { return this.parser.meta.nameResolution; }
  get customBlocks(): CustomBlock[] { return this.parser.meta.customBlocks; }
  /** Decryption Secrets Blocks read so far (they precede the packets they decrypt) */
  get secrets(): DecryptionSecret[] { return this.parser.meta.secrets ?? []; }
  /** the part of the file read so far held a Decryption Secrets Block */
  get mayHoldSecrets(): boolean { return (this.parser.meta.secrets?.length ?? 0) > 0; }
  get stats(): InterfaceStatistics[] { return this.parser.meta.stats; }
  get pcapHeader(): PcapHeader | undefined { return this.parser.meta.pcapHeader; }
  /** what the metadata budget dropped, in one sentence (file/budget.ts); null when everything was kept */
  get metaNotice(): string | null { return metaNotice(this.parser.meta); }
  /** bytes read from the file on disk so far (for progress against size) */
  get bytesRead(): number { return this.source.rawBytes; }
  /** bytes of the (decompressed) file parsed so far */
  get offset(): number { return this.base + this.pos; }
  get packetCount(): number { return this.parser.count; }

  /**
   * From now on a batch's packets (RawPacket.data) are valid only until the
   * next batch is asked for: spent chunk buffers are read into again instead
   * of allocated. For a caller that keeps no packet nor any view of its bytes
   * past its batch (copies what it keeps, as dissectors do): `read` on one
   * thread. A fresh MiB per chunk is ~380 MB of buffers for a 1M-packet file,
   * and V8 answers that external memory with full collections (27 of them,
   * ~7% of such a read's CPU, where recycled chunks leave 10).
   */
  recycleChunks(): void {
    if (this.source instanceof FileSource) this.source.recycle = true;
  }

  /** One parse step over the buffered bytes; sets this.error when the parser stops on damage. */
  private step(eof = this.eof && !this.gzipError): void {
    const out: RawPacket[] = this.pending;
    this.pos = this.parser.parse(this.buf, this.pos, this.end, this.base, out, this.maxBatch - out.length, eof);
    if (this.parser.error && !this.error) this.error = this.parser.error;
  }

  /** Reads the next chunk, keeping the unparsed tail of the current one in front of it. */
  private async fill(): Promise<void> {
    const tail = this.end - this.pos;
    // the read-ahead buffer becomes the chunk: its bytes are not copied into a new one
    const ahead = this.source.chunkAfter !== undefined && tail + this.chunkSize >= this.parser.need
      ? await this.source.chunkAfter(this.buf.subarray(this.pos, this.end)) : null;
    if (ahead !== null) {
      this.base += this.pos;
      this.buf = ahead;
      this.pos = 0;
      this.end = ahead.length;
      return;
    }
    const size = Math.max(this.chunkSize, this.parser.need, tail + 1);
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, this.pos, this.end);
    this.base += this.pos;
    this.buf = next;
    this.pos = 0;
    this.end = tail;
    try {
      while (this.end < size) {
        const n = await this.source.read(next, this.end, size - this.end);
        if (n === 0) { this.eof = true; break; }
        this.end += n;
      }
    } catch (e) {
      this.eof = true;
      this.gzipError = new CaptureFileError('gzip', this.base + this.end, 0, zlibReason(e));
    }
  }

  /** Packets in batches, in file order. Single pass: a second call throws. */
  async *batches(): AsyncGenerator<RawPacket[]> {
    if (this.started) throw new Error(`${this.path}: batches() can be iterated only once`);
    this.started = true;
    try {
      while (true) {
        if (this.pending.length) {
          const b = this.pending;
          this.pending = [];
          yield b;
          continue;
        }
        if (this.parser.done || this.closed) break;
        this.step();
        if (this.pending.length || this.parser.done) continue;
        // The parser needs bytes beyond the buffer.
        if (this.eof) {
          // Only a broken gzip stream ends here (a clean EOF makes the parser done):
          // packets up to the break were yielded, the rest is lost.
          if (!this.error && this.gzipError) {
            this.error = new CaptureFileError('gzip', this.base + this.end, this.parser.blocks + 1, this.gzipError.reason);
          }
          break;
        }
        await this.fill();
      }
    } finally {
      await this.close();
    }
  }

  /** Packets one by one (convenience over batches()). */
  async *packets(): AsyncGenerator<RawPacket> {
    for await (const b of this.batches()) yield* b;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.source.close();
  }
}

/**
 * Opens a capture file for streaming. Rejects with a CaptureFileError when
 * the file is not a capture at all (or with the fs error when it cannot be
 * opened); damage further in is reported in CaptureFile.error after iteration.
 */
export function openCaptureFile(path: string, opts?: OpenOptions): Promise<CaptureFile> {
  return CaptureFile.open(path, opts);
}

export interface ParsedCapture extends CaptureMeta {
  compressed: boolean;
  packets: RawPacket[];
  error: CaptureFileError | null;
}

/**
 * Parses a whole capture held in memory (small files, tests). Never throws
 * for bad input: a non-capture or damaged buffer gives `error`. Packet data
 * are views of buf (or of its decompressed copy).
 */
export function parseCaptureBuffer(input: Uint8Array): ParsedCapture {
  let buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const compressed = isGzip(buf);
  let gzipError: CaptureFileError | null = null;
  if (compressed) {
    try {
      buf = gunzipSync(buf);
    } catch (e) {
      // Keep what decompresses before the break, like the streaming reader does: without
      // the final 8 bytes (a member's trailer) when its check is what failed.
      let partial = Buffer.alloc(0);
      for (const input of [buf, buf.subarray(0, Math.max(0, buf.length - 8))]) {
        try { partial = gunzipSync(input, { finishFlush: zlibConstants.Z_SYNC_FLUSH }); break; } catch { /* try less */ }
      }
      gzipError = new CaptureFileError('gzip', partial.length, 0, zlibReason(e));
      buf = partial;
    }
  }
  const parser = parserFor(buf, compressed);
  if (parser instanceof CaptureFileError) {
    return {
      format: 'pcap', interfaces: [], sections: [], nameResolution: [], customBlocks: [], stats: [],
      compressed, packets: [], error: gzipError ?? parser,
    };
  }
  const packets: RawPacket[] = [];
  parser.parse(buf, 0, buf.length, 0, packets, Infinity, !gzipError);
  let error = parser.error;
  // The stream broke after the last whole record: name the record it broke in.
  if (!error && gzipError) error = new CaptureFileError('gzip', buf.length, parser.blocks + 1, gzipError.reason);
  return { ...parser.meta, compressed, packets, error };
}
