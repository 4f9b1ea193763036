// Child process for the crash test: writes packets with known content into a
// spool as fast as a capture would deliver them and reports each flush on
// stdout ("flushed N"), until the parent kills it with SIGKILL.
import { writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { SpoolWriter } from '../../../main/engine/session';
import { knownPacket } from './helpers';

async function main(): Promise<void> {
  const dir = process.argv[2];
  const spool = new SpoolWriter({
    dir,
    interfaces: [{ linkType: 1, snaplen: 65535, name: 'test0' }],
    metadata: { capture: { interface: 'test0', mode: 'test', filter: 'udp' } },
  });
  spool.onFlush((f) => writeSync(1, `flushed ${f.packets}\n`));
  writeSync(1, `spool ${spool.path}\n`);
  let n = 0;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && n < 2_000_000) {
    const batch = [];
    const count = 1 + Math.floor(Math.random() * 200);
    for (let i = 0; i < count; i++) batch.push(knownPacket(++n));
    spool.write(batch);
    await sleep(1 + Math.floor(Math.random() * 4));
  }
  spool.close();
  writeSync(1, 'finished\n');
}

main().catch((e) => {
  writeSync(2, `${e?.stack ?? e}\n`);
  process.exit(1);
});
