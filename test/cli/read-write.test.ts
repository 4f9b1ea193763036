// `xdpscope read -w` writes the packets that pass -Y and -c as tshark -w
// does (pcapng by default, -F pcap or nsecpcap), privately, and prints
// only what tshark prints beside a file; -q leaves fields, -V, -x and -P
// printed, as tshark's -q does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CAPTURES, CLI, hasCommand, sharedCapturesSkipReason } from '../lib/env';

const skip = sharedCapturesSkipReason() ?? false;
const noTshark = hasCommand('tshark') ? false : 'needs tshark';
const read = (...args: string[]) => spawnSync(process.execPath, [CLI, 'read', ...args], { encoding: 'utf8' });
const readBytes = (...args: string[]) => spawnSync(process.execPath, [CLI, 'read', ...args]);
const tshark = (...args: string[]) => spawnSync('tshark', args, { encoding: 'utf8' });
const cap = (name: string): string => join(CAPTURES, name);

// what a written file holds, as tshark reads it back: every frame's time, lengths, interface and stack
const CONTENT = ['-T', 'fields', '-e', 'frame.number', '-e', 'frame.time_epoch', '-e', 'frame.len', '-e', 'frame.cap_len',
  '-e', 'frame.interface_id', '-e', 'frame.encap_type', '-e', 'frame.comment', '-e', 'frame.protocols', '-e', '_ws.col.Info'];
const content = (path: string, drop: string[] = []): string => {
  const r = tshark('-r', path, ...CONTENT.filter((a, i) => !drop.includes(a) && !drop.includes(CONTENT[i + 1])));
  assert.equal(r.status, 0, `tshark cannot read ${path}: ${r.stderr}`);
  return r.stdout;
};

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-read-w-'));
  try { fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

test('-w with -Y and -c writes the packets tshark -w writes, 0600, printing nothing', { skip: skip || noTshark }, () => {
  withDir((dir) => {
    const cases: Array<[string, string[]]> = [
      ['zeek-post.pcap', ['-Y', 'tcp.len > 0']],
      ['zeek-pcapng-multi-interface.pcapng', []], // two interfaces, ns and µs resolution
      ['gopacket-le-test202.pcapng', ['-Y', 'udp']], // three sections, Ethernet and NULL interfaces, comments
      ['zeek-ctu-62604-80.pcap', ['-c', '7']],
    ];
    for (const [name, args] of cases) {
      const ours = join(dir, `ours-${name}.pcapng`), theirs = join(dir, `theirs-${name}.pcapng`);
      const r = read('-r', cap(name), ...args, '-w', ours);
      assert.equal(r.status, 0, `${name}: ${r.stderr}`);
      assert.equal(r.stdout, '', `${name}: -w alone prints nothing`);
      assert.equal(statSync(ours).mode & 0o777, 0o600, name);
      assert.equal(readFileSync(ours).readUInt32LE(0), 0x0a0d0d0a, `${name}: pcapng by default`);
      assert.equal(tshark('-r', cap(name), ...args, '-w', theirs).status, 0);
      // tshark 4.0 writes a later section's packets with that section's own
      // interface numbers into its one-section file (test202's frames 4-7 then
      // claim eth0, not "silly ethernet interface 2"); we keep each packet's interface
      const drop = name.startsWith('gopacket-le-test202') ? ['frame.interface_id'] : [];
      const got = content(ours, drop);
      assert.ok(got.length > 0, `${name}: packets written`);
      assert.equal(got, content(theirs, drop), name);
    }
  });
});

test('-F pcap writes a microsecond pcap, nsecpcap a nanosecond one; a second link type is refused', { skip: skip || noTshark }, () => {
  withDir((dir) => {
    const name = cap('zeek-get-to-ssh-server.pcap'); // nanosecond timestamps
    for (const [format, magic] of [['pcap', 0xa1b2c3d4], ['nsecpcap', 0xa1b23c4d]] as const) {
      const ours = join(dir, `ours.${format}`), theirs = join(dir, `theirs.${format}`);
      assert.equal(read('-r', name, '-F', format, '-w', ours).status, 0);
      assert.equal(tshark('-r', name, '-F', format, '-w', theirs).status, 0);
      assert.equal(readFileSync(ours).readUInt32LE(0), magic, format);
      assert.equal(content(ours), content(theirs), format);
    }
    // Ethernet and BSD loopback frames cannot share one classic pcap: a clear error, exit 1
    const mixed = read('-r', cap('gopacket-le-test202.pcapng'), '-F', 'pcap', '-w', join(dir, 'mixed.pcap'));
    assert.equal(mixed.status, 1);
    assert.match(mixed.stderr, /link type .*classic pcap holds one link type/);
    assert.equal(read('-r', name, '-F', 'erf', '-w', join(dir, 'x')).status, 2);
  });
});

test('-w - writes the file to stdout and refuses to mix it with printed packets', { skip: skip || noTshark }, () => {
  withDir((dir) => {
    const r = readBytes('-r', cap('zeek-post.pcap'), '-Y', 'http', '-w', '-');
    assert.equal(r.status, 0, String(r.stderr));
    const out = join(dir, 'stdout.pcapng'), theirs = join(dir, 'theirs.pcapng');
    writeFileSync(out, r.stdout);
    assert.equal(tshark('-r', cap('zeek-post.pcap'), '-Y', 'http', '-w', theirs).status, 0);
    assert.equal(content(out), content(theirs));
    const both = read('-r', cap('zeek-post.pcap'), '-w', '-', '-P');
    assert.equal(both.status, 2);
    assert.match(both.stderr, /can't write both raw packet data and dissected packets/);
  });
});

test('beside -w and -q, the same lines print as tshark prints: -P summaries, fields, -V; JSON and bare summaries do not', { skip: skip || noTshark }, () => {
  withDir((dir) => {
    const name = cap('gopacket-test_dns.pcap');
    const combos: string[][] = [
      ['-q', '-T', 'fields', '-e', 'dns.qry.name'], ['-q', '-x', '-c', '2'],
      ['-w', join(dir, 'a'), '-T', 'fields', '-e', 'frame.number', '-e', 'dns.qry.name'],
      ['-w', join(dir, 'b'), '-T', 'json'], ['-w', join(dir, 'c'), '-x', '-c', '1'], ['-w', join(dir, 'd'), '-q', '-P', '-Y', 'dns.flags.response == 1'],
    ];
    for (const args of combos) {
      const ours = read('-r', name, ...args);
      assert.equal(ours.status, 0, `${args.join(' ')}: ${ours.stderr}`);
      const theirs = tshark('-r', name, ...args.map((a) => (a.startsWith(dir) ? `${a}-tshark` : a)));
      assert.equal(ours.stdout, theirs.stdout, args.join(' '));
    }
  });
});

test('-w into a missing folder fails with the reason and exit status 1', { skip }, () => {
  const r = read('-r', cap('zeek-arp.pcap'), '-w', join(tmpdir(), 'xdpscope-no-such-dir', 'x', 'out.pcapng'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot write .*out\.pcapng: no such file or directory/);
});
