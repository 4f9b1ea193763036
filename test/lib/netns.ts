// Test hosts: two network namespaces joined by a veth pair, addresses in the
// benchmarking range 198.18.0.0/15, IPv6 autoconfiguration off and the
// neighbours fixed so packet counts are exact. Everything is created with
// unique names and torn down by dispose(); traffic never leaves the pair.
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let seq = 0;

export interface VethPair {
  /** namespace of the sending host ("client") and the receiving host ("server") */
  clientNs: string;
  serverNs: string;
  clientIf: string;
  serverIf: string;
  clientIp: string;
  serverIp: string;
  serverMac: string;
  /** run a command in a namespace and return stdout */
  exec(ns: string, cmd: string[], opts?: { input?: string; timeoutMs?: number }): string;
  /** start a long-running command in a namespace */
  spawn(ns: string, cmd: string[], opts?: SpawnOptions): ChildProcess;
  /** resolves once a socket listens on `proto` ('t' TCP, 'u' UDP) `port` in `ns` (bounded: 10 s) */
  listening(ns: string, proto: 't' | 'u', port: number): Promise<void>;
  dispose(): void;
}

function sh(args: string[], timeoutMs = 10_000): string {
  return execFileSync(args[0], args.slice(1), { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Create client/server namespaces joined by a veth pair. `subnet` picks the
 * third octet so concurrent tests do not collide (198.18.<subnet>.1/.2).
 */
export function createVethPair(opts: { mtu?: number; subnet?: number } = {}): VethPair {
  const id = `${process.pid % 10000}${(seq++).toString(36)}`;
  const clientNs = `xs-c${id}`;
  const serverNs = `xs-s${id}`;
  const clientIf = `xc${id}`;
  const serverIf = `xs${id}`;
  const third = opts.subnet ?? ((process.pid + seq * 7) % 250) + 1;
  const clientIp = `198.18.${third}.1`;
  const serverIp = `198.18.${third}.2`;
  const created: string[] = [];
  const dispose = () => {
    for (const ns of created.reverse()) {
      try { sh(['ip', 'netns', 'pids', ns]).split('\n').filter(Boolean).forEach((p) => { try { process.kill(Number(p), 'SIGKILL'); } catch { /* gone */ } }); } catch { /* ns gone */ }
      try { sh(['ip', 'netns', 'del', ns]); } catch { /* already gone */ }
    }
    created.length = 0;
  };
  try {
    for (const ns of [clientNs, serverNs]) {
      sh(['ip', 'netns', 'add', ns]);
      created.push(ns);
      // No IPv6 at all: router solicitations and DAD would add packets the test did not send.
      sh(['ip', 'netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
      sh(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
    }
    sh(['ip', 'link', 'add', clientIf, 'netns', clientNs, 'type', 'veth', 'peer', 'name', serverIf, 'netns', serverNs]);
    for (const [ns, ifn, ip] of [[clientNs, clientIf, clientIp], [serverNs, serverIf, serverIp]]) {
      sh(['ip', 'netns', 'exec', ns, 'sysctl', '-qw', `net.ipv6.conf.${ifn}.disable_ipv6=1`]);
      if (opts.mtu) sh(['ip', '-n', ns, 'link', 'set', ifn, 'mtu', String(opts.mtu)]);
      sh(['ip', '-n', ns, 'addr', 'add', `${ip}/24`, 'dev', ifn]);
      sh(['ip', '-n', ns, 'link', 'set', ifn, 'up']);
    }
    const serverMac = sh(['ip', '-n', serverNs, '-br', 'link', 'show', serverIf]).trim().split(/\s+/)[2];
    const clientMac = sh(['ip', '-n', clientNs, '-br', 'link', 'show', clientIf]).trim().split(/\s+/)[2];
    // Permanent neighbours: otherwise ARP probes (neighbour reachability, seconds
    // after earlier traffic) land in whichever capture happens to be running.
    sh(['ip', '-n', clientNs, 'neigh', 'replace', serverIp, 'lladdr', serverMac, 'dev', clientIf, 'nud', 'permanent']);
    sh(['ip', '-n', serverNs, 'neigh', 'replace', clientIp, 'lladdr', clientMac, 'dev', serverIf, 'nud', 'permanent']);
    return {
      clientNs, serverNs, clientIf, serverIf, clientIp, serverIp, serverMac,
      exec: (ns, cmd, o = {}) =>
        execFileSync('ip', ['netns', 'exec', ns, ...cmd], { encoding: 'utf8', input: o.input, timeout: o.timeoutMs ?? 20_000 }),
      spawn: (ns, cmd, o = {}) => spawn('ip', ['netns', 'exec', ns, ...cmd], o),
      listening: async (ns, proto, port) => {
        for (let i = 0; i < 400; i++) {
          if (sh(['ip', 'netns', 'exec', ns, 'ss', `-Hl${proto}n`, `sport = :${port}`]).trim()) return;
          await new Promise((r) => setTimeout(r, 25));
        }
        throw new Error(`nothing listening on ${proto === 't' ? 'tcp' : 'udp'}/${port} in ${ns}`);
      },
      dispose,
    };
  } catch (err) {
    dispose();
    throw err;
  }
}

/**
 * A veth pair and a scratch folder for one live test with daemons: what
 * `body` adds to `daemons` is killed, and the pair and the folder are
 * removed, however the test ends.
 */
export async function withLivePair(prefix: string, body: (pair: VethPair, dir: string, daemons: ChildProcess[]) => Promise<void>): Promise<void> {
  const pair = createVethPair();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const daemons: ChildProcess[] = [];
  try {
    await body(pair, dir, daemons);
  } finally {
    for (const d of daemons) d.kill('SIGKILL');
    pair.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
