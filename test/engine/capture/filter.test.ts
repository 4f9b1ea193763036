// The kernel pre-filter and sampling: replays a known mix of frames and
// checks exactly which ones the XDP program delivers, and that every frame
// it saw is accounted for as delivered, dropped or filtered.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { liveSkipReason, outputDir, hasCommand } from '../../lib/env';
import { createVethPair, type VethPair } from '../../lib/netns';
import { arpRequestFrame, icmpEchoFrame, tcpSyn6Frame, tcpSynFrame, udpFrame, writePcap, type Endpoints } from './frames';
import { captureDuring, clientMac, replay, xdpOn } from './util';

const skip = liveSkipReason() ?? (hasCommand('tcpreplay') ? null : 'needs tcpreplay');

describe('kernel pre-filter', { skip: skip ?? false }, () => {
  let pair: VethPair;
  let pcap: string;
  let ep: Endpoints;
  let other: Endpoints;
  const TOTAL = 55;

  before(() => {
    pair = createVethPair({ subnet: 211 });
    // Destination .99 is nobody: the server neither answers nor forwards, so
    // the replayed frames are the only ingress traffic.
    ep = { srcMac: clientMac(pair), dstMac: pair.serverMac, src: pair.clientIp, dst: '198.18.211.99' };
    other = { ...ep, src: '198.19.7.7' };
    const frames: Buffer[] = [];
    for (let i = 0; i < 10; i++) frames.push(tcpSynFrame(ep, 40000 + i, 80, i));
    for (let i = 0; i < 10; i++) frames.push(tcpSynFrame(ep, 41000 + i, 443, i));
    for (let i = 0; i < 5; i++) frames.push(tcpSynFrame(ep, 42000 + i, 22, i));
    for (let i = 0; i < 10; i++) frames.push(udpFrame(ep, 3333, 53, undefined, i));
    for (let i = 0; i < 5; i++) frames.push(icmpEchoFrame(ep, i));
    for (let i = 0; i < 5; i++) frames.push(arpRequestFrame(ep));
    for (let i = 0; i < 5; i++) frames.push(udpFrame(other, 3333, 5000, undefined, i));
    for (let i = 0; i < 5; i++) frames.push(tcpSyn6Frame({ ...ep, src: '2001:db8::1', dst: '2001:db8::2' }, 43000 + i, 80));
    assert.equal(frames.length, TOTAL);
    pcap = join(outputDir('capture'), 'filter-mix.pcap');
    writePcap(pcap, frames);
  });
  after(() => pair?.dispose());

  const cases: Array<[string, number]> = [
    ['tcp port 80', 15], // IPv4 and IPv6
    ['not port 22', 50],
    ['udp', 15],
    ['icmp', 5],
    ['arp', 5],
    ['src host 198.18.211.1', 40],
    ['net 198.19.0.0/16', 5],
    ['tcp dst port 443 and src net 198.18.211.0/24', 10],
    ['udp and not dst port 53', 5],
    ['portrange 20-79', 15], // TCP to 22, UDP to 53
    ['ip', 45],
    ['ip6', 5],
    ['dst host 2001:db8::2 and tcp dst port 80', 5],
    ['net 2001:db8::/32', 5],
    ['not ip6 and not arp', 45],
    // or, parentheses, negated groups: the kernel evaluates an or of and-groups the helper expands them into
    ['tcp or udp', 45],
    ['port 80 or port 443', 25],
    ['icmp or arp', 10],
    ['(tcp or udp) and port 53', 10],
    ['tcp or udp and port 53', 10], // as tcpdump: and/or bind equally, from the left
    ['not (tcp or udp)', 10],
    ['udp port 53 or (tcp and not port 22 and ip)', 30],
    ['ip6 or src net 198.19.0.0/16 or icmp', 15],
    ['!(port 80 or port 443 or port 22)', 25],
  ];
  it('the expected counts are tcpdump\'s own for the same frames', { skip: hasCommand('tcpdump') ? false : 'needs tcpdump' }, () => {
    // the one documented difference: tcpdump's host/net also match ARP's addresses (our kernel filter: IP headers only)
    const arpToo: Record<string, number> = { 'src host 198.18.211.1': 5 };
    for (const [filter, expected] of cases) {
      const r = spawnSync('tcpdump', ['-nr', pcap, filter], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim().split('\n').filter(Boolean).length, expected + (arpToo[filter] ?? 0), filter);
    }
  });

  for (const [filter, expected] of cases) {
    it(`'${filter}' delivers exactly the ${expected} matching frames`, async () => {
      const r = await captureDuring(pair, { filter }, () => replay(pair, pcap), { seen: TOTAL });
      assert.equal(r.frames.length, expected);
      const s = r.exit.stats!;
      assert.equal(s.final, true);
      assert.equal(s.seen, TOTAL);
      assert.equal(s.delivered, expected);
      assert.equal(s.filtered, TOTAL - expected);
      assert.equal(s.delivered + s.ringDrops + s.filtered, s.seen);
    });
  }

  it('samples exactly 1 in N of the frames that pass the filter', async () => {
    const r = await captureDuring(pair, { filter: 'tcp', sample: 4 }, () => replay(pair, pcap), { seen: TOTAL });
    const s = r.exit.stats!;
    assert.equal(s.delivered, 8); // 30 TCP frames: numbers 0, 4, ..., 28
    assert.equal(r.frames.length, 8);
    assert.equal(s.sampledOut, 22);
    assert.equal(s.filtered, TOTAL - 30 + 22);
    for (const f of r.frames) assert.ok(f[23] === 6 || f[20] === 6, 'only TCP frames are sampled');
  });

  it('changes the filter of a running capture and rejects a bad one with the reason', async () => {
    const r = await captureDuring(pair, {}, async (cap) => {
      await cap.setFilter('udp');
      replay(pair, pcap);
      await assert.rejects(cap.setFilter('udp or'), /ends after 'or'/);
    }, { seen: TOTAL });
    assert.equal(r.frames.length, 15);
    assert.equal(r.exit.stats!.filtered, TOTAL - 15);
  });

  it('pause skips frames (counted), resume captures again', async () => {
    const r = await captureDuring(pair, {}, async (cap) => {
      await cap.pause();
      replay(pair, pcap);
      await cap.resume();
      replay(pair, pcap);
    }, { seen: 2 * TOTAL });
    const s = r.exit.stats!;
    assert.equal(s.seen, 2 * TOTAL);
    assert.equal(s.paused, TOTAL);
    assert.equal(s.delivered, TOTAL);
    assert.equal(xdpOn(pair.serverNs, pair.serverIf), '');
  });
});
