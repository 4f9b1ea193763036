// `xdpscope read -z` prints tshark 4.0's conversation, endpoint and protocol
// hierarchy tables byte for byte, so scripts that parse `tshark -q -z
// conv,tcp` read ours unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CAPTURES, CLI, hasCommand, sharedCapturesSkipReason } from '../lib/env';
import { formatSize } from '../../main/engine/output/taps';

const skip = sharedCapturesSkipReason() ?? false;
const noTshark = hasCommand('tshark') ? false : 'needs tshark';
const read = (...args: string[]) => spawnSync(process.execPath, [CLI, 'read', ...args], { encoding: 'utf8' });
const tshark = (...args: string[]) => spawnSync('tshark', args, { encoding: 'utf8' });
const cap = (name: string): string => join(CAPTURES, name);

const ALL = ['conv,eth', 'conv,ip', 'conv,ipv6', 'conv,tcp', 'conv,udp', 'endpoints,eth', 'endpoints,ip', 'endpoints,ipv6', 'endpoints,tcp', 'endpoints,udp', 'io,phs']
  .flatMap((z) => ['-z', z]);

test('-z conv, endpoints and io,phs print what tshark prints, in its order (the last -z first)', { skip: skip || noTshark }, () => {
  // VLAN tags and ARP, IPv6 with ICMPv6, HTTP reassembled over TCP (tcp.segments), DNS over UDP, two interfaces
  for (const name of ['zeek-icmp_dot1q.pcap', 'zeek-ipv6.pcap', 'zeek-100-continue.pcap', 'gopacket-test_dns.pcap', 'zeek-linux_dlt_sll2.pcap']) {
    const ours = read('-r', cap(name), '-q', ...ALL);
    assert.equal(ours.status, 0, `${name}: ${ours.stderr}`);
    assert.ok(ours.stdout.includes('Conversations'), name);
    assert.equal(ours.stdout, tshark('-r', cap(name), '-q', ...ALL).stdout, name);
  }
});

test('-z counts every packet read (not only those -Y shows), after the packets, with its own filter and -c', { skip: skip || noTshark }, () => {
  const name = cap('zeek-post.pcap');
  for (const args of [
    ['-Y', 'tcp.len > 0', '-z', 'conv,tcp', '-z', 'io,phs'],
    ['-q', '-z', 'conv,ip,tcp.flags.syn == 1', '-z', 'endpoints,tcp,http', '-z', 'io,phs,tcp.len > 0'],
    ['-q', '-c', '3', '-z', 'conv,eth'],
  ]) {
    const ours = read('-r', name, ...args);
    assert.equal(ours.status, 0, `${args.join(' ')}: ${ours.stderr}`);
    assert.equal(ours.stdout, tshark('-r', name, ...args).stdout, args.join(' '));
  }
});

test('an unknown statistic or a bad filter in -z is a usage error', { skip }, () => {
  const unknown = read('-r', cap('zeek-post.pcap'), '-z', 'conv,foo');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /-z conv,foo: not a statistic/);
  const bad = read('-r', cap('zeek-post.pcap'), '-z', 'io,phs,tcp.port ==');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /-z io,phs,tcp\.port ==: /);
});

test('sizes in conversation tables follow format_size: bytes below 10 kB, then SI units by integer division', () => {
  assert.equal(formatSize(0), '0 bytes');
  assert.equal(formatSize(9999), '9999 bytes');
  assert.equal(formatSize(10000), '10 kB');
  assert.equal(formatSize(63724), '63 kB');
  assert.equal(formatSize(9_999_999), '9999 kB');
  assert.equal(formatSize(10_000_000), '10 MB');
  assert.equal(formatSize(12_345_678_901), '12 GB');
});
