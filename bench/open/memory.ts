// Where a process's resident memory is, for the open bench's --memory:
// /proc/self/smaps summed by kind of mapping (the glibc heap, anonymous
// mappings — V8's pages, big ArrayBuffers, threads' malloc arenas and
// stacks — and files: node's binary, libraries, the capture's pages in
// the page cache do not count), next to process.memoryUsage() and V8's
// heap spaces. A loaded open is judged by its RSS; these say which of
// them holds it.
import { readFileSync, readdirSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

export interface MemoryBreakdown {
  /** MB resident per kind: 'heap' (glibc's brk heap), 'anon' (anonymous mappings), 'file:<base name>', 'stack', 'other' */
  smaps: Record<string, number>;
  /** anonymous mappings by size class (64 MiB-aligned malloc arenas show as 'arena-sized') */
  anonBySize: Record<string, number>;
  usage: NodeJS.MemoryUsage;
  /** V8 heap spaces: MB used / committed */
  spaces: Record<string, [number, number]>;
  /** threads alive in the process */
  threads: number;
}

const MB = 1 / (1024 * 1024);

export function memoryBreakdown(): MemoryBreakdown {
  const smaps: Record<string, number> = {}, anonBySize: Record<string, number> = {};
  let kind = 'other', size = 0;
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (m) {
      size = (parseInt(m[2]!, 16) - parseInt(m[1]!, 16)) * MB;
      const name = m[3]!.trim();
      kind = name === '' ? 'anon' : name === '[heap]' ? 'heap' : name.startsWith('[stack') ? 'stack' : name.startsWith('/') ? `file:${name.split('/').pop()}` : name;
      continue;
    }
    const r = /^Rss:\s+(\d+) kB/.exec(line);
    if (!r) continue;
    const mb = Number(r[1]) / 1024;
    const k = kind.startsWith('file:') && !/\.(so|node)|node$/.test(kind) ? 'file:other' : kind;
    smaps[k] = (smaps[k] ?? 0) + mb;
    if (kind === 'anon') {
      const cls = size >= 63.9 && size <= 64.1 ? 'arena-sized (64 MiB)' : size >= 8 ? '≥ 8 MiB' : size >= 1 ? '1–8 MiB' : '< 1 MiB';
      anonBySize[cls] = (anonBySize[cls] ?? 0) + mb;
    }
  }
  const spaces: Record<string, [number, number]> = {};
  for (const s of getHeapSpaceStatistics()) spaces[s.space_name] = [s.space_used_size * MB, s.physical_space_size * MB];
  return { smaps, anonBySize, usage: process.memoryUsage(), spaces, threads: readdirSync('/proc/self/task').length };
}

export function printMemory(label: string, m: MemoryBreakdown): void {
  const f = (x: number) => x.toFixed(1).padStart(7);
  const u = m.usage;
  console.log(`${label}: RSS ${f(u.rss * MB)} MB, threads ${m.threads}; memoryUsage heapUsed ${f(u.heapUsed * MB)} / heapTotal ${f(u.heapTotal * MB)}, external ${f(u.external * MB)} (arrayBuffers ${f(u.arrayBuffers * MB)})`);
  console.log(`  smaps: ${Object.entries(m.smaps).sort((a, b) => b[1] - a[1]).filter(([, v]) => v >= 0.5).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
  console.log(`  anonymous by mapping size: ${Object.entries(m.anonBySize).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
  console.log(`  V8 spaces (used / committed): ${Object.entries(m.spaces).map(([k, [a, b]]) => `${k.replace('_space', '')} ${a.toFixed(1)}/${b.toFixed(1)}`).join(', ')}`);
}
