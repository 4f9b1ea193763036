// The one header walker (main/engine/dissect/headers.ts) finds the layers
// where the dissector finds them: on every frame of every shared capture,
// its Ethernet, outer IP and outer transport offsets are those of the
// dissection's layers, so the partitioner and the insights read the same
// headers the packet list shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CAPTURES, sharedCapturesSkipReason } from '../../lib/env';
import { parseCaptureBuffer } from '../../../main/engine/file/open';
import { Dissector } from '../../../main/engine/dissect';
import { emptyHeaders, walkHeaders } from '../../../main/engine/dissect/headers';
import type { Dissection } from '../../../main/engine/types';
import { dnsQuery, ipv4, ipv6, raw, tcp, udp } from './packets';
import { beacon, control, data, management, radiotapFrames } from './wlan-frames';
import { chdlcFrames, pppFrames } from './ppp-frames';

const skip = sharedCapturesSkipReason() ?? false;

/** The dissection's outer IP layer and the layer right after it. */
function outer(d: Dissection): { ip?: { name: string; start: number }; next?: { name: string; start: number } } {
  const k = d.tree.findIndex((l) => l.name === 'ip' || l.name === 'ipv6');
  return k < 0 ? {} : { ip: d.tree[k], next: d.tree[k + 1] };
}

test('the header walker finds the layers where the dissector does, on every shared capture', { skip }, () => {
  const h = emptyHeaders();
  let frames = 0, withIp = 0, withL4 = 0;
  const wrong: string[] = [];
  for (const name of readdirSync(CAPTURES).filter((n) => /\.pcap(ng)?$/.test(n))) {
    let packets;
    try { packets = parseCaptureBuffer(readFileSync(join(CAPTURES, name))).packets; } catch { continue; }
    const dis = new Dissector({ geoip: null });
    for (const p of packets) {
      const d = dis.dissect(p);
      walkHeaders(p.data, p.linkType, h);
      frames++;
      const at = `${name}#${p.number}`;
      const eth = d.tree.find((l) => l.name === 'eth');
      if ((eth?.start ?? -1) !== h.ethOff) wrong.push(`${at}: eth at ${eth?.start} vs ${h.ethOff}`);
      const { ip, next } = outer(d);
      if (h.ipVersion === 0) continue;
      withIp++;
      if (!ip || ip.start !== h.ipOff || ip.name !== (h.ipVersion === 4 ? 'ip' : 'ipv6')) {
        wrong.push(`${at}: outer IP ${ip?.name}@${ip?.start} vs v${h.ipVersion}@${h.ipOff}`);
        continue;
      }
      if (h.l4Proto === 0) continue;
      withL4++;
      const want = h.l4Proto === 6 ? 'tcp' : 'udp';
      if (next?.name !== want || next.start !== h.l4Off) wrong.push(`${at}: transport ${next?.name}@${next?.start} vs ${want}@${h.l4Off}`);
    }
  }
  assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} frames disagree`);
  // the corpus must have been read (334 frames today, 308 with IP, 278 with TCP/UDP)
  assert.ok(frames >= 300 && withIp >= 250 && withL4 >= 200, `compared ${frames} frames, ${withIp} with IP, ${withL4} with TCP/UDP`);
});

/** The walker's outer IP and transport offsets against the dissection's, on crafted frames of one link type. */
function walkerAgrees(linkType: number, frames: number[][]): number {
  const h = emptyHeaders();
  const dis = new Dissector({ geoip: null });
  let withL4 = 0;
  for (const [i, bytes] of frames.entries()) {
    const p = raw(bytes, { linkType });
    const d = dis.dissect(p);
    walkHeaders(p.data, linkType, h);
    const { ip, next } = outer(d);
    assert.equal(h.ipVersion === 0 ? undefined : h.ipOff, ip?.start, `link type ${linkType} frame ${i}: outer IP`);
    if (ip === undefined) continue;
    assert.equal(ip.name, h.ipVersion === 4 ? 'ip' : 'ipv6');
    if (h.l4Proto !== 0) { withL4++; assert.equal(next?.start, h.l4Off, `link type ${linkType} frame ${i}: transport`); }
  }
  return withL4;
}

const v4udp = ipv4('198.18.0.1', '198.18.0.2', 17, udp(5000, 53, dnsQuery(1, 'walk.example')));
const v6tcp = ipv6(6, tcp(40000, 443, 1, 0, 0x02));

test('the header walker finds IP behind NFLOG as the dissector does', () => {
  const tlv = (type: number, v: number[]): number[] => [(4 + v.length) & 255, (4 + v.length) >> 8, type, 0, ...v, ...Array<number>((4 - (v.length % 4)) % 4).fill(0)];
  const n = walkerAgrees(239, [
    [2, 0, 0, 1, ...tlv(1, [8, 0, 3, 0]), ...tlv(10, [0x61, 0x62, 0]), ...tlv(9, v4udp)],
    [10, 0, 0, 1, ...tlv(9, v6tcp), ...tlv(11, [0, 0, 0, 1])],
    [7, 0, 0, 1, ...tlv(9, v4udp)],
    [2, 0, 0, 1, 2, 0, 9, 0, ...tlv(9, v4udp)],
  ]);
  assert.equal(n, 2);
});

test('the header walker finds IP behind 802.11 and radiotap as the dissector does', () => {
  const all = [beacon('walk'), ...management(), ...control(), ...data()];
  assert.equal(walkerAgrees(105, all), 7);
  assert.equal(walkerAgrees(127, radiotapFrames()), 7);
});

test('the header walker finds IP behind PPP and Cisco HDLC as the dissector does', () => {
  const compressed = [0x21, ...v4udp];
  assert.equal(walkerAgrees(9, [...pppFrames(), compressed]), 3);
  assert.equal(walkerAgrees(50, pppFrames()), 2);
  assert.equal(walkerAgrees(104, chdlcFrames()), 2);
});

test('the header walker finds IP behind IPNET as the dissector does', () => {
  const hdr = (family: number): number[] => [1, family, 0, 0, ...Array<number>(20).fill(0)];
  assert.equal(walkerAgrees(226, [[...hdr(2), ...v4udp], [...hdr(26), ...v6tcp], [...hdr(9), ...v4udp], hdr(2).slice(0, 20)]), 2);
});
