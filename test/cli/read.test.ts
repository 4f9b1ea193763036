// `xdpscope read` through the real CLI: formats, -Y, -c, -E options, errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CAPTURES, CLI, sharedCapturesSkipReason } from '../lib/env';

const skip = sharedCapturesSkipReason() ?? false;
const read = (...args: string[]) => spawnSync(process.execPath, [CLI, 'read', ...args], { encoding: 'utf8' });
const cap = (name: string): string => join(CAPTURES, name);

test('-T text prints one tshark-like summary line per packet', { skip }, () => {
  const r = read('-r', cap('gopacket-test_ethernet.pcap'));
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 10);
  assert.match(lines[1], /^\s+2\s+0\.000923\s+10\.1\.1\.1 → 10\.1\.1\.2\s+TCP 74 80 → 44644 \[SYN, ACK\] Seq=0 Ack=1 Win=5792 Len=0 MSS=1460/);
  assert.match(lines[3], /HTTP 138 GET \/ HTTP\/1\.1 $/); // tshark ends HTTP Info with a space
});

test('-Y filters with the display-filter engine, -c stops early, -E options shape the columns', { skip }, () => {
  const r = read('-r', cap('zeek-vlan-pcp-dei.pcapng'), '-Y', 'vlan.id == 10 && tcp.flags.syn == 1', '-T', 'fields', '-e', 'frame.number', '-e', 'vlan.id', '-E', 'aggregator=/s', '-E', 'separator=,', '-E', 'header=y');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'frame.number,vlan.id\n1,10 20\n4,10 20\n');
  const f = read('-r', cap('zeek-vlan-pcp-dei.pcapng'), '-c', '2', '-T', 'fields', '-e', 'vlan.id', '-E', 'occurrence=l');
  assert.equal(f.stdout, '20\n20\n');
  // like tshark, -c counts packets read, before -Y
  const c = read('-r', cap('zeek-icmp_dot1q.pcap'), '-c', '6', '-Y', 'icmp', '-T', 'fields', '-e', 'frame.number');
  assert.equal(c.stdout, '5\n');
  const bad = read('-r', cap('zeek-arp.pcap'), '-Y', 'ip.src ==');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^xdpscope read: -Y: /);
});

test('-T json gives a tshark-like layer tree', { skip }, () => {
  const r = read('-r', cap('tcpdump-LINKTYPE_RAW_ipv4.pcap'), '-T', 'json');
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as Array<{ _source: { layers: Record<string, Record<string, unknown>> } }>;
  assert.equal(doc.length, 1);
  const layers = doc[0]._source.layers;
  assert.deepEqual(Object.keys(layers).slice(0, 5), ['frame', 'raw', 'ip', 'udp', 'dns']);
  assert.equal(layers.ip['ip.src'], '192.168.1.100');
  assert.equal(layers.frame['frame.protocols'], 'raw:ip:udp:dns');
  assert.equal(layers.dns['dns.qry.name'], 'example.com');
});

test('enrichment fields are columns like any other', { skip }, () => {
  const r = read('-r', cap('zeek-ctu-62604-80.pcap'), '-Y', 'http.request', '-T', 'fields', '-e', 'ip.geoip.dst_country_iso', '-e', 'ip.geoip.src_special', '-e', 'http.user_agent.family', '-e', 'xdpscope.service');
  assert.equal(r.status, 0, r.stderr);
  const [iso, special, family, service] = r.stdout.trim().split('\t');
  assert.match(iso, /^[A-Z]{2}$/);
  assert.equal(special, 'private');
  assert.equal(family, 'other');
  assert.equal(service, '45.9.74.78');
});

test('usage errors exit 2 with one line; an unreadable file exits 1', () => {
  for (const args of [[], ['-r', 'x', '-T', 'xml'], ['-r', 'x', '-T', 'fields'], ['-r', 'x', '-T', 'fields', '-e', 'no.such.field'], ['-r', 'x', '-c', 'many']]) {
    const r = read(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  const geo = read('-r', 'x', '--geoip', '/nonexistent/GeoLite2-City.mmdb');
  assert.equal(geo.status, 2);
  assert.match(geo.stderr, /GeoIP database \/nonexistent\/GeoLite2-City\.mmdb/);
  const missing = read('-r', '/nonexistent/file.pcap');
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /nonexistent/);
  const help = read('--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /-T text\|fields\|json/);
});

test('a reader that goes away early (| head) ends the command quietly', { skip }, async () => {
  const { spawn } = await import('node:child_process');
  // a capture long enough to outlast the first chunk: the same file, read as many packets as it has
  const child = spawn(process.execPath, [CLI, 'read', '-r', cap('zeek-100-continue.pcap'), '-T', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  assert.equal(stderr, '');
  assert.equal(code, 0);
});

test('frame.time_delta_displayed counts from the last packet -Y let through, as tshark 4.0', { skip }, () => {
  // tshark -r gopacket-test_ethernet.pcap -Y 'tcp.len > 0' -T fields -e frame.number -e frame.time_delta -e frame.time_delta_displayed
  const r = read('-r', cap('gopacket-test_ethernet.pcap'), '-Y', 'tcp.len > 0', '-T', 'fields', '-e', 'frame.number', '-e', 'frame.time_delta', '-e', 'frame.time_delta_displayed');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '4\t0.000081000\t0.000000000\n6\t0.001398000\t0.003021000\n8\t0.001185000\t0.001222000\n');
  // without a filter every packet is displayed: the same as frame.time_delta
  const all = read('-r', cap('gopacket-test_ethernet.pcap'), '-T', 'fields', '-e', 'frame.time_delta', '-e', 'frame.time_delta_displayed');
  for (const line of all.stdout.trimEnd().split('\n')) { const [a, b] = line.split('\t'); assert.equal(b, a); }
  // and a filter can use it
  const f = read('-r', cap('gopacket-test_ethernet.pcap'), '-Y', 'frame.time_delta_displayed > 0.001', '-T', 'fields', '-e', 'frame.number');
  assert.equal(f.status, 0, f.stderr);
  const theirs = spawnSync('tshark', ['-r', cap('gopacket-test_ethernet.pcap'), '-Y', 'frame.time_delta_displayed > 0.001', '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' });
  if (theirs.status === 0) assert.equal(f.stdout, theirs.stdout);
});

test('-Y warns on stderr about names we do not decode and goes on; macros come from the config folder', { skip }, () => {
  const r = read('-r', cap('zeek-post.pcap'), '-Y', '9p or http', '-T', 'fields', '-e', 'frame.number');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), ['4', '8']);
  assert.match(r.stderr, /^xdpscope: -Y: warning: xdpscope does not decode 9p: this matches nothing$/m);
  // a field reference has no selected packet here, as in tshark: it matches nothing
  const ref = read('-r', cap('zeek-post.pcap'), '-Y', 'frame.number < ${frame.number}', '-T', 'fields', '-e', 'frame.number');
  assert.equal(ref.status, 0, ref.stderr);
  assert.equal(ref.stdout, '');
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-read-macros-'));
  try {
    writeFileSync(join(dir, 'dfilter_macros'), '"req","http.request.method == \\x22$1\\x22"\n');
    const m = spawnSync(process.execPath, [CLI, 'read', '-r', cap('zeek-post.pcap'), '-Y', '${req:POST}', '-T', 'fields', '-e', 'frame.number'],
      { encoding: 'utf8', env: { ...process.env, XDPSCOPE_CONFIG_DIR: dir } });
    assert.equal(m.status, 0, m.stderr);
    assert.equal(m.stdout.trim(), '4');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
