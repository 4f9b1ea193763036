// Runs the engine service in the network namespace of the interface it
// captures on (ring-capture.test.ts starts it with `ip netns exec`): starts a
// live capture with a ring buffer, says "capturing" once the XDP program is
// attached, stops once `count` packets are indexed, and prints the final
// status as JSON.
//   node ring-capture-child.js IFACE RING_PATH COUNT
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineService } from '../../../main/engine/service/service';

process.env.XDPSCOPE_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'xs-config-'));
const [iface, ringPath, countText] = process.argv.slice(2);
const count = Number(countText);

async function main(): Promise<void> {
  const s = new EngineService({ emit: () => undefined });
  await s.call('startCapture', { iface, mode: 'generic', ringBuffer: { path: ringPath, packets: 10, files: 3 } });
  const until = async (cond: () => boolean, what: string): Promise<void> => {
    // bounded: 30 s
    for (let i = 0; i < 1500 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
    if (!cond()) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(s.status())}`);
  };
  await until(() => s.status().state === 'capturing', 'the capture to start');
  process.stdout.write(`capturing ${JSON.stringify(s.status().ringFile)}\n`);
  await until(() => s.status().indexed >= count, `${count} packets`);
  await s.call('stopCapture', {});
  await until(() => s.status().state === 'done', 'the capture to stop');
  process.stdout.write(JSON.stringify(s.status()) + '\n');
  await s.shutdown();
}

main().then(() => process.exit(0), (e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exit(1); });
