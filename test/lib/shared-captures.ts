// Many real packets in one file: every shared capture's packets appended to
// a pcapng writer, as the parallel read and the pooled open test them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CAPTURES } from './env';
import { parseCaptureBuffer } from '../../main/engine/file/open';
import type { PacketExtras, PcapngWriter } from '../../main/engine/pcapng/writer';

/**
 * Appends the shared captures' packets (those that parse; damaged ones
 * skipped) `times` over, in name order, one interface per link type,
 * timestamps rising from `ts` by 1.234567 ms. `decorate(n)` may give the
 * n-th packet written (from 1) its own comments (else its capture's) and
 * epb extras. Returns the last timestamp written.
 */
export function appendSharedCaptures(
  w: PcapngWriter, times: number, ts: bigint, decorate: (n: number) => { comments?: string[]; extras?: PacketExtras },
): bigint {
  const ifaces = new Map<number, number>();
  let n = 0;
  for (let r = 0; r < times; r++) {
    for (const f of readdirSync(CAPTURES).filter((x) => /\.pcap(ng)?$/.test(x)).sort()) {
      let cap;
      try { cap = parseCaptureBuffer(readFileSync(join(CAPTURES, f))); } catch { continue; }
      for (const p of cap.packets) {
        let id = ifaces.get(p.linkType);
        if (id === undefined) { id = w.addInterface({ linkType: p.linkType, snaplen: 262144, tsUnitNs: 1 }); ifaces.set(p.linkType, id); }
        ts += 1_234_567n;
        const { comments, extras } = decorate(++n);
        w.writePacket(id, ts, p.data, Math.max(p.origLen, p.data.length), comments ?? p.comments, extras);
      }
    }
  }
  return ts;
}
