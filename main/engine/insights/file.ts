// Insights over a capture file: read → dissect → InsightsEngine. Used by
// `xdpscope insights`, the tests and the benchmark.
import type { Dissection } from '../types';
import { Dissector } from '../dissect/index';
import { openCaptureFile } from '../file/open';
import { InsightsEngine } from './engine';
import type { InsightsSettingsInput } from './settings';
import type { StatsOptions } from '../stats';

/** A dissector as the insights engine wants it: every field, in tree order (the filters its alerts carry are checked against the same). */
export function createDissector(): Dissector {
  return new Dissector();
}

export interface AnalyzeResult {
  engine: InsightsEngine;
  packets: number;
  /** reading stopped at damage: every packet before it was analysed */
  damage: string | null;
}

/** Reads, dissects and analyses a whole capture file. `onDissection` sees every packet too (tests use it). */
export async function analyzeCaptureFile(
  path: string,
  opts: { settings?: InsightsSettingsInput; stats?: StatsOptions; onDissection?: (d: Dissection) => void } = {},
): Promise<AnalyzeResult> {
  const file = await openCaptureFile(path);
  const dissector = createDissector();
  const engine = new InsightsEngine(opts.settings, opts.stats);
  let packets = 0;
  try {
    for await (const batch of file.batches()) {
      for (const p of batch) {
        const d = dissector.dissect(p);
        engine.add(d);
        opts.onDissection?.(d);
        packets++;
      }
    }
  } finally {
    await file.close();
  }
  engine.finish();
  return { engine, packets, damage: file.error ? file.error.message : null };
}
