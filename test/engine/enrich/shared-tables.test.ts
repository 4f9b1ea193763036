// MAC names and GeoIP loaded once and handed to another thread (a parallel
// open's decoding threads: service/open-pool.ts, sharedStartupData) answer
// exactly what the loaded ones answer, and in another thread too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { DEFAULT_MANUF, loadMacNames, macNames, macNamesData, useMacNamesData } from '../../../main/engine/enrich/manuf';
import { GeoIp } from '../../../main/engine/enrich/geoip';
import { mulberry32 } from '../../lib/rng';

const skip = existsSync(DEFAULT_MANUF) && !process.env.XDPSCOPE_MANUF ? false : `${DEFAULT_MANUF} is not installed`;

/** Addresses under every vendor prefix and well-known range, and random ones. */
function addresses(): number[][] {
  const rnd = mulberry32(19);
  const out: number[][] = [[255, 255, 255, 255, 255, 255], [1, 0x80, 0xc2, 0, 0, 0], [0x33, 0x33, 0, 0, 0, 0x16], [1, 0, 0x5e, 0x7f, 0xff, 0xfa]];
  for (let i = 0; i < 20000; i++) out.push(Array.from({ length: 6 }, () => Math.floor(rnd() * 256)));
  const d = macNamesData()!;
  for (const k of d.ouiKeys) out.push([k >>> 16, (k >>> 8) & 255, k & 255, 0x12, 0x34, 0x56]);
  for (const k of d.wkaKeys) { const a: number[] = []; let v = k; for (let i = 5; i >= 0; i--) { a[i] = v % 256; v = Math.floor(v / 256); } out.push(a); }
  return out;
}

test('MAC names handed over as data name every address as the loaded file does', { skip }, () => {
  const loaded = loadMacNames(DEFAULT_MANUF)!;
  const addrs = addresses();
  const want = addrs.map((a) => [loaded.resolve(a), loaded.vendorLong(a)]);
  // through a structured clone, as to a worker thread
  useMacNamesData(structuredClone(macNamesData()));
  const got = addrs.map((a) => [macNames()!.resolve(a), macNames()!.vendorLong(a)]);
  assert.deepEqual(got, want);
  assert.ok(want.filter(([n]) => n !== null).length > 20000, 'most addresses are named');
});

test('GeoIP databases handed over as data answer as the opened files do', () => {
  const here = GeoIp.default();
  assert.ok(here, 'the bundled database opens');
  const rnd = mulberry32(7);
  const v4 = Array.from({ length: 3000 }, () => Math.floor(rnd() * 2 ** 32));
  const want = v4.map((a) => here.lookupV4(a));
  const data = GeoIp.defaultData()!;
  assert.ok(data.bytes.every((b) => b.buffer instanceof SharedArrayBuffer), 'shared memory: not copied per thread');
  // through a structured clone, as to a worker thread; paths that do not exist prove no file is read
  GeoIp.useDefaultData(structuredClone({ paths: data.paths.map((p) => `${p}.absent`), bytes: data.bytes }));
  const there = GeoIp.default()!;
  assert.notEqual(there, here);
  assert.deepEqual(v4.map((a) => there.lookupV4(a)), want);
  assert.ok(want.filter((g) => g?.countryIso).length > 1000, 'most addresses have a country');
});
