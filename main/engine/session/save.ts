// Save / Save As / Export Specified Packets: stream packets from a source
// into a new pcapng (session metadata in the SHB, comments as EPB
// opt_comment) or classic pcap file, atomically (see atomic.ts).
import { setImmediate as nextTick } from 'node:timers/promises';
import { FileSink } from '../file/sink';
import { PacketFileWriter, type SaveFormat } from './packet-file';
import { writeFileAtomically } from './atomic';
import type { CommentMap } from './comments';
import { abortError } from './errors';
import { encodeMetadata, type SessionMetadata } from './metadata';
import { selectionPredicate, type PacketSelection, type PacketSource } from './source';

export type { SaveFormat };


export interface SaveOptions {
  /** 'pcapng' (default; keeps metadata and comments) or classic 'pcap' (packets only, one link type) */
  format?: SaveFormat;
  /** replace an existing file (otherwise EEXIST) */
  overwrite?: boolean;
  /** session metadata to store (pcapng only); selectedPacket is renumbered for the exported frames */
  metadata?: Partial<SessionMetadata>;
  /** the session's comments (user edits win over the packets' own comments) */
  comments?: CommentMap;
  /** which packets (default all) */
  select?: PacketSelection;
  /**
   * TLS secrets (NSS key log text) the session decrypted with: written as a
   * Decryption Secrets Block so the file decrypts anywhere (pcapng only).
   * Leave it out to strip them (an export for someone who must not read the traffic).
   */
  tlsSecrets?: string;
  /** SHB comments (the capture file comment) */
  fileComments?: string[];
  signal?: AbortSignal;
  onProgress?: (p: { packets: number; written: number }) => void;
}

export interface SaveResult {
  path: string;
  format: SaveFormat;
  /** packets written */
  packets: number;
  /** packets read from the source */
  scanned: number;
  bytes: number;
  /** selectedPacket as stored (renumbered), null when not exported */
  selectedPacket: number | null;
}

const YIELD_EVERY = 20_000;

/**
 * Write the selected packets of `source` to `dest`. Atomic: until it
 * resolves, `dest` is untouched; a crash or cancel leaves the old file.
 */
export async function saveSession(dest: string, source: PacketSource, opts: SaveOptions = {}): Promise<SaveResult> {
  const format = opts.format ?? 'pcapng';
  // A frame list may be a one-shot iterable: materialise it once.
  const sel = opts.select && opts.select !== 'all' && 'frames' in opts.select ? { frames: [...opts.select.frames] } : opts.select;
  const select = selectionPredicate(sel);
  const wantSelected = opts.metadata?.selectedPacket ?? null;

  // Metadata goes in the SHB, written first, so the renumbered selection must
  // be known up front: computable for a list or a range, dropped for a predicate.
  let metaSelected: number | null = wantSelected;
  if (sel && sel !== 'all' && wantSelected !== null) {
    metaSelected = null;
    if ('range' in sel && wantSelected >= sel.range[0] && wantSelected <= sel.range[1]) metaSelected = wantSelected - sel.range[0] + 1;
    if ('frames' in sel && (sel.frames as number[]).includes(wantSelected)) {
      metaSelected = new Set((sel.frames as number[]).filter((f) => f <= wantSelected)).size;
    }
  }

  const writeAll = async (tmp: string): Promise<SaveResult> => {
    let written = 0;
    let scanned = 0;
    let sinceYield = 0;
    const w = new PacketFileWriter(() => new FileSink(tmp, 'wx'), format, source.interfaces, dest, {
      fileComments: opts.fileComments,
      customOptions: opts.metadata ? encodeMetadata({ ...opts.metadata, selectedPacket: metaSelected }) : undefined,
      tlsSecrets: opts.tlsSecrets,
    });
    try {
      for await (const batch of source.batches()) {
        if (opts.signal?.aborted) throw abortError(dest, 'Saving');
        for (const pkt of batch) {
          scanned++;
          if (!select(pkt.number, pkt)) continue;
          w.write(pkt, opts.comments ? opts.comments.commentsFor(pkt) : pkt.comments);
          written++;
        }
        opts.onProgress?.({ packets: scanned, written });
        sinceYield += batch.length;
        if (sinceYield >= YIELD_EVERY) {
          // Synchronous sources (the UI's packet store) would otherwise hold the event loop for the whole save.
          sinceYield = 0;
          await nextTick();
        }
      }
      if (opts.signal?.aborted) throw abortError(dest, 'Saving');
      const bytes = w.finish();
      return { path: dest, format, packets: written, scanned, bytes, selectedPacket: format === 'pcapng' && opts.metadata ? metaSelected : null };
    } catch (err) {
      try { w.finish(); } catch { /* the temp file is removed anyway */ }
      throw err;
    }
  };

  let started = false;
  try {
    return await writeFileAtomically(dest, (tmp) => {
      started = true;
      return writeAll(tmp);
    }, { overwrite: opts.overwrite, signal: opts.signal, action: format === 'pcap' ? 'export' : 'save' });
  } finally {
    // A source that was never read (refused overwrite, bad directory) still holds its file open.
    if (!started) await (source as { close?: () => Promise<void> }).close?.().catch(() => undefined);
  }
}
