// TCP fields that follow tshark 4.0 rules beyond the header bytes: the window
// scale factor (shown on non-SYNs only: -1 unknown, -2 none, else 2^shift),
// the option items (protocol items carry their bytes; End of Option List does
// not end the walk), duplicate ACKs (tshark's expert item repeats the field),
// a header cut before the window (nothing after the ports), and the segment
// data / reassembly items of PDUs that span segments. Each is compared with
// the installed tshark on every shared capture, in full mode and in
// field-subset mode (all of them together, and each alone: the fields are
// gated separately).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { CAPTURES, hasCommand, sharedCapturesSkipReason } from '../lib/env';
import { parseCaptureBuffer } from '../../main/engine/file/open';
import { Dissector } from '../../main/engine/dissect';
import { FieldsFormatter, defaultFieldsOptions } from '../../main/engine/output/fields';
import type { RawPacket } from '../../main/engine/types';

const FIELDS = [
  'tcp.window_size_scalefactor', 'tcp.window_size',
  'tcp.options.sack_perm', 'tcp.options.eol', 'tcp.options.nop', 'tcp.option_kind', 'tcp.option_len',
  'tcp.analysis.duplicate_ack', 'tcp.analysis.duplicate_ack_num', 'tcp.analysis.duplicate_ack_frame', 'tcp.analysis.flags',
  'tcp.seq_raw', 'tcp.ack_raw',
  'tcp.segment_data', 'tcp.segments', 'tcp.segment', 'tcp.segment.count', 'tcp.reassembled.length', 'tcp.reassembled.data',
];

const skip = sharedCapturesSkipReason() ?? (hasCommand('tshark') ? false : 'tshark not installed');

function ourRows(packets: RawPacket[], fields: string[], subset: boolean): string[][] {
  const dis = new Dissector({ geoip: null, ...(subset ? { fields } : {}) });
  const fmt = new FieldsFormatter(defaultFieldsOptions(fields));
  return packets.map((p) => fmt.line(dis.dissect(p)).replace(/\n$/, '').split('\t'));
}

test('TCP scale factor, options, duplicate ACKs, short headers and segment data agree with tshark on every capture', { skip, timeout: 120_000 }, () => {
  const failures: string[] = [];
  const shown = new Map<string, number>(FIELDS.map((f) => [f, 0]));
  let captures = 0;
  for (const cap of readdirSync(CAPTURES).filter((f) => /\.pcap(ng)?$/.test(f)).sort()) {
    if (cap === 'gopacket-le-test202.pcapng') continue; // tshark lists custom blocks as frames (see oracle.test.ts)
    captures++;
    const path = join(CAPTURES, cap);
    const t = spawnSync('tshark', ['-r', path, '-T', 'fields', ...FIELDS.flatMap((f) => ['-e', f])], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const theirs = t.stdout.split('\n').slice(0, -1).map((l) => l.split('\t'));
    const { packets } = parseCaptureBuffer(readFileSync(path));
    assert.equal(packets.length, theirs.length, `${cap}: frame count`);
    theirs.forEach((row) => FIELDS.forEach((f, k) => { if (row[k]) shown.set(f, shown.get(f)! + 1); }));
    const compare = (mode: string, fields: string[], ours: string[][]): void => {
      theirs.forEach((row, i) => fields.forEach((f, k) => {
        const want = row[FIELDS.indexOf(f)] ?? '', got = ours[i][k] ?? '';
        if (want !== got) failures.push(`${cap} frame ${i + 1} ${f} (${mode}): tshark '${want.slice(0, 40)}', ours '${got.slice(0, 40)}'`);
      }));
    };
    compare('full', FIELDS, ourRows(packets, FIELDS, false));
    compare('subset', FIELDS, ourRows(packets, FIELDS, true));
    for (const f of FIELDS) compare(`only ${f}`, [f], ourRows(packets, [f], true));
  }
  assert.ok(captures >= 25, `${captures} captures`);
  // every field occurs somewhere, so no comparison is empty on both sides
  assert.deepEqual([...shown].filter(([, n]) => n === 0).map(([f]) => f), []);
  assert.deepEqual(failures.slice(0, 30), []);
});
