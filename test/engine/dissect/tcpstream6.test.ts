// TCP conversations over IPv6: the stream table keys them by both addresses
// and ports, lower endpoint first, so both directions of a conversation share
// one tcp.stream and its sequence analysis, and nothing else does. Compared
// with tshark on crafted frames: equal addresses (the ports decide the
// order), addresses one word apart, words past 0xd7ff, a reused port pair.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIPv6 } from 'node:net';
import { compareFrames, tsharkSkip } from './compare';

/** 16 bytes of an IPv6 address written in full (eight groups). */
function addr(a: string): Buffer {
  assert.ok(isIPv6(a) && a.split(':').length === 8, a);
  return Buffer.from(a.split(':').map((g) => g.padStart(4, '0')).join(''), 'hex');
}

function frame(src: string, dst: string, sp: number, dp: number, seq: number, ack: number, flags: number, text = ''): Buffer {
  const pay = Buffer.from(text, 'latin1');
  const t = Buffer.alloc(20);
  t.writeUInt16BE(sp, 0); t.writeUInt16BE(dp, 2); t.writeUInt32BE(seq >>> 0, 4); t.writeUInt32BE(ack >>> 0, 8);
  t.writeUInt16BE((5 << 12) | flags, 12); t.writeUInt16BE(64240, 14);
  const ip = Buffer.alloc(40);
  ip[0] = 0x60; ip.writeUInt16BE(20 + pay.length, 4); ip[6] = 6; ip[7] = 64;
  addr(src).copy(ip, 8); addr(dst).copy(ip, 24);
  return Buffer.concat([Buffer.from('02000000000102000000000286dd', 'hex'), ip, t, pay]);
}

/** A handshake, a request and its answer, from `c`:cp to `s`:sp (initial sequence numbers as given). */
function conversation(c: string, cp: number, s: string, sp: number, cs = 1000, ss = 5000): Buffer[] {
  return [
    frame(c, s, cp, sp, cs, 0, 0x02),
    frame(s, c, sp, cp, ss, cs + 1, 0x12),
    frame(c, s, cp, sp, cs + 1, ss + 1, 0x10),
    frame(c, s, cp, sp, cs + 1, ss + 1, 0x18, 'hello'),
    frame(s, c, sp, cp, ss + 1, cs + 6, 0x18, 'hi'),
    frame(c, s, cp, sp, cs + 6, ss + 3, 0x10),
  ];
}

const LO = '0:0:0:0:0:0:0:1';
const A = '2001:db8:0:0:0:0:0:1', B = '2001:db8:0:0:0:0:0:2';
const HI1 = '2001:db8:0:0:0:0:d800:1', HI2 = '2001:db8:0:0:0:0:ffff:1';

const FIELDS = ['tcp.stream', 'tcp.seq', 'tcp.ack', 'tcp.nxtseq', 'tcp.completeness', 'tcp.analysis.flags', 'tcp.analysis.acks_frame'];

test('TCP over IPv6: one stream per conversation, both directions, as tshark', { skip: tsharkSkip() }, () => {
  const one = conversation(LO, 443, LO, 80), two = conversation(A, 1000, B, 80), three = conversation(B, 1000, A, 80);
  const four = conversation(HI2, 5000, HI1, 5001), again = conversation(A, 1000, B, 80, 90_000, 70_000);
  // interleaved, so each lookup meets the others' entries; the last one reuses `two`'s ports with new numbers
  const frames: Buffer[] = [];
  for (let i = 0; i < 6; i++) frames.push(one[i], two[i], three[i], four[i]);
  frames.push(...again);
  const r = compareFrames('tcpstream6', frames, FIELDS);
  console.log(`# tcpstream6: ${r.cells} cells over ${r.frames} frames compared with tshark, ${r.diffs.length} differ`);
  assert.deepEqual([...new Set(r.diffs.map((x) => x.replace(/^\(subset\) /, '')))], []);
  // five streams: the reused port pair is a new one
  assert.deepEqual([...new Set(r.theirs.map((row) => row[0]))], ['0', '1', '2', '3', '4']);
});
