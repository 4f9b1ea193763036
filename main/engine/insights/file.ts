// Insights over a capture file: read → dissect → InsightsEngine. Used by
// `xdpscope insights`, the tests and the benchmark.
import type { Dissection, RawPacket } from '../types';
import { Dissector } from '../dissect/index';
import { openCaptureFile } from '../file/open';
import { InsightsEngine } from './engine';
import type { InsightsSettingsInput } from './settings';
import type { StatsOptions } from '../stats';

export interface DissectorLike {
  dissect(pkt: RawPacket): Dissection;
}

export function createDissector(): DissectorLike {
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
    await (file as { close?: () => Promise<void> }).close?.();
  }
  engine.finish();
  const err = (file as { error?: { message: string } | null }).error;
  return { engine, packets, damage: err ? err.message : null };
}
