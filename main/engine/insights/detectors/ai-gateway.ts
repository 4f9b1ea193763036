// LLM API calls that bypass the organisation's gateway: once
// `aiGateway.gateways` names the addresses allowed to call LLM services
// (an LLM proxy or gateway that logs, redacts and bills), a TLS ClientHello
// or HTTP request naming an LLM API host (the aiServices list, by SNI or
// Host) from any other address is an alert per host and service. Off while
// the list is empty: without a gateway, direct use is the norm (ai.ts
// reports it as information).
import type { Alert } from '../alert';
import { addrEq, frameRange, grade, quote } from '../alert';
import type { Detector, DetectorDef, LimitSettings, Span } from '../detector';
import { spanAdd } from '../detector';
import type { PacketFacts } from '../facts';
import { CappedSet } from '../sketch';
import { AiServiceDetector } from './ai';
import type { InsightsSettings } from '../../../api/insights';

export type AiGatewaySettings = InsightsSettings['aiGateway'];

export const aiGateway: DetectorDef<{ aiGateway: AiGatewaySettings }, 'ai-gateway-bypass'> = {
  id: 'ai-gateway-bypass',
  kinds: ['ai-gateway-bypass'],
  defaults: () => ({ aiGateway: { gateways: [] } }),
  // the service list is aiServices' (one list of LLM hosts for both rules)
  create: ({ settings, maxAlerts }) => new AiGatewayDetector(settings as typeof settings & Pick<InsightsSettings, 'aiServices'>, maxAlerts),
};

const MAX_BYPASSES = 1024;

interface Bypass extends Span {
  id: string;
  host: string;
  service: string;
  sni: CappedSet<string>;
  httpHosts: CappedSet<string>;
}

export class AiGatewayDetector implements Detector {
  private readonly gateways: Set<string>;
  private readonly matcher: AiServiceDetector;
  private readonly bypasses = new Map<string, Bypass>();

  constructor(private readonly s: { aiGateway: AiGatewaySettings; aiServices: InsightsSettings['aiServices']; limits: LimitSettings }, _maxAlerts: number) {
    this.gateways = new Set(s.aiGateway.gateways);
    this.matcher = new AiServiceDetector({ aiServices: s.aiServices, limits: s.limits });
  }

  add(f: PacketFacts): void {
    if (this.gateways.size === 0 || f.src === undefined || this.gateways.has(f.src)) return;
    let svc: string | undefined;
    if (f.sni !== undefined) svc = this.matcher.match(f.sni);
    const viaHost = svc === undefined && f.httpRequest && f.httpHost !== undefined ? this.matcher.match(f.httpHost) : undefined;
    const service = svc ?? viaHost;
    if (service === undefined) return;
    const key = `${f.src}|${service}`;
    let b = this.bypasses.get(key);
    if (b === undefined) {
      if (this.bypasses.size >= MAX_BYPASSES) return;
      b = { id: `ai-gateway-bypass:${key}`, host: f.src, service, firstTs: f.ts, lastTs: f.ts, firstFrame: f.frame, lastFrame: f.frame, packets: 0, bytes: 0, sni: new CappedSet(16), httpHosts: new CappedSet(16) };
      this.bypasses.set(key, b);
    }
    if (svc !== undefined) b.sni.add(f.sni as string);
    else b.httpHosts.add(f.httpHostRaw ?? (f.httpHost as string));
    spanAdd(b, f);
  }

  flush(): void {}

  alerts(): Alert[] {
    return [...this.bypasses.values()].map((b) => this.toAlert(b));
  }

  private toAlert(b: Bypass): Alert {
    // every name seen, so the filter is exact; a ClientHello names its server in SNI, a request in Host
    const names = [...[...b.sni.items].map((n) => `tls.handshake.extensions_server_name == ${quote(n)}`), ...[...b.httpHosts.items].map((n) => `http.host == ${quote(n)}`)];
    const gw = [...this.gateways].join(', ');
    return {
      id: b.id,
      kind: 'ai-gateway-bypass',
      // a policy breach with data leaving: evidence of harm by definition
      severity: grade('low', { magnitude: b.packets >= 100, persistence: b.lastTs - b.firstTs >= 3600, harm: true }),
      title: `${b.host} calls ${b.service} directly, bypassing the LLM gateway`,
      detail: `${b.host} opened ${b.packets} connection${b.packets === 1 ? '' : 's'} or requests to ${b.service} (${[...b.sni.items, ...b.httpHosts.items].join(', ')}) not through the gateway (${gw})`,
      firstTs: b.firstTs, lastTs: b.lastTs, firstFrame: b.firstFrame, lastFrame: b.lastFrame,
      endpoints: [{ role: 'client', address: b.host, packets: b.packets }],
      metrics: { service: b.service, requests: b.packets, names: [...b.sni.items, ...b.httpHosts.items].join(',') },
      thresholds: [{ metric: `requests to ${b.service} from an address not in aiGateway.gateways`, observed: b.packets, threshold: 0, setting: 'aiGateway.gateways' }],
      filter: `${addrEq('src', b.host)} && (${names.join(' || ')}) && ${frameRange(b.firstFrame, b.lastFrame)}`,
      packets: b.packets,
      bytes: b.bytes,
      ongoing: false,
    };
  }
}
