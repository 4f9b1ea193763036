// Capture beside someone else's XDP program: xdp-filter (xdp-tools) on the
// server veth drops UDP port 7777. A capture there never detaches or
// replaces it: it traces it (fentry/fexit: every frame with the action it
// returned) or, on a kernel that refuses tracing programs (this test's
// machine does, EPERM even for root), captures behind it through tcx
// ingress: only what it passed, each with xdp.action 2. Either way the
// frames and actions recorded are exactly what the program decided, and
// after the capture ends — cleanly or by kill -9 — the program is attached
// and dropping as before.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand, liveSkipReason } from '../../lib/env';
import { createVethPair, type VethPair } from '../../lib/netns';
import { startCapture, type HelperCapture, type HostInterface } from '../../../main/engine/capture';
import type { RawPacket } from '../../../main/engine/types';
import { HELPER, collectPackets, helloOf, statsReach } from './util';

const skip = liveSkipReason() ?? (['xdp-filter', 'python3', 'mount', 'bpftool'].find((c) => !hasCommand(c)) ?? null);
const tick = () => new Promise<void>((r) => setTimeout(r, 50));

/** Counts the datagrams that reach each port (what the XDP program let through). */
const RECEIVER = `
import socket, select, sys
socks = []
for port in (7777, 7778):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind((sys.argv[1], port)); socks.append(s)
print('ready', flush=True)
while True:
    r, _, _ = select.select(socks, [], [])
    for s in r:
        s.recv(2048); print(s.getsockname()[1], flush=True)
`;

describe('capture beside a foreign XDP program (xdp-filter)', { skip: skip ? `needs ${skip}` : false }, () => {
  let pair: VethPair;
  let bpffs: string;
  let receiver: ChildProcess;
  let got = { 7777: 0, 7778: 0 };
  const filter = (args: string[]) => pair.exec(pair.serverNs, ['env', `LIBXDP_BPFFS=${bpffs}`, 'xdp-filter', ...args]);
  const progId = (): string => /prog\/xdp id (\d+)/.exec(execFileSync('ip', ['-n', pair.serverNs, '-d', 'link', 'show', pair.serverIf], { encoding: 'utf8' }))?.[1] ?? '';

  before(async () => {
    pair = createVethPair({ subnet: 219 });
    // libxdp keeps its state in a bpffs; one mounted here (the host's mount
    // namespace) outlives each `ip netns exec`
    bpffs = mkdtempSync(join(tmpdir(), 'xs-bpffs-'));
    execFileSync('mount', ['-t', 'bpf', 'bpf', bpffs]);
    filter(['load', pair.serverIf]);
    filter(['port', '7777']);
    receiver = pair.spawn(pair.serverNs, ['python3', '-c', RECEIVER, pair.serverIp], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      let buf = '';
      receiver.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        const lines = buf.split('\n');
        buf = lines.pop()!;
        for (const l of lines) {
          if (l === 'ready') resolve();
          else if (l === '7777' || l === '7778') got[l]++;
        }
      });
      receiver.on('exit', (c) => reject(new Error(`receiver exited ${c}`)));
    });
  });
  after(() => {
    receiver?.kill('SIGKILL');
    try { filter(['unload', pair.serverIf]); } catch { /* the namespace may be gone */ }
    pair?.dispose();
    try { execFileSync('umount', [bpffs]); } catch { /* not mounted */ }
    rmSync(bpffs, { recursive: true, force: true });
  });

  /** 5 datagrams to each port; resolves once the passed ones arrived (the dropped ones never do). */
  async function send(): Promise<void> {
    const before7778 = got[7778];
    pair.exec(pair.clientNs, ['python3', '-c', `import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\nfor i in range(5):\n  for p in (7777, 7778): s.sendto(b'n%d' % i, ('${pair.serverIp}', p))`]);
    for (let i = 0; i < 400 && got[7778] < before7778 + 5; i++) await tick();
    assert.equal(got[7778], before7778 + 5);
  }

  /** the program drops 7777 and passes 7778, as before any capture */
  async function stillFiltering(): Promise<void> {
    got = { 7777: 0, 7778: 0 };
    await send();
    assert.equal(got[7777], 0, 'the foreign program stopped dropping port 7777');
  }

  function capture(): { cap: HelperCapture; frames: RawPacket[]; reading: Promise<void> } {
    const cap = startCapture({ iface: pair.serverIf, helper: HELPER, wrapper: ['ip', 'netns', 'exec', pair.serverNs], filter: 'udp' });
    const { packets: frames, reading } = collectPackets(cap);
    return { cap, frames, reading };
  }

  it('records what the program decided, never replacing it; the program works as before afterwards', async () => {
    await stillFiltering();
    const id = progId();
    assert.ok(id);
    const { cap, frames, reading } = capture();
    const h = await helloOf(cap);
    assert.ok(h.mode === 'trace' || h.mode === 'after', h.mode);
    assert.equal(String(h.foreign?.id), id);
    assert.match(h.foreign!.name, /^xdp/);
    assert.equal(progId(), id, 'the foreign program is still the one attached');
    await send();
    const traced = h.mode === 'trace';
    await statsReach(cap, (s) => s.seen - s.filtered >= (traced ? 10 : 5), 'the datagrams');
    await cap.stop();
    await reading;
    const port = (p: RawPacket) => Buffer.from(p.data).readUInt16BE(36);
    const inbound = frames.filter((p) => p.flags === 1);
    // traced: every datagram with its verdict; behind it: only the passed ones, each XDP_PASS
    assert.deepEqual(inbound.map((p) => [port(p), p.xdpAction]).sort(),
      [...(traced ? Array(5).fill([7777, 1]) : []), ...Array(5).fill([7778, 2])].sort());
    assert.equal(progId(), id);
    await stillFiltering();
  });

  it('kill -9 of the helper leaves the foreign program attached and dropping, and nothing of ours', async () => {
    const id = progId();
    const { cap } = capture();
    const h = await helloOf(cap);
    process.kill(cap.pid!, 'SIGKILL');
    await cap.done;
    // our program is freed once its link's fd closes with the helper
    const loaded = () => { try { execFileSync('bpftool', ['prog', 'show', 'id', String(h.progId)], { stdio: 'ignore' }); return true; } catch { return false; } };
    for (let i = 0; i < 200 && loaded(); i++) await tick();
    assert.equal(loaded(), false, `our program ${h.progId} is still loaded`);
    assert.equal(progId(), id);
    await stillFiltering();
  });

  it('the interface list shows the program and what a capture there does', () => {
    const list = JSON.parse(pair.exec(pair.serverNs, [HELPER, 'list'])) as HostInterface[];
    const me = list.find((i) => i.name === pair.serverIf)!;
    assert.equal(String(me.xdp?.id), progId());
    assert.match(me.xdp?.name ?? '', /^xdp/);
    assert.ok(me.xdp?.mode === 'native' || me.xdp?.mode === 'generic');
  });
});
