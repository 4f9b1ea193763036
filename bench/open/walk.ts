// A decoding thread's per-packet CPU, without threads or the service: the
// corpus packets (repeated to N, in memory) packed into the open's batches
// and run through the open's RowMaker (open-rows.ts: dissect, colour and
// summarise, filter index, insights digest), against dissection alone on the
// same packets. The difference is what the open adds per packet on top of
// the dissection. Each mode runs `rounds` times, alternated, in one process;
// prints the best CPU µs/packet of each.
//   node scripts/build.mjs && node dist/bench/open/walk.js [packets] [rounds]
//   node --cpu-prof dist/bench/open/walk.js 100000 1 rows   (one mode only)
import { corpusPackets } from '../lib/big-capture';
import { BatchBuilder, unpack, prevOf } from '../../main/engine/parallel/batch';
import type { PacketBatch } from '../../main/engine/parallel/protocol';
import { RowMaker } from '../../main/engine/service/open-rows';
import { Dissector } from '../../main/engine/dissect/index';
import { DEFAULT_COLOURING_RULES } from '../../main/engine/colour/colouring';

const BATCH = 2048;

function batches(n: number): PacketBatch[] {
  const src = corpusPackets();
  const out: PacketBatch[] = [];
  let b = new BatchBuilder(BATCH, 1 << 24);
  let ts = 1_700_000_000_000_000_000n, prev: bigint | null = null;
  for (let i = 0; i < n; i++) {
    const p = src[i % src.length]!;
    ts += 1000n;
    if (b.n === BATCH || b.bytes + p.data.length > b.data.length) { out.push(b.batch(1_700_000_000_000_001_000n)); b = new BatchBuilder(BATCH, 1 << 24); }
    b.add({ ...p, number: i + 1, tsNs: ts, tsSec: undefined, fileOffset: undefined }, prev);
    prev = ts;
  }
  if (b.n > 0) out.push(b.batch(1_700_000_000_000_001_000n));
  return out;
}

function cpu(fn: () => void): number {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}

const MODES: Record<string, (bs: PacketBatch[]) => void> = {
  dissect: (bs) => {
    const dis = new Dissector({ tlsKeys: null });
    for (const b of bs) for (let j = 0; j < b.n; j++) { dis.setClock(b.first, prevOf(b, j)); dis.dissect(unpack(b, j, undefined)); }
  },
  rows: (bs) => {
    const m = new RowMaker({ role: 'rows', colouringRules: [...DEFAULT_COLOURING_RULES] });
    for (const b of bs) m.rows(b);
  },
};

function main(): void {
  const n = Number(process.argv[2] ?? 100_000), rounds = Number(process.argv[3] ?? 3);
  const only = process.argv[4];
  const bs = batches(n);
  const best: Record<string, number> = {};
  for (let r = 0; r < rounds; r++) {
    for (const k of Object.keys(MODES)) {
      if (only && k !== only) continue;
      const s = cpu(() => MODES[k]!(bs));
      best[k] = Math.min(best[k] ?? Infinity, s);
    }
  }
  for (const [k, s] of Object.entries(best)) console.log(`${k.padEnd(8)} ${((s / n) * 1e6).toFixed(2)} µs/packet (${s.toFixed(2)} s CPU, ${n} packets)`);
  if (best.rows !== undefined && best.dissect !== undefined) console.log(`rows - dissect: ${(((best.rows - best.dissect) / n) * 1e6).toFixed(2)} µs/packet`);
}

main();
