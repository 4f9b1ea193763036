// NFLOG (LINKTYPE 239, `tcpdump -i nflog:N`) decodes as tshark 4.0's
// nflog: the header, every TLV tshark names, and the payload as IPv4/IPv6
// by the family; before, such a file was one "Unknown" data blob.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addressColumnsDiffer, compareFile, craftedAgrees, tsharkSkip } from './compare';
import { hasCommand, liveSkipReason, outputDir } from '../../lib/env';
import { withLivePair } from '../../lib/netns';
import { exited, waitForOutput } from '../../lib/process';
import { until } from '../../lib/tcpdump';
import { parseCaptureBuffer } from '../../../main/engine/file/open';
import { ascii, dnsQuery, ipv4, ipv6, tcp, udp } from './packets';

const FIELDS = ['frame.protocols', 'frame.encap_type', 'nflog.family', 'nflog.version', 'nflog.res_id', 'nflog.tlv', 'nflog.tlv_length', 'nflog.tlv_type',
  'nflog.protocol', 'nflog.hook', 'nflog.ifindex_indev', 'nflog.ifindex_outdev', 'nflog.ifindex_physindev', 'nflog.ifindex_physoutdev',
  'nflog.prefix', 'nflog.uid', 'nflog.gid', 'nflog.timestamp', 'nflog.tlv_value', 'ip.src', 'ipv6.dst', 'tcp.dstport', 'dns.qry.name',
  '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];

/** one TLV: length and type little-endian (the writer's host order), value padded to 4 bytes */
function tlv(type: number, value: number[], len = 4 + value.length): number[] {
  const pad = (4 - (value.length % 4)) % 4;
  return [len & 255, len >> 8, type & 255, type >> 8, ...value, ...Array<number>(pad).fill(0)];
}
const be32 = (v: number): number[] => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const be64 = (v: number): number[] => [0, 0, 0, 0, ...be32(v)];
const hdr = (family: number, group: number): number[] => [family, 0, group >> 8, group & 255];

const v4 = ipv4('198.18.0.1', '198.18.0.2', 6, tcp(40000, 443, 1, 0, 0x02));
const dns6 = ipv6(17, udp(53000, 53, dnsQuery(7, 'nflog.example')));

test('NFLOG: header, TLVs and the IPv4/IPv6 payload agree with tshark, odd TLVs and cuts included', { skip: tsharkSkip() }, () => {
  const full = [
    ...hdr(2, 5),
    ...tlv(1, [0x08, 0x00, 3, 0]), // packet header: IPv4, local out
    ...tlv(2, be32(0x1234)), // mark: tshark shows it as a value only
    ...tlv(3, [...be64(1_700_000_001), ...be64(250_000)]),
    ...tlv(5, be32(3)),
    ...tlv(4, be32(2)),
    ...tlv(6, be32(7)),
    ...tlv(7, be32(8)),
    ...tlv(10, [...ascii('drop: '), 0]), // prefix (NUL-terminated, odd length)
    ...tlv(11, be32(1000)),
    ...tlv(14, be32(0xfffffffe)), // gid shown signed
    ...tlv(8, [0, 6, 0, 0, 2, 0, 0, 0, 0, 1, 0, 0]), // hwaddr: a value only
    ...tlv(9, v4),
  ];
  const f = [
    full,
    // IPv6 family, payload only
    [...hdr(10, 0), ...tlv(9, dns6)],
    // an ICMP port unreachable quoting a datagram with a payload no port claims (data, as tshark)
    [...hdr(2, 3), ...tlv(9, ipv4('198.18.0.2', '198.18.0.1', 1, [3, 3, 0, 0, 0, 0, 0, 0, ...ipv4('198.18.0.1', '198.18.0.2', 17, udp(50000, 9, ascii('nflog\n')))]))],
    // unknown family: the payload is data
    [...hdr(7, 1), ...tlv(9, [1, 2, 3])],
    // wrong-sized values fall back to tlv_value; an unknown type too; an empty prefix
    [...hdr(2, 1), ...tlv(4, [1, 2]), ...tlv(3, be32(5)), ...tlv(99, [9]), ...tlv(10, []), ...tlv(1, [8, 0])],
    // a TLV shorter than its header ends the walk
    [...hdr(2, 1), ...tlv(11, be32(1)), 2, 0, 9, 0, ...tlv(9, v4)],
    // a TLV longer than the frame
    [...hdr(2, 1), ...tlv(11, be32(1)), 40, 0, 9, 0, 1, 2, 3, 4],
    // header cut short
    [2, 0],
    // the payload cut by the snap length (sent longer)
    { data: Uint8Array.from(full.slice(0, full.length - 10)), origLen: full.length },
    // cut inside a TLV header by the snap length
    { data: Uint8Array.from(full.slice(0, 6)), origLen: full.length },
  ];
  const r = craftedAgrees('nflog', f, FIELDS, { seed: ['nflog', 239], linkType: 239, damageFrom: 0 });
  assert.equal(r.theirs[0][0], 'nflog:ip:tcp');
  assert.equal(r.theirs[1][0], 'nflog:ipv6:udp:dns');
  assert.equal(r.theirs[0][FIELDS.indexOf('nflog.prefix')], 'drop: ');
});

const liveSkip = (): string | false => tsharkSkip() || liveSkipReason() || (['tcpdump', 'nft', 'ping', 'bash'].find((c) => !hasCommand(c)) ?? false);

test('NFLOG live: what the kernel logs to tcpdump -i nflog:N agrees with tshark', { skip: liveSkip() }, async () => {
  await withLivePair('xs-nflog-', async (pair, dir, daemons) => {
    const ns = pair.clientNs;
    const group = 7;
    // log what the client sends to and receives from the server (nft's log group is NFLOG)
    pair.exec(ns, ['nft', 'add', 'table', 'ip', 'xsnflog']);
    for (const [chain, hook, match] of [['out', 'output', 'daddr'], ['in', 'input', 'saddr']]) {
      pair.exec(ns, ['nft', 'add', 'chain', 'ip', 'xsnflog', chain, `{ type filter hook ${hook} priority 0; }`]);
      pair.exec(ns, ['nft', 'add', 'rule', 'ip', 'xsnflog', chain, 'ip', match, pair.serverIp, 'log', 'group', String(group), 'prefix', `"xdpscope ${chain} "`]);
    }
    const path = join(dir, 'nflog.pcap');
    const dump = pair.spawn(ns, ['tcpdump', '-Z', 'root', '-i', `nflog:${group}`, '-U', '-n', '-s', '0', '-w', path], { stdio: ['ignore', 'pipe', 'pipe'] });
    daemons.push(dump);
    await waitForOutput(dump, 'any', 'listening on', 20_000, 'tcpdump');
    pair.exec(ns, ['ping', '-c', '2', '-i', '0.2', '-W', '2', pair.serverIp]);
    // a datagram to a closed port: the server's ICMP error comes back quoting it
    pair.exec(ns, ['bash', '-c', `echo nflog > /dev/udp/${pair.serverIp}/9`]);
    const frames = (): number => { try { return parseCaptureBuffer(readFileSync(path)).packets.length; } catch { return 0; } };
    await until(() => frames() >= 6, 'six NFLOG records (two pings each way, the datagram and its ICMP error)', 15_000);
    dump.kill('SIGINT');
    await exited(dump);
    const r = compareFile(path, FIELDS);
    console.log(`# nflog live: ${r.cells} cells over ${r.frames} frames compared with tshark, ${r.diffs.length} differ`);
    assert.deepEqual([...new Set(r.diffs.map((x) => x.replace(/^\(subset\) /, '')))], []);
    assert.ok(r.theirs.every((row) => row[0].startsWith('nflog:ip:')), r.theirs.map((row) => row[0]).join(' '));
    assert.ok(r.theirs.some((row) => row[FIELDS.indexOf('nflog.prefix')] === 'xdpscope out '));
  });
});

test('nflog: the Source and Destination columns agree with tshark', { skip: tsharkSkip() }, () => {
  // the files the comparisons above wrote
  assert.deepEqual(addressColumnsDiffer(join(outputDir('dissect-compare'), 'nflog.pcap')), []);
});
