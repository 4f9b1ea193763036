// Test plumbing: write a crafted scenario, run the real pipeline (pcapng
// reader → dissector → InsightsEngine) over it, and evaluate alert filters
// with the real display-filter engine.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeCaptureFile, createDissector } from '../../../main/engine/insights/file';
import { compileDisplayFilter } from '../../../main/engine/filter/compile';
import { openCaptureFile } from '../../../main/engine/file/open';
import type { InsightsSettingsInput } from '../../../main/engine/insights/settings';
import type { Alert } from '../../../main/engine/insights/alert';
import type { Scenario } from './craft';

let dir: string | null = null;
export function scratch(name: string): string {
  dir ??= mkdtempSync(join(tmpdir(), 'xdpscope-insights-'));
  return join(dir, name);
}

export async function runScenario(name: string, s: Scenario, settings?: InsightsSettingsInput) {
  const path = scratch(`${name}.pcapng`);
  s.write(path);
  const r = await analyzeCaptureFile(path, { settings });
  return { path, engine: r.engine, alerts: r.engine.alerts() };
}

/** Frame numbers a display filter selects in a capture (fresh dissector, like a user re-filtering). */
export async function framesMatching(path: string, filter: string): Promise<number[]> {
  // the dissector module registers the fields the filter compiler checks names against
  const dissector = createDissector();
  const c = compileDisplayFilter(filter);
  if (!c.ok) throw new Error(`filter '${filter}' does not compile: ${c.error.message}`);
  const f = await openCaptureFile(path);
  const out: number[] = [];
  for await (const batch of f.batches()) for (const p of batch) if (c.filter.matches(dissector.dissect(p))) out.push(p.number);
  return out;
}

/** The alert's filter selects exactly `expected` (or, without it, exactly alert.packets frames between its first and last frame). */
export async function assertFilterExact(path: string, a: Alert, expected?: number[]): Promise<void> {
  const got = await framesMatching(path, a.filter);
  if (expected) assert.deepEqual(got, expected, `${a.id}: filter ${a.filter}`);
  assert.equal(got.length, a.packets, `${a.id}: filter ${a.filter} selects ${got.length} frames, alert counted ${a.packets}`);
  assert.equal(got[0], a.firstFrame, `${a.id}: first frame`);
  assert.equal(got[got.length - 1], a.lastFrame, `${a.id}: last frame`);
}
