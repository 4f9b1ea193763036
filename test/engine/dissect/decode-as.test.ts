// Decode As (tshark's -d): HTTP on tcp/9999, FTP on tcp/2121 (its client
// and server sides kept through the well-known port), DNS on udp/5300 and
// a port range, and `data` overriding a registered port — compared with
// tshark given the same -d rules; the CLI takes the rules and refuses bad
// ones with a message naming the rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareFrames, tsharkSkip } from './compare';
import { pcapFile, secondsApart } from '../../lib/pcap';
import { tcpSegments } from '../../lib/tcp-frame';
import { eth, ipv4, udp, dnsQuery } from './packets';
import { CLI, outputDir } from '../../lib/env';
import { parseDecodeAs } from '../../../main/engine/dissect/decode-as';

const C = '198.18.0.1', S = '198.18.0.2';
const seg = tcpSegments(C, S);

function frames(): Array<Buffer | number[]> {
  const req = 'GET /x HTTP/1.1\r\nHost: h\r\n\r\n', resp = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nok\n';
  const banner = '220 hello\r\n', user = 'USER bob\r\n';
  return [
    seg(true, 40000, 9999, 100, 0, 0x02), seg(false, 40000, 9999, 500, 101, 0x12), seg(true, 40000, 9999, 101, 501, 0x10),
    seg(true, 40000, 9999, 101, 501, 0x18, req), seg(false, 40000, 9999, 501, 101 + req.length, 0x18, resp),
    seg(true, 40001, 2121, 100, 0, 0x02), seg(false, 40001, 2121, 500, 101, 0x12), seg(true, 40001, 2121, 101, 501, 0x10),
    seg(false, 40001, 2121, 501, 101, 0x18, banner), seg(true, 40001, 2121, 101, 501 + banner.length, 0x18, user),
    eth(0x0800, ipv4(C, S, 17, udp(40002, 5300, dnsQuery(7, 'example.com')))),
    eth(0x0800, ipv4(C, S, 17, udp(40003, 6004, dnsQuery(8, 'example.org')))),
    eth(0x0800, ipv4(C, S, 17, udp(40004, 53, dnsQuery(9, 'example.net')))),
    seg(true, 40005, 80, 100, 0, 0x02), seg(false, 40005, 80, 500, 101, 0x12), seg(true, 40005, 80, 101, 501, 0x10),
    seg(true, 40005, 80, 101, 501, 0x18, req), seg(false, 40005, 80, 501, 101 + req.length, 0x18, resp),
  ];
}

const RULES = ['tcp.port==9999,http', 'tcp.port==2121,ftp', 'udp.port==5300,dns', 'udp.port==6000-6010,dns', 'udp.port==53,data'];
const FIELDS = ['frame.protocols', 'tcp.stream', 'http.request.method', 'http.response.code', 'ftp.request.command', 'ftp.response.code', 'dns.qry.name', 'data.len', '_ws.col.Protocol', '_ws.col.Info'];

test('Decode As rules decode what tshark decodes with the same -d', { skip: tsharkSkip() }, () => {
  const r = compareFrames('decode-as', frames(), FIELDS, { decodeAs: RULES });
  console.log(`# decode-as: ${r.cells} cells over ${r.frames} frames compared with tshark, ${r.diffs.length} differ`);
  assert.deepEqual([...new Set(r.diffs.map((x) => x.replace(/^\(subset\) /, '')))], []);
  // and they changed something: without them the same frames are not HTTP, FTP or DNS
  // (not compared with tshark: tshark 4.0 finds DNS on any UDP port by a heuristic we do not have)
  const plain = compareFrames('decode-as-none', frames(), FIELDS);
  const count = (re: RegExp): number => plain.ours.filter((row) => re.test(row[0])).length;
  // HTTP is found on 9999 without a rule too (the request-line heuristic, tshark's as well); FTP and DNS are not
  assert.deepEqual([count(/:http/), count(/:ftp/), count(/:dns/)], [4, 0, 1], 'HTTP by heuristic, no FTP, only udp/53 DNS');
});

test('xdpscope read -d applies the rules and refuses bad ones', { skip: tsharkSkip() }, () => {
  const path = join(outputDir('decode-as'), 'cli.pcap');
  writeFileSync(path, pcapFile(frames(), { usAt: secondsApart }));
  const args = ['read', '-r', path, '-T', 'fields', '-e', 'frame.protocols', '-e', 'http.request.method', ...RULES.flatMap((x) => ['-d', x])];
  const ours = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  assert.equal(ours.status, 0, ours.stderr);
  const theirs = spawnSync('tshark', ['-n', ...args.slice(1)], { encoding: 'utf8' });
  assert.equal(ours.stdout, theirs.stdout);
  for (const [bad, why] of [['tcp.port=8888,http', /expected <layer type>==<selector>,<decode-as protocol>/], ['ip.proto==99,http', /layer type ip.proto is not supported/],
    ['tcp.port==70000,http', /not a port/], ['tcp.port==8888,nosuch', /no protocol nosuch on tcp.port/]] as const) {
    const r = spawnSync(process.execPath, [CLI, 'read', '-r', path, '-d', bad], { encoding: 'utf8' });
    assert.equal(r.status, 2, bad);
    assert.match(r.stderr, why);
    assert.throws(() => parseDecodeAs(bad), why);
  }
});

test('xdpscope read applies the saved decode_as_entries, and -d overrides them', { skip: tsharkSkip() }, () => {
  const dir = outputDir('decode-as');
  const path = join(dir, 'saved.pcap');
  writeFileSync(path, pcapFile(frames(), { usAt: secondsApart }));
  const config = join(dir, 'config');
  mkdirSync(config, { recursive: true, mode: 0o700 });
  writeFileSync(join(config, 'decode_as_entries'), 'decode_as_entry: tcp.port,2121,(none),FTP\ndecode_as_entry: udp.port,5300,(none),DNS\ndecode_as_entry: udp.port,6004,(none),dns\n');
  const read = (...extra: string[]) => spawnSync(process.execPath, [CLI, 'read', '-r', path, '-T', 'fields', '-e', 'frame.protocols', ...extra],
    { encoding: 'utf8', env: { ...process.env, XDPSCOPE_CONFIG_DIR: config } });
  const withFile = read();
  assert.equal(withFile.status, 0, withFile.stderr);
  // what tshark shows for the same rules given as -d
  const theirs = spawnSync('tshark', ['-n', '-r', path, '-T', 'fields', '-e', 'frame.protocols', '-d', 'tcp.port==2121,ftp', '-d', 'udp.port==5300,dns', '-d', 'udp.port==6004,dns'], { encoding: 'utf8' });
  assert.equal(withFile.stdout, theirs.stdout);
  const overridden = read('-d', 'tcp.port==2121,data');
  assert.equal(overridden.stdout.split('\n')[8], 'eth:ethertype:ip:tcp:data');
});
