// Use of well-known LLM API services, per internal host: recognised from
// TLS SNI, HTTP Host, and DNS answers (a resolved address maps to its
// service, and later connections to that address count as use).
import type { PacketFacts } from '../facts';
import { TCP } from '../facts';
import type { Alert } from '../alert';
import { SYN_ONLY, addrEq, fmtBytes, quote } from '../alert';
import type { Detector, DetectorDef, LimitSettings } from '../detector';
import { CappedSet, LruMap } from '../sketch';
import type { AiModelUsage, AiServiceDef, AiUsageSummary } from '../../../api/insights';
import type { Dissection, Field } from '../../types';
import type { InsightsSettings } from '../../../api/insights';
export type { AiUsageSummary } from '../../../api/insights';

/** this detector's settings section (its shape is the API's) */
export type AiServiceSettings = InsightsSettings['aiServices'];

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

export const aiServices: DetectorDef<{ aiServices: AiServiceSettings }, 'ai-service'> = {
  id: 'ai-service',
  kinds: ['ai-service'],
  defaults: () => ({ aiServices: { enabled: true, services: DEFAULT_AI_SERVICES.map((s) => ({ ...s, domains: [...s.domains] })) } }),
  create: ({ settings }) => new AiServiceDetector(settings),
};

const MAX_USAGES = 4096;
// module-level copies: imported bindings read per packet cost an export-getter call each
const SYN = TCP.SYN, SYN_ACK = TCP.SYN | TCP.ACK;

interface Usage {
  host: string;
  service: string;
  firstTs: number;
  lastTs: number;
  firstFrame: number;
  lastFrame: number;
  /** packets the alert's filter selects: ClientHellos with the SNI, requests with the Host, SYNs to resolved addresses */
  packets: number;
  packetBytes: number;
  connections: number;
  bytesSent: number;
  bytesReceived: number;
  sni: CappedSet<string>;
  httpHosts: CappedSet<string>;
  synIps: CappedSet<string>;
  lookups: number;
  /** LLM API calls read from the traffic (gen_ai.*), per model (at most MAX_MODELS) */
  models: Map<string, AiModelUsage>;
  /** providers (gen_ai.system) of those calls */
  systems: CappedSet<string>;
  /** gen_ai.server.address of the calls this usage selected (its filter names them) */
  genAiServers: CappedSet<string>;
  /** the local processes behind the selected packets ('python3 (pid 42)'), when the capture named them */
  procs: CappedSet<string>;
}

const MAX_MODELS = 32;


/** Display names for gen_ai.system values, for calls to hosts no listed service names (a local or self-hosted server). */
const SYSTEM_NAMES: Record<string, string> = {
  openai: 'OpenAI-compatible API', anthropic: 'Anthropic-compatible API', 'az.ai.openai': 'Azure OpenAI', 'gcp.gemini': 'Google Gemini',
  'gcp.vertex_ai': 'Vertex AI', 'aws.bedrock': 'AWS Bedrock', cohere: 'Cohere', ollama: 'Ollama', mistral_ai: 'Mistral',
};

/** The gen_ai fields of a packet (a top-level layer of the tree: found without walking every field). */
function genAi(d: Dissection | undefined): Map<string, Field['value']> | null {
  if (!d) return null;
  let layer: Field | undefined;
  for (const l of d.tree) if (l.name === 'gen_ai') { layer = l; break; }
  if (!layer?.children) return null;
  const m = new Map<string, Field['value']>();
  for (const c of layer.children) if (!m.has(c.name)) m.set(c.name, c.value);
  return m;
}

export class AiServiceDetector implements Detector {
  private readonly exact = new Map<string, string>();
  private readonly suffixes: Array<[suffix: string, service: string]> = [];
  private readonly resolved: LruMap<string, string>;
  private readonly usage = new Map<string, Usage>();

  constructor(private readonly s: { aiServices: AiServiceSettings; limits: LimitSettings }) {
    for (const svc of s.aiServices.services) {
      for (const d of svc.domains) {
        const dom = d.toLowerCase().replace(/\.$/, '');
        if (dom.startsWith('*.')) this.suffixes.push([dom.slice(1), svc.name]);
        else this.exact.set(dom, svc.name);
      }
    }
    this.resolved = new LruMap(s.limits.maxResolved);
  }

  match(name: string): string | undefined {
    const n = name.replace(/\.$/, '');
    const e = this.exact.get(n);
    if (e) return e;
    for (const [suf, svc] of this.suffixes) if (n.endsWith(suf)) return svc;
    return undefined;
  }

