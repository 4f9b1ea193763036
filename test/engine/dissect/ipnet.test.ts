// Solaris IPNET (LINKTYPE 226) decodes as tshark 4.0's ipnet: the header,
// then IPv4 or IPv6 by the Solaris address family; before, such a file was
// one "Unknown" data blob.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outputDir } from '../../lib/env';
import { join } from 'node:path';
import { addressColumnsDiffer, craftedAgrees, tsharkSkip } from './compare';
import { dnsQuery, ipv4, ipv6, tcp, udp, u16, u32 } from './packets';

const FIELDS = ['frame.protocols', 'frame.encap_type', 'ipnet.version', 'ipnet.family', 'ipnet.htype', 'ipnet.pktlen', 'ipnet.ifindex', 'ipnet.grifindex',
  'ipnet.zsrc', 'ipnet.zdst', 'ip.src', 'ipv6.dst', 'tcp.dstport', 'dns.qry.name', 'data.len', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];

const hdr = (family: number, hook: number, len: number): number[] => [1, family, ...u16(hook), ...u32(len), ...u32(5), ...u32(0), ...u32(0), ...u32(3)];

test('IPNET: the header and the IP packet by family agree with tshark', { skip: tsharkSkip() }, () => {
  const v4 = ipv4('198.18.0.1', '198.18.0.2', 17, udp(50000, 53, dnsQuery(9, 'ipnet.example')));
  const v6 = ipv6(6, tcp(40000, 80, 1, 0, 0x02));
  const r = craftedAgrees('ipnet', [
    [...hdr(2, 0, v4.length), ...v4],
    [...hdr(26, 1, v6.length), ...v6],
    [...hdr(9, 2, 3), 1, 2, 3],
    hdr(2, 0, 0).slice(0, 10),
    [1],
  ], FIELDS, { seed: ['ipnet', 226], linkType: 226, damageFrom: 0 });
  assert.equal(r.theirs[0][0], 'ipnet:ip:udp:dns');
});

test('ipnet: the Source and Destination columns agree with tshark', { skip: tsharkSkip() }, () => {
  // the files the comparisons above wrote
  assert.deepEqual(addressColumnsDiffer(join(outputDir('dissect-compare'), 'ipnet.pcap')), []);
});
