// Wake-on-LAN against tshark 4.0: magic packets on ethertype 0x0842 and UDP
// (port 9 and any unclaimed port, tshark's heuristic), with SecureOn
// passwords of 4 and 6 bytes, extra bytes, and what is not a magic packet
// (cut, a wrong sync byte, a MAC copy that differs). Before wol.ts every one
// was data.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../../main/engine/dissect/protocols';
import { craftedAgrees, summaries, tsharkSkip } from './compare';
import { outputDir } from '../../lib/env';
import { eth, hex, ipv4, udp } from './packets';

// Info and the layer's line name the MAC as tshark does by default (vendor resolved); the comparison runs
// tshark with -n, so they are compared below against a tshark run without it
const FIELDS = ['frame.protocols', 'eth.padding', 'eth.trailer', 'wol.sync', 'wol.mac', 'wol.passwd', 'udp.length', 'data.data',
  '_ws.col.Protocol', '_ws.malformed'];
const MAC = hex('0200000000aa');
const magic = (mac = MAC): number[] => [...Array<number>(6).fill(0xff), ...Array.from({ length: 16 }, () => mac).flat()];
const overUdp = (dp: number, payload: number[]): number[] => eth(0x0800, ipv4('198.18.0.1', '198.18.0.255', 17, udp(40000, dp, payload)));

test('Wake-on-LAN: magic packets on ethertype 0x0842 and UDP agree with tshark', { skip: tsharkSkip() }, () => {
  const m = magic();
  const frames = [
    eth(0x0842, m), eth(0x0842, [...m, 1, 2, 3, 4]), eth(0x0842, [...m, 1, 2, 3, 4, 5, 6]), eth(0x0842, [...m, 1, 2, 3]),
    eth(0x0842, [...m, ...Array<number>(20).fill(0)]), eth(0x0842, magic(hex('000000000000'))),
    // not magic packets: cut, a wrong sync byte, leading bytes, one MAC copy different
    eth(0x0842, m.slice(0, 50)), eth(0x0842, [0, ...m.slice(1)]), eth(0x0842, [0, 0, ...m]), eth(0x0842, [...m.slice(0, -1), 0xab]),
    overUdp(9, m), overUdp(9999, [...m, 1, 2, 3, 4]), overUdp(9, [...m.slice(0, -1), 0]), overUdp(9, m.slice(0, 101)),
  ];
  const r = craftedAgrees('wol', frames, FIELDS, { seed: ['wol', 0x0842] });
  assert.equal(r.theirs[0][0], 'eth:ethertype:wol');
  assert.equal(r.theirs[10][0], 'eth:ethertype:ip:udp:wol');
  const pcap = join(outputDir('dissect-compare'), 'wol.pcap');
  const t = spawnSync('tshark', ['-r', pcap, '-T', 'fields', '-e', '_ws.col.Info'], { encoding: 'utf8' });
  const theirs = t.stdout.split('\n').slice(0, frames.length);
  assert.deepEqual(summaries(pcap).map(([, info]) => info), theirs);
  assert.equal(theirs[0], 'MagicPacket for 02:00:00:00:00:aa (02:00:00:00:00:aa)');
});
