// Runs the engine service in the network namespace of the interface it
// captures on (view-cap.test.ts starts it with `ip netns exec`, node
// --expose-gc): a live capture with a view cap of CAP packets and ring files,
// says "capturing" once the XDP program is attached, sets a display filter
// once the view is full, and stops once TOTAL packets are captured. After
// every batch it checks the view (count, frame numbers) and samples memory;
// at the end it prints one JSON line with what it saw.
//   node --expose-gc view-cap-child.js IFACE RING_PATH CAP TOTAL FILTER
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineService } from '../../../main/engine/service/service';

process.env.XDPSCOPE_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'xs-config-'));
const [iface, ringPath, capText, totalText, filter] = process.argv.slice(2);
const cap = Number(capText), total = Number(totalText);
const gc = (globalThis as { gc?: () => void }).gc!;

async function main(): Promise<void> {
  const s = new EngineService({ emit: () => undefined });
  await s.call('startCapture', { iface, mode: 'generic', direction: 'in', viewCap: { packets: cap }, ringBuffer: { path: ringPath, packets: 2500, files: 10_000 } });
  const until = async (cond: () => boolean, what: string): Promise<void> => {
    // bounded: 60 s
    for (let i = 0; i < 3000 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
    if (!cond()) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(s.status())}`);
  };
  await until(() => s.status().state === 'capturing', 'the capture to start');
  process.stdout.write('capturing\n');

  // every turn of the event loop (a batch or more ingested): the view's bounds and numbering
  let maxView = 0, numberingBroken = '', checks = 0;
  const samples: Array<{ captured: number; heap: number; arrays: number }> = [];
  let filterSet = false;
  const check = (): void => {
    const st = s.packetStore;
    const evicted = s.cap.viewCap?.evicted ?? 0;
    maxView = Math.max(maxView, st.count);
    checks++;
    for (let i = 0; i < st.count && !numberingBroken; i++) {
      if (st.number.get(i) !== evicted + i + 1) numberingBroken = `position ${i} holds frame ${st.number.get(i)}, ${evicted} evicted`;
    }
  };
  const timer = setInterval(check, 1);
  const sample = (): void => {
    gc();
    samples.push({ captured: s.status().captured + (s.cap.viewCap?.evicted ?? 0), heap: process.memoryUsage().heapUsed, arrays: s.packetStore.bytes + s.cap.index.memoryBytes() });
  };
  let nextSample = cap * 2;
  await until(() => {
    const seen = s.packetStore.count + (s.cap.viewCap?.evicted ?? 0);
    if (!filterSet && seen > cap * 1.5) { filterSet = true; void s.call('setFilter', { text: filter }); }
    if (seen >= nextSample) { sample(); nextSample += Math.ceil(total / 10); }
    return seen >= total;
  }, `${total} packets`);
  await s.call('stopCapture', {});
  await until(() => s.status().state === 'done', 'the capture to stop');
  clearInterval(timer);
  check();
  sample();
  // the filter over the packets in view, after the capture: from the index
  const status = s.status();
  const rows = s.rows(0, status.displayed);
  const files = await s.call('captureFiles', {});
  let details = '';
  try { await s.call('getDetails', { number: 1 }); } catch (e) { details = (e as Error).message; }
  process.stdout.write(JSON.stringify({
    status, maxView, numberingBroken, checks, samples, files, details,
    inView: Array.from(s.packetStore.number.toArray(s.packetStore.count)),
    displayed: Array.from(rows.number),
  }) + '\n');
  await s.shutdown();
}

main().then(() => process.exit(0), (e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exit(1); });
