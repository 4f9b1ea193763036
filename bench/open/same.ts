// Does a change keep what an open shows? Opens every shared capture and the
// 30,000-packet corpus in the engine service, on the service thread and on
// the worker pool (XDPSCOPE_OPEN_THREADS=0 / 2), and writes one line per open:
// the sha256 of every stored column of every row (number, lengths, Source,
// Destination, Protocol, Info, colour, conversation, flags, the field
// columns), of the frame numbers each of 14 display filters shows, and of the
// insights (alerts and statistics). Run it in two builds and diff the files.
//   node dist/bench/open/same.js OUT.tsv            (both modes, one child each)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CAPTURES } from '../../test/lib/env';
import { bigCapture } from '../lib/big-capture';
import { EngineService } from '../../main/engine/service/service';
import { FIELD_COLUMNS } from '../../main/api/columns';

const FILTERS = [
  'tcp.port == 80', 'tcp.stream == 3 or udp.stream == 5', 'tcp.stream in {0..40}', 'dns or http.request', 'ip.addr == 192.168.0.0/16 && tcp.flags.syn == 1',
  'frame.len > 1000 and not arp', 'eth.addr == ff:ff:ff:ff:ff:ff', 'http.host contains "a"', 'tcp.srcport == tcp.dstport', 'tls.handshake.type == 1',
  'tcp.analysis.retransmission', 'ip.geoip.country_iso', 'udp.length > 100', 'ipv6',
];

const sha = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);

async function child(files: string[]): Promise<void> {
  process.env.XDPSCOPE_CONFIG_DIR = require('node:fs').mkdtempSync(join(require('node:os').tmpdir(), 'xs-same-'));
  const out: string[] = [];
  for (const path of files) {
    const s = new EngineService({ emit: () => undefined });
    await s.call('openFile', { path }).catch(() => undefined);
    while (s.status().state === 'loading') await new Promise((r) => setTimeout(r, 5));
    const lane = s.cap.insightsLane;
    while (lane && !lane.done && lane.failure === null) await new Promise((r) => setTimeout(r, 5));
    const st = s.packetStore, rows: string[] = [];
    for (let i = 0; i < st.count; i++) {
      const f = FIELD_COLUMNS.map((c, k) => (c.type === 'number' ? String(st.fieldCols[k]!.get(i)) : st.strings.get(st.fieldCols[k]!.get(i))));
      rows.push([st.number.get(i), st.capLen.arr[i], st.origLenAt(i), st.tsNs.get(i), st.strings.get(st.source.arr[i]!), st.strings.get(st.destination.arr[i]!),
        st.strings.get(st.protocol.arr[i]!), st.info(i), st.colour.arr[i], st.stream.get(i), st.pktFlags.get(i), ...f].join('\u0001'));
    }
    const filters: string[] = [];
    for (const text of FILTERS) {
      const r = await s.call('setFilter', { text }) as { ok: boolean };
      filters.push(r.ok ? sha(Array.from(s.rows(0, 1 << 22).number).join(',')) : 'refused');
    }
    const ins = await s.call('getInsights', {}) as { alerts: unknown[]; stats: unknown; packets: number };
    out.push([path.split('/').pop(), lane !== null ? 'pool' : 'one', s.status().state, st.count, sha(rows.join('\n')), sha(JSON.stringify(ins.alerts)), sha(JSON.stringify(ins.stats)), ins.packets, ...filters].join('\t'));
    await s.shutdown();
  }
  process.stdout.write(out.join('\n') + '\n');
  process.exit(0);
}

function main(): void {
  if (process.argv[2] === '--child') { void child(process.argv.slice(3)); return; }
  const outPath = process.argv[2] ?? 'same.tsv';
  const files = [...readdirSync(CAPTURES).filter((n) => /\.pcap(ng)?$/.test(n)).sort().map((n) => join(CAPTURES, n)), bigCapture(30_000)];
  const lines: string[] = [];
  for (const threads of ['0', '2']) {
    const r = spawnSync(process.execPath, [__filename, '--child', ...files], { env: { ...process.env, XDPSCOPE_OPEN_THREADS: threads }, encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`threads ${threads}: ${r.stderr}`);
    lines.push(r.stdout.trim());
  }
  writeFileSync(outPath, lines.join('\n') + '\n');
  console.log(`${lines.join('\n').split('\n').length} opens written to ${outPath}`);
}

main();
