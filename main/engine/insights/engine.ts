// The insights engine: feed it dissected packets (live or from a file), ask
// it for alerts and statistics at any time. Memory is bounded whatever the
// traffic: per-second buckets over a rolling window, top-K sketches, and
// caps on tracked sources, handshakes, destinations and groups.
import type { Dissection } from '../types';
import type { Alert, AlertKind } from './alert';
import { SEVERITY_RANK } from './alert';
import type { Detector } from './detector';
import { DETECTORS } from './detectors';
import { AiServiceDetector } from './detectors/ai';
import { FactsExtractor } from './facts';
import { resolveSettings, type InsightsSettings, type InsightsSettingsInput } from './settings';
import { StatsCollector, type StatsOptions } from '../stats';
import type { InsightsStats } from '../../api/insights';
export type { InsightsStats } from '../../api/insights';

const MAX_ALERTS_PER_DETECTOR = 1000;

export class InsightsEngine {
  readonly settings: InsightsSettings;
  /** one per entry of DETECTORS, in its order (alerts are listed in that order before sorting) */
  private readonly detectors: Detector[];
  private readonly byId = new Map<string, Detector>();
  /** the AI detector also feeds the statistics' per-host usage table */
  private readonly ai: AiServiceDetector | undefined;
  readonly statistics: StatsCollector;
  private packets = 0;
  private readonly facts = new FactsExtractor();

  constructor(settings?: InsightsSettingsInput, statsOptions?: StatsOptions) {
    this.settings = resolveSettings(settings);
    const env = { settings: this.settings, maxAlerts: MAX_ALERTS_PER_DETECTOR };
    this.detectors = DETECTORS.map((def) => {
      const det = def.create(env);
      this.byId.set(def.id, det);
      return det;
    });
    this.ai = this.detectors.find((x): x is AiServiceDetector => x instanceof AiServiceDetector);
    this.statistics = new StatsCollector(statsOptions);
  }

  add(d: Dissection): void {
    // the facts come from this engine's own extractor: its flow cache holds this engine's rows
    const f = this.facts.extract(d);
    this.packets++;
    for (const det of this.detectors) det.add(f, d);
    this.statistics.add(f, d);
  }

  /** End of a file: close the second in progress and every open episode. Live sessions need not call it. */
  finish(): void {
    for (const det of this.detectors) det.flush();
  }

  /** Every alert so far, most severe first, then by time. A generic alert a named one explains is left out. */
  alerts(): Alert[] {
    const all = explained(this.detectors.flatMap((det) => det.alerts()));
    return all.sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.firstFrame - b.firstFrame || (a.id < b.id ? -1 : 1));
  }

  /** The running detector registered as `id` (tests look at its bounded state). */
  detector(id: string): Detector | undefined {
    return this.byId.get(id);
  }

  stats(): InsightsStats {
    return { ...this.statistics.snapshot(this.alerts()), ai: this.ai?.summary() ?? [] };
  }

  get packetCount(): number {
    return this.packets;
  }
}

/**
 * Which alert kinds a named one explains: a reflection flood is also a UDP
 * flood and a traffic spike on its victim; a ping flood a spike. The issue
 * this answers: floods were reported as generic "traffic spikes". Explained
 * means the same target and overlapping frames (for a spike overall: the
 * named alerts hold at least half of its packets).
 */
const EXPLAINS: Partial<Record<AlertKind, AlertKind[]>> = {
  'amplification': ['udp-flood', 'traffic-spike'],
  'udp-flood': ['traffic-spike'],
  'icmp-flood': ['traffic-spike'],
  'syn-flood': ['traffic-spike'],
};

function explained(all: Alert[]): Alert[] {
  const named = all.filter((a) => EXPLAINS[a.kind] !== undefined);
  if (named.length === 0) return all;
  const target = (a: Alert) => a.endpoints.find((e) => e.role === 'target')?.address;
  return all.filter((a) => {
    const by = named.filter((n) => n !== a && EXPLAINS[n.kind]?.includes(a.kind) && n.firstFrame <= a.lastFrame && n.lastFrame >= a.firstFrame);
    if (by.length === 0) return true;
    const t = target(a);
    if (t !== undefined) return !by.some((n) => target(n) === t);
    return by.reduce((k, n) => k + n.packets, 0) < a.packets / 2;
  });
}
