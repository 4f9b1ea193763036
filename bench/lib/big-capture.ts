// Builds (once) a large pcapng capture for benchmarks from the shared
// corpus: every readable packet of every capture, repeated in order with
// rewritten, strictly increasing timestamps (1 µs apart), one interface per
// link type. Cached in bench/data/ (gitignored) by packet count.
//
//   import { bigCapture } from '../lib/big-capture';
//   const path = bigCapture(1_000_000);
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, CAPTURES } from '../../test/lib/env';
import { parseCaptureBuffer } from '../../main/engine/file/open';
import { PcapngWriter } from '../../main/engine/pcapng/writer';
import type { RawPacket } from '../../main/engine/types';

// Where the repository and the shared corpus are: as the tests find them.
export { ROOT, CAPTURES } from '../../test/lib/env';
export const DATA = join(ROOT, 'bench', 'data');

/** The corpus packets, in file order (damaged files contribute what precedes the damage). */
export function corpusPackets(): RawPacket[] {
  const out: RawPacket[] = [];
  for (const f of readdirSync(CAPTURES).filter((n) => /\.pcap(ng)?$/.test(n)).sort()) {
    let cap;
    try { cap = parseCaptureBuffer(readFileSync(join(CAPTURES, f))); } catch { continue; }
    for (const p of cap.packets) out.push({ ...p, data: p.data.slice() });
  }
  return out;
}

export function bigCapture(packets = 1_000_000): string {
  mkdirSync(DATA, { recursive: true });
  const path = join(DATA, `corpus-${packets}.pcapng`);
  if (existsSync(path) && statSync(path).size > 0) return path;
  const src = corpusPackets();
  if (src.length === 0) throw new Error(`no packets found in ${CAPTURES}`);
  const tmp = `${path}.tmp`;
  const w = PcapngWriter.open(tmp, { comments: [`xdpscope benchmark: shared corpus repeated to ${packets} packets`] });
  const ifaces = new Map<number, number>();
  let ts = 1_700_000_000_000_000_000n;
  for (let i = 0; i < packets; i++) {
    const p = src[i % src.length];
    let id = ifaces.get(p.linkType);
    if (id === undefined) {
      id = w.addInterface({ linkType: p.linkType, snaplen: 262144, tsUnitNs: 1000 });
      ifaces.set(p.linkType, id);
    }
    ts += 1000n;
    w.writePacket(id, ts, p.data, Math.max(p.origLen, p.data.length));
  }
  w.close();
  renameSync(tmp, path);
  return path;
}

// run as a script (this module is also bundled into the benchmarks that import it)
if (require.main?.filename === __filename) {
  const n = Number(process.argv[2] ?? 1_000_000);
  const t = Date.now();
  const p = bigCapture(n);
  console.log(`${p} (${(statSync(p).size / 1e6).toFixed(1)} MB) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}
