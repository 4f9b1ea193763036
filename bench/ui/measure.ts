// What the UI benchmarks measure outside the page and how they summarise
// frame times: shared by bench/ui (a big file) and bench/uilive (a live
// capture at the generator's top rate).
import { readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';

export function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

/** How many frames took 1, 2, 3, 4+ vsync intervals (16.7 ms each): p95 < 33 ms needs ≤ 5% beyond one. */
export function vsyncHistogram(frames: number[]): string {
  const n = [0, 0, 0, 0];
  for (const f of frames) n[Math.min(3, Math.max(0, Math.round(f / 16.67) - 1))]++;
  const share = (100 * (frames.length - n[0])) / Math.max(1, frames.length);
  return `1 vsync ${n[0]}, 2: ${n[1]}, 3: ${n[2]}, 4+: ${n[3]} (${share.toFixed(1)}% missed)`;
}

export function rssMB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch { return NaN; }
}

/** Each process and its parent, from /proc (a process that exits meanwhile is left out). */
function processTable(): Array<{ pid: number; ppid: number; ticks: number; rssPages: number }> {
  const out = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      out.push({ pid: Number(d), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), rssPages: Number(f[21]) });
    } catch { /* exited meanwhile */ }
  }
  return out;
}

/** Sum `value` over a process and all its descendants, except the subtrees in `skip`. */
function treeSum(root: number, value: (p: ReturnType<typeof processTable>[number]) => number, skip: ReadonlySet<number>): number {
  const table = processTable();
  const kids = new Map<number, number[]>();
  const byPid = new Map(table.map((p) => [p.pid, p]));
  for (const p of table) kids.set(p.ppid, [...(kids.get(p.ppid) ?? []), p.pid]);
  let total = 0;
  const todo = [root];
  while (todo.length) {
    const pid = todo.pop()!;
    if (skip.has(pid)) continue;
    const p = byPid.get(pid);
    if (p) total += value(p);
    todo.push(...(kids.get(pid) ?? []));
  }
  return total;
}

/** CPU time (ms, user + system) used so far by a process and all its descendants (Chromium: browser, renderer, GPU, utility). */
export function treeCpuMs(root: number, skip: ReadonlySet<number> = new Set()): number {
  const HZ = 100; // USER_HZ on Linux
  return (treeSum(root, (p) => p.ticks, skip) * 1000) / HZ;
}

/** Resident memory (MB) of a process and all its descendants (shared pages count once per process, as `ps` sums them). */
export function treeRssMB(root: number, skip: ReadonlySet<number> = new Set()): number {
  return (treeSum(root, (p) => p.rssPages, skip) * 4096) / 1048576;
}

export const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
