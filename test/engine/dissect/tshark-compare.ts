// Frame-by-frame comparison of our fields, Protocol and Info columns with
// the installed tshark's on one capture file: what the per-protocol tests
// of the enterprise protocols (SMB, Kerberos, LDAP, ...) assert on.
import { readFileSync, writeFileSync } from 'node:fs';
import { eth, ipv4, tcp } from './packets';
import { pcapFile } from '../../lib/pcap';
import { spawnSync } from 'node:child_process';
import { parseCaptureBuffer } from '../../../main/engine/file/open';
import { Dissector, type DissectorOptions } from '../../../main/engine/dissect';
import { FieldsFormatter, defaultFieldsOptions } from '../../../main/engine/output/fields';

export interface Comparison {
  frames: number;
  /** cells compared and cells equal */
  compared: number;
  agreed: number;
  /** `frame N field: tshark 'x', ours 'y'` for each differing cell */
  diffs: string[];
}

function tshark(path: string, args: string[]): string[][] {
  const r = spawnSync('tshark', ['-r', path, ...args], { encoding: 'utf8', maxBuffer: 256 << 20, env: { ...process.env, TZ: 'UTC' } });
  if (r.status !== 0) throw new Error(`tshark ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
}

/**
 * Compares `fields` on every frame (a field listed in `only` just on the
 * frames its display filter selects in tshark), and with `columns` the
 * Protocol and Info columns on the frames `columns` selects ('' for all).
 */
export function compareWithTshark(path: string, fields: string[], opts: { only?: Record<string, string>; columns?: string; tsharkArgs?: string[]; dissector?: DissectorOptions } = {}): Comparison {
  const extra = opts.tsharkArgs ?? [];
  const theirs = tshark(path, [...extra, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])]);
  const packets = parseCaptureBuffer(readFileSync(path)).packets;
  const dis = new Dissector({ geoip: null, ...opts.dissector });
  const fmt = new FieldsFormatter(defaultFieldsOptions(fields));
  const ds = packets.map((p) => dis.dissect(p));
  const ours = ds.map((d) => fmt.line(d).replace(/\n$/, '').split('\t'));
  const out: Comparison = { frames: packets.length, compared: 0, agreed: 0, diffs: [] };
  if (theirs.length !== ours.length) out.diffs.push(`frame count: tshark ${theirs.length}, ours ${ours.length}`);
  const onlyFrames = new Map<string, Set<number>>();
  for (const [f, filter] of Object.entries(opts.only ?? {})) onlyFrames.set(f, new Set(tshark(path, [...extra, '-Y', filter, '-T', 'fields', '-e', 'frame.number']).map((r) => Number(r[0]))));
  theirs.forEach((row, i) => {
    fields.forEach((name, k) => {
      const set = onlyFrames.get(name);
      if (set && !set.has(i + 1)) return;
      out.compared++;
      const a = row[k] ?? '', b = ours[i]?.[k] ?? '';
      if (a === b) out.agreed++;
      else out.diffs.push(`frame ${i + 1} ${name}: tshark '${a}', ours '${b}'`);
    });
  });
  if (opts.columns !== undefined) {
    const cols = tshark(path, [...extra, ...(opts.columns ? ['-Y', opts.columns] : []), '-T', 'fields', '-e', 'frame.number', '-e', '_ws.col.Protocol', '-e', '_ws.col.Info']);
    for (const [n, proto, info] of cols) {
      const d = ds[Number(n) - 1];
      out.compared += 2;
      const s = d.summary;
      if (s.protocol === proto) out.agreed++; else out.diffs.push(`frame ${n} Protocol: tshark '${proto}', ours '${s.protocol}'`);
      if (s.info === (info ?? '')) out.agreed++; else out.diffs.push(`frame ${n} Info: tshark '${info}', ours '${s.info}'`);
    }
  }
  return out;
}

/**
 * Dissects every frame of a capture `rounds` times with a few random bytes
 * past `from` overwritten (`flips` of them, 3 unless told) and a `cutShare`
 * of the frames (0.3 unless told) cut short: nothing may throw,
 * and some damage must be reported as malformed. Returns how many were.
 */
export function damageNeverThrows(path: string, rand: () => number, rounds: number, from = 42, how: { flips?: number; cutShare?: number } = {}): number {
  const { flips = 3, cutShare = 0.3 } = how;
  const pkts = parseCaptureBuffer(readFileSync(path)).packets;
  let malformed = 0;
  for (let round = 0; round < rounds; round++) {
    const dis = new Dissector({ geoip: null });
    for (const p of pkts) {
      const data = Uint8Array.from(p.data);
      for (let k = 0; k < flips; k++) { const i = from + Math.floor(rand() * Math.max(1, data.length - from)); if (i < data.length) data[i] = Math.floor(rand() * 256); }
      // a cutShare of 0 draws nothing here: the flips alone follow the seed
      const cut = cutShare > 0 && rand() < cutShare ? data.subarray(0, from + Math.floor(rand() * Math.max(1, data.length - from))) : data;
      const d = dis.dissect({ ...p, data: cut, capLen: cut.length });
      void d.summary.info;
      // the Dissector catches a dissector's exception and marks the packet: that is a bug here, not damage
      const bug = d.expert.find((e) => e.message.includes('dissector failure'));
      if (bug) throw new Error(`packet ${p.number}, round ${round}: ${bug.message}`);
      if (d.malformed) malformed++;
    }
  }
  return malformed;
}

/** Writes frames (Ethernet) as a classic pcap file, 1 ms apart. */
export function writePcap(path: string, frames: number[][]): void {
  writeFileSync(path, pcapFile(frames), { mode: 0o600 });
}

/**
 * A TCP conversation as frames: the handshake, then each message as one
 * segment from the client (true) or the server (false), with correct
 * sequence and acknowledgment numbers.
 */
export function tcpConversation(cport: number, sport: number, messages: Array<[boolean, number[]]>, c = '198.18.9.1', s = '198.18.9.2'): number[][] {
  let cs = 1000, ss = 5000;
  const f = (fromClient: boolean, flags: number, payload: number[] = []): number[] =>
    fromClient ? eth(0x0800, ipv4(c, s, 6, tcp(cport, sport, cs, ss, flags, payload))) : eth(0x0800, ipv4(s, c, 6, tcp(sport, cport, ss, cs, flags, payload)));
  const out = [f(true, 0x02)];
  cs++;
  out.push(f(false, 0x12)); ss++;
  out.push(f(true, 0x10));
  for (const [fromClient, payload] of messages) {
    out.push(f(fromClient, 0x18, payload));
    if (fromClient) cs += payload.length; else ss += payload.length;
  }
  return out;
}
