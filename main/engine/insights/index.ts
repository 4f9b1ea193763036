// Security insights over dissected packets: traffic spikes, connection
// attempts (port scans, brute force, SYN floods), unexpected protocols and
// service/port mismatches, AI service use; plus Wireshark-style statistics.
// Each detector is one module in detectors/ implementing Detector
// (detector.ts), listed in detectors/index.ts.
//
//   const engine = new InsightsEngine(settings);      // settings: plain JSON, see settings.ts
//   for (const d of dissections) engine.add(d);        // live or from a file
//   engine.alerts();                                    // Alert[] (alert.ts)
//   snapshotInsights(engine);                           // JSON for the renderer
export { InsightsEngine, type InsightsStats } from './engine';
export type { Alert, AlertEndpoint, AlertKind, AlertSeverity, AlertThreshold } from './alert';
export { defaultSettings, resolveSettings, DEFAULT_AI_SERVICES, type InsightsSettings, type InsightsSettingsInput, type AiServiceDef } from './settings';
export type { Detector, DetectorDef, DetectorEnv, LimitSettings } from './detector';
export { DETECTORS } from './detectors';
export { analyzeCaptureFile } from './file';
import type { InsightsEngine } from './engine';
import type { InsightsSnapshot } from '../../api/insights';
export type { InsightsSnapshot } from '../../api/insights';

/** Everything the renderer's Insights and Statistics views show, as plain JSON (no bigint, no typed arrays). */
export function snapshotInsights(engine: InsightsEngine): InsightsSnapshot {
  const alerts = engine.alerts();
  return { packets: engine.packetCount, alerts, stats: { ...engine.statistics.snapshot(alerts), ai: engine.stats().ai }, settings: engine.settings };
}
