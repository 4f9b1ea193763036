// Frame-by-frame comparison of our fields, Protocol and Info columns with
// the installed tshark's on one capture file: what the per-protocol tests
// of the enterprise protocols (SMB, Kerberos, LDAP, ...) assert on.
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { parseCaptureBuffer } from '../../../main/engine/file/open';
import { Dissector } from '../../../main/engine/dissect';
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
export function compareWithTshark(path: string, fields: string[], opts: { only?: Record<string, string>; columns?: string } = {}): Comparison {
  const theirs = tshark(path, ['-T', 'fields', ...fields.flatMap((f) => ['-e', f])]);
  const packets = parseCaptureBuffer(readFileSync(path)).packets;
  const dis = new Dissector({ geoip: null });
  const fmt = new FieldsFormatter(defaultFieldsOptions(fields));
  const ds = packets.map((p) => dis.dissect(p));
  const ours = ds.map((d) => fmt.line(d).replace(/\n$/, '').split('\t'));
  const out: Comparison = { frames: packets.length, compared: 0, agreed: 0, diffs: [] };
  if (theirs.length !== ours.length) out.diffs.push(`frame count: tshark ${theirs.length}, ours ${ours.length}`);
  const onlyFrames = new Map<string, Set<number>>();
  for (const [f, filter] of Object.entries(opts.only ?? {})) onlyFrames.set(f, new Set(tshark(path, ['-Y', filter, '-T', 'fields', '-e', 'frame.number']).map((r) => Number(r[0]))));
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
    const cols = tshark(path, [...(opts.columns ? ['-Y', opts.columns] : []), '-T', 'fields', '-e', 'frame.number', '-e', '_ws.col.Protocol', '-e', '_ws.col.Info']);
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
 * past `from` overwritten (and some frames cut short): nothing may throw,
 * and some damage must be reported as malformed. Returns how many were.
 */
export function damageNeverThrows(path: string, rand: () => number, rounds: number, from = 42): number {
  const pkts = parseCaptureBuffer(readFileSync(path)).packets;
  let malformed = 0;
  for (let round = 0; round < rounds; round++) {
    const dis = new Dissector({ geoip: null });
    for (const p of pkts) {
      const data = Uint8Array.from(p.data);
      for (let k = 0; k < 3; k++) { const i = from + Math.floor(rand() * Math.max(1, data.length - from)); if (i < data.length) data[i] = Math.floor(rand() * 256); }
      const cut = rand() < 0.3 ? data.subarray(0, from + Math.floor(rand() * Math.max(1, data.length - from))) : data;
      const d = dis.dissect({ ...p, data: cut, capLen: cut.length });
      void d.summary.info;
      if (d.malformed) malformed++;
    }
  }
  return malformed;
}
