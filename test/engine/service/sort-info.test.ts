// Sorting by Info when the Info texts are deflated in blocks (store.ts
// PackedText): the order is exactly that of the texts as JavaScript strings,
// ties by packet number, both ways, over many blocks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { EngineService } from '../../../main/engine/service/service';
import { PcapngWriter } from '../../../main/engine/pcapng/writer';
import { eth, ipv4, tcp, udp } from '../dissect/packets';
import { openLoaded } from '../../lib/service';

const PACKETS = 6000;

test('sort by Info over many deflated blocks equals sorting the Info texts', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xs-sort-info-'));
  const path = join(dir, 'many.pcapng');
  const w = PcapngWriter.open(path, {});
  const id = w.addInterface({ linkType: 1, snaplen: 65535, tsUnitNs: 1000 });
  for (let i = 0; i < PACKETS; i++) {
    const l4 = i % 3 === 0 ? udp(1024 + (i % 701), 9000 + (i % 13), Array(i % 50).fill(0x61)) : tcp(2000 + (i % 997), 80, i * 7919, i, i % 5 === 0 ? 0x02 : 0x10, Array(i % 9).fill(0x62));
    const frame = eth(0x0800, ipv4(`198.18.${(i >> 8) & 255}.${i & 255}`, '198.18.255.1', i % 3 === 0 ? 17 : 6, l4));
    w.writePacket(id, 1_700_000_000_000_000n + BigInt(i) * 1000n, Uint8Array.from(frame), frame.length);
  }
  w.close();
  const s = new EngineService({ emit: () => undefined });
  try {
    await openLoaded(s, path);
    const all = await s.call('getRows', { start: 0, count: PACKETS });
    const info = new Map<number, string>();
    for (let r = 0; r < PACKETS; r++) info.set(all.number[r]!, all.strings[all.info[r]!]!);
    assert.equal(info.size, PACKETS);
    for (const desc of [false, true]) {
      await s.call('setSort', { column: 'info', desc });
      const rows = await s.call('getRows', { start: 0, count: PACKETS });
      const got = Array.from(rows.number);
      const want = [...info.keys()].sort((a, b) => {
        const ka = info.get(a)!, kb = info.get(b)!;
        return (ka < kb ? -1 : ka > kb ? 1 : a - b) * (desc ? -1 : 1);
      });
      assert.deepEqual(got, want, desc ? 'descending' : 'ascending');
      // the rows carry the same texts as before the sort
      for (let r = 0; r < PACKETS; r += 97) assert.equal(rows.strings[rows.info[r]!], info.get(rows.number[r]!));
    }
  } finally {
    await s.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
});
