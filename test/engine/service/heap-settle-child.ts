// Child of heap-settle.test.ts: a fresh service thread (no --expose-gc, as
// the server runs) loads the shared captures, then reports how big V8's new
// space is once loaded and how long it took to shrink (-1: it did not).
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { getHeapSpaceStatistics } from 'node:v8';
import { EngineService } from '../../../main/engine/service/service';
import { PcapngWriter } from '../../../main/engine/pcapng/writer';
import { appendSharedCaptures } from '../../lib/shared-captures';
import { openLoaded } from '../../lib/service';

const newSpace = (): number => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.physical_space_size;

async function main(): Promise<void> {
  const dir = process.argv[2]!;
  process.env.XDPSCOPE_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'xs-config-'));
  const path = join(dir, 'shared-twice.pcapng');
  const w = PcapngWriter.open(path);
  appendSharedCaptures(w, 2, 1_600_000_000_000_000_000n, () => ({}));
  w.close();
  const s = new EngineService({ emit: () => undefined });
  const state = await openLoaded(s, path);
  const grown = newSpace(), t0 = Date.now();
  let settledMs = -1;
  // bounded: scavenges are due 6, 12 and 18 s after the load
  while (Date.now() - t0 < 25_000) {
    if (newSpace() <= grown / 4) { settledMs = Date.now() - t0; break; }
    await new Promise((r) => setTimeout(r, 100));
  }
  process.stdout.write(JSON.stringify({ state, packets: s.packetStore.count, grown, now: newSpace(), settledMs }) + '\n');
  await s.shutdown();
  process.exit(0);
}
void main();
