// `xdpscope read` -V, -x, -P and -q as tshark prints them: the hex dump is
// tshark's byte for byte, the detail tree has a line per layer and field,
// and the summary line's columns are as wide as tshark's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CAPTURES, CLI, hasCommand, sharedCapturesSkipReason } from '../lib/env';

const skip = sharedCapturesSkipReason() ?? false;
const noTshark = hasCommand('tshark') ? false : 'needs tshark';
const read = (...args: string[]) => spawnSync(process.execPath, [CLI, 'read', ...args], { encoding: 'utf8' });
const tshark = (...args: string[]) => spawnSync('tshark', args, { encoding: 'utf8' });
const cap = (name: string): string => join(CAPTURES, name);

test('-x prints tshark\'s hex dump byte for byte, alone and after -P summary lines', { skip: skip || noTshark }, () => {
  for (const name of ['zeek-arp.pcap', 'zeek-icmp_dot1q.pcap', 'gopacket-test_dns.pcap']) {
    // (summary lines of the first two still name Ethernet addresses differently)
    for (const extra of name === 'gopacket-test_dns.pcap' ? [[], ['-P']] : [[]]) {
      const ours = read('-r', cap(name), '-x', ...extra);
      assert.equal(ours.status, 0, ours.stderr);
      assert.equal(ours.stdout, tshark('-r', cap(name), '-x', ...extra).stdout, `${name} -x ${extra.join(' ')}`);
    }
  }
});

test('the summary line\'s number and time columns are as wide as tshark\'s', { skip: skip || noTshark }, () => {
  const name = 'zeek-get-to-ssh-server.pcap';
  assert.equal(read('-r', cap(name)).stdout, tshark('-r', cap(name)).stdout);
});

test('-V prints each packet\'s tree: layer headers at the margin, fields indented, generated ones bracketed, a blank line after', { skip }, () => {
  const r = read('-r', cap('zeek-post.pcap'), '-V', '-c', '4');
  assert.equal(r.status, 0, r.stderr);
  const packets = r.stdout.split('\n\n').filter((s) => s !== '');
  assert.equal(packets.length, 4);
  const first = packets[0].split('\n');
  assert.match(first[0], /^Frame 1: 78 bytes on wire \(624 bits\), 78 bytes captured \(624 bits\)$/);
  assert.ok(first.includes('Internet Protocol Version 4, Src: 141.142.228.5, Dst: 54.243.55.129'), first.join('\n'));
  assert.ok(first.includes('    Source Address: 141.142.228.5'));
  assert.ok(first.some((l) => /^ {4}\[Stream index: 0\]$/.test(l)), 'generated fields in brackets');
  // the either-direction twins Wireshark hides
  assert.ok(!first.some((l) => l.includes('Source or Destination Address')), 'ip.addr is hidden');
  const post = packets[3].split('\n');
  assert.ok(post.includes('Hypertext Transfer Protocol'), post.join('\n'));
  assert.ok(post.includes('    Request Method: POST'));
});

test('-V marks a malformed packet and its expert item as tshark does; -P puts the summary line first', { skip }, () => {
  const r = read('-r', cap('zeek-ipv4-truncated-broken-header.pcap'), '-V', '-P');
  const lines = r.stdout.split('\n');
  assert.match(lines[0], /^ +1 +0\.000000 .* IPv4 34 Bogus IP length/);
  assert.equal(lines[1].startsWith('Frame 1: '), true);
  const at = lines.findIndex((l) => l.startsWith('[Malformed Packet: '));
  assert.ok(at > 0, r.stdout);
  assert.match(lines[at + 1], /^ {4}\[Expert Info \(Error\/Malformed\): /);
  assert.equal(lines[at + 3], '        [Severity level: Error]');
  assert.equal(lines[at + 4], '        [Group: Malformed]');
});

test('-q prints no packets, -V -x prints the tree then the bytes', { skip }, () => {
  const q = read('-r', cap('zeek-arp.pcap'), '-q');
  assert.equal(q.status, 0);
  assert.equal(q.stdout, '');
  const vx = read('-r', cap('zeek-arp.pcap'), '-V', '-x', '-c', '1').stdout;
  assert.match(vx, /^Frame 1: [^]*\nAddress Resolution Protocol \(request\)[^]*\n\n0000 {2}ff ff ff ff ff ff [^]*\n\n$/);
});
