// The insights from digests (insights/digest.ts: what a parallel open's
// decoding threads ship of each dissection) are the insights from the
// dissections themselves: same alerts, same numbers, same filters, same
// statistics, on every shared capture and on crafted attacks of every kind
// the detectors name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dissector } from '../../../main/engine/dissect/index';
import { InsightsEngine } from '../../../main/engine/insights/engine';
import { snapshotInsights } from '../../../main/engine/insights/index';
import { DigestReader, DigestWriter, digestKeeps } from '../../../main/engine/insights/digest';
import { parseCaptureBuffer } from '../../../main/engine/file/open';
import type { Dissection, RawPacket } from '../../../main/engine/types';
import { CAPTURES, sharedCapturesSkipReason } from '../../lib/env';
import { attacks } from './attacks';
import { scratch } from './pipeline';

const skip = sharedCapturesSkipReason() ?? false;

/** The insights of `packets` twice: from each dissection, and from its digest (batches of `batch`, as a decoding thread ships them). */
function both(packets: RawPacket[], batch = 37): { direct: InsightsEngine; digested: InsightsEngine; kept: number; all: number } {
  const dis = new Dissector({ tlsKeys: null });
  const direct = new InsightsEngine(), digested = new InsightsEngine();
  const w = new DigestWriter(64), r = new DigestReader();
  let kept = 0, all = 0;
  for (let i = 0; i < packets.length; i += batch) {
    const part = packets.slice(i, i + batch);
    w.begin(part.length);
    const ds: Dissection[] = [];
    for (const p of part) {
      const d = dis.dissect(p);
      direct.add(d);
      all += d.fields.length;
      w.add(d);
      ds.push(d);
    }
    // through a structured clone, as between threads
    const g = structuredClone(w.finish());
    r.accept(g);
    part.forEach((p, j) => {
      const d = r.read(g, j, p);
      kept += d.fields.length;
      // the tree's layers, in order, and every kept field, in d.fields order
      assert.deepEqual(d.tree.map((l) => l.name), ds[j].tree.map((l) => l.name), `frame ${p.number}: layers`);
      assert.deepEqual(d.fields.map((f) => [f.name, f.value, f.start, f.len]), ds[j].fields.filter((f) => ds[j].tree.includes(f) || digestKeeps(f.name)).map((f) => [f.name, f.value, f.start, f.len]), `frame ${p.number}: fields`);
      digested.add(d);
    });
  }
  direct.finish();
  digested.finish();
  return { direct, digested, kept, all };
}

function sameInsights(a: InsightsEngine, b: InsightsEngine, what: string): void {
  const x = snapshotInsights(a), y = snapshotInsights(b);
  assert.deepEqual(y.alerts, x.alerts, `${what}: alerts`);
  assert.deepEqual(y.stats, x.stats, `${what}: statistics`);
  assert.equal(y.packets, x.packets);
}

test('digested insights equal dissected ones on every shared capture', { skip }, () => {
  let kept = 0, all = 0, files = 0;
  for (const f of readdirSync(CAPTURES).filter((x) => /\.pcap(ng)?$/.test(x)).sort()) {
    let cap;
    try { cap = parseCaptureBuffer(readFileSync(join(CAPTURES, f))); } catch { continue; }
    const r = both(cap.packets);
    sameInsights(r.direct, r.digested, f);
    kept += r.kept; all += r.all; files++;
  }
  assert.ok(files > 20, `${files} captures`);
  // the point of a digest: most fields (those of frame, eth, ip, tcp, udp) stay in the decoding thread
  assert.ok(kept < all / 2, `${kept} of ${all} fields kept`);
});

test('digested insights equal dissected ones on crafted attacks (every alert kind raised)', async () => {
  const path = scratch('digest-attacks.pcapng');
  attacks().write(path);
  const cap = parseCaptureBuffer(readFileSync(path));
  const r = both(cap.packets, 100);
  const kinds = new Set(r.direct.alerts().map((a) => a.kind));
  assert.ok(kinds.size >= 8, `alert kinds raised: ${[...kinds].join(', ')}`);
  sameInsights(r.direct, r.digested, 'attacks');
});
