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

test('-V shows a bogus IPv4 length as tshark does (a protocol error, not malformed); -P puts the summary line first', { skip }, () => {
  const r = read('-r', cap('zeek-ipv4-truncated-broken-header.pcap'), '-V', '-P');
  const lines = r.stdout.split('\n');
  // tshark 4.0: packet-ip.c adds an expert item and returns (no exception), so no "[Malformed Packet]"
  assert.match(lines[0], /^ +1 +0\.000000 .* IPv4 34 Bogus IP length \(20, less than header length 60\)$/);
  assert.equal(lines[1].startsWith('Frame 1: '), true);
  assert.equal(lines.findIndex((l) => l.startsWith('[Malformed Packet')), -1, r.stdout);
  const at = lines.findIndex((l) => l.trim() === '[Expert Info (Error/Protocol): Bogus IP length]');
  assert.ok(at > 0, r.stdout);
  assert.equal(lines[at + 2].trim(), '[Severity level: Error]');
  assert.equal(lines[at + 3].trim(), '[Group: Protocol]');
});

test('-q prints no packets, -V -x prints the tree then the bytes', { skip }, () => {
  const q = read('-r', cap('zeek-arp.pcap'), '-q');
  assert.equal(q.status, 0);
  assert.equal(q.stdout, '');
  const vx = read('-r', cap('zeek-arp.pcap'), '-V', '-x', '-c', '1').stdout;
  assert.match(vx, /^Frame 1: [^]*\nAddress Resolution Protocol \(request\)[^]*\n\n0000 {2}ff ff ff ff ff ff [^]*\n\n$/);
});

test('_ws.expert.* and _ws.malformed filter and print as tshark\'s on the packets both flag', { skip: skip || noTshark }, () => {
  // TCP analysis notes (retransmissions, duplicate ACKs): the same frames, messages, severity and group numbers
  const e = ['-T', 'fields', '-e', 'frame.number', '-e', '_ws.expert.message', '-e', '_ws.expert.severity', '-e', '_ws.expert.group', '-e', '_ws.expert'];
  const y = ['-Y', '_ws.expert.severity == "Note"'];
  const name = cap('zeek-ctu-62604-80.pcap');
  const ours = read('-r', name, ...y, ...e);
  assert.equal(ours.status, 0, ours.stderr);
  assert.ok(ours.stdout.split('\n').length > 5, ours.stdout);
  // tshark also gives some of these frames Chat items (SYN, request lines) we do not raise: compare the Note ones
  const notes = (text: string): string[] => text.trimEnd().split('\n').map((l) => {
    const [n, msg, sev, group, item] = l.split('\t');
    const keep = sev.split(',').map((s, i) => (s === '4194304' ? i : -1)).filter((i) => i >= 0);
    const pick = (v: string): string => keep.map((i) => v.split(',')[i]).join(',');
    return [n, pick(msg), pick(sev), pick(group), pick(item)].join('\t');
  });
  assert.deepEqual(notes(ours.stdout), notes(tshark('-r', name, ...y, ...e).stdout));
  // a malformed packet: _ws.malformed, an Error/Malformed expert item
  const m = read('-r', cap('kbandla-truncated_dns_2.pcap'), '-Y', '_ws.malformed && _ws.expert.group == "Malformed"', '-T', 'fields', '-e', 'frame.number', '-e', '_ws.expert.severity');
  assert.equal(m.stdout, '1\t8388608\n');
  // whole dissection is chosen for expert fields even with -T fields alone (the items come from it)
  assert.equal(read('-r', name, '-T', 'fields', '-e', '_ws.expert.message', '-c', '6').stdout.split('\n')[5], 'Duplicate ACK (#1)');
});

test('-e _ws.col.<title> prints the summary line\'s columns as tshark\'s; an unknown column is a usage error', { skip: skip || noTshark }, () => {
  const e = ['-T', 'fields', '-E', 'quote=d'];
  for (const t of ['No.', 'Time', 'Source', 'Destination', 'Protocol', 'Length', 'Info']) e.push('-e', `_ws.col.${t}`);
  e.push('-e', 'frame.number');
  for (const name of ['gopacket-test_dns.pcap', 'zeek-get-to-ssh-server.pcap', 'zeek-ipv6.pcap']) {
    const ours = read('-r', cap(name), ...e);
    assert.equal(ours.status, 0, ours.stderr);
    assert.equal(ours.stdout, tshark('-r', cap(name), ...e).stdout, name);
  }
  const bad = read('-r', cap('zeek-arp.pcap'), '-T', 'fields', '-e', '_ws.col.Bogus');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /-e _ws\.col\.Bogus: unknown column \(known: _ws\.col\.No\., /);
});
