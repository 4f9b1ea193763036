// The block list, live between two namespaces: a blocked source's frames
// are counted, captured (xdp.action XDP_DROP) and no longer reach the
// stack; unblock and TTL expiry restore them; protected addresses are
// refused by the helper; kill -9 of the helper leaves no program or map.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { liveSkipReason, hasCommand } from '../../lib/env';
import { createVethPair, type VethPair } from '../../lib/netns';
import type { HelperCapture } from '../../../main/engine/capture';
import { clientMac, helloOf, replay, startInNs, statsReach, xdpOn } from './util';
import { udpFrame, writePcap } from './frames';
import { outputDir } from '../../lib/env';
import { listener, sender, until } from './udp-peers';

const skip = liveSkipReason() ?? (hasCommand('bpftool') ? null : 'needs bpftool');

/** UDP payloads of the captured frames from `src`, with their xdp.action. */
function collect(cap: HelperCapture, src: string): Array<{ text: string; action: number | undefined }> {
  const out: Array<{ text: string; action: number | undefined }> = [];
  const want = Buffer.from(src.split('.').map(Number));
  void (async () => {
    for await (const batch of cap) {
      for (const p of batch) {
        const d = Buffer.from(p.data);
        // Ethernet + IPv4 (no options: our sender) + UDP
        if (d.length < 42 || d.readUInt16BE(12) !== 0x0800 || d[23] !== 17 || !d.subarray(26, 30).equals(want)) continue;
        out.push({ text: d.subarray(42).toString(), action: p.xdpAction });
      }
    }
  })().catch(() => {});
  return out;
}

/** The blocklist map of the program a capture loaded (by the program's map ids). */
function blocklistMapId(progId: number): number {
  const prog = JSON.parse(execFileSync('bpftool', ['-j', 'prog', 'show', 'id', String(progId)], { encoding: 'utf8' })) as { map_ids?: number[] };
  for (const id of prog.map_ids ?? []) {
    const m = JSON.parse(execFileSync('bpftool', ['-j', 'map', 'show', 'id', String(id)], { encoding: 'utf8' })) as { name?: string; type?: string };
    if (m.name === 'blocklist') {
      assert.equal(m.type, 'lpm_trie');
      return id;
    }
  }
  throw new Error(`program ${progId} has no blocklist map`);
}

function mapExists(id: number): boolean {
  try { execFileSync('bpftool', ['map', 'show', 'id', String(id)], { stdio: 'ignore' }); return true; } catch { return false; }
}

