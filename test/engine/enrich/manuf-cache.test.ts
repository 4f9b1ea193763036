// The parsed manuf table is cached between processes (issue 19: parsing the
// ~52k lines cost every process's first Ethernet packet 0.15-0.6 s). A
// cache names exactly what its files hold: a changed file is parsed again,
// a damaged or foreign cache is never believed.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync as mkdtemp, rmSync, readFileSync, readdirSync, statSync, writeFileSync, utimesSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { DEFAULT_MANUF, loadMacNames, manufCacheDir, parseManuf, readCache, type MacNames } from '../../../main/engine/enrich/manuf';
import { existsSync } from 'node:fs';

const made: string[] = [];
after(() => { for (const d of made) rmSync(d, { recursive: true, force: true }); });
/** a scratch folder removed after the tests */
function mkdtempSync(prefix: string): string { const d = mkdtemp(prefix); made.push(d); return d; }

const plain = (t: ReturnType<typeof parseManuf>) => ({
  ouiKeys: [...t.ouiKeys], ouiShort: [...t.ouiShort].map((i) => t.names[i]), ouiLong: [...t.ouiLong].map((i) => t.names[i]),
  wkaKeys: [...t.wkaKeys], wkaName: [...t.wkaName].map((i) => t.names[i]), exact: [...t.exact].sort((a, b) => a[0] - b[0]),
});

const ADDRS = [[0, 0, 0x0c, 1, 2, 3], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff], [0, 0x1b, 0xc5, 0, 0x10, 9], [0x33, 0x33, 0, 0, 0, 0x16], [1, 0, 0x5e, 0, 0, 0xfb], [2, 0, 0, 0, 0, 1]];
const names = (m: MacNames | null) => ADDRS.map((a) => [m?.resolve(a), m?.vendor(a), m?.vendorLong(a)]);

function files(manuf: string, wka: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'xs-manuf-'));
  writeFileSync(join(dir, 'manuf'), manuf);
  writeFileSync(join(dir, 'wka'), wka);
  return join(dir, 'manuf');
}

const cachesIn = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('manuf-')).map((f) => join(dir, f));

test('a second load reads the cache the first wrote: the same table, private, one file', () => {
  const path = files('00:00:0C\tCisco\tCisco Systems, Inc\n00:1B:C5:00:00:00/36\tConverging\tConverging Systems Inc\n', 'FF:FF:FF:FF:FF:FF\tBroadcast\n33:33:00:00:00:00/16\tIPv6mcast\n01:00:5E:00:00:00/25\tIPv4mcast\n');
  const cache = join(mkdtempSync(join(tmpdir(), 'xs-cache-')), 'sub');
  const parsed = parseManuf([readFileSync(path, 'utf8'), readFileSync(join(path, '..', 'wka'), 'utf8')]);
  const first = loadMacNames(path, cache);
  const [file, ...more] = cachesIn(cache);
  assert.ok(file, 'a cache file was written');
  assert.deepEqual(more, []);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(statSync(cache).mode & 0o777, 0o700);
  const table = readCache(file);
  assert.ok(table);
  assert.deepEqual(plain(table), plain(parsed));
  assert.deepEqual(names(loadMacNames(path, cache)), names(first));
  assert.equal(names(first)[0]![0], 'Cisco_01:02:03');
});

test('a changed file is parsed again and replaces the old cache; a damaged cache is ignored and rewritten', () => {
  const path = files('00:00:0C\tCisco\n', '');
  const cache = mkdtempSync(join(tmpdir(), 'xs-cache-'));
  assert.equal(names(loadMacNames(path, cache))[0]![0], 'Cisco_01:02:03');
  const [old] = cachesIn(cache);
  writeFileSync(path, '00:00:0C\tOther\n');
  utimesSync(path, new Date(), new Date(Date.now() + 5000));
  assert.equal(names(loadMacNames(path, cache))[0]![0], 'Other_01:02:03');
  const [now, ...more] = cachesIn(cache);
  assert.deepEqual(more, [], 'the old cache is removed');
  assert.notEqual(now, old);
  // one byte changed anywhere: not believed
  const bytes = readFileSync(now!);
  bytes[bytes.length - 3] ^= 0x20;
  writeFileSync(now!, bytes);
  assert.equal(readCache(now!), null);
  assert.equal(names(loadMacNames(path, cache))[0]![0], 'Other_01:02:03');
  assert.ok(readCache(now!), 'rewritten');
  // cut short
  writeFileSync(now!, bytes.subarray(0, 100));
  assert.equal(readCache(now!), null);
  // another copy of the files ($XDPSCOPE_MANUF) has a cache of its own beside this one
  const other = files('00:00:0C\tThird\n', '');
  assert.equal(names(loadMacNames(other, cache))[0]![0], 'Third_01:02:03');
  assert.equal(names(loadMacNames(path, cache))[0]![0], 'Other_01:02:03');
  assert.equal(cachesIn(cache).length, 2);
});

test('a cache folder open to others is not read; XDPSCOPE_CACHE_DIR=off has none', () => {
  const path = files('00:00:0C\tCisco\n', '');
  const cache = mkdtempSync(join(tmpdir(), 'xs-cache-'));
  loadMacNames(path, cache);
  const [file] = cachesIn(cache);
  // a table someone else could have put there: names it must not show
  const planted = join(mkdtempSync(join(tmpdir(), 'xs-cache-')), 'planted');
  loadMacNames(files('00:00:0C\tPlanted\n', ''), planted);
  writeFileSync(file!, readFileSync(cachesIn(planted)[0]!));
  chmodSync(cache, 0o777);
  assert.equal(names(loadMacNames(path, cache))[0]![0], 'Cisco_01:02:03');
  assert.equal(manufCacheDir({ XDPSCOPE_CACHE_DIR: 'off' }), null);
  assert.equal(manufCacheDir({ XDPSCOPE_CACHE_DIR: '/x/y' }), '/x/y');
  assert.equal(manufCacheDir({ XDG_CACHE_HOME: '/c', HOME: '/h' }), '/c/xdpscope');
});

test('the installed files: the cached table is the parsed one', { skip: existsSync(DEFAULT_MANUF) ? undefined : `no ${DEFAULT_MANUF}` }, () => {
  const cache = mkdtempSync(join(tmpdir(), 'xs-cache-'));
  const parsed = loadMacNames(DEFAULT_MANUF, null)!;
  loadMacNames(DEFAULT_MANUF, cache);
  const table = readCache(cachesIn(cache)[0]!);
  assert.ok(table);
  assert.deepEqual(plain(table), plain(parsed.table));
});