  add(f: PacketFacts, d?: Dissection): void {
    if (!this.s.aiServices.enabled || !f.ipVersion || f.src === undefined || f.dst === undefined) return;
    const g = f.transport === 'tcp' && f.payloadLen > 0 ? genAi(d) : null;
    if (g) this.llmCall(f, g);
    if (f.dnsResponse && f.dnsQueryName && f.dnsAnswers) {
      const svc = this.match(f.dnsQueryName);
      if (svc) {
        for (const ip of f.dnsAnswers) this.resolved.set(ip, svc);
        const u = this.get(f.dst, svc, f);
        if (u) u.lookups++;
      }
    }
    if (f.sni) {
      const svc = this.match(f.sni);
      if (svc) {
        const u = this.get(f.src, svc, f);
        if (u) {
          u.sni.add(f.sni);
          // a connection to a DNS-resolved address was already counted at its SYN
          if (this.resolved.get(f.dst) !== svc) u.connections++;
          this.select(u, f);
        }
      }
    }
    if (f.httpHost && f.httpRequest) {
      const svc = this.match(f.httpHost);
      if (svc) {
        const u = this.get(f.src, svc, f);
        if (u) { u.httpHosts.add(f.httpHostRaw ?? f.httpHost); this.select(u, f); }
      }
    }
    if (this.resolved.size === 0) return;
    const toSvc = this.resolved.get(f.dst);
    if (toSvc) {
      const u = this.get(f.src, toSvc, f);
      if (u) {
        u.bytesSent += f.len;
        if (f.transport === 'tcp' && (f.tcpFlags & SYN_ACK) === SYN) {
          u.synIps.add(f.dst);
          if (!f.sni) u.connections++;
          this.select(u, f);
        }
      }
    }
    const fromSvc = this.resolved.get(f.src);
    if (fromSvc) {
      const u = this.usage.get(`${f.dst}|${fromSvc}`);
      if (u) u.bytesReceived += f.len;
    }
  }

  /**
   * An LLM API call's request (counted as a selected packet: its client is
   * the source) or response (its tokens; the client is the destination).
   */
  private llmCall(f: PacketFacts, g: Map<string, Field['value']>): void {
    const system = String(g.get('gen_ai.system') ?? '');
    const response = g.has('gen_ai.request_in');
    const client = response ? f.dst! : f.src!;
    const serverRaw = String(g.get('gen_ai.server.address') ?? '');
    const server = serverRaw.toLowerCase().replace(/:\d+$/, '');
    const service = (server && this.match(server)) || SYSTEM_NAMES[system] || system;
    const u = this.get(client, service, f);
    if (!u) return;
    u.systems.add(system);
    const model = String(g.get('gen_ai.response.model') ?? g.get('gen_ai.request.model') ?? '(unknown model)');
    // a response names the model that answered; count it under the requested one so a call is one row
    const key = String(g.get('gen_ai.request.model') ?? model);
    let m = u.models.get(key);
    if (!m) {
      if (u.models.size >= MAX_MODELS) return;
      m = { model: key, calls: 0, inputTokens: 0, outputTokens: 0 };
      u.models.set(key, m);
    }
    if (!response) {
      m.calls++;
      // an HTTP/1 request to a listed service's Host is selected below already
      const byHost = f.httpRequest && f.httpHost !== undefined && this.match(f.httpHost) === service;
      if (!byHost && serverRaw) {
        u.genAiServers.add(serverRaw);
        if (u.genAiServers.has(serverRaw)) this.select(u, f);
      }
      return;
    }
    const inTok = g.get('gen_ai.usage.input_tokens'), outTok = g.get('gen_ai.usage.output_tokens');
    if (typeof inTok === 'number') m.inputTokens += inTok;
    if (typeof outTok === 'number') m.outputTokens += outTok;
    if (model !== key) m.responseModel = model;
  }

  private get(host: string, service: string, f: PacketFacts): Usage | undefined {
    const key = `${host}|${service}`;
    let u = this.usage.get(key);
    if (!u) {
      if (this.usage.size >= MAX_USAGES) return undefined;
      u = {
        host, service, firstTs: f.ts, lastTs: f.ts, firstFrame: f.frame, lastFrame: f.frame, packets: 0, packetBytes: 0, connections: 0,
        bytesSent: 0, bytesReceived: 0, sni: new CappedSet(32), httpHosts: new CappedSet(32), synIps: new CappedSet(64), lookups: 0,
        models: new Map(), systems: new CappedSet(8), genAiServers: new CappedSet(32), procs: new CappedSet(8),
      };
      this.usage.set(key, u);
    }
    return u;
  }

  private select(u: Usage, f: PacketFacts): void {
    // the selected packets are the client's (ClientHello, request, SYN): their process is the caller
    const p = f.d.packet.proc;
    if (p) u.procs.add(`${p.name || '?'} (pid ${p.pid})`);
    if (u.packets === 0) { u.firstTs = f.ts; u.firstFrame = f.frame; }
    u.packets++;
    u.packetBytes += f.len;
    u.lastTs = f.ts;
    u.lastFrame = f.frame;
  }

  /** Nothing to close: usage is counted as packets arrive. */
  flush(): void {}

