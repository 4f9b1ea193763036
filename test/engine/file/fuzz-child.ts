// Reads each capture file named on the command line through the streaming
// reader (the path of `read` and the service) and prints one JSON line per
// file: packets, damage, CPU and wall time, and the process's peak RSS so
// far. Run by fuzz.test.ts in a child of its own, so a runaway input costs
// only this process and its memory is measured alone.
import { readFileSync } from 'node:fs';
import { openCaptureFile } from '../../../main/engine/file/open';

/**
 * This process's own peak RSS in MB: VmHWM, of the address space exec made.
 * (getrusage's maxrss is not: Linux carries the forking parent's peak across
 * exec, so a child of a big test process would report the parent's.)
 */
export function peakRssMb(): number {
  const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : Infinity;
}

export interface FuzzRun {
  path: string;
  packets: number;
  error: string | null;
  /** CPU time (user + system, every thread) spent on this input */
  cpuMs: number;
  wallMs: number;
  /** peak RSS of this process after this input (a high-water mark over the inputs so far) */
  maxRssMb: number;
}

async function one(path: string): Promise<FuzzRun> {
  const c0 = process.cpuUsage();
  const t0 = Date.now();
  let packets = 0;
  let error: string | null;
  try {
    const f = await openCaptureFile(path);
    for await (const b of f.batches()) for (const p of b) if (p.data.length >= 0) packets++;
    error = f.error?.message ?? null;
  } catch (e) {
    error = `rejected: ${(e as Error).message}`;
  }
  const c = process.cpuUsage(c0);
  return { path, packets, error, cpuMs: (c.user + c.system) / 1000, wallMs: Date.now() - t0, maxRssMb: peakRssMb() };
}

if (require.main === module) void (async () => {
  for (const path of process.argv.slice(2)) process.stdout.write(`${JSON.stringify(await one(path))}\n`);
})();
