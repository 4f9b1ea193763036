// Handing the GeoIP databases to a parallel open's threads (GeoIp.defaultData)
// leaves one copy of their bytes in the process: the service thread reads the
// shared copy from then on instead of keeping the file's bytes beside it
// (~8 MB held for the life of the server, bench/RESULTS.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { GeoIp } from '../../../main/engine/enrich/geoip';
import { mulberry32 } from '../../lib/rng';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

test('the databases handed to other threads are the only copy this thread keeps', async () => {
  const rnd = mulberry32(11);
  const v4 = Array.from({ length: 2000 }, () => Math.floor(rnd() * 2 ** 32));
  // no reference to the opened instance kept here: only the module's would hold its bytes
  const want = v4.map((a) => GeoIp.default()!.lookupV4(a));
  gc();
  const before = process.memoryUsage().arrayBuffers;
  const data = GeoIp.defaultData()!;
  const size = data.bytes.reduce((s, b) => s + b.byteLength, 0);
  assert.ok(size > 1 << 20, 'the bundled database is megabytes');
  // V8 gives a collected ArrayBuffer's memory back when its sweeper reaches it, not
  // inside gc(): collect and yield until the file's copy is gone (a kept copy never goes)
  let grew = Infinity;
  for (let round = 0; round < 200 && grew >= size / 4; round++) {
    gc();
    await new Promise((r) => setImmediate(r));
    grew = process.memoryUsage().arrayBuffers - before;
  }
  assert.ok(grew < size / 4, `arrayBuffers grew by ${grew} bytes for a ${size}-byte database shared`);
  // and it answers as before, from the shared bytes (fresh addresses too: not only its cache)
  const there = GeoIp.default()!;
  assert.deepEqual(v4.map((a) => there.lookupV4(a)), want);
  const more = Array.from({ length: 500 }, () => Math.floor(rnd() * 2 ** 32));
  assert.deepEqual(more.map((a) => there.lookupV4(a)), more.map((a) => new GeoIp(data.paths).lookupV4(a)));
});
