// What one decoding thread of the pooled open (service/open-worker.ts) costs
// to start: from `new Worker` to the answer to its first batch, one packet
// between two public addresses with a vendor's MAC (so MAC names and GeoIP
// are loaded), in wall time and in CPU (the process's, while this thread
// only waits). Beside it, a worker that loads nothing (Node's own floor).
//   node scripts/build.mjs && node dist/bench/open/thread-start.js [rounds]
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { BatchBuilder, transferList } from '../../main/engine/parallel/batch';
import type { FromOpenWorker, OpenJob } from '../../main/engine/service/open-rows';
import type { RawPacket } from '../../main/engine/types';
import { sharedStartupData } from '../../main/engine/service/open-pool';

const script = join(__dirname, '..', '..', 'main', 'engine', 'service', 'open-worker.js');

function frame(): Uint8Array {
  // Ethernet (a Cisco OUI) / IPv4 8.8.8.8 → 1.1.1.1 / UDP 53 → 40000, 8 bytes of payload
  const b = [0x00, 0x00, 0x0c, 0x01, 0x02, 0x03, 0x00, 0x1b, 0x54, 0x04, 0x05, 0x06, 0x08, 0x00,
    0x45, 0, 0, 36, 0, 1, 0, 0, 64, 17, 0, 0, 8, 8, 8, 8, 1, 1, 1, 1,
    0, 53, 0x9c, 0x40, 0, 16, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8];
  return Uint8Array.from(b);
}

async function once(kind: 'floor' | 'rows'): Promise<{ wallMs: number; cpuMs: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let w: Worker;
  if (kind === 'floor') {
    w = new Worker("require('node:worker_threads').parentPort.once('message', () => require('node:worker_threads').parentPort.postMessage({ t: 'rows' }))", { eval: true });
    w.postMessage({ t: 'go' });
  } else {
    const job: OpenJob = { role: 'rows', colouringRules: [], shared: sharedStartupData() };
    w = new Worker(script, { workerData: job });
    const data = frame();
    const p: RawPacket = { number: 1, tsNs: 1_700_000_000_000_000_000n, capLen: data.length, origLen: data.length, linkType: 1, interfaceId: 0, data };
    const b = new BatchBuilder(1, data.length);
    b.add(p, null);
    const batch = b.batch(p.tsNs);
    w.postMessage(batch, transferList(batch));
  }
  await new Promise<void>((resolve, reject) => {
    w.on('message', (m: FromOpenWorker) => { if (m.t === 'rows') resolve(); else if (m.t === 'fail') reject(new Error(m.message)); });
    w.on('error', reject);
  });
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  await w.terminate();
  return { wallMs, cpuMs: (c.user + c.system) / 1000 };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 7);
  const load0 = loadavg()[0]!;
  // the service thread's own share, paid once per process (not per thread)
  const s0 = process.cpuUsage();
  sharedStartupData();
  const s = process.cpuUsage(s0);
  const res: Record<'floor' | 'rows', Array<{ wallMs: number; cpuMs: number }>> = { floor: [], rows: [] };
  for (let i = 0; i < rounds; i++) for (const k of ['floor', 'rows'] as const) res[k].push(await once(k));
  console.log(`${new Date().toISOString()} ${rounds} rounds, load average ${load0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`);
  console.log(`shared start-up data (once per process, service thread): ${((s.user + s.system) / 1000).toFixed(1)} ms CPU`);
  for (const k of ['floor', 'rows'] as const) {
    console.log(`${k === 'floor' ? 'empty worker        ' : 'decoding thread     '}: to first answer ${median(res[k].map((r) => r.wallMs)).toFixed(0)} ms wall, ${median(res[k].map((r) => r.cpuMs)).toFixed(0)} ms CPU (median)`);
  }
}

void main();
