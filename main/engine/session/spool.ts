// The live-capture spool: packets go to a pcapng file in the data dir as
// they arrive, so a crash loses at most the last flush interval.
//
// Guarantees (what the kill -9 test checks): the writer hands only whole
// blocks to the kernel (write(2) before returning), and the spool flushes
// every `flushIntervalMs` (default 500 ms) and whenever 1 MiB of blocks is
// buffered; so after `kill -9` the file holds every packet written before
// the last flush and at worst a torn final block, which recovery drops.
// `fsync` (default on) additionally makes each flush survive power loss.
//
// A spool is owned by the process that writes it: `<spool>.owner` records
// its pid and start time. A spool whose owner is gone (crash, or exit
// without save/discard) is offered by findRecoverableSpools().
//
// Spools hold traffic: the spool and recovered folders are the user's own,
// 0700 (ensurePrivateDir refuses one another user owns or may write to),
// and every file in them is created 0600 with O_EXCL|O_NOFOLLOW.
import { readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { FileSink } from '../file/sink';
import { ensurePrivateDir, makePrivateDirs, replacePrivateFile, writePrivateFile } from '../file/private';
import { PcapngWriter, type InterfaceOptions } from '../pcapng/writer';
import type { RawPacket } from '../types';
import { isAlive } from './atomic';
import { friendlyFsError } from './errors';
import { encodeMetadata, type SessionMetadata } from './metadata';
import { openSession, type SessionDamage } from './open';
import { recoveredDir, spoolDir } from './paths';
import { saveSession } from './save';

export const SPOOL_PREFIX = 'capture-';
export const SPOOL_SUFFIX = '.pcapng';
export const OWNER_SUFFIX = '.owner';
export const DEFAULT_FLUSH_MS = 500;

export interface SpoolOptions {
  /** default: spoolDir() ($XDG_DATA_HOME/xdpscope/spool) */
  dir?: string;
  /** interfaces in capture order: RawPacket.interfaceId indexes this list */
  interfaces?: InterfaceOptions[];
  /** capture settings etc., stored in the spool's SHB */
  metadata?: Partial<SessionMetadata>;
  flushIntervalMs?: number;
  /** fsync on every flush (default true) */
  fsync?: boolean;
}

interface OwnerRecord {
  pid: number;
  /** /proc/<pid>/stat start time, so a reused pid is not mistaken for the owner */
  start: string | null;
  createdAt: string;
  closedAt?: string;
}

/** Process start time in clock ticks since boot (field 22 of /proc/<pid>/stat), null when unknown. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm (field 2) may contain spaces and parentheses: split after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function ownerAlive(o: OwnerRecord | null): boolean {
  if (!o || !isAlive(o.pid)) return false;
  const start = processStartTime(o.pid);
  return o.start === null || start === null || start === o.start;
}

export interface FlushInfo {
  /** packets durable in the file (all packets written so far) */
  packets: number;
  bytes: number;
}

export class SpoolWriter {
  readonly path: string;
  readonly ownerPath: string;
  private readonly writer: PcapngWriter;
  private readonly timer: NodeJS.Timeout;
  private readonly fsync: boolean;
  private readonly flushListeners: Array<(f: FlushInfo) => void> = [];
  private closed = false;
  /** packets handed to write() */
  packetsWritten = 0;
  /** packets known to be in the file */
  packetsFlushed = 0;
  lastFlushAt = 0;

  constructor(opts: SpoolOptions = {}) {
    const dir = opts.dir ?? spoolDir();
    try {
      ensurePrivateDir(dir);
    } catch (err) {
      throw friendlyFsError(err, 'create the capture spool directory', dir);
    }
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    this.path = join(dir, `${SPOOL_PREFIX}${stamp}-${process.pid}-${Math.random().toString(36).slice(2, 8)}${SPOOL_SUFFIX}`);
    this.ownerPath = this.path + OWNER_SUFFIX;
    const owner: OwnerRecord = { pid: process.pid, start: processStartTime(process.pid), createdAt: new Date().toISOString() };
    writePrivateFile(this.ownerPath, JSON.stringify(owner) + '\n');
    this.fsync = opts.fsync ?? true;
    this.writer = new PcapngWriter(new FileSink(this.path, 'wx'), {
      customOptions: encodeMetadata({ ...opts.metadata }),
      // never let the writer sit on more than 1 MiB between timer flushes
      bufferBytes: 1 << 20,
    });
    for (const i of opts.interfaces ?? []) this.writer.addInterface(i);
    this.flush();
    this.timer = setInterval(() => this.flush(), opts.flushIntervalMs ?? DEFAULT_FLUSH_MS);
    this.timer.unref();
  }

  addInterface(opts: InterfaceOptions): number {
    return this.writer.addInterface(opts);
  }

  /** Append packets (RawPacket.interfaceId = spool interface id). */
  write(packets: readonly RawPacket[]): void {
    if (this.closed) throw new Error(`spool ${this.path}: write after close`);
    for (const p of packets) {
      this.writer.writePacket(p.interfaceId, p.tsNs ?? 0n, p.data, p.origLen, p.comments?.length ? p.comments : undefined, p);
    }
    this.packetsWritten += packets.length;
  }

