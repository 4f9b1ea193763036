// Sessions at scale: open a 1,000,000-packet pcapng as a session (time to
// the first batch, time to read it all), save it (atomic pcapng with
// metadata) and export it as classic pcap; next to Wireshark's own tools
// doing the same work in the same run (capinfos -c: read; editcap: read +
// write pcapng). One run each (the file is
// big; the machine is shared), CPU time reported beside wall time.
//   node scripts/build.mjs && node dist/bench/session/open-save.js [packets]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bigCapture, DATA } from '../lib/big-capture';
import { openSession, saveSession } from '../../main/engine/session';

interface Timing { ms: number; cpuMs: number }

async function timed<T>(fn: () => Promise<T>): Promise<[T, Timing]> {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const r = await fn();
  const c = process.cpuUsage(c0);
  return [r, { ms: Number(process.hrtime.bigint() - t0) / 1e6, cpuMs: (c.user + c.system) / 1e3 }];
}

function tool(cmd: string, args: string[]): Timing | null {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return r.status === 0 ? { ms, cpuMs: NaN } : null;
}

const fmt = (t: Timing | null): string => (t ? `${(t.ms / 1000).toFixed(2)} s${Number.isNaN(t.cpuMs) ? '' : ` (cpu ${(t.cpuMs / 1000).toFixed(2)} s)`}` : 'n/a');
const ratio = (a: Timing, b: Timing | null): string => (b ? `${(a.ms / b.ms).toFixed(2)}x` : 'n/a');

async function main(): Promise<void> {
  const N = Number(process.argv[2] ?? 1_000_000);
  const src = bigCapture(N);
  const size = statSync(src).size;
  // on disk beside the source (not tmpfs), so fsync costs what it costs for a user
  const dir = mkdtempSync(join(DATA, 'session-'));
  try {
    // open: first batch, then everything
    let firstMs = 0;
    const [count, open] = await timed(async () => {
      const t0 = process.hrtime.bigint();
      const s = await openSession(src);
      let n = 0;
      for await (const b of s.batches()) {
        if (n === 0) firstMs = Number(process.hrtime.bigint() - t0) / 1e6;
        n += b.length;
      }
      return n;
    });
    const capinfos = tool('capinfos', ['-c', src]);

    const dest = join(dir, 'saved.pcapng');
    const [saved, save] = await timed(async () => saveSession(dest, await openSession(src), {
      metadata: { displayFilter: 'tcp', selectedPacket: 1, columns: [{ title: 'No.', field: 'number' }] },
    }));
    rmSync(dest);
    const editcap = tool('editcap', [src, dest]);
    rmSync(dest, { force: true });

    const pcap = join(dir, 'export.pcap');
    let exported: number | string;
    let exp: Timing | null = null;
    try {
      // The corpus mixes link types, which classic pcap cannot hold: export the Ethernet frames.
      const [r, t] = await timed(async () => saveSession(pcap, await openSession(src), { format: 'pcap', select: { predicate: (_n, p) => p.linkType === 1 } }));
      exported = r.packets;
      exp = t;
    } catch (e) {
      exported = (e as Error).message.slice(0, 120);
    }
    rmSync(pcap, { force: true });

    const mb = size / 1e6;
    console.log(`session open/save: ${count} packets, ${mb.toFixed(0)} MB (${src})`);
    console.log(`  open → first batch   ${firstMs.toFixed(1)} ms`);
    console.log(`  open → all packets   ${fmt(open)}  ${(count / (open.ms / 1000) / 1e6).toFixed(2)} Mpkt/s  vs capinfos -c ${fmt(capinfos)}: ${ratio(open, capinfos)}`);
    console.log(`  save (pcapng, atomic + fsync, metadata) ${fmt(save)}  ${(saved.packets / (save.ms / 1000) / 1e6).toFixed(2)} Mpkt/s, ${(mb / (save.ms / 1000)).toFixed(0)} MB/s  vs editcap ${fmt(editcap)}: ${ratio(save, editcap)}`);
    console.log(`  export pcap (Ethernet frames; no baseline: editcap cannot select by link type)  ${exp ? `${fmt(exp)} (${exported} packets)` : `failed: ${exported}`}`);
    console.log(`  (wall-clock ratio >1 means xdpscope is slower; machine load: ${require('node:os').loadavg().map((x: number) => x.toFixed(1)).join(' ')})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
