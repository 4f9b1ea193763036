// Real Debian daemons as peers (rpcbind, redis-server, postgres, mariadbd):
// the daemon in the server namespace, its real client in the client
// namespace, the traffic captured with tcpdump on the server's side. The
// daemon is ready when a probe command succeeds (polled a bounded number of
// times, each poll waiting on the probe's exit); the capture is complete
// once every TCP connection it saw has closed.
import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVethPair, type VethPair } from '../../lib/netns';
import { startTcpdump } from '../../lib/tcpdump';
import { exited, keepCapture, stopWhenClosed } from './peers';

export interface DaemonRun {
  pcap: string;
  serverIp: string;
  clientIp: string;
  /** what each client printed (stdout and stderr) */
  outputs: string[];
  dispose(): void;
}

export interface DaemonSpec {
  /** the daemon's command line in the server namespace; `{ip}` is the server address, `{dir}` a scratch folder */
  daemon: string[];
  /** run before the daemon, in the server namespace (initdb, ...) */
  prepare?: string[][];
  /** a client command that succeeds once the daemon serves (run before the capture starts) */
  probe: string[];
  /** client commands run after the probe, before the capture (creating users, keys) */
  setup?: string[][];
  /** the clients whose traffic is captured, in turn */
  clients: string[][];
  /** environment for every command */
  env?: Record<string, string>;
  /** a user to run the daemon and clients as (postgres refuses root) */
  user?: string;
}

function run(pair: VethPair, ns: string, cmd: string[], env: Record<string, string>, user?: string): { ok: boolean; out: string } {
  const full = user ? ['runuser', '-u', user, '--', ...cmd] : cmd;
  const r = spawnSync('ip', ['netns', 'exec', ns, 'env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...full], { encoding: 'utf8', timeout: 30_000 });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

export async function runDaemon(spec: DaemonSpec): Promise<DaemonRun> {
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-daemon-'));
  const pair = createVethPair();
  const procs: ChildProcess[] = [];
  const dispose = (): void => {
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    pair.dispose();
    keepCapture(join(dir, 'daemon.pcap'));
    rmSync(dir, { recursive: true, force: true });
  };
  const sub = (a: string): string => a.replaceAll('{ip}', pair.serverIp).replaceAll('{dir}', dir);
  const env = { ...spec.env };
  try {
    if (spec.user) spawnSync('chown', [spec.user, dir]);
    for (const c of spec.prepare ?? []) {
      const r = run(pair, pair.serverNs, c.map(sub), env, spec.user);
      if (!r.ok) throw new Error(`${c.join(' ')} failed: ${r.out}`);
    }
    const daemonCmd = spec.daemon.map(sub);
    const daemon = pair.spawn(pair.serverNs, ['env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...(spec.user ? ['runuser', '-u', spec.user, '--'] : []), ...daemonCmd],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(daemon);
    let log = '';
    daemon.stdout?.on('data', (b: Buffer) => { log = (log + b.toString()).slice(-4000); });
    daemon.stderr?.on('data', (b: Buffer) => { log = (log + b.toString()).slice(-4000); });
    // each probe waits on its own exit; a daemon needs at most a few seconds
    let ready = false;
    for (let i = 0; i < 300 && !ready; i++) {
      if (daemon.exitCode !== null) throw new Error(`${daemonCmd[0]} exited (${daemon.exitCode}): ${log}`);
      ready = run(pair, pair.clientNs, spec.probe.map(sub), env).ok;
      if (!ready) await new Promise((r) => setTimeout(r, 50));
    }
    if (!ready) throw new Error(`${daemonCmd[0]} never answered ${spec.probe.join(' ')}: ${log}`);
    for (const c of spec.setup ?? []) {
      const r = run(pair, pair.clientNs, c.map(sub), env);
      if (!r.ok) throw new Error(`${c.join(' ')} failed: ${r.out}`);
    }
    const pcap = join(dir, 'daemon.pcap');
    const dump = await startTcpdump(pair, 'server', pcap, 'tcp or udp');
    procs.push(dump.child);
    const outputs = spec.clients.map((c) => run(pair, pair.clientNs, c.map(sub), env).out);
    await stopWhenClosed(dump);
    daemon.kill('SIGTERM');
    await exited(daemon);
    return { pcap, serverIp: pair.serverIp, clientIp: pair.clientIp, outputs, dispose };
  } catch (err) {
    dispose();
    throw err;
  }
}
