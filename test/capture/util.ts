// Shared steps of the live capture tests: run a capture in the server
// namespace while something happens, collect what it delivered.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../lib/env';
import type { VethPair } from '../lib/netns';
import { startCapture, type HelperCaptureOptions, type CaptureExit, type HelperCapture } from '../../main/engine/capture';
import type { HelloInfo } from '../../main/engine/capture/protocol';

/** The checkout's helper, never an installed copy (which may be older). */
export const HELPER = join(ROOT, 'helper', 'xdpscope-helper');

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function startInNs(pair: VethPair, opts: Partial<HelperCaptureOptions> = {}): HelperCapture {
  return startCapture({ iface: pair.serverIf, helper: HELPER, wrapper: ['ip', 'netns', 'exec', pair.serverNs], ...opts });
}

/** Resolves on 'hello'; rejects with the helper's message if it exits first. */
export function helloOf(cap: HelperCapture, timeoutMs = 10_000): Promise<HelloInfo> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no hello from the helper in time')), timeoutMs);
    cap.once('hello', (h) => { clearTimeout(t); resolve(h); });
    cap.once('exit', (x: CaptureExit) => { clearTimeout(t); reject(new Error(`helper exited (${x.code}): ${x.message}`)); });
  });
}

export interface Collected {
  frames: Buffer[];
  exit: CaptureExit;
  hello: HelloInfo;
}

/** Capture while `during` runs; frames are copied out of the stream. */
export async function captureDuring(
  pair: VethPair, opts: Partial<HelperCaptureOptions>, during: (cap: HelperCapture) => Promise<void> | void,
  perBatchDelayMs = 0,
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
    await sleep(150);
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
