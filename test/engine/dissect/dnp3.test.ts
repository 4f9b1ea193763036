// DNP3 built from IEEE 1815 (no peer is packaged), over TCP and UDP 20000:
// a class read, a response with internal indications and points, Direct
// Operate on a control relay output block (two data chunks), a link status
// request, Cold Restart, an application fragment spread over two link
// frames, a damaged data chunk and a damaged header CRC — compared cell by cell with tshark.
import { test } from 'node:test';
import { tsharkSkip, craftedAgrees } from './compare';
import { tcpConversation } from '../../lib/tcp-frame';
import { eth, ipv4, udp } from './packets';
import { dnpLinkFrame as dnpLink } from './dnp3-frame';

const C = '198.18.0.1', S = '198.18.0.2';

function frames(): Array<number[] | Buffer> {
  const f: Array<number[] | Buffer> = [];
  const { c, s } = tcpConversation(f, C, S, 40003, 20000, { ack: false });
  c(dnpLink(0xc4, 10, 1, [0xc0, 0xc1, 0x01, 60, 2, 0x06, 60, 3, 0x06, 60, 4, 0x06, 60, 1, 0x06]));
  s(dnpLink(0x44, 1, 10, [0xc0, 0xc1, 0x81, 0x00, 0x00, 1, 2, 0x00, 0, 1, 0x81, 0x01]));
  // Direct Operate: g12v1 CROB, 16-bit index prefix, 16-bit count
  c(dnpLink(0xc4, 10, 1, [0xc1, 0xc2, 0x05, 12, 1, 0x28, 1, 0, 3, 0, 0x41, 1, 0xe8, 3, 0, 0, 0, 0, 0, 0, 0]));
  s(dnpLink(0x44, 1, 10, [0xc1, 0xc2, 0x81, 0x80, 0x00, 12, 1, 0x28, 1, 0, 3, 0, 0x41, 1, 0xe8, 3, 0, 0, 0, 0, 0, 0, 0]));
  c(dnpLink(0xc9, 10, 1, []));
  s(dnpLink(0x0b, 1, 10, []));
  c(dnpLink(0xc4, 10, 1, [0xc2, 0xc3, 0x0d]));
  // a response in two link frames: FIR, then FIN
  s(dnpLink(0x44, 1, 10, [0x43, 0xc4, 0x81, 0, 0, 30, 2, 0x00, 0, 2]));
  s(dnpLink(0x44, 1, 10, [0x84, 1, 0x10, 0, 1, 0x20, 0, 1, 0x30, 0]));
  // damaged data chunk, then a damaged header (not DNP3)
  const bad = dnpLink(0xc4, 10, 1, [0xc3, 0xc5, 0x01, 60, 1, 6]); bad[12] ^= 0xff; c(bad);
  const badHdr = dnpLink(0xc4, 10, 1, [0xc4, 0xc6, 0x01, 60, 1, 6]); badHdr[8] ^= 0xff; c(badHdr);
  // Info names: groups read, classes last; a write's time; Assign Classes (objects not decoded by tshark)
  c(dnpLink(0xc4, 10, 1, [0xc5, 0xc9, 0x01, 60, 1, 6, 30, 1, 0x00, 0, 5, 1, 0, 6]));
  c(dnpLink(0xc4, 10, 1, [0xc6, 0xca, 0x02, 50, 1, 0x07, 1, 0, 0, 0, 0, 0, 0]));
  c(dnpLink(0xc4, 10, 1, [0xc7, 0xcb, 0x14, 60, 2, 6]));
  c(dnpLink(0xc4, 10, 1, [0xc8, 0xcc, 0x16, 60, 2, 6, 30, 0, 6]));
  // two link frames in one segment: a confirm and an unsolicited response
  s([...dnpLink(0x44, 1, 10, [0xc9, 0xd0, 0x82, 0, 0]), ...dnpLink(0x44, 1, 10, [0xca, 0xc9, 0x00])]);
  // over UDP: Write (g80v1 restart bit) and a Warm Restart
  f.push(eth(0x0800, ipv4(C, S, 17, udp(40004, 20000, dnpLink(0xc4, 10, 1, [0xc0, 0xc7, 0x02, 80, 1, 0x00, 7, 7, 0])))));
  f.push(eth(0x0800, ipv4(C, S, 17, udp(40004, 20000, dnpLink(0xc4, 10, 1, [0xc1, 0xc8, 0x0e])))));
  return f;
}

const FIELDS = ['frame.protocols', 'tcp.stream', 'dnp3.start', 'dnp3.len', 'dnp3.ctl', 'dnp3.ctl.prifunc', 'dnp3.ctl.secfunc', 'dnp3.ctl.dir', 'dnp3.ctl.prm',
  'dnp3.ctl.fcb', 'dnp3.ctl.fcv', 'dnp3.ctl.dfc', 'dnp3.dst', 'dnp3.src', 'dnp3.addr', 'dnp3.hdr.CRC', 'dnp3.tr.ctl', 'dnp3.tr.fin', 'dnp3.tr.fir', 'dnp3.tr.seq',
  'dnp3.al.ctl', 'dnp3.al.fir', 'dnp3.al.fin', 'dnp3.al.con', 'dnp3.al.uns', 'dnp3.al.seq', 'dnp3.al.func', 'dnp3.al.iin', 'dnp3.al.obj',
  'dnp3.al.objq.prefix', 'dnp3.al.objq.range', 'dnp3.al.range.start', 'dnp3.al.range.stop', 'dnp3.al.range.quantity', 'dnp3.al.index',
  '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];

test('DNP3 agrees with tshark field by field', { skip: tsharkSkip() }, () => {
  craftedAgrees('dnp3', frames(), FIELDS, { seed: ['dnp3-damage', 20000] });
});
