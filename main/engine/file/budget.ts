// How much of a capture file's metadata (everything but the packets:
// sections, interface descriptions, name resolution, statistics, custom
// blocks, comments, options) is kept in memory. Metadata is kept while the
// file is read, so without a bound a small crafted file (a 1.5 MB .gz of
// Custom Blocks) could cost gigabytes. One budget covers every kind; once a
// record of a kind does not fit, it and every later one of that kind are
// dropped and counted, so what is kept is always the file's first ones, and
// one notice says what was dropped. Packets (and their own comments) are
// not metadata: they stream through.
import type { CaptureMeta, MetaKind } from './types';

/** What a file's metadata may cost: far above any real file's, far below a machine's memory. */
export const META_BUDGET = 16 << 20;
/** A kept record's own cost besides its bytes (a small JS object or string header), counted generously. */
const RECORD_COST = 128;

export class MetaBudget {
  private used = 0;
  constructor(private readonly meta: CaptureMeta, private readonly limit = META_BUDGET) {}

  /** Room for one record with `bytes` bytes of content: true when it is kept, false when dropped (and counted). */
  take(kind: MetaKind, bytes: number): boolean {
    const cost = RECORD_COST + bytes;
    if (this.meta.dropped?.[kind] === undefined && this.used + cost <= this.limit) {
      this.used += cost;
      return true;
    }
    const d = (this.meta.dropped ??= {});
    d[kind] = (d[kind] ?? 0) + 1;
    return false;
  }
}

/** The one sentence saying what a file's metadata lost to the budget, or null when nothing was dropped. */
export function metaNotice(meta: Pick<CaptureMeta, 'dropped'>): string | null {
  const d = meta.dropped;
  if (!d) return null;
  const parts = Object.entries(d).map(([kind, n]) => `${n.toLocaleString('en-US')} ${kind}`);
  if (!parts.length) return null;
  return `the file's metadata is larger than the ${META_BUDGET >> 20} MiB kept in memory; dropped after the first ones: ${parts.join(', ')} (every packet is still read)`;
}
