// Cost of colouring on open: the engine service opens a capture (by default
// the shared corpus repeated to 100,000 packets) to the end, several times,
// with Wireshark's colouring table and with an empty one (no rule to try),
// alternating so that the shared machine's load hits both alike. Prints the
// median wall and CPU time of each and the machine's load average.
//   node scripts/build.mjs && node dist/bench/colour/open.js [runs] [capture]
import { loadavg } from 'node:os';
import { bigCapture } from '../lib/big-capture';
import { EngineService } from '../../main/engine/service/service';

async function openToEnd(path: string, empty: boolean): Promise<{ ms: number; cpuMs: number; packets: number }> {
  const s = new EngineService({ emit: () => undefined });
  // (a tree without setColouring measures its own colouring both times)
  if (empty) await s.call('setColouring', { rules: [] }).catch(() => undefined);
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  await s.call('openFile', { path });
  // the service reads on after openFile returns; 'done' is the end of the file
  while (s.status().state === 'loading') await new Promise((r) => setImmediate(r));
  const c = process.cpuUsage(c0);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const packets = s.status().captured;
  await s.shutdown();
  return { ms, cpuMs: (c.user + c.system) / 1e3, packets };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 5);
  const path = process.argv[3] ?? bigCapture(100_000);
  const res: Record<'wireshark' | 'empty', Array<{ ms: number; cpuMs: number }>> = { wireshark: [], empty: [] };
  let packets = 0;
  await openToEnd(path, false); // warm-up: module loading and JIT
  for (let i = 0; i < runs; i++) {
    for (const kind of (i % 2 ? ['empty', 'wireshark'] : ['wireshark', 'empty']) as Array<'wireshark' | 'empty'>) {
      const r = await openToEnd(path, kind === 'empty');
      packets = r.packets;
      res[kind].push(r);
    }
  }
  console.log(`${new Date().toISOString()} load ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${packets} packets, ${runs} runs each`);
  for (const k of ['empty', 'wireshark'] as const) {
    console.log(`${k.padEnd(10)} wall ${median(res[k].map((r) => r.ms)).toFixed(0)} ms  cpu ${median(res[k].map((r) => r.cpuMs)).toFixed(0)} ms`);
  }
  const w = median(res.wireshark.map((r) => r.cpuMs)), e = median(res.empty.map((r) => r.cpuMs));
  console.log(`colouring costs ${(((w - e) / e) * 100).toFixed(1)}% CPU`);
}

void main();
