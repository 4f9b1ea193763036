// Insights over a capture file: read → dissect → InsightsEngine. Used by
// `xdpscope insights`, the tests and the benchmark. The dissector and reader
// are loaded lazily (as the service does) so this module loads on its own.
import type { Dissection, RawPacket } from '../types';
import { InsightsEngine } from './engine';
import type { InsightsSettingsInput } from './settings';
import type { StatsOptions } from '../stats';

export interface DissectorLike {
  dissect(pkt: RawPacket): Dissection;
}

export function createDissector(): DissectorLike {
  const m = require('../dissect/index');
  if (typeof m.createDissector === 'function') return m.createDissector();
  if (typeof m.Dissector === 'function') return new m.Dissector();
  throw new Error('dissect/index exports neither createDissector nor Dissector');
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
  const { openCaptureFile } = require('../file/open') as typeof import('../file/open');
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
