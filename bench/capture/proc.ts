// CPU time of a process and its descendants, from /proc (the capture benchmarks).
import { readFileSync, readdirSync } from 'node:fs';

/** clock ticks per second of /proc/PID/stat (USER_HZ) */
export const TICK = 100;

export function cpuTicks(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return Number(rest[11]) + Number(rest[12]); // utime + stime
  } catch {
    return 0;
  }
}

export function descendants(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      const kids = readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
      for (const k of kids) out.push(k, ...descendants(k));
    }
  } catch { /* gone */ }
  return out;
}

export const treeTicks = (pid: number) => [pid, ...descendants(pid)].reduce((s, p) => s + cpuTicks(p), 0);
