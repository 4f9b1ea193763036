// IEC 60870-5-104 built from IEC 60870-5-101/104 (no peer is packaged):
// U frames, an S frame, interrogation, a single command, measured values
// (separate and sequential addresses), two APDUs in one segment, a cut
// ASDU — compared cell by cell with tshark.
import { test } from 'node:test';
import { tsharkSkip, craftedAgrees } from './compare';
import { tcpConversation } from '../../lib/tcp-frame';

const C = '198.18.0.1', S = '198.18.0.2';
const i = (tx: number, rx: number, asdu: number[]): number[] => [0x68, 4 + asdu.length, (tx << 1) & 255, tx >> 7, (rx << 1) & 255, rx >> 7, ...asdu];

function session(): Buffer[] {
  const f: Buffer[] = [];
  const { c, s } = tcpConversation(f, C, S, 40002, 2404);
  c([0x68, 4, 0x07, 0, 0, 0]); s([0x68, 4, 0x0b, 0, 0, 0]);
  c(i(0, 0, [100, 1, 6, 0, 1, 0, 0, 0, 0, 20]));
  s(i(0, 1, [100, 1, 7, 0, 1, 0, 0, 0, 0, 20]));
  // single command ON to IOA 5000, then its negative confirmation
  c(i(1, 1, [45, 1, 6, 0, 1, 0, 0x88, 0x13, 0, 1]));
  s(i(1, 2, [45, 1, 0x47, 0, 1, 0, 0x88, 0x13, 0, 1]));
  // two floats at separate addresses, three sequential single points
  s(i(2, 2, [13, 2, 3, 0, 1, 0, 1, 0, 0, 0, 0, 0x80, 0x3f, 0, 2, 0, 0, 0, 0, 0, 0x40, 0]));
  s(i(3, 2, [1, 0x83, 20, 0, 7, 0, 0x10, 0x27, 0, 1, 0, 1]));
  c([0x68, 4, 1, 0, 8, 0]);
  // TESTFR act and con in one segment
  c([0x68, 4, 0x43, 0, 0, 0, 0x68, 4, 0x83, 0, 0, 0]);
  // set point (scaled) with more objects announced than sent
  c(i(2, 4, [49, 3, 6, 0, 1, 0, 1, 0, 0, 0x10, 0, 0]));
  return f;
}

const FIELDS = ['frame.protocols', 'tcp.stream', 'iec60870_asdu.start', 'iec60870_104.apdulen', 'iec60870_104.type', 'iec60870_104.utype', 'iec60870_104.tx', 'iec60870_104.rx',
  'iec60870_asdu.typeid', 'iec60870_asdu.sq', 'iec60870_asdu.numix', 'iec60870_asdu.causetx', 'iec60870_asdu.nega', 'iec60870_asdu.test', 'iec60870_asdu.oa',
  'iec60870_asdu.addr', 'iec60870_asdu.ioa', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];

test('IEC 60870-5-104 agrees with tshark field by field', { skip: tsharkSkip() }, () => {
  craftedAgrees('iec104', session(), FIELDS, { seed: ['iec104-damage', 2404] });
});
