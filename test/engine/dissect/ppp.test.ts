// PPP as a link type (LINKTYPE_PPP 9, PPP_HDLC 50) and Cisco HDLC (104)
// decode as tshark 4.0's ppp, lcp, ipcp, ipv6cp, pap, chap, chdlc and
// slarp; before, such files were one "Unknown" data blob and PPP control
// packets (in PPTP's GRE or PPPoE too) were data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outputDir } from '../../lib/env';
import { join } from 'node:path';
import { addressColumnsDiffer, craftedAgrees, tsharkSkip } from './compare';
import { chdlcFrames, pppFrames } from './ppp-frames';

const COLS = ['frame.protocols', 'frame.encap_type', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];
const PPP = ['ppp.address', 'ppp.control', 'ppp.protocol', 'ppp.code', 'ppp.identifier', 'ppp.length', 'lcp.opt.type', 'lcp.opt.length', 'lcp.opt.mru',
  'lcp.opt.asyncmap', 'lcp.opt.auth_protocol', 'lcp.opt.magic_number', 'lcp.opt.operation', 'lcp.magic_number', 'lcp.message', 'lcp.rej_proto',
  'ppp.opt.len.invalid', 'ipcp.opt.type', 'ipcp.opt.length', 'ipcp.opt.ip_address', 'ipcp.opt.pri_dns_address', 'ipcp.opt.sec_dns_address',
  'ipv6cp.opt.type', 'ipv6cp.opt.length', 'ipv6cp.interface_identifier', 'pap.code', 'pap.identifier', 'pap.length', 'pap.peer_id.length', 'pap.peer_id',
  'pap.password.length', 'pap.password', 'pap.message.length', 'pap.message', 'chap.code', 'chap.identifier', 'chap.length', 'chap.value_size',
  'chap.value', 'chap.name', 'chap.message', 'ip.src', 'ipv6.dst', 'dns.qry.name', 'data.len'];
const CHDLC = ['chdlc.address', 'chdlc.control', 'chdlc.protocol', 'slarp.ptype', 'slarp.address', 'slarp.netmask', 'slarp.mysequence', 'slarp.yoursequence',
  'slarp.reliability', 'ip.src', 'ipv6.dst', 'tcp.dstport', 'data.len'];

test('PPP link types: IP, LCP, IPCP, IPV6CP, PAP and CHAP agree with tshark', { skip: tsharkSkip() }, () => {
  const r = craftedAgrees('ppp', pppFrames(), [...COLS, ...PPP], { seed: ['ppp', 9], linkType: 9, damageFrom: 0 });
  assert.equal(r.theirs[0][0], 'ppp:ip:udp:dns');
  assert.equal(r.theirs[2][0], 'ppp:lcp');
  craftedAgrees('ppp-hdlc', pppFrames().slice(0, 4), [...COLS, ...PPP], { seed: ['ppp-hdlc', 50], linkType: 50, damageFrom: 0 });
});

test('Cisco HDLC: IP and SLARP agree with tshark', { skip: tsharkSkip() }, () => {
  const r = craftedAgrees('chdlc', chdlcFrames(), [...COLS, ...CHDLC], { seed: ['chdlc', 104], linkType: 104, damageFrom: 0 });
  assert.equal(r.theirs[2][0], 'chdlc:slarp');
});

test('ppp: the Source and Destination columns agree with tshark', { skip: tsharkSkip() }, () => {
  // the files the comparisons above wrote
  assert.deepEqual(addressColumnsDiffer(join(outputDir('dissect-compare'), 'ppp.pcap')), []);
  assert.deepEqual(addressColumnsDiffer(join(outputDir('dissect-compare'), 'chdlc.pcap')), []);
});
