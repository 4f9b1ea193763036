// Compares our fields with the installed tshark's on the same frames: the
// judge for every protocol module's test. Frames go into a pcap (or a pcap
// already made by a peer is read), tshark prints `-T fields` for the
// columns, we print the same columns through the same formatter as
// `xdpscope read -T fields`, and every cell is compared.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dissector } from '../../../main/engine/dissect';
import { parseCaptureBuffer } from '../../../main/engine/file/open';
import { FieldsFormatter, defaultFieldsOptions } from '../../../main/engine/output/fields';
import { hasCommand, outputDir } from '../../lib/env';
import assert from 'node:assert/strict';
import { damageNeverThrows } from './tshark-compare';
import { mulberry32, testSeed } from '../../lib/rng';
import { type PcapFrame, pcapFile, secondsApart } from '../../lib/pcap';

export const tsharkSkip = (): string | false => (hasCommand('tshark') ? false : 'tshark not installed');

/** columns tshark prints that are not fields of ours: filled from the summary and the malformed mark */
const PSEUDO = new Set(['_ws.col.Protocol', '_ws.col.Info', '_ws.malformed']);

export interface Comparison {
  /** cells compared (frames × fields) */
  cells: number;
  frames: number;
  /** 'frame N field: tshark X, ours Y' */
  diffs: string[];
  theirs: string[][];
  ours: string[][];
}

/**
 * tshark's and our `-T fields` for these columns on a capture file; `decodeAs`
 * are tshark `-d` arguments given to both.
 */
