// Raw read speed of the capture readers: packets/s over a generated
// 1M-packet pcapng, pcap and gzipped pcapng (100-byte frames), best of 3, next to capinfos
// (wiretap's raw reader, no dissection) measured in the same run.
//   node scripts/build.mjs && node dist/bench/formats/read-speed.js [packets]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCaptureFile } from '../../main/engine/file/open';
import { PcapngWriter } from '../../main/engine/pcapng/writer';
import { PcapWriter } from '../../main/engine/pcap/writer';
import { LinkType } from '../../main/engine/types';

async function readOnce(path: string): Promise<{ n: number; ms: number; cpuMs: number }> {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const f = await openCaptureFile(path);
  let n = 0;
  let bytes = 0;
  for await (const b of f.batches()) {
    n += b.length;
    for (const p of b) bytes += p.capLen;
  }
  if (f.error) throw f.error;
  const c = process.cpuUsage(c0);
  return { n: bytes >= 0 ? n : 0, ms: Number(process.hrtime.bigint() - t0) / 1e6, cpuMs: (c.user + c.system) / 1e3 };
}

function capinfosMs(path: string): number | null {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('capinfos', ['-c', path], { stdio: 'ignore' });
  return r.status === 0 ? Number(process.hrtime.bigint() - t0) / 1e6 : null;
}

async function main(): Promise<void> {
  const N = Number(process.argv[2] ?? 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-bench-'));
  try {
    const ng = join(dir, 'bench.pcapng');
    const pc = join(dir, 'bench.pcap');
    const w = PcapngWriter.open(ng);
    const id = w.addInterface({ linkType: LinkType.ETHERNET, snaplen: 262144, name: 'bench0' });
    const pw = PcapWriter.open(pc, { linkType: LinkType.ETHERNET, nanosecond: false });
    const frame = Buffer.alloc(100, 0x42);
    let ts = 1_700_000_000_000_000_000n;
    const tw = process.hrtime.bigint();
    for (let i = 0; i < N; i++) {
      ts += 1234n;
      w.writePacket(id, ts, frame, 100);
      pw.writePacket(ts, frame, 100);
    }
    w.close();
    pw.close();
    const writeMs = Number(process.hrtime.bigint() - tw) / 1e6;
    console.log(`wrote ${N} packets to pcapng and pcap in ${writeMs.toFixed(0)} ms (${(2 * N / writeMs / 1e3).toFixed(2)} Mpkt/s)`);
    const gz = join(dir, 'bench.pcapng.gz');
    writeFileSync(gz, gzipSync(readFileSync(ng), { level: 1 }));
    for (const [label, path] of [['pcapng', ng], ['pcap', pc], ['pcapng.gz', gz]] as const) {
      let best = Infinity;
      let bestCpu = Infinity;
      for (let r = 0; r < 3; r++) {
        const m = await readOnce(path);
        best = Math.min(best, m.ms);
        bestCpu = Math.min(bestCpu, m.cpuMs);
      }
      const ci = capinfosMs(path);
      const mb = statSync(path).size / 1e6;
      console.log(`${label}: ${(N / best / 1e3).toFixed(2)} Mpkt/s wall (${best.toFixed(0)} ms, ${(mb / best * 1e3).toFixed(0)} MB/s), ` +
        `${(N / bestCpu / 1e3).toFixed(2)} Mpkt/s per CPU second` +
        (ci === null ? '' : `; capinfos -c ${ci.toFixed(0)} ms → ${(ci / best).toFixed(1)}× faster than capinfos`));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
