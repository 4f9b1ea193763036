// Shared steps of the live capture tests: run a capture in the server
// namespace while something happens, collect what it delivered.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, HELPER_START_MS } from '../../lib/env';
import type { VethPair } from '../../lib/netns';
import { startCapture, type HelperCaptureOptions, type CaptureExit, type HelperCapture } from '../../../main/engine/capture';
import type { CaptureStats, HelloInfo } from '../../../main/engine/capture/protocol';
import type { RawPacket } from '../../../main/engine/types';

/** The checkout's helper, never an installed copy (which may be older). */
export const HELPER = join(ROOT, 'helper', 'xdpscope-helper');

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function startInNs(pair: VethPair, opts: Partial<HelperCaptureOptions> = {}): HelperCapture {
  return startCapture({ iface: pair.serverIf, helper: HELPER, wrapper: ['ip', 'netns', 'exec', pair.serverNs], ...opts });
}

/** Resolves on 'hello'; rejects with the helper's message if it exits first. */
// the helper verifies and attaches up to three programs: seconds on a loaded machine
export function helloOf(cap: HelperCapture, timeoutMs = HELPER_START_MS): Promise<HelloInfo> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no hello from the helper in time')), timeoutMs);
    cap.once('hello', (h) => { clearTimeout(t); resolve(h); });
    cap.once('exit', (x: CaptureExit) => { clearTimeout(t); reject(new Error(`helper exited (${x.code}): ${x.message}`)); });
  });
}

/** Copies out every packet the capture delivers (the stream reuses its buffers); `reading` settles when the stream ends. */
export function collectPackets(cap: HelperCapture): { packets: RawPacket[]; reading: Promise<void> } {
  const packets: RawPacket[] = [];
  const reading = (async () => { for await (const b of cap) for (const p of b) packets.push({ ...p, data: Buffer.from(p.data) }); })();
  reading.catch(() => {});
  return { packets, reading };
}

/**
 * Runs `during` while the capture's packets are collected, then stops it and
 * waits for the stream's end: XDP and tcx put each frame in the ring before
 * the stack goes on, so what `during` caused is all delivered by then. The
 * capture is stopped however `during` ends, so a failed test leaves no helper.
 */
export async function whileCapturing(cap: HelperCapture, during: () => Promise<void>): Promise<{ packets: RawPacket[]; exit: CaptureExit }> {
  const { packets, reading } = collectPackets(cap);
  try {
    await during();
    const exit = await cap.stop();
    await reading;
    return { packets, exit };
  } finally {
    if (!cap.exitInfo) await cap.stop();
  }
}

export interface Collected {
  frames: Buffer[];
  exit: CaptureExit;
  hello: HelloInfo;
}

/**
 * Resolves once the helper's counters satisfy `done` (stats come at least
 * once a second), so a test stops a capture when the kernel has seen its
 * frames, not after a guessed delay. Rejects after 30 s, naming what it saw.
 */
export function statsReach(cap: HelperCapture, done: (s: CaptureStats) => boolean, what: string): Promise<void> {
  if (cap.stats && done(cap.stats)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => { cap.off('stats', on); reject(new Error(`capture counters never reached ${what}: last ${JSON.stringify(cap.stats, (_k, v) => typeof v === 'bigint' ? String(v) : v)}`)); }, 30_000);
    const on = (s: CaptureStats) => { if (done(s)) { clearTimeout(t); cap.off('stats', on); resolve(); } };
    cap.on('stats', on);
  });
}

/** frames the XDP program let through: neither filtered (sampling included) nor seen while paused */
export const passed = (s: CaptureStats): number => s.seen - s.filtered - s.paused;

/**
 * Capture while `during` runs; frames are copied out of the stream. The
 * capture stops once the kernel program has seen `seen` frames in all (the
 * replayed ones), or let `passed` through, so every frame it let through is
 * delivered by stop().
 */
export async function captureDuring(
  pair: VethPair, opts: Partial<HelperCaptureOptions>, during: (cap: HelperCapture) => Promise<void> | void,
  expect: { seen?: number; passed?: number }, perBatchDelayMs = 0,
): Promise<Collected> {
  const cap = startInNs(pair, opts);
  const frames: Buffer[] = [];
  const reading = (async () => {
    for await (const batch of cap) {
      for (const p of batch) frames.push(Buffer.from(p.data));
      if (perBatchDelayMs) await sleep(perBatchDelayMs);
    }
  })();
  reading.catch(() => {});
  try {
    const hello = await helloOf(cap);
    await during(cap);
    await statsReach(cap, (st) => st.seen >= (expect.seen ?? 0) && passed(st) >= (expect.passed ?? 0), JSON.stringify(expect));
    const exit = await cap.stop();
    await reading;
    return { frames, exit, hello };
  } finally {
    if (!cap.exitInfo) await cap.stop();
  }
}

export function replay(pair: VethPair, pcap: string, extra: string[] = []): void {
  pair.exec(pair.clientNs, ['tcpreplay', '-q', '-i', pair.clientIf, ...extra, pcap], { timeoutMs: 60_000 });
}

/** The XDP programs attached to an interface, as `ip link` reports them ('' if none). */
export function xdpOn(ns: string, ifname: string): string {
  const out = execFileSync('ip', ['-n', ns, '-d', 'link', 'show', 'dev', ifname], { encoding: 'utf8' });
  return out.split('\n').filter((l) => /\bxdp|prog\/xdp/.test(l)).join('\n');
}

export function clientMac(pair: VethPair): string {
  return execFileSync('ip', ['-n', pair.clientNs, '-br', 'link', 'show', pair.clientIf], { encoding: 'utf8' }).trim().split(/\s+/)[2];
}

/** Until no TCP connection of the client is still closing: every segment of the exchange has crossed the veth (bounded: 600 polls). */
export async function tcpSettled(pair: VethPair): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const open = pair.exec(pair.clientNs, ['ss', '-Htan']).split('\n').filter((l) => l.trim() && !/^(LISTEN|TIME-WAIT)/.test(l.trim()));
    if (open.length === 0) return;
    await sleep(50);
  }
  throw new Error('client TCP connections never finished closing');
}
