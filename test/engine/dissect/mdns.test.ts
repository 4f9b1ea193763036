// mDNS and LLMNR (DNS on udp/5353 and 5355, named as tshark names them)
// from a real resolver: bind9's host asks a multicast group in the other
// namespace, where a stand-in responder answers as mDNS responders do
// (cache-flush records, a shared PTR, a TXT) and as an LLMNR host does.
// Every frame is compared with tshark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCommand } from '../../lib/env';
import { runPeers, peersSkipReason } from './peers';
import { compareFile } from './compare';

const SERVER = String.raw`
const dgram = require('dgram');
const name = (s) => Buffer.concat([...s.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])), Buffer.from([0])]);
const rr = (n, type, flush, data) => { const h = Buffer.alloc(10); h.writeUInt16BE(type, 0); h.writeUInt16BE(flush ? 0x8001 : 1, 2); h.writeUInt32BE(120, 4); h.writeUInt16BE(data.length, 8); return Buffer.concat([n, h, data]); };
let ready = 0;
for (const [port, group] of [[5353, '224.0.0.251'], [5355, '224.0.0.252']]) {
  const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  s.on('message', (m, r) => {
    if (m.length < 12 || (m[2] & 0x80)) return;
    let o = 12; while (o < m.length && m[o] !== 0) o += m[o] + 1;
    const q = m.subarray(12, o + 5), qtype = m.readUInt16BE(o + 1);
    const mdns = port === 5353;
    const answers = qtype === 12
      ? [rr(Buffer.from([0xc0, 12]), 12, false, name('web._http._tcp.local')), rr(name('web._http._tcp.local'), 16, true, Buffer.from('\x06path=/'))]
      : [rr(Buffer.from([0xc0, 12]), 1, mdns, Buffer.from([198, 18, 7, 7]))];
    const hdr = Buffer.from([m[0], m[1], 0x84, 0, 0, 1, 0, answers.length, 0, 0, 0, 0]);
    s.send(Buffer.concat([hdr, q, ...answers]), r.port, r.address);
  });
  s.bind(port, () => { s.addMembership(group, process.env.HOST); if (++ready === 2) console.log('listening'); });
}
`;

const FIELDS = ['frame.protocols', 'udp.stream', 'mdns', 'llmnr', 'dns.id', 'dns.flags', 'dns.flags.response', 'dns.flags.opcode', 'dns.flags.authoritative', 'dns.flags.truncated', 'dns.flags.recdesired', 'dns.flags.recavail',
  'dns.flags.z', 'dns.flags.authenticated', 'dns.flags.checkdisable', 'dns.flags.rcode', 'dns.flags.conflict', 'dns.flags.tentative', 'dns.count.queries',
  'dns.count.answers', 'dns.qry.name', 'dns.qry.type', 'dns.qry.class', 'dns.qry.qu', 'dns.resp.name', 'dns.resp.type', 'dns.resp.class',
  'dns.resp.cache_flush', 'dns.resp.ttl', 'dns.resp.len', 'dns.a', 'dns.ptr.domain_name', 'dns.txt', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];

test('mDNS and LLMNR from host agree with tshark', { skip: peersSkipReason() || (hasCommand('host') ? false : 'needs host (bind9-host)'), timeout: 60_000 }, async () => {
  // multicast needs a route on the client's link; host's own retries and exit status do not matter
  const ask = (args: string): string[] => ['sh', '-c', `i=$(ls /sys/class/net | grep -v "^lo$" | head -1); ip route replace 224.0.0.0/4 dev $i; host -W 2 -R 0 ${args} >/dev/null 2>&1; true`];
  const run = await runPeers(SERVER, 5353, [
    ask('-p 5353 printer.local 224.0.0.251'),
    ask('-p 5353 -t PTR _http._tcp.local 224.0.0.251'),
    ask('-p 5355 -t A fileserver 224.0.0.252'),
  ]);
  try {
    const r = compareFile(run.pcap, FIELDS);
    console.log(`# mdns: ${r.cells} cells over ${r.frames} frames compared with tshark, ${r.diffs.length} differ`);
    assert.deepEqual(r.diffs, []);
    const protos = new Set(r.theirs.map((row) => row[0].split(':').pop()));
    assert.ok(protos.has('mdns') && protos.has('llmnr'));
    assert.ok(r.theirs.some((row) => row[FIELDS.indexOf('dns.resp.cache_flush')].includes('1')));
  } finally {
    run.dispose();
  }
});
