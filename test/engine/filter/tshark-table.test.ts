// The display-filter table over the shared captures, decoded by our
// dissector, must select exactly the frames tshark 4.0 selects. tshark's
// answers are stored in tshark-answers.json; when tshark is installed the
// test also asks it live: for entries the JSON lacks, and for a rotating
// sample of stored ones (XDPSCOPE_FILTER_TSHARK=all: every entry).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { compileDisplayFilter } from '../../../main/engine/filter/compile';
import { FilterIndex } from '../../../main/engine/filter/index-store';
import { Dissector } from '../../../main/engine/dissect/index';
import { parseCaptureBuffer } from '../../../main/engine/file/open';
import type { Dissection } from '../../../main/engine/types';
import { hasCommand, sharedCapturesSkipReason } from '../../lib/env';
import { TSHARK_TABLE } from './tshark-table';
import { answerKey, capturePath, loadAnswers, pool, tsharkFrames } from './tshark-oracle';
import { testSeed } from '../../lib/rng';

const skip = sharedCapturesSkipReason();
const LIVE_SAMPLE = 8;

function dissectFile(file: string): Dissection[] {
  const cap = parseCaptureBuffer(readFileSync(capturePath(file)));
  const dis = new Dissector({ geoip: null });
  return cap.packets.map((p) => dis.dissect(p));
}

test('display filters select the same frames as tshark -Y', { skip: skip ?? false }, async () => {
  const answers = loadAnswers();
  const jobs = TSHARK_TABLE.flatMap((c) => c.files.map((file) => ({ file, filter: c.filter })));
  assert.ok(new Set(TSHARK_TABLE.map((c) => c.filter)).size >= 150, 'at least 150 filters');

  // the stored answers are tshark 4.0's; another version may legitimately differ
  if (hasCommand('tshark') && /TShark \(Wireshark\) 4\.0\./.test(execFileSync('tshark', ['--version']).toString())) {
    const everything = process.env.XDPSCOPE_FILTER_TSHARK === 'all';
    const missing = jobs.filter((j) => !(answerKey(j.file, j.filter) in answers));
    // the same sample on every run; XDPSCOPE_SEED=N re-checks another one
    const seed = testSeed('tshark table: stored answers re-checked live', 1);
    const stored = jobs.filter((j) => answerKey(j.file, j.filter) in answers);
    const sample = everything ? stored : Array.from({ length: LIVE_SAMPLE }, (_, i) => stored[(seed * 7919 + i * 104729) % stored.length]!);
    const stale: string[] = [];
    await pool([...missing, ...sample], 2, async (j) => {
      const key = answerKey(j.file, j.filter);
      const live = await tsharkFrames(j.file, j.filter);
      if (key in answers && JSON.stringify(answers[key]) !== JSON.stringify(live)) stale.push(`${key}: stored ${JSON.stringify(answers[key])}, tshark ${JSON.stringify(live)}`);
      answers[key] = live;
    });
    assert.deepEqual(stale, [], 'tshark-answers.json disagrees with the installed tshark');
    console.log(`# ${sample.length} stored answers re-checked with the installed tshark`);
    if (missing.length) console.log(`# ${missing.length} answers asked from tshark live (run make-answers to store them)`);
  }

  const captures = new Map<string, Dissection[]>();
  const indexes = new Map<string, FilterIndex>();
  const wrong: string[] = [];
  let checked = 0, viaIndex = 0;
  for (const { file, filter } of jobs) {
    const want = answers[answerKey(file, filter)];
    if (!want) { wrong.push(`${file}: ${filter}: no stored tshark answer and no tshark`); continue; }
    const r = compileDisplayFilter(filter);
    if (!r.ok) { wrong.push(`${filter}: ${r.error.message}`); continue; }
    let ds = captures.get(file);
    if (!ds) {
      ds = dissectFile(file);
      captures.set(file, ds);
      const idx = new FilterIndex();
      for (const d of ds) idx.add(d);
      indexes.set(file, idx);
    }
    const got = ds.filter((d) => r.filter.matches(d)).map((d) => d.packet.number);
    checked++;
    if (JSON.stringify(got) !== JSON.stringify(want)) wrong.push(`${file}: ${filter}: got ${JSON.stringify(got)}, tshark ${JSON.stringify(want)}`);
    // the columnar index must agree whenever it can answer
    const fromIndex = indexes.get(file)!.evaluate(r.filter);
    if (fromIndex) {
      viaIndex++;
      if (JSON.stringify([...fromIndex]) !== JSON.stringify(got)) wrong.push(`${file}: ${filter}: index ${JSON.stringify([...fromIndex])}, filter ${JSON.stringify(got)}`);
    }
  }
  console.log(`# ${checked} filter×capture checks, ${viaIndex} also answered by the index, ${wrong.length} wrong`);
  assert.deepEqual(wrong, []);
});