describe('block list (live)', { skip: skip ?? false }, () => {
  let pair: VethPair;
  before(() => { pair = createVethPair({ subnet: 241 }); });
  after(() => pair?.dispose());

  it('drops a blocked source before the stack, still captures it marked, and restores it on unblock and on TTL expiry', async () => {
    const rx = listener(pair, 7100);
    const tx = sender(pair, 7100);
    const cap = startInNs(pair, { direction: 'in' });
    try {
      const hello = await helloOf(cap);
      assert.ok(hello.mode === 'native' || hello.mode === 'generic', hello.mode);
      const seen = collect(cap, pair.clientIp);
      await rx.ready;

      tx.send(['a0', 'a1', 'a2']);
      await until('the listener receives the unblocked datagrams', () => rx.got.length, (n) => n === 3);

      assert.equal(await cap.block(pair.clientIp, 600), `${pair.clientIp}/32`);
      tx.send(['b0', 'b1', 'b2', 'b3', 'b4']);
      await statsReach(cap, (s) => s.blocked >= 5, '5 blocked');
      await until('the blocked datagrams are captured', () => seen.filter((x) => x.text.startsWith('b')).length, (n) => n === 5);
      assert.deepEqual(seen.filter((x) => x.text.startsWith('b')).map((x) => x.action), [1, 1, 1, 1, 1], 'captured and marked XDP_DROP');
      assert.deepEqual(seen.filter((x) => x.text.startsWith('a')).map((x) => x.action), [undefined, undefined, undefined]);
      const blocks = await cap.blocks();
      assert.equal(blocks.length, 1);
      assert.equal(blocks[0].prefix, `${pair.clientIp}/32`);
      assert.equal(blocks[0].packets, 5);
      assert.ok(blocks[0].remainingSec > 590 && blocks[0].remainingSec <= 600, String(blocks[0].remainingSec));

      await cap.unblock(pair.clientIp);
      tx.send(['c0', 'c1']);
      await until('unblocked datagrams arrive again', () => rx.got.filter((t) => t.startsWith('c')).length, (n) => n === 2);
      assert.deepEqual(rx.got.filter((t) => t.startsWith('b')), [], 'no blocked datagram reached the socket');
      await assert.rejects(cap.unblock(pair.clientIp), /is not blocked/);

      // TTL: a network (x.x.x.0/31 holds the client, not the server) blocked for 3 s; the helper removes it by itself
      assert.equal(await cap.block(`${pair.clientIp.replace(/\d+$/, '0')}/31`, 3), `${pair.clientIp.replace(/\d+$/, '0')}/31`);
      tx.send(['d0', 'd1']);
      await statsReach(cap, (s) => s.blocked >= 7, '7 blocked');
      await until('the TTL runs out', () => cap.blocks(), (b) => b.length === 0, 250);
      tx.send(['e0']);
      await until('datagrams arrive after expiry', () => rx.got.filter((t) => t.startsWith('e')).length, (n) => n === 1);
      assert.deepEqual(rx.got.filter((t) => t.startsWith('d')), []);

      // the identity still adds up: blocked frames are counted where every frame is
      const exit = await cap.stop();
      const s = exit.stats!;
      assert.ok(s.final);
      assert.equal(s.seen, s.delivered + s.ringDrops + s.filtered + s.paused);
      assert.equal(s.blocked, 7);
      assert.equal(seen.filter((x) => x.action === 1).length, 7);
    } finally {
      await cap.stop();
      tx.proc.kill('SIGKILL');
      rx.proc.kill('SIGKILL');
    }
  });

  it('refuses this host\'s addresses, loopback, link-local, multicast and the default gateway, alone or inside a network', async () => {
    const cap = startInNs(pair, { direction: 'in' });
    try {
      await helloOf(cap);
      const third = pair.serverIp.split('.')[2];
      await assert.rejects(cap.block(pair.serverIp, 60), /this host's address 198\.18\.\d+\.2/);
      await assert.rejects(cap.block(`198.18.${third}.0/24`, 60), /covers this host's address/);
      await assert.rejects(cap.block('198.18.0.0/15', 60), /covers this host's address/);
      await assert.rejects(cap.block('127.0.0.53', 60), /loopback/);
      await assert.rejects(cap.block('::1', 60), /loopback/);
      await assert.rejects(cap.block('fe80::1', 60), /link-local/);
      await assert.rejects(cap.block('169.254.169.254', 60), /link-local/);
      await assert.rejects(cap.block('224.0.0.251', 60), /multicast/);
      await assert.rejects(cap.block('0.0.0.0/0', 60), /covers/);
      await assert.rejects(cap.block('198.18.0.9', 0), /TTL/);
      await assert.rejects(cap.block('198.18.0.9', 604_801), /TTL/);
      await assert.rejects(cap.block('198.18.0.999', 60), /not an IPv4 or IPv6 address/);
      // a host elsewhere on the range is fine; an IPv4-mapped IPv6 address is that IPv4 address
      assert.equal(await cap.block('198.19.0.9', 60), '198.19.0.9/32');
      await assert.rejects(cap.block('::ffff:198.18.' + third + '.2', 60), /this host's address/);
      assert.equal(await cap.block('2001:db8::/32', 60), '2001:db8::/32');
      execFileSync('ip', ['-n', pair.serverNs, 'route', 'add', 'default', 'via', pair.clientIp]);
      try {
        await assert.rejects(cap.block(pair.clientIp, 60), /the default gateway 198\.18\.\d+\.1/);
      } finally {
        execFileSync('ip', ['-n', pair.serverNs, 'route', 'del', 'default']);
      }
      assert.equal((await cap.blocks()).length, 2);
      // the list holds 1024 entries (the map's size), listed in pages, and refuses the next one
      const more = Array.from({ length: 1022 }, (_, i) => `198.19.${1 + (i >> 8)}.${i & 255}`);
      for (let i = 0; i < more.length; i += 128) await Promise.all(more.slice(i, i + 128).map((a) => cap.block(a, 60)));
      const all = await cap.blocks();
      assert.equal(all.length, 1024);
      assert.equal(new Set(all.map((b) => b.prefix)).size, 1024, 'every entry listed once across the pages');
      await assert.rejects(cap.block('198.19.9.9', 60), /the list is full \(1024 entries\)/);
      assert.equal(await cap.block(more[0], 120), `${more[0]}/32`, 'renewing an entry of a full list works');
    } finally {
      await cap.stop();
    }
    // an egress-only capture has nothing to drop: refused, saying why
    const out = startInNs(pair, { direction: 'out' });
    try {
      await helloOf(out);
      await assert.rejects(out.block('198.19.0.9', 60), /egress only; blocking drops received frames/);
    } finally {
      await out.stop();
    }
  });

  it('behind a foreign XDP program (tcx ingress) a blocked source is dropped there too; a traced one refuses', { skip: ['xdp-filter', 'mount'].find((c) => !hasCommand(c)) ?? false }, async (t) => {
    const bpffs = mkdtempSync(join(tmpdir(), 'xs-bpffs-'));
    execFileSync('mount', ['-t', 'bpf', 'bpf', bpffs]);
    const filter = (args: string[]) => pair.exec(pair.serverNs, ['env', `LIBXDP_BPFFS=${bpffs}`, 'xdp-filter', ...args]);
    const rx = listener(pair, 7102);
    const tx = sender(pair, 7102);
    let cap: HelperCapture | undefined;
    try {
      filter(['load', pair.serverIf]); // no rules: it passes everything
      cap = startInNs(pair, { direction: 'in' });
      const hello = await helloOf(cap);
      t.diagnostic(`beside xdp-filter: mode ${hello.mode}`);
      const seen = collect(cap, pair.clientIp);
      await rx.ready;
      if (hello.mode === 'trace') {
        await assert.rejects(cap.block(pair.clientIp, 60), /traced foreign XDP program frames can only be watched/);
        return;
      }
      assert.equal(hello.mode, 'after');
      tx.send(['p0']);
      await until('passed before the block', () => rx.got, (g) => g.includes('p0'));
      await cap.block(pair.clientIp, 600);
      tx.send(['q0', 'q1']);
      await statsReach(cap, (st) => st.blocked >= 2, '2 blocked');
      await until('the blocked ones are captured, marked XDP_DROP', () => seen.filter((x) => x.text.startsWith('q')).map((x) => x.action), (a) => a.length === 2);
      assert.deepEqual(seen.filter((x) => x.text.startsWith('q')).map((x) => x.action), [1, 1]);
      assert.deepEqual(seen.filter((x) => x.text === 'p0').map((x) => x.action), [2], 'what the foreign program passed');
      await cap.unblock(pair.clientIp);
      tx.send(['r0']);
      await until('unblocked again', () => rx.got, (g) => g.includes('r0'));
      assert.ok(!rx.got.some((t) => t.startsWith('q')), 'no blocked datagram reached the socket');
    } finally {
      await cap?.stop();
      tx.proc.kill('SIGKILL');
      rx.proc.kill('SIGKILL');
      try { filter(['unload', pair.serverIf]); } catch { /* the namespace may be gone */ }
      try { execFileSync('umount', [bpffs]); } catch { /* not mounted */ }
      rmSync(bpffs, { recursive: true, force: true });
    }
  });

  it('a VLAN tag (802.1Q, or two: 802.1ad) does not hide a blocked source', { skip: hasCommand('tcpreplay') ? false : 'needs tcpreplay' }, async () => {
    const ep = { srcMac: clientMac(pair), dstMac: pair.serverMac, src: '198.19.77.7', dst: pair.serverIp };
    const tag = (f: Buffer, tpids: number[]) => Buffer.concat([f.subarray(0, 12), ...tpids.map((t, i) => { const b = Buffer.alloc(4); b.writeUInt16BE(t, 0); b.writeUInt16BE(10 + i, 2); return b; }), f.subarray(12)]);
    const frames = [
      udpFrame(ep, 4000, 7103), // untagged
      tag(udpFrame(ep, 4001, 7103), [0x8100]),
      tag(udpFrame(ep, 4002, 7103), [0x88a8, 0x8100]),
      udpFrame({ ...ep, src: '198.19.77.8' }, 4003, 7103), // not blocked
    ];
    const pcap = join(outputDir('capture'), 'block-vlan.pcap');
    writePcap(pcap, frames);
    const cap = startInNs(pair, { direction: 'in', filter: 'not arp' });
    try {
      await helloOf(cap);
      await cap.block('198.19.77.7', 60);
      replay(pair, pcap);
      await statsReach(cap, (st) => st.seen - st.filtered >= 4, 'the 4 frames seen');
      assert.equal(cap.stats!.blocked, 3, 'the untagged, the 802.1Q and the QinQ frame from the blocked source');
      assert.deepEqual((await cap.blocks()).map((b) => b.packets), [3]);
    } finally {
      await cap.stop();
    }
  });

  it('kill -9 of the helper leaves no block behind: program detached, map freed, traffic flows', async () => {
    const rx = listener(pair, 7101);
    const tx = sender(pair, 7101);
    const cap = startInNs(pair, { direction: 'in' });
    try {
      const hello = await helloOf(cap);
      const mapId = blocklistMapId(hello.progId);
      void collect(cap, pair.clientIp);
      await rx.ready;
      await cap.block(pair.clientIp, 600);
      tx.send(['k0']);
      await statsReach(cap, (s) => s.blocked >= 1, '1 blocked');
      process.kill(cap.pid!, 'SIGKILL');
      await cap.done;
      assert.equal(xdpOn(pair.serverNs, pair.serverIf), '', 'no XDP program left on the interface');
      await until('the kernel frees the blocklist map', () => mapExists(mapId), (x) => !x, 200);
      tx.send(['k1']);
      await until('traffic flows after the kill', () => rx.got, (g) => g.includes('k1'));
      assert.ok(!rx.got.includes('k0'));
    } finally {
      await cap.stop();
      tx.proc.kill('SIGKILL');
      rx.proc.kill('SIGKILL');
    }
  });
});