  alerts(): Alert[] {
    const out: Alert[] = [];
    for (const u of this.usage.values()) {
      if (u.packets === 0) continue;
      const names = [...new Set([...u.sni.items, ...u.httpHosts.items])];
      const how = [
        u.sni.size ? `TLS SNI ${[...u.sni.items].join(', ')}` : '',
        u.httpHosts.size ? `HTTP Host ${[...u.httpHosts.items].join(', ')}` : '',
        u.synIps.size ? `connections to addresses resolved by DNS (${[...u.synIps.items].slice(0, 5).join(', ')})` : '',
      ].filter(Boolean).join('; ');
      const alts = [
        ...[...u.sni.items].map((n) => `tls.handshake.extensions_server_name == ${quote(n)}`),
        ...[...u.httpHosts.items].map((n) => `http.host == ${quote(n)}`),
        ...(u.synIps.size ? [`(${SYN_ONLY} && ${dstIn([...u.synIps.items])})`] : []),
        ...(u.genAiServers.size ? [`(!gen_ai.request_in && ${[...u.genAiServers.items].map((n) => `gen_ai.server.address == ${quote(n)}`).join(' || ')})`] : []),
      ];
      const llm = llmSummary(u);
      const procs = [...u.procs.items].join(', ');
      out.push({
        id: `ai-service:${u.host}:${u.service}`,
        kind: 'ai-service',
        severity: 'info',
        title: procs ? `${procs} on ${u.host} uses ${u.service}` : `${u.host} uses ${u.service}`,
        detail: (procs ? `${procs} called ${names.length ? names.join(', ') : u.service}; ` : '') + `${u.host} made ${u.connections} connection${u.connections === 1 ? '' : 's'} to ${u.service}${how ? ` (${how})` : ''}; ` +
          (llm.calls ? `${llm.text}; ` : '') +
          `${fmtBytes(u.bytesSent)} sent to and ${fmtBytes(u.bytesReceived)} received from its resolved addresses` +
          (u.lookups ? `; ${u.lookups} DNS answer${u.lookups === 1 ? '' : 's'} for it` : ''),
        firstTs: u.firstTs, lastTs: u.lastTs, firstFrame: u.firstFrame, lastFrame: u.lastFrame,
        endpoints: [{ role: 'client', address: u.host, packets: u.packets }, ...[...u.synIps.items].slice(0, 5).map((a) => ({ role: 'server' as const, address: a }))],
        metrics: {
          ...(procs ? { processes: procs } : {}),
          service: u.service, connections: u.connections, bytesSent: u.bytesSent, bytesReceived: u.bytesReceived, dnsAnswers: u.lookups, names: names.join(','),
          ...(llm.calls ? { llmCalls: llm.calls, models: [...u.models.keys()].join(','), inputTokens: llm.input, outputTokens: llm.output } : {}),
        },
        thresholds: [{ metric: `connections to ${u.service} (a listed AI service)`, observed: u.connections, threshold: 1, setting: 'aiServices.services' }],
        filter: `${addrEq('src', u.host)} && ${alts.length > 1 ? `(${alts.join(' || ')})` : alts[0]}`,
        packets: u.packets,
        bytes: u.packetBytes,
        ongoing: false,
      });
    }
    return out;
  }

  summary(): AiUsageSummary[] {
    const byHost = new Map<string, AiUsageSummary>();
    for (const u of this.usage.values()) {
      if (u.packets === 0 && u.lookups === 0) continue;
      let h = byHost.get(u.host);
      if (!h) byHost.set(u.host, (h = { host: u.host, services: [] }));
      h.services.push({
        service: u.service, connections: u.connections, bytesSent: u.bytesSent, bytesReceived: u.bytesReceived,
        names: [...new Set([...u.sni.items, ...u.httpHosts.items, ...u.genAiServers.items])], firstTs: u.firstTs, lastTs: u.lastTs,
        ...(u.models.size ? { models: [...u.models.values()].map((m) => ({ ...m })), providers: [...u.systems.items] } : {}),
      });
    }
    return [...byHost.values()];
  }
}

/** LLM calls of a usage: counts, and a sentence naming models and tokens. */
function llmSummary(u: Usage): { calls: number; input: number; output: number; text: string } {
  let calls = 0, input = 0, output = 0;
  const parts: string[] = [];
  for (const m of u.models.values()) {
    calls += m.calls; input += m.inputTokens; output += m.outputTokens;
    parts.push(`${m.model}${m.responseModel ? ` (answered by ${m.responseModel})` : ''} ×${m.calls}: ${m.inputTokens} input / ${m.outputTokens} output tokens`);
  }
  const text = `${calls} LLM API call${calls === 1 ? '' : 's'} (${[...u.systems.items].join(', ')}): ${parts.join('; ')}; ${input} input and ${output} output tokens in all`;
  return { calls, input, output, text };
}

/** `ip.dst in {a, b}` (with an `ipv6.dst in {...}` alternative when both families occur) */
function dstIn(ips: string[]): string {
  const v6 = ips.filter((a) => a.includes(':')), v4 = ips.filter((a) => !a.includes(':'));
  const parts = [...(v4.length ? [`ip.dst in {${v4.join(', ')}}`] : []), ...(v6.length ? [`ipv6.dst in {${v6.join(', ')}}`] : [])];
  return parts.length > 1 ? `(${parts.join(' || ')})` : parts[0];
}
