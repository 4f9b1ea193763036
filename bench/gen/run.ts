// Running bench/gen/xdpgen from the client namespace of a veth pair, for the
// benchmarks that need the generator's top rate for minutes (bench/livecap,
// bench/uilive): back-to-back runs of at most 60 s (xdpgen's own bound) until
// a deadline, summing what it says it sent. Asynchronous, so the caller keeps
// sampling while it runs; an AbortSignal (Ctrl-C) ends the current run.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { VethPair } from '../../test/lib/netns';
import { ROOT } from '../../test/lib/env';

export const GEN = join(ROOT, 'bench', 'gen', 'xdpgen');

/** Build xdpgen when it is missing (make -C bench/gen). */
export function ensureGenerator(): void {
  if (!existsSync(GEN)) execFileSync('make', ['-s', '-C', join(ROOT, 'bench', 'gen')], { stdio: 'inherit' });
}

export interface Generated { sent: number; secs: number }

/**
 * Send 60-byte UDP frames to the server veth (to an address nobody holds in
 * its subnet, so no socket answers) with `threads` threads until `endAt`
 * (epoch ms) or until `signal` aborts.
 */
export async function generateUntil(pair: VethPair, endAt: number, threads = 1, signal?: AbortSignal): Promise<Generated> {
  let sent = 0, secs = 0;
  while (Date.now() < endAt && !signal?.aborted) {
    const s = Math.max(1, Math.min(60, Math.round((endAt - Date.now()) / 1000)));
    let o: string;
    try {
      ({ stdout: o } = await promisify(execFile)('ip', ['netns', 'exec', pair.clientNs, GEN, '-i', pair.clientIf, '-m', pair.serverMac,
        '-s', pair.clientIp, '-d', pair.serverIp.replace(/\.\d+$/, '.99'), '-t', String(s), '-T', String(threads)],
      { encoding: 'utf8', timeout: (s + 30) * 1000, ...(signal ? { signal } : {}) }));
    } catch (e) {
      if (signal?.aborted) break;
      throw e;
    }
    const m = /sent (\d+) packets in ([\d.]+) s/.exec(o);
    if (!m) throw new Error(`xdpgen said: ${o}`);
    sent += Number(m[1]); secs += Number(m[2]);
  }
  return { sent, secs };
}
