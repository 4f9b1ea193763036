// UDP peers for live tests between two namespaces: a listener that reports
// every datagram as it arrives, a long-running sender (no process start per
// datagram, so timing-sensitive steps such as a short TTL stay well inside
// their window), and a bounded wait on state.
import { type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { VethPair } from '../../lib/netns';

/** Waits for a condition checked on each call of `poll` (bounded: `withinMs`, 15 s unless told). */
export async function until<T>(what: string, poll: () => Promise<T> | T, ok: (v: T) => boolean, everyMs = 100, withinMs = 15_000): Promise<T> {
  const end = Date.now() + withinMs;
  for (;;) {
    const v = await poll();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`never reached: ${what} (last: ${JSON.stringify(v)})`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A UDP listener in the server namespace: every datagram's text, as it arrives. */
export function listener(pair: VethPair, port: number): { got: string[]; proc: ChildProcess; ready: Promise<void> } {
  const proc = pair.spawn(pair.serverNs, [process.execPath, '-e', `
    const s = require('dgram').createSocket('udp4');
    s.on('message', (m) => process.stdout.write(m.toString() + '\\n'));
    s.bind(${port}, '${pair.serverIp}', () => process.stdout.write('ready\\n'));`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const got: string[] = [];
  let ready!: () => void;
  const readyP = new Promise<void>((r) => { ready = r; });
  createInterface({ input: proc.stdout! }).on('line', (l) => { if (l === 'ready') ready(); else got.push(l); });
  return { got, proc, ready: readyP };
}

/** A sender in the client namespace: each line written to it goes out as one datagram. */
export function sender(pair: VethPair, port: number): { send(texts: string[]): void; proc: ChildProcess } {
  const proc = pair.spawn(pair.clientNs, [process.execPath, '-e', `
    const s = require('dgram').createSocket('udp4');
    require('readline').createInterface({ input: process.stdin }).on('line', (l) => s.send(Buffer.from(l), ${port}, '${pair.serverIp}'));`],
  { stdio: ['pipe', 'ignore', 'inherit'] });
  return { proc, send: (texts) => { proc.stdin!.write(texts.map((t) => t + '\n').join('')); } };
}

