// `read -T text` decodes only what its summary lines need (a field-subset
// Dissector that still builds the Info text): every line must be what the
// whole-tree dissection — the one the app's packet list and detail pane use —
// says of the same packet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CAPTURES, CLI, sharedCapturesSkipReason } from '../../lib/env';
import { openCaptureFile } from '../../../main/engine/file/open';
import { Dissector } from '../../../main/engine/dissect';
import { summaryLine, timePrecisionOf } from '../../../main/engine/output/text';

const skip = sharedCapturesSkipReason() ?? false;

async function wholeTreeLines(path: string, filter?: (d: ReturnType<Dissector['dissect']>) => boolean): Promise<string> {
  const f = await openCaptureFile(path);
  const prec = timePrecisionOf(f);
  const dis = new Dissector({});
  let out = '';
  for await (const b of f.batches()) for (const p of b) { const d = dis.dissect(p); if (!filter || filter(d)) out += summaryLine(d, prec); }
  await f.close();
  return out;
}

test('-T text lines equal the whole-tree summaries on every shared capture', { skip, timeout: 120_000 }, async () => {
  let lines = 0;
  for (const c of readdirSync(CAPTURES).filter((f) => /\.pcap(ng)?$/.test(f)).sort()) {
    const path = join(CAPTURES, c);
    const r = spawnSync(process.execPath, [CLI, 'read', '-r', path], { encoding: 'utf8', env: { ...process.env, XDPSCOPE_READ_THREADS: '1' } });
    const want = await wholeTreeLines(path).catch(() => null);
    if (want === null) { assert.notEqual(r.status, 0, `${c}: not a capture, yet read succeeded`); continue; }
    assert.equal(r.stdout, want, c);
    lines += want.split('\n').length - 1;
  }
  assert.ok(lines > 300, `${lines} lines compared`);
});

test('-T text with -Y: the filter sees the fields it names, the lines stay whole-tree lines', { skip }, async () => {
  const path = join(CAPTURES, 'zeek-ctu-62604-80.pcap');
  const r = spawnSync(process.execPath, [CLI, 'read', '-r', path, '-Y', 'tcp.len > 0 or tcp.flags.syn == 1'], { encoding: 'utf8', env: { ...process.env, XDPSCOPE_READ_THREADS: '1' } });
  assert.equal(r.status, 0, r.stderr);
  const want = await wholeTreeLines(path, (d) => d.fields.some((f) => (f.name === 'tcp.len' && (f.value as number) > 0) || (f.name === 'tcp.flags.syn' && f.value === true)));
  assert.ok(want.length > 0);
  assert.equal(r.stdout, want);
});
