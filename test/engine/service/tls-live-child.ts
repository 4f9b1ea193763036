// Runs the engine service in the server's network namespace
// (tls-live.test.ts starts it with `ip netns exec`): sets the TLS key log
// preference to a file that does not exist yet, starts a live capture of
// both directions, says "capturing", and waits (bounded) until the display
// filter FILTER selects COUNT packets while the capture still runs; then
// stops and prints the outcome as JSON.
//   node tls-live-child.js IFACE KEYLOG COUNT FILTER
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineService } from '../../../main/engine/service/service';

process.env.XDPSCOPE_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'xs-config-'));
const [iface, keylog, countText, filter] = process.argv.slice(2);
const count = Number(countText);

async function main(): Promise<void> {
  const s = new EngineService({ emit: () => undefined });
  await s.call('setTlsKeylog', { path: keylog });
  await s.call('startCapture', { iface, mode: 'generic', direction: 'inout' });
  const until = async (cond: () => boolean, ms: number): Promise<boolean> => {
    for (let i = 0; i < ms / 20 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
    return cond();
  };
  if (!await until(() => s.status().state === 'capturing', 30_000)) throw new Error(`the capture did not start: ${JSON.stringify(s.status())}`);
  await s.call('setFilter', { text: filter });
  process.stdout.write('capturing\n');
  const found = await until(() => s.status().displayed >= count, 30_000);
  const live = s.status().state === 'capturing';
  const displayed = s.status().displayed;
  const indexed = s.status().indexed;
  await s.call('stopCapture', {});
  await until(() => s.status().state === 'done', 10_000);
  process.stdout.write(JSON.stringify({ found, live, displayed, indexed }) + '\n');
  await s.shutdown();
}

main().then(() => process.exit(0), (e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exit(1); });
