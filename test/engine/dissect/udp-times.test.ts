// UDP's checksum status and conversation timestamps as tshark 4.0 shows
// them on every datagram: the checksum not verified (2), a zero one "not
// present" over IPv4 and illegal over IPv6; udp.time_relative/time_delta
// per udp.stream, counting only datagrams that carry a payload. Before,
// UDP showed none of the three (only UDP-Lite did).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { craftedAgrees, tsharkSkip } from './compare';
import { ascii, eth, ipv4, ipv6, udp } from './packets';

const FIELDS = ['udp.checksum', 'udp.checksum.status', 'udp.stream', 'udp.time_relative', 'udp.time_delta', '_ws.col.Info'];

const withChecksum = (f: number[], ck: number): number[] => f.map((b, i) => (i === 14 + 20 + 6 ? ck >> 8 : i === 14 + 20 + 7 ? ck & 255 : b));

test('UDP checksum status and per-stream times agree with tshark', { skip: tsharkSkip() }, () => {
  const v4 = (sp: number, dp: number, p: number[]): number[] => eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 17, udp(sp, dp, p)));
  const frames = [
    v4(40000, 9999, ascii('one')), // zero checksum over IPv4: not present
    v4(40000, 9999, []), // no payload: no times, and the clock does not move
    withChecksum(v4(40000, 9999, ascii('two!')), 0x1234), // a checksum, not verified
    v4(40001, 9999, ascii('other stream')),
    eth(0x86dd, ipv6(17, udp(40000, 9999, ascii('v6')))), // zero over IPv6: illegal
    v4(9999, 40000, ascii('reply')), // the other direction: the same stream's clock
  ];
  const r = craftedAgrees('udp-times', frames, FIELDS, { seed: ['udp-times', 17] });
  assert.deepEqual(r.theirs.map((row) => row[FIELDS.indexOf('udp.checksum.status')]), ['3', '3', '2', '3', '4', '3']);
  assert.equal(r.theirs[1][FIELDS.indexOf('udp.time_relative')], '');
});
