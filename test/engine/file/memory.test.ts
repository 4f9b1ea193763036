// Streaming keeps memory bounded: a ~200 MB capture (written here with our
// writer, deleted afterwards) is read with heap + buffer growth far below its size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { openCaptureFile } from '../../../main/engine/file/open';
import { PcapngWriter } from '../../../main/engine/pcapng/writer';
import { LinkType } from '../../../main/engine/types';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const used = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

test('a 200 MB capture streams with less than 64 MB of memory growth', { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-mem-'));
  try {
    const path = join(dir, 'big.pcapng');
    const w = PcapngWriter.open(path);
    const id = w.addInterface({ linkType: LinkType.ETHERNET, snaplen: 262144, name: 'gen0' });
    const frame = Buffer.alloc(1000);
    const N = 200_000;
    for (let i = 0; i < N; i++) {
      frame.writeUInt32BE(i, 0);
      w.writePacket(id, 1_700_000_000_000_000_000n + BigInt(i) * 1000n, frame, 1000);
    }
    w.close();
    const size = statSync(path).size;
    assert.ok(size > 200e6, `file is ${size} bytes`);

    gc();
    const base = used();
    let peak = 0;
    let n = 0;
    let sum = 0;
    const f = await openCaptureFile(path);
    for await (const batch of f.batches()) {
      for (const p of batch) {
        sum += (p.data[0] << 24 | p.data[1] << 16 | p.data[2] << 8 | p.data[3]) === n ? 1 : 0;
        n++;
      }
      peak = Math.max(peak, used() - base);
    }
    t.diagnostic(`${n} packets, ${size} bytes, peak growth ${(peak / 2 ** 20).toFixed(1)} MiB`);
    assert.equal(f.error, null);
    assert.equal(n, N);
    assert.equal(sum, N, 'packets in order with their own bytes');
    assert.ok(peak < 64 * 2 ** 20, `peak growth ${(peak / 2 ** 20).toFixed(1)} MiB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
