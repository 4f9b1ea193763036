// SSDP (HTTP over UDP 1900) from a real UPnP client: miniupnpc's upnpc
// multicasts M-SEARCH for an Internet gateway, and a stand-in device in
// the other namespace answers it; the HTTP fields sit under the ssdp
// layer as in tshark, compared frame by frame.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCommand } from '../../lib/env';
import { runPeers, peersSkipReason } from './peers';
import { compareFile } from './compare';

const SERVER = String.raw`
const s = require('dgram').createSocket({ type: 'udp4', reuseAddr: true });
s.on('message', (m, r) => {
  const t = m.toString('latin1');
  if (!t.startsWith('M-SEARCH')) return;
  const st = ((/^ST:\s*(.*)$/im.exec(t) || [])[1] || 'upnp:rootdevice').trim();
  s.send(Buffer.from('HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\nLOCATION: http://' + process.env.HOST + ':49152/rootDesc.xml\r\n'
    + 'SERVER: Linux/6.1 UPnP/1.1 xdpscope-test/1.0\r\nST: ' + st + '\r\nUSN: uuid:12345678-1234-1234-1234-123456789abc::' + st + '\r\n\r\n'), r.port, r.address);
});
s.bind(+process.env.PORT, () => { s.addMembership('239.255.255.250', process.env.HOST); console.log('listening'); });
`;

const FIELDS = ['frame.protocols', 'udp.stream', 'http.request', 'http.response', 'http.request_number', 'http.request_in', 'http.request.full_uri',
  'http.request.line', 'http.response.line', 'http.request.method', 'http.request.uri', 'http.request.version', 'http.response.version',
  'http.response.code', 'http.response.phrase', 'http.cache_control', 'http.host', 'http.server', 'http.location', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];

test('SSDP from upnpc agrees with tshark', { skip: peersSkipReason() || (hasCommand('upnpc') ? false : 'needs upnpc (miniupnpc)'), timeout: 60_000 }, async () => {
  // multicast needs a route on the client's link; upnpc then fetches the description from a closed port (refused: nothing to compare)
  const client = ['sh', '-c', 'i=$(ls /sys/class/net | grep -v "^lo$" | head -1); ip route add 239.0.0.0/8 dev $i; upnpc -m $i -l >/dev/null 2>&1; true'];
  const run = await runPeers(SERVER, 1900, [client]);
  try {
    const r = compareFile(run.pcap, FIELDS);
    console.log(`# ssdp: ${r.cells} cells over ${r.frames} frames compared with tshark, ${r.diffs.length} differ`);
    assert.deepEqual(r.diffs, []);
    const col = (name: string): string[] => r.theirs.map((row) => row[FIELDS.indexOf(name)]).filter(Boolean);
    assert.ok(col('http.request.method').includes('M-SEARCH'));
    assert.ok(col('http.location').length > 0, 'the device answered');
  } finally {
    run.dispose();
  }
});
