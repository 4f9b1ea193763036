// Real peers for protocol tests: a Node server (source given by the test)
// in one namespace, real clients (curl) in the other, the traffic captured
// with tcpdump on the server's side of the veth pair. Waits are on output
// and process exit, never on time.
import { after } from 'node:test';
import { type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createVethPair } from '../../lib/netns';
import { exited, waitForOutput } from '../../lib/process';
import { startTcpdump, type Tcpdump } from '../../lib/tcpdump';
import { hasCommand, isRoot } from '../../lib/env';

export const peersSkipReason = (): string | false =>
  !isRoot() ? 'needs root (network namespaces)'
    : !hasCommand('ip') ? 'needs iproute2'
      : !hasCommand('tcpdump') ? 'needs tcpdump'
        : !hasCommand('curl') ? 'needs curl'
          : !hasCommand('tshark') ? 'needs tshark' : false;

/** Resolves when the process prints `text` (on stdout or stderr); rejects when it exits first. */
export const waitFor = (p: ChildProcess, text: string, what: string): Promise<string> => waitForOutput(p, 'any', text, undefined, what);

export { exited };

export interface PeerRun {
  /** the capture file */
  pcap: string;
  serverIp: string;
  /** what each client printed */
  outputs: string[];
  dispose(): void;
}

/** What a test file's peer tests leave: set them here and both are removed after the file's tests, however they ended. */
export interface PeerScratch { run: PeerRun | null; dir: string }

export function peerScratch(): PeerScratch {
  const left: PeerScratch = { run: null, dir: '' };
  after(() => {
    left.run?.dispose();
    if (left.dir) rmSync(left.dir, { recursive: true, force: true });
  });
  return left;
}

/**
 * Starts `serverJs` (Node source; it reads its address from HOST/PORT and
 * prints "listening" once it accepts) in the server namespace, captures,
 * runs each client command (`{ip}` replaced by the server address) in turn
 * in the client namespace, then stops the capture.
 */
export async function runPeers(serverJs: string, port: number, clients: string[][], subnet?: number): Promise<PeerRun> {
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-peers-'));
  const pair = createVethPair({ subnet });
  const procs: ChildProcess[] = [];
  const pcap = join(dir, 'peers.pcap');
  const dispose = (): void => {
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    pair.dispose();
    keepCapture(pcap);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const dump = await startTcpdump(pair, 'server', pcap, 'tcp or udp');
    procs.push(dump.child);
    const server = pair.spawn(pair.serverNs, [process.execPath, '-e', serverJs], {
      stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOST: pair.serverIp, PORT: String(port) },
    });
    procs.push(server);
    await waitForOutput(server, 'any', 'listening', undefined, 'server');
    const outputs: string[] = [];
    for (const c of clients) outputs.push(pair.exec(pair.clientNs, c.map((a) => a.replaceAll('{ip}', pair.serverIp)), { timeoutMs: 30_000 }));
    server.kill('SIGTERM');
    await exited(server);
    await stopWhenClosed(dump);
    return { pcap, serverIp: pair.serverIp, outputs, dispose };
  } catch (err) {
    dispose();
    throw err;
  }
}

/**
 * Stops a capture once it is complete: tcpdump may not have read the last
 * packets from the kernel yet, so it runs until every connection it saw has
 * closed (UDP has no close: until the capture stops growing), bounded.
 */
export async function stopWhenClosed(dump: Tcpdump): Promise<void> {
  let last = -1;
  for (let i = 0; i < 500; i++) {
    const c = allClosed(dump.path);
    if (c === true || (c === 'udp' && last === size(dump.path))) break;
    last = size(dump.path);
    await new Promise((r) => setTimeout(r, 20));
  }
  await dump.stop();
}

/** Every TCP connection in the (Ethernet, IPv4) capture so far has a FIN or RST from both ends. */
let kept = 0;
/**
 * With XDPSCOPE_KEEP_PEERS=DIR, a copy of each peer capture is kept there
 * (named after the test file) before the scratch folder goes: the field
 * sweep (scripts/sweep-fields.ts) reads real peers' traffic that way.
 */
export function keepCapture(pcap: string): void {
  const keep = process.env.XDPSCOPE_KEEP_PEERS;
  if (!keep || !existsSync(pcap)) return;
  const name = basename(process.argv[1] ?? 'peers', '.js').replace(/\.test$/, '');
  copyFileSync(pcap, join(keep, `${name}-${process.pid}-${++kept}.pcap`));
}

export const size = (path: string): number => (existsSync(path) ? statSync(path).size : -1);

/** (or 'udp' when the capture holds no TCP connection: nothing to wait for but the end of its packets) */
export function allClosed(path: string): boolean | 'udp' {
  if (!existsSync(path)) return false;
  const b = readFileSync(path);
  const open = new Map<string, number>();
  let syns = 0;
  for (let o = 24; o + 16 <= b.length;) {
    const len = b.readUInt32LE(o + 8);
    const f = o + 16;
    o = f + len;
    if (o > b.length) break;
    if (b.readUInt16BE(f + 12) !== 0x0800 || b[f + 23] !== 6) continue;
    const t = f + 14 + (b[f + 14] & 15) * 4;
    const flags = b[t + 13];
    const sp = b.readUInt16BE(t), dp = b.readUInt16BE(t + 2);
    const key = `${Math.min(sp, dp)}-${Math.max(sp, dp)}`;
    if ((flags & 0x12) === 0x02) { syns++; open.set(key, 0); }
    if (flags & 0x04) open.set(key, 3);
    else if (flags & 0x01) open.set(key, (open.get(key) ?? 0) | (sp < dp ? 1 : 2));
  }
  if (syns === 0) return b.length > 24 ? 'udp' : false;
  return [...open.values()].every((v) => v === 3);
}

/**
 * A server program for runPeers: HTTPS with HTTP/1.1 (ALPN), the key and
 * certificate $CERTS/rsa.key and $CERTS/rsa.crt, answering every request with
 * `body` as text/plain.
 */
export const httpsServerJs = (body: string): string => `
const https = require('node:https'), fs = require('node:fs');
const dir = process.env.CERTS;
https.createServer({ key: fs.readFileSync(dir + '/rsa.key'), cert: fs.readFileSync(dir + '/rsa.crt'), ALPNProtocols: ['http/1.1'] }, (req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': ${Buffer.byteLength(body)} });
  res.end(${JSON.stringify(body)});
}).listen(Number(process.env.PORT), process.env.HOST, () => process.stdout.write('listening\\n'));
`;
