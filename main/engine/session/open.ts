// Opening a capture as a session: any pcap / pcapng / gzip file. Our own
// files give back their session metadata and comments; others get defaults.
// Packets stream in batches with progress and cancel; damage stops the
// stream at the last good block and is reported, not thrown.
import { openCaptureFile, type CaptureFile } from '../file/open';
import { CaptureFileError } from '../file/errors';
import type { CaptureFileInterface, CaptureFormat, DecryptionSecret } from '../file/types';
import type { RawPacket } from '../types';
import { CommentMap } from './comments';
import { abortError, friendlyFsError, SessionFileError } from './errors';
import { decodeMetadata, type SessionMetadata } from './metadata';
import type { PacketSource } from './source';

export interface OpenProgress {
  /** bytes read from the file on disk (compressed bytes for gzip) */
  bytesRead: number;
  /** file size on disk */
  size: number;
  packets: number;
}

export interface OpenSessionOptions {
  signal?: AbortSignal;
  /** called after each batch */
  onProgress?: (p: OpenProgress) => void;
  /** most packets per batch */
  maxBatch?: number;
  chunkSize?: number;
}

/** Where and why a damaged file stops. */
export interface SessionDamage {
  /** byte offset of the damaged block/record in the (decompressed) file */
  offset: number;
  /** 1-based pcapng block or pcap record number */
  block: number;
  reason: string;
  /** a sentence for the notice bar */
  message: string;
}

export class Session implements PacketSource {
  readonly comments = new CommentMap();
  /** set once the packets have been read, when the file is damaged */
  damage: SessionDamage | null = null;
  packetCount = 0;
  private consumed = false;

  constructor(
    readonly path: string,
    private readonly file: CaptureFile,
    readonly metadata: SessionMetadata,
    /** true when the file carries xdpscope session metadata */
    readonly ours: boolean,
    /** things the user should know (ignored metadata, damage once read) */
    readonly notices: string[],
    private readonly opts: OpenSessionOptions,
  ) {}

  get format(): CaptureFormat { return this.file.format; }
  get compressed(): boolean { return this.file.compressed; }
  get size(): number { return this.file.size; }
  /** grows while packets are read (pcapng IDBs may appear anywhere) */
  get interfaces(): CaptureFileInterface[] { return this.file.interfaces; }
  /** SHB comments of the first section */
  get fileComments(): string[] { return this.file.sections[0]?.comments ?? []; }
  get bytesRead(): number { return this.file.bytesRead; }
  /** the Decryption Secrets Blocks read so far (pcapng DSBs may appear anywhere) */
  get secrets(): DecryptionSecret[] { return this.file.secrets; }

  /**
   * The packets, in batches, once. Each packet's comments are recorded in
   * `comments`. Stops at damage (see `damage`); rejects with EABORT when the
   * signal fires. To read again, open the file again (or use sessionFileSource).
   */
  async *batches(): AsyncGenerator<RawPacket[]> {
    if (this.consumed) throw new Error(`${this.path}: session packets can be read once; reopen the file to read again`);
    this.consumed = true;
    const { signal, onProgress } = this.opts;
    try {
      for await (const batch of this.file.batches()) {
        if (signal?.aborted) throw abortError(this.path, 'Opening');
        for (const p of batch) if (p.comments?.length) this.comments.loadFromPacket(p);
        this.packetCount += batch.length;
        onProgress?.({ bytesRead: this.file.bytesRead, size: this.file.size, packets: this.packetCount });
        yield batch;
      }
    } catch (err) {
      if (err instanceof SessionFileError) throw err;
      throw friendlyFsError(err, 'read', this.path);
    } finally {
      await this.file.close();
    }
    const dropped = this.file.metaNotice;
    if (dropped) this.notices.push(`"${this.path}": ${dropped}`);
    const e = this.file.error;
    if (e) {
      this.damage = {
        offset: e.offset,
        block: e.block,
        reason: e.reason,
        message: `"${this.path}" is damaged at byte ${e.offset} (${e.format === 'pcap' ? 'record' : 'block'} ${e.block}): ${e.reason}. Showing the ${this.packetCount} packets before the damage.`,
      };
      this.notices.push(this.damage.message);
    }
    onProgress?.({ bytesRead: this.file.bytesRead, size: this.file.size, packets: this.packetCount });
  }

  /** Read every packet (convenience for small files and tests; keeps copies). */
  async readAll(): Promise<RawPacket[]> {
    const out: RawPacket[] = [];
    for await (const b of this.batches()) for (const p of b) out.push({ ...p, data: p.data.slice() });
    return out;
  }

  /** Give up reading (closes the file). */
  close(): Promise<void> {
    return this.file.close();
  }
}

/**
 * Open a capture file as a session. Rejects with a SessionFileError whose
 * message names the path: ENOENT/EACCES/EISDIR..., or EFORMAT when the file
 * is not a capture at all. A file damaged further in opens; its `damage`
 * is set after the packets are read.
 */
export async function openSession(path: string, opts: OpenSessionOptions = {}): Promise<Session> {
  if (opts.signal?.aborted) throw abortError(path, 'Opening');
  let file: CaptureFile;
  try {
    file = await openCaptureFile(path, { maxBatch: opts.maxBatch, chunkSize: opts.chunkSize });
  } catch (err) {
    if (err instanceof CaptureFileError) {
      throw new SessionFileError('EFORMAT', path, `Cannot open "${path}": not a readable pcap or pcapng capture (${err.reason} at byte ${err.offset})`, { cause: err });
    }
    throw friendlyFsError(err, 'open', path);
  }
  const decoded = decodeMetadata(file.sections[0]?.customOptions);
  const notices = decoded.notice ? [decoded.notice] : [];
  return new Session(path, file, decoded.metadata, decoded.ours, notices, opts);
}

/** A re-readable source over a file: every batches() call opens it afresh. */
export function sessionFileSource(path: string): PacketSource {
  let interfaces: CaptureFileInterface[] = [];
  const src = {
    get interfaces() { return interfaces; },
    async *batches() {
      const s = await openSession(path);
      interfaces = s.interfaces;
      yield* s.batches();
    },
  };
  return src;
}
