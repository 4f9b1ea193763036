// How `xdpscope block` reaches a running capture: every engine with a live
// capture (the app, `xdpscope serve`, `xdpscope capture`) listens on a unix
// socket in the user's private scratch folder (file/private.ts scratchBase:
// $XDG_RUNTIME_DIR/xdpscope, 0700), named block-<pid>-<iface>.sock and made
// 0600. Only the user who runs the capture can connect. One request per
// connection: a JSON line in, a JSON line out.
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { chmodSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { scratchBase, PRIVATE_FILE_MODE } from '../file/private';
import type { BlockEntry } from '../../api/block';
import type { BlockList } from './list';

export type ControlRequest =
  | { op: 'list' }
  | { op: 'add'; address: string; ttlSec?: number; reason?: string }
  | { op: 'remove'; prefix: string };

export type ControlResponse =
  | { ok: true; iface?: string; pid: number; allowBlocking: boolean; unavailable?: string; entries: BlockEntry[]; added?: BlockEntry }
  | { ok: false; error: string };

/** Longest request line; anything longer is refused. */
const MAX_REQUEST = 4096;
const REQUEST_TIMEOUT_MS = 10_000;
const SOCKET_RE = /^block-(\d+)-([A-Za-z0-9_.:@-]{1,15})\.sock$/;

export interface ControlServer {
  path: string;
  close(): Promise<void>;
}

/** Serve `list` for the capture on `iface`; resolves once listening. */
export async function startBlockControl(list: BlockList, iface: string, env: NodeJS.ProcessEnv = process.env): Promise<ControlServer> {
  const path = join(scratchBase(env), `block-${process.pid}-${iface.replace(/[^A-Za-z0-9_.:@-]/g, '_').slice(0, 15)}.sock`);
  rmSync(path, { force: true }); // ours: a capture of this process on this interface that ended uncleanly
  const server: Server = createServer((sock) => serve(sock, list));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => { server.off('error', reject); resolve(); });
  });
  chmodSync(path, PRIVATE_FILE_MODE);
  server.unref();
  return {
    path,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      rmSync(path, { force: true });
    }),
  };
}

function serve(sock: Socket, list: BlockList): void {
  let buf = '';
  sock.setEncoding('utf8');
  sock.setTimeout(REQUEST_TIMEOUT_MS, () => sock.destroy());
  sock.on('error', () => {});
  sock.on('data', (d: string) => {
    buf += d;
    if (buf.length > MAX_REQUEST) { sock.end(JSON.stringify({ ok: false, error: 'request too long' }) + '\n'); return; }
    const nl = buf.indexOf('\n');
    if (nl < 0) return;
    sock.pause();
    void answer(buf.slice(0, nl), list).then((r) => sock.end(JSON.stringify(r) + '\n'));
  });
}

async function answer(line: string, list: BlockList): Promise<ControlResponse> {
  try {
    const req = JSON.parse(line) as ControlRequest;
    let added: BlockEntry | undefined;
    if (req.op === 'add') {
      if (typeof req.address !== 'string') throw new Error('add: address missing');
      added = await list.add({ address: req.address, ttlSec: req.ttlSec, reason: req.reason || 'blocked from the command line', origin: 'cli' });
    } else if (req.op === 'remove') {
      if (typeof req.prefix !== 'string') throw new Error('remove: prefix missing');
      await list.remove(req.prefix);
    } else if (req.op !== 'list') {
      throw new Error(`unknown request '${String((req as { op?: unknown }).op).slice(0, 40)}'`);
    }
    return {
      ok: true, pid: process.pid, allowBlocking: list.allowBlocking, entries: await list.list(),
      ...(list.iface ? { iface: list.iface } : {}), ...(list.unavailable ? { unavailable: list.unavailable } : {}), ...(added ? { added } : {}),
    };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

export interface RunningCapture {
  path: string;
  pid: number;
  iface: string;
}

/** Captures of this user that answer on a control socket (stale sockets of dead processes are removed). */
export function runningCaptures(env: NodeJS.ProcessEnv = process.env): RunningCapture[] {
  let dir: string;
  try { dir = scratchBase(env); } catch { return []; }
  const out: RunningCapture[] = [];
  for (const name of readdirSync(dir)) {
    const m = SOCKET_RE.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    try {
      process.kill(pid, 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') { rmSync(join(dir, name), { force: true }); continue; }
    }
    out.push({ path: join(dir, name), pid, iface: m[2] });
  }
  return out.sort((a, b) => a.iface.localeCompare(b.iface) || a.pid - b.pid);
}

/** One request to a capture's control socket. */
export function controlRequest(path: string, req: ControlRequest, timeoutMs = REQUEST_TIMEOUT_MS): Promise<ControlResponse> {
  return new Promise((resolve, reject) => {
    const sock = createConnection(path);
    let buf = '';
    const t = setTimeout(() => { sock.destroy(); reject(new Error(`${path}: no answer within ${timeoutMs} ms`)); }, timeoutMs);
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(JSON.stringify(req) + '\n'));
    sock.on('data', (d: string) => { buf += d; });
    sock.on('error', (e) => { clearTimeout(t); reject(new Error(`${path}: ${e.message}`)); });
    sock.on('close', () => {
      clearTimeout(t);
      try { resolve(JSON.parse(buf) as ControlResponse); } catch { reject(new Error(`${path}: no answer (the capture ended?)`)); }
    });
  });
}
