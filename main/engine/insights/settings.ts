// Thresholds and the "what is expected" policy of the insights engine. A
// plain JSON-serialisable object so a session can save it, made of the
// sections each detector declares (detectors/*.ts) and the shared limits;
// every alert quotes the setting it crossed.

import type { LimitSettings } from './detector';
import { DETECTORS, type DetectorSettings } from './detectors';
import { defaultBlockRules } from '../block/list';
import type { BlockRule } from '../../api/block';
import type { InsightsSettings as ApiInsightsSettings } from '../../api/insights';

export { DEFAULT_AI_SERVICES } from './detectors/ai';
export type { AiServiceDef } from '../../api/insights';

export type InsightsSettings = DetectorSettings & { limits: LimitSettings; response: { rules: BlockRule[] } };

/** Each detector's own sections (in DETECTORS order), then the shared limits. */
export function defaultSettings(): InsightsSettings {
  const out: Record<string, unknown> = {};
  for (const def of DETECTORS) {
    for (const [section, value] of Object.entries(def.defaults())) {
      // two detectors reading one section would each think it owns the thresholds
      if (section in out || section === 'limits' || section === 'response') throw new Error(`insights detector '${def.id}': settings section '${section}' is already taken`);
      out[section] = value;
    }
  }
  out.limits = { maxSources: 4096, maxHandshakes: 100_000, maxResolved: 10_000, maxAlertFrames: 512 } satisfies LimitSettings;
  // the block list's optional rules (main/engine/block): saved with the session like the thresholds
  out.response = { rules: defaultBlockRules() };
  return out as unknown as InsightsSettings;
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends Array<unknown> ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };
export type InsightsSettingsInput = DeepPartial<InsightsSettings>;

/** Defaults overlaid with what the user set (arrays replace, objects merge); unknown keys are an error. */
export function resolveSettings(input: InsightsSettingsInput = {}): InsightsSettings {
  const out = defaultSettings();
  merge(out as unknown as Record<string, unknown>, input as Record<string, unknown>, 'settings');
  return out;
}

function merge(dst: Record<string, unknown>, src: Record<string, unknown>, path: string): void {
  for (const [k, v] of Object.entries(src ?? {})) {
    if (v === undefined) continue;
    if (!(k in dst)) throw new Error(`${path}.${k}: unknown setting`);
    const cur = dst[k];
    if (Array.isArray(cur)) {
      if (!Array.isArray(v)) throw new Error(`${path}.${k}: expected an array`);
      dst[k] = structuredClone(v);
    } else if (cur && typeof cur === 'object') {
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${path}.${k}: expected an object`);
      merge(cur as Record<string, unknown>, v as Record<string, unknown>, `${path}.${k}`);
    } else {
      if (typeof v !== typeof cur) throw new Error(`${path}.${k}: expected a ${typeof cur}, got ${typeof v}`);
      dst[k] = v;
    }
  }
}

// The API declares the settings for its clients; the engine derives them
// from the detectors' sections. One must not drift from the other: this
// fails to compile when a section or a field differs.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const SETTINGS_MATCH_API: Same<InsightsSettings, ApiInsightsSettings> = true;
void SETTINGS_MATCH_API;
