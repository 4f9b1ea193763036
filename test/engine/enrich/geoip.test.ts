// GeoIP's default databases: one that cannot be opened is reported once
// and packets decode without GeoIP fields (not a dissector error each).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CAPTURES, sharedCapturesSkipReason } from '../../lib/env';

const skip = sharedCapturesSkipReason() ?? false;
const child = (env: Record<string, string>) => spawnSync(process.execPath, [join(__dirname, 'geoip-default-child.js'), join(CAPTURES, 'zeek-post.pcap')],
  { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });

test('the bundled database gives public addresses their GeoIP fields', { skip }, () => {
  const r = child({ XDPSCOPE_GEOIP: '' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.n, 14);
  assert.equal(out.errors, 0);
  assert.ok(out.geo > 0, 'zeek-post has public addresses');
});

test('a GeoIP database that cannot be opened is reported once and packets decode without GeoIP', { skip }, () => {
  const r = child({ XDPSCOPE_GEOIP: '/nonexistent/GeoLite2-Country.mmdb' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { n: 14, errors: 0, geo: 0 });
  const warnings = r.stderr.split('\n').filter((l) => l.includes('GeoIP database /nonexistent'));
  assert.equal(warnings.length, 1, r.stderr);
});
