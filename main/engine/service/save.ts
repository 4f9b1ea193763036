// Save the packet store (all packets or the displayed ones) as pcapng,
// atomically: written beside the target under a temporary name, then
// renamed, so an interrupted save never leaves half a file at `path`.
import { renameSync, rmSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import type { CaptureInterface } from '../types';
import { LinkType } from '../types';
import { PcapngWriter } from '../pcapng/writer';
import type { PacketStore } from './store';

export async function saveStore(
  store: PacketStore,
  interfaces: readonly CaptureInterface[],
  path: string,
  only: readonly number[] | null,
): Promise<number> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
  const w = PcapngWriter.open(tmp);
  try {
    // Writer interface ids follow the store's interface ids; packets from an
    // interface the store does not know get an Ethernet stand-in.
    const ids = new Map<number, number>();
    const idFor = (ifaceId: number, linkType: number): number => {
      let id = ids.get(ifaceId);
      if (id === undefined) {
        const src = interfaces[ifaceId];
        id = w.addInterface({
          linkType: src?.linkType ?? linkType ?? LinkType.ETHERNET,
          snaplen: src?.snaplen || 262144,
          name: src?.name,
          description: src?.description,
        });
        ids.set(ifaceId, id);
      }
      return id;
    };
    let n = 0;
    const total = only ? only.length : store.count;
    for (let k = 0; k < total; k++) {
      const i = only ? only[k] : k;
      const p = store.packet(i);
      w.writePacket(idFor(p.interfaceId, p.linkType), p.tsNs ?? 0n, p.data, p.origLen);
      n++;
      if (n % 65536 === 0) await new Promise((r) => setImmediate(r));
    }
    w.close();
    renameSync(tmp, path);
    return n;
  } catch (e) {
    try { w.close(); } catch { /* already failed */ }
    rmSync(tmp, { force: true });
    throw new Error(`saving ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
