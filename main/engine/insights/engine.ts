// The insights engine: feed it dissected packets (live or from a file), ask
// it for alerts and statistics at any time. Memory is bounded whatever the
// traffic: per-second buckets over a rolling window, top-K sketches, and
// caps on tracked sources, handshakes, destinations and groups.
import type { Dissection } from '../types';
import type { Alert } from './alert';
import { SEVERITY_RANK } from './alert';
import { AiServiceDetector } from './ai';
import { ConnectionDetector } from './connections';
import { FactsExtractor, type PacketFacts } from './facts';
import { PolicyDetector } from './policy';
import { resolveSettings, type InsightsSettings, type InsightsSettingsInput } from './settings';
import { SpikeDetector } from './spikes';
import { StatsCollector, type StatsOptions } from '../stats';
import type { InsightsStats } from '../../api/insights';
export type { InsightsStats } from '../../api/insights';

const MAX_ALERTS_PER_DETECTOR = 1000;

export class InsightsEngine {
  readonly settings: InsightsSettings;
  private readonly spikes: SpikeDetector;
  private readonly conns: ConnectionDetector;
  private readonly policy: PolicyDetector;
  private readonly ai: AiServiceDetector;
  readonly statistics: StatsCollector;
  private packets = 0;
  private readonly facts = new FactsExtractor();

  constructor(settings?: InsightsSettingsInput, statsOptions?: StatsOptions) {
    this.settings = resolveSettings(settings);
    this.spikes = new SpikeDetector(this.settings.spike, MAX_ALERTS_PER_DETECTOR);
    this.conns = new ConnectionDetector(this.settings, MAX_ALERTS_PER_DETECTOR);
    this.policy = new PolicyDetector(this.settings);
    this.ai = new AiServiceDetector(this.settings);
    this.statistics = new StatsCollector(statsOptions);
  }

  add(d: Dissection): void {
    this.addFacts(this.facts.extract(d), d);
  }

  /** The facts must come from this engine's own extractor: its flow cache holds this engine's rows. */
  private addFacts(f: PacketFacts, d: Dissection): void {
    this.packets++;
    this.spikes.add(f);
    this.conns.add(f);
    this.policy.add(f, d.packet.data);
    this.ai.add(f);
    this.statistics.add(f, d);
  }

  /** End of a file: close the second in progress and every open episode. Live sessions need not call it. */
  finish(): void {
    this.spikes.flush();
    this.conns.flush();
  }

  /** Every alert so far, most severe first, then by time. */
  alerts(): Alert[] {
    const all = [...this.spikes.alerts(), ...this.conns.alerts(), ...this.policy.alerts(), ...this.ai.alerts()];
    return all.sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.firstFrame - b.firstFrame || (a.id < b.id ? -1 : 1));
  }

  stats(): InsightsStats {
    return { ...this.statistics.snapshot(this.alerts()), ai: this.ai.summary() };
  }

  get packetCount(): number {
    return this.packets;
  }
}
