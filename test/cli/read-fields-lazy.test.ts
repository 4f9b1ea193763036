// What a `read -T fields` run does not pay for: work that only the Info
// column needs (here the MAC vendor names of DHCP's "Boot Request from …",
// a whole manuf database to load in every decoding thread) waits until
// Info is printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CAPTURES, CLI, sharedCapturesSkipReason } from '../lib/env';

const skip = sharedCapturesSkipReason() ?? false;

test('-T fields on DHCP requests does not load the MAC vendor names; the Info column does', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-lazy-'));
  try {
    // a directory where the manuf file should be: loading it fails with a warning on stderr
    const manuf = join(dir, 'manuf');
    mkdirSync(manuf);
    const env = { ...process.env, XDPSCOPE_MANUF: manuf };
    const cap = join(CAPTURES, 'gopacket-le-test202.pcapng');
    const read = (...args: string[]) => spawnSync(process.execPath, [CLI, 'read', '-r', cap, ...args], { encoding: 'utf8', env });
    const fields = read('-T', 'fields', '-e', 'frame.number', '-e', 'dhcp.type', '-e', 'dhcp.hw.mac_addr');
    assert.equal(fields.status, 0, fields.stderr);
    assert.match(fields.stdout, /\t1\t00:0b:82:01:fc:42\n/);
    assert.doesNotMatch(fields.stderr, /MAC vendor names/);
    const filtered = read('-Y', 'dhcp.type == 1', '-T', 'fields', '-e', 'frame.number');
    assert.equal(filtered.status, 0, filtered.stderr);
    assert.doesNotMatch(filtered.stderr, /MAC vendor names/);
    // the control: the summary line names the client, so it loads them
    const text = read('-Y', 'dhcp.type == 1');
    assert.match(text.stdout, /Boot Request from 00:0b:82:01:fc:42/);
    assert.match(text.stderr, /MAC vendor names unavailable/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
