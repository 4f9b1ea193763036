// Thresholds and the "what is expected" policy of the insights engine. A
// plain JSON-serialisable object so a session can save it; every detector
// reads its numbers from here, and every alert quotes the number it crossed.

export interface AiServiceDef {
  /** shown in alerts, e.g. 'OpenAI' */
  name: string;
  /** host names; '*.example.com' matches example.com's subdomains */
  domains: string[];
}

export interface InsightsSettings {
  spike: {
    enabled: boolean;
    /** seconds of per-second history the baseline is computed from */
    windowSec: number;
    /** seconds of history needed before a key can spike */
    minHistorySec: number;
    /** a second spikes when it exceeds factor × the median ... */
    factor: number;
    /** ... and median + madK × 1.4826 × MAD (a robust standard deviation) ... */
    madK: number;
    /** ... and at least this many packets (so quiet links do not alarm on 10 packets) */
    minPacketsPerSec: number;
    /** bytes/s floor for a bytes spike */
    minBytesPerSec: number;
    /** distinct sources from which a spike counts as distributed (DDoS-like) */
    manySources: number;
    /** share of a spike's packets above which one source is "the" heavy source */
    dominantShare: number;
    /** destinations with their own baseline (least recently seen is dropped) */
    maxDestinations: number;
  };
  scan: {
    enabled: boolean;
    windowSec: number;
    /** distinct destination ports (on any hosts) one source tries */
    minPorts: number;
    /** distinct hosts one source tries on one port */
    minHosts: number;
    /** share of attempts that never completed a handshake */
    minUnansweredShare: number;
  };
  bruteForce: {
    enabled: boolean;
    windowSec: number;
    /** new connections from one source to one authentication service */
    minAttempts: number;
    authPorts: number[];
  };
  synFlood: {
    enabled: boolean;
    windowSec: number;
    /** half-open connections to one target (host:port) */
    minHalfOpen: number;
    /** distinct sources of those SYNs */
    minSources: number;
  };
  policy: {
    enabled: boolean;
    /** EtherTypes expected on the link (numbers, e.g. 0x0800) */
    etherTypes: number[];
    /** IP protocol numbers expected (IPv6 extension headers are always allowed) */
    ipProtocols: number[];
    /** ports where each recognised service is expected; elsewhere it is a mismatch */
    services: { http: number[]; tls: number[]; ssh: number[]; dns: number[] };
  };
  aiServices: {
    enabled: boolean;
    services: AiServiceDef[];
  };
  limits: {
    /** sources tracked for connection-attempt analysis */
    maxSources: number;
    /** half-open TCP handshakes remembered */
    maxHandshakes: number;
    /** resolved IP → service mappings remembered */
    maxResolved: number;
    /** frames an alert lists when its filter names frames explicitly */
    maxAlertFrames: number;
  };
}

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
