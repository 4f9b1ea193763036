// A DNS message cut short is a bounds error in tshark 4.0: Info keeps what
// packet-dns.c had written (the id and flags' words, the question, each
// record's type name before its data) and gets "[Malformed Packet]" glued
// on without a space. Before, Info said "Malformed DNS" for a cut header
// and put a space before the mark everywhere else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { craftedAgrees, tsharkSkip } from './compare';
import { eth, hex, ipv4, udp } from './packets';

const FIELDS = ['frame.protocols', 'dns.id', 'dns.flags', 'dns.count.queries', 'dns.count.answers', 'dns.qry.name', 'dns.qry.type', 'dns.resp.name', 'dns.resp.type',
  'dns.resp.len', 'dns.a', 'dns.cname', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];

const QUERY = hex('1234 0100 0001 0000 0000 0000 03777777 076578616d706c65 03636f6d 00 0001 0001');
// a response (NXDOMAIN flags on one copy) with a CNAME and an A record
const RESPONSE = hex('1234 8180 0001 0002 0000 0000 03777777 076578616d706c65 03636f6d 00 0001 0001'
  + ' c00c 0005 0001 0000003c 0006 03777777 c010  c02d 0001 0001 0000003c 0004 c6120001');

test('DNS messages cut at every offset, and counts that lie, set Info and the malformed mark as tshark', { skip: tsharkSkip() }, () => {
  const dns = (sp: number, dp: number, body: number[]): number[] => eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 17, udp(sp, dp, body)));
  const f: number[][] = [];
  for (let n = 1; n < QUERY.length; n++) f.push(dns(53000, 53, QUERY.slice(0, n)));
  for (let n = 1; n <= RESPONSE.length; n++) f.push(dns(53, 53000, RESPONSE.slice(0, n)));
  const nx = [...RESPONSE]; nx[3] = 0x83;
  f.push(dns(53, 53000, nx.slice(0, 6)), dns(53, 53000, nx.slice(0, 40)));
  const twoQuestions = [...QUERY]; twoQuestions[5] = 2;
  const threeAnswers = [...RESPONSE]; threeAnswers[7] = 3;
  f.push(dns(53000, 53, twoQuestions), dns(53, 53000, threeAnswers));
  const r = craftedAgrees('dns-cut', f, FIELDS, { seed: ['dns-cut', 53] });
  const info = FIELDS.indexOf('_ws.col.Info');
  assert.ok(r.theirs.some((row) => /\S\[Malformed Packet\]$/.test(row[info])), 'a mark glued to Info');
});
