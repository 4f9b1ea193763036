// tcpdump on one side of a test veth pair: the capture live tests judge
// against. Started once it says it is listening, stopped with SIGINT (which
// flushes its last packets) and awaited to its exit; between the two, tests
// wait on what the capture holds, never on time.
import type { ChildProcess } from 'node:child_process';
import type { VethPair } from './netns';
import { exited, waitForOutput } from './process';

export interface Tcpdump {
  readonly path: string;
  readonly child: ChildProcess;
  /** ends the capture and resolves once tcpdump has written its last packet and exited */
  stop(): Promise<void>;
}

/**
 * Starts tcpdump on `side`'s interface writing every packet as it comes
 * (-U, --immediate-mode) to `path`, and resolves once it listens.
 */
export async function startTcpdump(pair: VethPair, side: 'client' | 'server', path: string, filter: string): Promise<Tcpdump> {
  const [ns, ifname] = side === 'client' ? [pair.clientNs, pair.clientIf] : [pair.serverNs, pair.serverIf];
  const child = pair.spawn(ns, ['tcpdump', '-Z', 'root', '--immediate-mode', '-i', ifname, '-U', '-n', '-s', '0', '-w', path, filter], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    await exited(child);
  };
  try {
    await waitForOutput(child, 'any', 'listening on', 20_000, 'tcpdump');
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return { path, child, stop };
}

/** Resolves once `cond` holds, polling; rejects after `ms` naming what it waited for. */
export async function until(cond: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Captures `filter` on the client's interface while `traffic` runs, until
 * `complete(path)` says the capture holds all of it (bounded: 20 s), and
 * returns the capture's path. The capture is stopped whatever happens.
 */
export async function captureWhile(
  pair: VethPair, path: string, filter: string, traffic: () => void | Promise<void>, complete: (path: string) => boolean, what: string,
): Promise<string> {
  const dump = await startTcpdump(pair, 'client', path, filter);
  try {
    await traffic();
    await until(() => complete(path), what);
  } finally {
    await dump.stop();
  }
  return path;
}