  /** Hand buffered blocks to the file now (the timer does this on its own). */
  flush(): FlushInfo {
    if (!this.closed && (this.packetsWritten !== this.packetsFlushed || this.lastFlushAt === 0)) {
      this.writer.flush({ fsync: this.fsync });
      this.packetsFlushed = this.packetsWritten;
      this.lastFlushAt = Date.now();
      const info = { packets: this.packetsFlushed, bytes: this.writer.bytesWritten };
      for (const l of this.flushListeners) l(info);
    }
    return { packets: this.packetsFlushed, bytes: this.writer.bytesWritten };
  }

  onFlush(listener: (f: FlushInfo) => void): void {
    this.flushListeners.push(listener);
  }

  /** Stop writing: final flush + fsync. The spool stays until saved elsewhere and discard()ed. */
  close(): FlushInfo {
    if (this.closed) return { packets: this.packetsFlushed, bytes: this.writer.bytesWritten };
    const info = this.flush();
    this.writer.flush({ fsync: true });
    this.closed = true;
    clearInterval(this.timer);
    this.writer.close();
    try {
      const o = JSON.parse(readFileSync(this.ownerPath, 'utf8')) as OwnerRecord;
      replacePrivateFile(this.ownerPath, JSON.stringify({ ...o, closedAt: new Date().toISOString() }) + '\n');
    } catch { /* owner record gone, or a link now (never written through): nothing to update */ }
    return info;
  }

  /** Close and delete the spool (after the user saved or chose to drop it). */
  discard(): void {
    this.close();
    rmSync(this.path, { force: true });
    rmSync(this.ownerPath, { force: true });
  }
}

export interface RecoverableSpool {
  path: string;
  size: number;
  modifiedAt: Date;
  /** pid of the process that wrote it */
  pid: number | null;
  /** false when its writer died without closing it (a crash) */
  closedCleanly: boolean;
}

/** Spools whose writing process is gone, newest first. */
export function findRecoverableSpools(dir: string = spoolDir()): RecoverableSpool[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: RecoverableSpool[] = [];
  for (const n of names) {
    if (!n.startsWith(SPOOL_PREFIX) || !n.endsWith(SPOOL_SUFFIX)) continue;
    const path = join(dir, n);
    let owner: OwnerRecord | null = null;
    try {
      owner = JSON.parse(readFileSync(path + OWNER_SUFFIX, 'utf8')) as OwnerRecord;
    } catch { /* no or unreadable owner record: nobody owns it */ }
    if (ownerAlive(owner)) continue;
    try {
      const st = statSync(path);
      if (st.size === 0) {
        // killed before its first block reached the file: nothing to offer
        discardSpool(path);
        continue;
      }
      out.push({ path, size: st.size, modifiedAt: st.mtime, pid: owner?.pid ?? null, closedCleanly: !!owner?.closedAt });
    } catch { /* vanished meanwhile */ }
  }
  return out.sort((a, b) => b.modifiedAt.getTime() - a.modifiedAt.getTime());
}

/** Delete a spool and its owner record (the user declined recovery, or it holds nothing). */
export function discardSpool(path: string): void {
  rmSync(path, { force: true });
  rmSync(path + OWNER_SUFFIX, { force: true });
}

export interface RecoverOptions {
  /** where the clean file goes (default: <data dir>/recovered/<spool name>) */
  destination?: string;
  overwrite?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: { packets: number }) => void;
  /** keep the spool after recovering (default: remove it) */
  keepSpool?: boolean;
}

export interface RecoverResult {
  path: string;
  packets: number;
  /** the torn tail that was dropped, if any */
  damage: SessionDamage | null;
  metadata: SessionMetadata;
}

/**
 * Rewrite a spool as a clean pcapng: every packet before the damaged tail,
 * with the spool's metadata, saved atomically; then the spool is removed.
 */
export async function recoverSpool(path: string, opts: RecoverOptions = {}): Promise<RecoverResult> {
  let destination = opts.destination;
  if (destination === undefined) {
    try {
      destination = join(ensurePrivateDir(recoveredDir()), basename(path));
    } catch (err) {
      throw friendlyFsError(err, 'create the recovered captures directory', recoveredDir());
    }
  } else {
    makePrivateDirs(dirname(destination));
  }
  const session = await openSession(path, { signal: opts.signal });
  const saved = await saveSession(destination, session, {
    overwrite: opts.overwrite,
    metadata: session.metadata,
    comments: session.comments,
    fileComments: session.fileComments,
    signal: opts.signal,
    onProgress: (p) => opts.onProgress?.({ packets: p.packets }),
  });
  if (!opts.keepSpool) {
    // Rename first so a crash in between never leaves an ownerless spool that was already recovered.
    try { renameSync(path, path + '.recovered'); } catch { /* gone */ }
    rmSync(path + '.recovered', { force: true });
    rmSync(path + OWNER_SUFFIX, { force: true });
  }
  return { path: destination, packets: saved.packets, damage: session.damage, metadata: session.metadata };
}
