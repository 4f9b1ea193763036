// Thresholds and the "what is expected" policy of the insights engine. A
// plain JSON-serialisable object so a session can save it; every detector
// reads its numbers from here, and every alert quotes the number it crossed.
import type { AiServiceDef, InsightsSettings } from '../../api/insights';
export type { AiServiceDef, InsightsSettings } from '../../api/insights';

export const DEFAULT_AI_SERVICES: AiServiceDef[] = [
  { name: 'OpenAI', domains: ['api.openai.com'] },
  { name: 'Anthropic', domains: ['api.anthropic.com'] },
  { name: 'Mistral', domains: ['api.mistral.ai', 'codestral.mistral.ai'] },
  { name: 'Google Gemini', domains: ['generativelanguage.googleapis.com'] },
  { name: 'Cohere', domains: ['api.cohere.ai', 'api.cohere.com'] },
  { name: 'DeepSeek', domains: ['api.deepseek.com'] },
  { name: 'Hugging Face Inference', domains: ['api-inference.huggingface.co', 'router.huggingface.co'] },
  { name: 'Groq', domains: ['api.groq.com'] },
  { name: 'Perplexity', domains: ['api.perplexity.ai'] },
  { name: 'xAI', domains: ['api.x.ai'] },
  { name: 'Together AI', domains: ['api.together.xyz'] },
  { name: 'OpenRouter', domains: ['openrouter.ai'] },
];

export function defaultSettings(): InsightsSettings {
  return {
    spike: {
      enabled: true, windowSec: 60, minHistorySec: 10, factor: 5, madK: 6,
      minPacketsPerSec: 100, minBytesPerSec: 1_000_000, manySources: 10, dominantShare: 0.5, maxDestinations: 1024,
    },
    scan: { enabled: true, windowSec: 60, minPorts: 20, minHosts: 20, minUnansweredShare: 0.5 },
    bruteForce: {
      enabled: true, windowSec: 60, minAttempts: 10,
      authPorts: [21, 22, 23, 25, 110, 143, 389, 445, 465, 587, 993, 995, 1433, 3306, 3389, 5432, 5900, 5985, 5986],
    },
    synFlood: { enabled: true, windowSec: 10, minHalfOpen: 100, minSources: 10 },
    policy: {
      enabled: true,
      // IPv4, ARP, IPv6, and the VLAN tags that carry them
      etherTypes: [0x0800, 0x0806, 0x86dd, 0x8100, 0x88a8],
      // ICMP, TCP, UDP, ICMPv6
      ipProtocols: [1, 6, 17, 58],
      services: {
        http: [80, 8000, 8008, 8080, 8081, 8888, 3128],
        tls: [443, 465, 563, 636, 853, 989, 990, 992, 993, 994, 995, 5061, 8443],
        ssh: [22],
        // mDNS and LLMNR speak the DNS wire format on their own ports
        dns: [53, 5353, 5355],
      },
    },
    aiServices: { enabled: true, services: DEFAULT_AI_SERVICES.map((s) => ({ ...s, domains: [...s.domains] })) },
    limits: { maxSources: 4096, maxHandshakes: 100_000, maxResolved: 10_000, maxAlertFrames: 512 },
  };
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
