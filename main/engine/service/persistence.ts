// Persistence: Save, Export Specified Packets, Export Packet Dissections,
// downloads of an export's bytes, and the recent-files list. It writes what
// the user sees now — the open capture, its comments, the displayed list
// and the view the renderer reported — and never changes the list.
import { mkdtempSync, readFileSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RawPacket } from '../types';
import type { ExportParams, Methods, RecentEntry, SaveParams, ViewState } from '../../api/index';
import { ApiError } from '../../api/index';
import { errMessage, type OpenCapture } from './open-capture';
import type { DisplayedList } from './list';
import { cleanColumns, parseRange } from './session-view';
import { saveSession } from '../session/save';
import { exportDissections } from '../session/export-dissections';
import { RecentFiles } from '../session/recent';
import { SessionFileError } from '../session/errors';
import type { PacketSelection, PacketSource } from '../session/source';
import type { SessionMetadata } from '../session/metadata';
import { formatDecodeAs } from '../dissect/decode-as';

/** largest export handed back as bytes for a browser download */
const MAX_DOWNLOAD = 256 * 1024 * 1024;

type Saved = Methods['save']['result'];

/** The renderer's columns and selection, kept for the next save. */
export function setView(cap: OpenCapture, v: ViewState): void {
  if (v.columns) cap.view.columns = cleanColumns(v.columns);
  if (v.selectedPacket !== undefined) cap.view.selectedPacket = v.selectedPacket;
}

export class Persistence {
  private recent: RecentFiles | null = null;

  /** scratch: files not worth remembering in the recent list (an upload's copy, gone when the server exits) */
  constructor(private readonly scratch: (path: string) => boolean = () => false) {}

  /**
   * The file a save writes, without a save's consequences (browser
   * downloads: the copy leaves this machine, so nothing here counts as saved).
   */
  async saveCopy(cap: OpenCapture, list: DisplayedList, p: SaveParams): Promise<Saved> {
    const { format, r } = await writeSession(cap, list, p);
    return { path: r.path, packets: r.packets, format };
  }

  async save(cap: OpenCapture, list: DisplayedList, p: SaveParams): Promise<Saved> {
    const { format, only, r } = await writeSession(cap, list, p);
    // classic pcap keeps no comments: they stay unsaved
    if (!only && format === 'pcapng') cap.comments.commit();
    if (!only) cap.savedInFull();
    void this.addRecent(p.path);
    return { path: r.path, packets: r.packets, format };
  }

  async exportPackets(cap: OpenCapture, list: DisplayedList, p: Methods['exportPackets']['params']): Promise<Methods['exportPackets']['result']> {
    const format = p.format ?? (/\.pcap$/i.test(p.path) ? 'pcap' : 'pcapng');
    const select = selection(cap, list, p);
    const r = await writeFile(cap, p.path, () => saveSession(p.path, storeSource(cap), {
      overwrite: p.overwrite ?? false, format, select, comments: cap.comments,
      metadata: format === 'pcapng' ? { ...metadata(cap, list), displayFilter: '' } : undefined,
      tlsSecrets: p.stripSecrets ? undefined : tlsSecrets(cap),
    }));
    return { path: r.path, packets: r.packets, format };
  }

  async exportDissections(cap: OpenCapture, list: DisplayedList, p: Methods['exportDissections']['params']): Promise<Methods['exportDissections']['result']> {
    const select = selection(cap, list, p);
    const r = await writeFile(cap, p.path, () => exportDissections(p.path, storeSource(cap), {
      format: p.format, select, overwrite: p.overwrite ?? false, comments: cap.comments,
    }));
    return { path: r.path, packets: r.packets, format: p.format };
  }