export function compareFile(path: string, fields: string[], opts: { decodeAs?: string[] } = {}): Comparison {
  const t = spawnSync('tshark', ['-n', '-r', path, ...(opts.decodeAs ?? []).flatMap((d) => ['-d', d]), '-T', 'fields', '-E', 'occurrence=a', ...fields.flatMap((f) => ['-e', f])],
    { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' }, maxBuffer: 64 << 20 });
  if (t.status !== 0) throw new Error(`tshark failed on ${path}: ${t.stderr}`);
  const theirs = t.stdout.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t')
    .map((c, k) => (fields[k] === '_ws.malformed' && c !== '' ? 'malformed'
      // tshark's HTTP leaves the separator for a next message's text at the end of Info ("GET /x HTTP/1.1 ")
      : fields[k] === '_ws.col.Info' ? c.replace(/ $/, '') : c)));
  const real = fields.filter((f) => !PSEUDO.has(f));
  const cap = parseCaptureBuffer(readFileSync(path));
  const diffs: string[] = [];
  const oursAll: string[][] = [];
  // the whole tree and the field subset take different paths through the dissectors: both must agree
  for (const subset of [false, true]) {
    const dis = new Dissector({ geoip: null, ...(subset ? { fields: real } : {}), decodeAs: opts.decodeAs ?? [] });
    const fmt = new FieldsFormatter(defaultFieldsOptions(real));
    const ours = cap.packets.map((p) => {
      const dn = dis.dissect(p);
      const cells = fmt.line(dn).replace(/\n$/, '').split('\t');
      // the pseudo-fields: tshark's columns, and whether the frame was marked malformed
      // (one trailing space taken off Info as on tshark's side: tshark's IMF ends Info with its separator)
      return fields.map((f) => f === '_ws.col.Protocol' ? dn.summary.protocol : f === '_ws.col.Info' ? dn.summary.info.replace(/ $/, '')
        : f === '_ws.malformed' ? (dn.malformed ? 'malformed' : '') : cells[real.indexOf(f)]);
    });
    if (!subset) oursAll.push(...ours);
    if (ours.length !== theirs.length) { diffs.push(`frame count: tshark ${theirs.length}, ours ${ours.length}`); continue; }
    theirs.forEach((row, i) => fields.forEach((name, k) => {
      // a field-subset Dissector builds no summary (as `read -T fields`): columns are compared on the whole tree
      if (subset && name.startsWith('_ws.col.')) return;
      const a = row[k] ?? '', b = ours[i][k] ?? '';
      if (a !== b) diffs.push(`${subset ? '(subset) ' : ''}frame ${i + 1} ${name}: tshark '${a}', ours '${b}'`);
    }));
  }
  return { cells: theirs.length * fields.length, frames: theirs.length, diffs, theirs, ours: oursAll };
}

/** compareFile on crafted frames, written under test-output/<name>/ so a failure can be opened in tshark. */
export function compareFrames(name: string, frames: readonly PcapFrame[], fields: string[], opts: { decodeAs?: string[]; linkType?: number } = {}): Comparison {
  const path = join(outputDir('dissect-compare'), `${name}.pcap`);
  writeFileSync(path, pcapFile(frames, { linkType: opts.linkType, usAt: secondsApart }));
  return compareFile(path, fields, opts);
}

/** Summary (Protocol and Info columns) of each frame, ours. */
export function summaries(path: string): Array<[string, string]> {
  const cap = parseCaptureBuffer(readFileSync(path));
  const dis = new Dissector({ geoip: null });
  return cap.packets.map((p) => { const d = dis.dissect(p); return [d.summary.protocol, d.summary.info]; });
}

/** tshark's Protocol and Info columns. */
export function tsharkSummaries(path: string, opts: { decodeAs?: string[] } = {}): Array<[string, string]> {
  const t = spawnSync('tshark', ['-n', '-r', path, ...(opts.decodeAs ?? []).flatMap((d) => ['-d', d]), '-T', 'fields', '-e', '_ws.col.Protocol', '-e', '_ws.col.Info'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return t.stdout.split('\n').filter((l) => l.length > 0).map((l) => { const [p, i] = l.split('\t'); return [p, i ?? '']; });
}

/**
 * A live daemon run's capture judged by tshark: at least `min` frames carry
 * `proto` (so the run really spoke it), every field agrees ("(subset)"
 * differences counted once with the plain ones), and random damage past the
 * Ethernet/IP headers never throws. Returns the comparison for the test's
 * own checks.
 */
export function daemonRunAgrees(pcap: string, fields: string[], o: { name: string; proto: string; label: string; min: number; seed: [string, number] }): Comparison {
  const r = compareFile(pcap, fields);
  const n = r.theirs.filter((row) => row[0].includes(`:${o.proto}`)).length;
  console.log(`# ${o.name}: ${r.cells} cells over ${r.frames} frames (${n} ${o.label}) compared with tshark, ${r.diffs.length} differ`);
  assert.ok(n >= o.min, `only ${n} ${o.label} frames captured`);
  assert.deepEqual([...new Set(r.diffs.map((x) => x.replace(/^\(subset\) /, '')))], []);
  assert.ok(damageNeverThrows(pcap, mulberry32(testSeed(...o.seed)), 60, 34) >= 0);
  return r;
}

/**
 * Crafted frames judged by tshark: every field agrees ("(subset)"
 * differences counted once with the plain ones), and random damage to the
 * capture past the Ethernet/IP headers never throws. `label` names the run
 * in the printed counts (the name by default); `linkType` that of every
 * frame (Ethernet by default); a frame may be a record cut short
 * (`{ data, origLen }`).
 */
export function craftedAgrees(name: string, frames: readonly PcapFrame[], fields: string[], o: { label?: string; seed: [string, number]; linkType?: number; damageFrom?: number }): Comparison {
  const r = compareFrames(name, frames, fields, { linkType: o.linkType });
  console.log(`# ${o.label ?? name}: ${r.cells} cells over ${r.frames} frames compared with tshark, ${r.diffs.length} differ`);
  assert.deepEqual([...new Set(r.diffs.map((x) => x.replace(/^\(subset\) /, '')))], []);
  // link-layer tests damage their own header too (damageFrom 0)
  assert.ok(damageNeverThrows(join(outputDir('dissect-compare'), `${name}.pcap`), mulberry32(testSeed(...o.seed)), 60, o.damageFrom ?? 34) >= 0);
  return r;
}

/**
 * Frames cut by the snap length at `cuts` bytes past where their protocol
 * begins (`start`: its offset in the frame), judged by tshark: each cut
 * frame records its length on the wire, so the dissection ends as tshark's
 * does ("[Packet size limited during capture]"). Cuts at or past a frame's
 * end are left out.
 */
export function cutsAgree(name: string, frames: Array<number[]>, fields: string[], o: { start: (f: number[]) => number; cuts: number[] }): Comparison {
  const records = frames.flatMap((f) => o.cuts.map((c) => o.start(f) + c).filter((n) => n < f.length)
    .map((n) => ({ data: Uint8Array.from(f.slice(0, n)), origLen: f.length })));
  return recordsAgree(name, records, fields, 'cut frames');
}

/** Records (frames the capture may have cut: `{ data, origLen }`) judged by tshark field by field: any difference fails. */
export function recordsAgree(name: string, records: readonly PcapFrame[], fields: string[], what = 'frames'): Comparison {
  const path = join(outputDir('dissect-compare'), `${name}.pcap`);
  writeFileSync(path, pcapFile(records, { usAt: secondsApart }));
  const r = compareFile(path, fields);
  console.log(`# ${name}: ${r.cells} cells over ${r.frames} ${what} compared with tshark, ${r.diffs.length} differ`);
  assert.deepEqual([...new Set(r.diffs.map((x) => x.replace(/^\(subset\) /, '')))], []);
  return r;
}

/** Where an Ethernet frame's IP payload begins (IPv4 with its header length, or IPv6 without extension headers). */
export const ipPayloadAt = (f: number[]): number => (f[12] === 0x86 ? 54 : 14 + (f[14] & 15) * 4);

/**
 * The Source and Destination columns, ours against tshark's (names resolved
 * as tshark's default summary resolves them): 'frame N: tshark A → B, ours C → D'
 * for each frame that differs.
 */
export function addressColumnsDiffer(path: string): string[] {
  const t = spawnSync('tshark', ['-r', path, '-T', 'fields', '-e', '_ws.col.Source', '-e', '_ws.col.Destination'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const theirs = t.stdout.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
  const cap = parseCaptureBuffer(readFileSync(path));
  const dis = new Dissector({ geoip: null });
  const out: string[] = [];
  cap.packets.forEach((p, i) => {
    const s = dis.dissect(p).summary;
    const [src, dst] = theirs[i] ?? ['', ''];
    if (src !== s.source || (dst ?? '') !== s.destination) out.push(`frame ${i + 1}: tshark ${src} → ${dst}, ours ${s.source} → ${s.destination}`);
  });
  return out;
}
