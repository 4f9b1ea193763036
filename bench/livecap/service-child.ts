// The engine service of `xdpscope serve`, in the server namespace, for
// bench/livecap: a live capture with a view cap and ring files, with a
// client attached as the renderer is (on every status push whose list
// changed it fetches the last 50 rows). Every 10 s it prints one line: RSS,
// heap, the view, evictions, the helper's counters and the list's update
// rate. "stop" on stdin ends the capture; a final JSON line follows.
//   node service-child.js IFACE RING_PATH CAP_PACKETS
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineService } from '../../main/engine/service/service';
import type { EngineEvent, Status } from '../../main/api/index';

process.env.XDPSCOPE_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'xs-config-'));
const [iface, ringPath, capText] = process.argv.slice(2);

let updates = 0, lastKey = '';
const svc: EngineService = new EngineService({
  emit: (ev: EngineEvent) => {
    if (ev.event !== 'status') return;
    const st = ev.data as Status;
    // the renderer refetches the rows on screen when the list grew or was rebuilt
    const key = `${st.displayed}/${st.generation}/${st.evicted ?? 0}`;
    if (key === lastKey) return;
    lastKey = key;
    updates++;
    const n = st.displayed;
    svc.rows(Math.max(0, n - 50), 50);
  },
});

async function main(): Promise<void> {
  await svc.call('startCapture', {
    iface, mode: 'auto', direction: 'in', viewCap: { packets: Number(capText) },
    ringBuffer: { path: ringPath, filesizeKB: 100_000, files: 4 },
  });
  for (let i = 0; i < 3000 && svc.status().state !== 'capturing'; i++) await new Promise((r) => setTimeout(r, 20));
  if (svc.status().state !== 'capturing') throw new Error(`the capture did not start: ${JSON.stringify(svc.status())}`);
  process.stdout.write('capturing\n');
  const t0 = Date.now();
  let lastUpdates = 0, lastAt = t0;
  const line = (): Record<string, number | boolean> => {
    const st = svc.status(), now = Date.now();
    const m = process.memoryUsage();
    const r = {
      t: Math.round((now - t0) / 1000), rssMiB: +(m.rss / 2 ** 20).toFixed(1), heapMiB: +(m.heapUsed / 2 ** 20).toFixed(1),
      heapTotalMiB: +(m.heapTotal / 2 ** 20).toFixed(1), arrayBuffersMiB: +(m.arrayBuffers / 2 ** 20).toFixed(1), load: +loadavg()[0].toFixed(1),
      arraysMiB: +((svc.packetStore.bytes + svc.cap.index.memoryBytes()) / 2 ** 20).toFixed(1),
      inView: st.captured, evicted: st.evicted ?? 0, seen: st.seen ?? 0, dropped: st.dropped, behind: st.behind ?? false,
      updatesPerS: +((updates - lastUpdates) / ((now - lastAt) / 1000)).toFixed(1),
    };
    lastUpdates = updates; lastAt = now;
    return r;
  };
  const timer = setInterval(() => process.stdout.write(`sample ${JSON.stringify(line())}\n`), 10_000);
  await new Promise<void>((resolve) => {
    process.stdin.on('data', (d) => { if (String(d).includes('stop')) resolve(); });
    process.stdin.on('end', () => resolve());
  });
  clearInterval(timer);
  await svc.call('stopCapture', {});
  for (let i = 0; i < 3000 && svc.status().state !== 'done'; i++) await new Promise((r) => setTimeout(r, 20));
  const files = await svc.call('captureFiles', {});
  process.stdout.write(`final ${JSON.stringify({ ...line(), status: svc.status(), helper: svc.cap.helperStats, files: files.files.length })}\n`);
  await svc.shutdown();
}

main().then(() => process.exit(0), (e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exit(1); });
