// A real `xdpscope serve` process for tests that attack it or load it: start
// it, sign in with its one-time link, talk to it over raw sockets or its
// WebSocket, and check it is still alive and answering.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { CLI } from '../lib/env';
import { decodeMessage, encodeMessage } from '../../main/api/codec';

export interface Serve {
  proc: ChildProcess;
  port: number;
  /** `Cookie:` value that signs a client in */
  cookie: string;
  scratchBase: string;
  stderr(): string;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Start serve with its own scratch base (XDPSCOPE_SCRATCH_DIR) and sign in. */
export async function startServe(args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Serve> {
  const scratchBase = env.XDPSCOPE_SCRATCH_DIR ?? mkdtempSync(join(tmpdir(), 'xs-scratch-'));
  const proc = spawn(process.execPath, [CLI, 'serve', '--allow-root', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, XDPSCOPE_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'xs-config-')), ...env, XDPSCOPE_SCRATCH_DIR: scratchBase },
  });
  let err = '';
  proc.stderr!.on('data', (d) => { err += String(d); });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (c, sig) => resolve(c ?? (sig ? -1 : null))));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`serve printed no link in 20 s: ${err}`)); }, 20_000);
    void exited.then((c) => { clearTimeout(t); reject(new Error(`serve exited ${c}: ${err}`)); });
    proc.stdout!.on('data', (d) => {
      out += String(d);
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?code=[0-9a-f]+)/.exec(out);
      if (m) { clearTimeout(t); resolve(m[1]); }
    });
  });
  const res = await fetch(url, { redirect: 'manual' });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  if (res.status !== 303 || !cookie) throw new Error(`sign-in with ${url} answered ${res.status}`);
  return {
    proc, port: Number(new URL(url).port), cookie, scratchBase, exited,
    stderr: () => err,
    stop: async (signal = 'SIGTERM') => {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.kill(signal);
      return exited;
    },
  };
}

/** Send raw bytes on a new connection; resolves with whatever came back when the server closed it. */
export function rawExchange(port: number, bytes: string | Buffer, opts: { reset?: boolean } = {}): Promise<string> {
  return new Promise((resolve) => {
    const s: Socket = connect(port, '127.0.0.1');
    let got = '';
    s.on('data', (d) => {
      got += d.toString('latin1');
      // a reset right after the answer arrives: the case that used to end the server
      if (opts.reset && got.includes('\r\n\r\n')) s.resetAndDestroy();
    });
    s.on('error', () => resolve(got));
    s.on('close', () => resolve(got));
    s.write(bytes);
  });
}

/** The request line and headers of a WebSocket upgrade. */
export function upgradeRequest(port: number, headers: Record<string, string> = {}): string {
  const h = {
    Host: `127.0.0.1:${port}`, Upgrade: 'websocket', Connection: 'Upgrade',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13', ...headers,
  };
  return `GET /ws HTTP/1.1\r\n${Object.entries(h).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
}

/** An accepted WebSocket on a raw socket (to send frames no client library would). */
export function rawWebSocket(sv: Serve): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(sv.port, '127.0.0.1');
    let got = '';
    const onData = (d: Buffer) => {
      got += d.toString('latin1');
      if (!got.includes('\r\n\r\n')) return;
      s.off('data', onData);
      if (got.startsWith('HTTP/1.1 101')) resolve(s); else reject(new Error(`upgrade refused: ${got.split('\r\n')[0]}`));
    };
    s.on('data', onData);
    s.on('error', reject);
    s.write(upgradeRequest(sv.port, { Cookie: sv.cookie, Origin: `http://127.0.0.1:${sv.port}` }));
  });
}

/** A client frame header (masked, as clients must) announcing `length` payload bytes. */
export function frameHeader(opcode: number, length: number | bigint): Buffer {
  const mask = Buffer.from([1, 2, 3, 4]);
  const n = BigInt(length);
  if (n < 126n) return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | Number(n)]), mask]);
  if (n < 65536n) { const b = Buffer.alloc(4); b[0] = 0x80 | opcode; b[1] = 0x80 | 126; b.writeUInt16BE(Number(n), 2); return Buffer.concat([b, mask]); }
  const b = Buffer.alloc(10); b[0] = 0x80 | opcode; b[1] = 0x80 | 127; b.writeBigUInt64BE(n, 2);
  return Buffer.concat([b, mask]);
}

/** Wait for a raw socket to be closed by the server. */
export function closed(s: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (s.destroyed) { resolve(); return; }
    s.on('error', () => undefined);
    s.on('close', () => resolve());
    s.resume();
  });
}

export interface Client {
  call(method: string, params: unknown): Promise<any>;
  close(): void;
}

/** A signed-in WebSocket client (the API the renderer uses). */
export function client(sv: Serve): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${sv.port}/ws`, { headers: { cookie: sv.cookie, origin: `http://127.0.0.1:${sv.port}` } });
    const pending = new Map<number, (m: any) => void>();
    let next = 1;
    ws.on('message', (data) => {
      const m = decodeMessage(new Uint8Array(data as Buffer)) as any;
      if (typeof m?.id === 'number') { pending.get(m.id)?.(m); pending.delete(m.id); }
    });
    ws.on('error', reject);
    ws.on('close', () => { for (const p of pending.values()) p({ ok: false, error: { message: 'closed' } }); });
    ws.on('open', () => resolve({
      call: (method, params) => new Promise((done) => { const id = next++; pending.set(id, done); ws.send(encodeMessage({ id, method, params })); }),
      close: () => ws.close(),
    }));
  });
}

/** The server is running and answers both HTTP and its API. */
export async function assertAlive(sv: Serve, what: string): Promise<void> {
  if (sv.proc.exitCode !== null || sv.proc.signalCode !== null) {
    throw new Error(`serve ended after ${what} (exit ${sv.proc.exitCode ?? sv.proc.signalCode}): ${sv.stderr()}`);
  }
  const res = await fetch(`http://127.0.0.1:${sv.port}/`, { headers: { cookie: sv.cookie } }).catch((e) => { throw new Error(`serve does not answer after ${what}: ${e.message}; ${sv.stderr()}`); });
  if (res.status !== 200) throw new Error(`serve answered ${res.status} after ${what}`);
  const c = await client(sv);
  try {
    const st = await c.call('getStatus', {});
    if (!st.ok) throw new Error(`getStatus failed after ${what}: ${JSON.stringify(st.error)}`);
  } finally { c.close(); }
}

/** Peak and current resident memory of a process, in bytes (Linux /proc). */
export function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}
