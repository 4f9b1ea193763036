// Child process for the crash test: saves (overwriting) a large capture and
// reports progress ("progress N") until the parent kills it with SIGKILL.
import { writeSync } from 'node:fs';
import { openSession, saveSession } from '../../../main/engine/session';

async function main(): Promise<void> {
  const [src, dest] = process.argv.slice(2);
  const s = await openSession(src, { maxBatch: 2000 });
  await saveSession(dest, s, { overwrite: true, metadata: { displayFilter: 'udp' }, onProgress: (p) => writeSync(1, `progress ${p.packets}\n`) });
  writeSync(1, 'done\n');
}

main().catch((e) => {
  writeSync(2, `${e?.stack ?? e}\n`);
  process.exit(1);
});