  /** Export to a private temp file and hand back its bytes (browser downloads). */
  async exportBytes(cap: OpenCapture, list: DisplayedList, p: Methods['exportBytes']['params']): Promise<Methods['exportBytes']['result']> {
    const dir = mkdtempSync(join(tmpdir(), 'xdpscope-export-'));
    try {
      const path = join(dir, `export.${p.format}`);
      const r = p.format === 'csv' || p.format === 'json'
        ? await this.exportDissections(cap, list, { ...p, path, format: p.format })
        : await this.exportPackets(cap, list, { ...p, path, format: p.format });
      const size = statSync(path).size;
      if (size > MAX_DOWNLOAD) throw new ApiError(`the export is ${(size / 1e6).toFixed(0)} MB, more than the ${MAX_DOWNLOAD / 1e6} MB a download may carry: export to a path instead`, 'save');
      return { data: new Uint8Array(readFileSync(path)), packets: r.packets, format: p.format };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  private recentFiles(): RecentFiles {
    this.recent ??= new RecentFiles();
    return this.recent;
  }

  async addRecent(path: string): Promise<void> {
    if (this.scratch(path)) return;
    try { await this.recentFiles().add(path); } catch { /* the recent list is a convenience */ }
  }

  async recentList(): Promise<RecentEntry[]> {
    try {
      const list = await this.recentFiles().list();
      return list.map((f) => ({ path: f.path, openedAt: f.openedAt, exists: f.exists }));
    } catch { return []; }
  }
}

/** The secrets the capture decrypted with (its own DSBs', the user's key log's), for a Decryption Secrets Block (none: nothing to carry). */
function tlsSecrets(cap: OpenCapture): string | undefined {
  return cap.tlsKeys()?.text() || undefined;
}

/** What Save and Save a copy write: the whole capture, or the displayed packets. */
async function writeSession(cap: OpenCapture, list: DisplayedList, p: SaveParams): Promise<{ format: 'pcapng' | 'pcap'; only: number[] | null; r: { path: string; packets: number } }> {
  if (p.view) setView(cap, p.view);
  const format = p.format ?? (/\.pcap$/i.test(p.path) ? 'pcap' : 'pcapng');
  const only = p.displayedOnly && list.filtered ? list.displayedFrames() : null;
  const r = await writeFile(cap, p.path, () => saveSession(p.path, storeSource(cap), {
    overwrite: p.overwrite ?? false,
    format,
    metadata: format === 'pcapng' ? metadata(cap, list) : undefined,
    comments: cap.comments,
    select: only ? { frames: only } : 'all',
    tlsSecrets: p.stripSecrets ? undefined : tlsSecrets(cap),
  }));
  return { format, only, r };
}

/** The metadata a save stores: what the user sees now. */
function metadata(cap: OpenCapture, list: DisplayedList): Partial<SessionMetadata> {
  const capture = cap.session.capture;
  const selected = cap.view.selectedPacket ?? null;
  return {
    ...(capture ? { capture } : {}),
    displayFilter: list.filterText,
    columns: (cap.view.columns ?? cap.session.columns).map((c) => ({ ...c })),
    colouringRules: cap.colouring.rules.map((r) => ({ ...r })),
    selectedPacket: selected !== null && cap.store.indexOf(selected) >= 0 ? selected : null,
    insights: JSON.parse(JSON.stringify(cap.insights.settings)) as Record<string, unknown>,
    // always written (even none): reopening shows the packets as they were, whatever the user's entries then
    decodeAs: cap.decodeAs.map(formatDecodeAs),
  };
}

/** The stored packets as a save/export source (frames read as the writer goes). */
function storeSource(cap: OpenCapture): PacketSource {
  const store = cap.store;
  const count = store.count;
  const interfaces = cap.interfaces.length ? cap.interfaces : [{ id: 0, linkType: store.count ? store.linkTypeAt(0) : 1, snaplen: 262144 }];
  const packet = (i: number) => store.packet(i);
  return {
    interfaces,
    *batches() {
      for (let k = 0; k < count; k += 4096) {
        const batch: RawPacket[] = [];
        for (let j = k; j < Math.min(count, k + 4096); j++) batch.push(packet(j));
        yield batch;
      }
    },
  };
}

function selection(cap: OpenCapture, list: DisplayedList, p: Omit<ExportParams, 'path' | 'overwrite'>): PacketSelection {
  switch (p.select) {
    case 'all': return 'all';
    case 'displayed': return list.filtered ? { frames: list.displayedFrames() } : 'all';
    case 'selected': {
      const frames = p.frames?.length ? p.frames : cap.view.selectedPacket ? [cap.view.selectedPacket] : [];
      if (!frames.length) throw new ApiError('no packet is selected', 'request');
      return { frames };
    }
    case 'range': {
      const inRange = parseRange(p.range ?? '');
      return { predicate: (n) => inRange(n) };
    }
  }
}

async function writeFile<T>(cap: OpenCapture, path: string, fn: () => Promise<T>): Promise<T> {
  if (cap.state === 'loading') throw new ApiError(`the capture is still loading: wait or cancel before saving to ${path}`, 'save');
  try {
    return await fn();
  } catch (e) {
    if (e instanceof SessionFileError) throw new ApiError(e.message, e.code === 'EEXIST' ? 'exists' : 'save');
    if (e instanceof ApiError) throw e;
    throw new ApiError(`cannot write ${path}: ${errMessage(e)}`, 'save');
  }
}
