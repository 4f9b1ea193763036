// Unexpected protocols against an editable policy: EtherTypes and IP
// protocols that are not on the expected list (GRE, IP-in-IP, SCTP, unknown
// numbers), and services on ports that are not theirs (HTTP or TLS on a
// foreign port, SSH on 443, DNS outside 53), recognised from payload bytes.
import { mac48ToString, type PacketFacts } from '../facts';
import type { Alert } from '../alert';
import { frameSet } from '../alert';
import type { Dissection } from '../../types';
import type { Detector, DetectorDef, LimitSettings, Span } from '../detector';
import { spanAdd } from '../detector';
import { TopK } from '../sketch';
import { recogniseDns as recogniseDnsExport, recogniseTcp as recogniseTcpExport, type Service } from '../services';
import type { InsightsSettings } from '../../../api/insights';

/** this detector's settings section (its shape is the API's) */
export type PolicySettings = InsightsSettings['policy'];

export const policy: DetectorDef<{ policy: PolicySettings }, 'unexpected-protocol' | 'service-mismatch'> = {
  id: 'policy',
  kinds: ['unexpected-protocol', 'service-mismatch'],
  defaults: () => ({
    policy: {
      enabled: true,
      // IPv4, ARP, IPv6, the VLAN tags that carry them, and LLDP (every managed switch sends it)
      etherTypes: [0x0800, 0x0806, 0x86dd, 0x8100, 0x88a8, 0x88cc],
      // ICMP, IGMP (multicast membership: every LAN carries it), TCP, UDP, ICMPv6 (MLD included)
      ipProtocols: [1, 2, 6, 17, 58],
      services: {
        http: [80, 8000, 8008, 8080, 8081, 8888, 3128],
        tls: [443, 465, 563, 636, 853, 989, 990, 992, 993, 994, 995, 5061, 8443],
        ssh: [22],
        // NetBIOS name service, mDNS and LLMNR speak the DNS wire format on their own ports
        dns: [53, 137, 5353, 5355],
      },
    },
  }),
  create: ({ settings }) => new PolicyDetector(settings),
};

// module-level copies: imported bindings called per packet cost an export-getter call each
const recogniseTcp = recogniseTcpExport, recogniseDns = recogniseDnsExport;

const ETHERTYPE_NAMES: Record<number, string> = {
  0x0800: 'IPv4', 0x0806: 'ARP', 0x86dd: 'IPv6', 0x8100: '802.1Q VLAN', 0x88a8: '802.1ad QinQ', 0x8035: 'RARP',
  0x8863: 'PPPoE discovery', 0x8864: 'PPPoE session', 0x888e: 'EAPOL (802.1X)', 0x88cc: 'LLDP', 0x8847: 'MPLS',
  0x8848: 'MPLS multicast', 0x88e5: 'MACsec', 0x88f7: 'PTP', 0x9000: 'Loopback', 0x22f0: 'AVTP', 0x88b5: 'local experimental',
  0x6558: 'Transparent Ethernet Bridging', 0x893a: 'IEEE 1905.1', 0x8808: 'Ethernet flow control',
};
const IP_PROTO_NAMES: Record<number, string> = {
  1: 'ICMP', 2: 'IGMP', 4: 'IP-in-IP', 6: 'TCP', 17: 'UDP', 41: 'IPv6-in-IPv4', 47: 'GRE', 50: 'ESP', 51: 'AH',
  58: 'ICMPv6', 89: 'OSPF', 103: 'PIM', 112: 'VRRP', 115: 'L2TP', 132: 'SCTP', 136: 'UDP-Lite', 137: 'MPLS-in-IP',
};
/** IPv6 extension headers and "no next header": structure, not protocols */
const IPV6_EXT = new Set([0, 43, 44, 50, 51, 59, 60, 135, 139, 140, 253, 254]);
const SERVICE_TITLE: Record<Service, string> = { http: 'HTTP', tls: 'TLS', ssh: 'SSH', dns: 'DNS' };
const MAX_GROUPS = 256;

interface Group extends Span {
  id: string;
  kind: 'unexpected-protocol' | 'service-mismatch';
  title: string;
  what: string;
  pairs: TopK;
  /** fields that carried the value (for the filter) */
  fields: Set<string>;
  value: number;
  service?: Service;
  port?: number;
  frames: number[];
  framesOverflow: boolean;
}

export class PolicyDetector implements Detector {
  private readonly ether: Set<number>;
  private readonly ipProto: Set<number>;
  private readonly ports: Record<Service, Set<number>>;
  private readonly groups = new Map<string, Group>();

  constructor(private readonly s: { policy: PolicySettings; limits: LimitSettings }) {
    const p = s.policy;
    this.ether = new Set(p.etherTypes);
    this.ipProto = new Set(p.ipProtocols);
    this.ports = { http: new Set(p.services.http), tls: new Set(p.services.tls), ssh: new Set(p.services.ssh), dns: new Set(p.services.dns) };
  }

  add(f: PacketFacts, d: Dissection): void {
    if (!this.s.policy.enabled) return;
    const data = d.packet.data;
    let seenEther = -1;
    for (let i = 0; i < f.nEtherTypes; i++) {
      const v = f.etherTypes[i], field = f.etherTypeFields[i];
      if (this.ether.has(v) || v < 0x0600 /* an 802.3 length, not a type */) continue;
      const g = this.group(`ethertype:${v}`) ?? this.newGroup(`ethertype:${v}`, etherTypeGroup(v));
      if (!g) continue;
      g.fields.add(field);
      if (seenEther !== v) this.count(g, f, Number.isNaN(f.ethSrc) ? undefined : mac48ToString(f.ethSrc), Number.isNaN(f.ethDst) ? undefined : mac48ToString(f.ethDst));
      seenEther = v;
    }
    let seenProto = -1;
    for (let i = 0; i < f.nIpProtos; i++) {
      const v = f.ipProtos[i], field = f.ipProtoFields[i];
      if (this.ipProto.has(v) || (field === 'ipv6.nxt' && IPV6_EXT.has(v))) continue;
      const g = this.group(`ipproto:${v}`) ?? this.newGroup(`ipproto:${v}`, ipProtoGroup(v));
      if (!g) continue;
      g.fields.add(field);
      if (seenProto !== v) this.count(g, f, f.src, f.dst);
      seenProto = v;
    }
    if (f.payloadLen > 0 && f.srcPort !== undefined && f.dstPort !== undefined) {
      const udp = f.transport === 'udp';
      // UDP is only checked for DNS: on DNS's own ports there is nothing to find
      if (udp && (this.ports.dns.has(f.srcPort) || this.ports.dns.has(f.dstPort))) return;
      const r = f.transport === 'tcp' ? recogniseTcp(data, f.payloadStart, f.payloadLen)
        : udp ? recogniseDns(data, f.payloadStart, f.payloadLen) : null;
      if (!r) return;
      const expected = this.ports[r.service];
      if (expected.has(f.srcPort) || expected.has(f.dstPort)) return;
      const port = r.fromServer === true ? f.srcPort : r.fromServer === false ? f.dstPort : Math.min(f.srcPort, f.dstPort);
      const svc = SERVICE_TITLE[r.service];
      const key = `service:${r.service}:${port}`;
      const g = this.group(key) ?? this.newGroup(key, {
        kind: 'service-mismatch', title: `${svc} on port ${port}`, what: `${svc} on ${f.transport?.toUpperCase()} port ${port}`,
        value: port, service: r.service, port,
      });
      if (!g) return;
      const client = r.fromServer ? f.dst : f.src, server = r.fromServer ? f.src : f.dst;
      this.count(g, f, client, server);
      if (g.frames.length < this.s.limits.maxAlertFrames) g.frames.push(f.frame);
      else g.framesOverflow = true;
    }
  }

  // (no closures in add(): a closure capturing the packet's facts costs a context allocation per packet)
  private group(key: string): Group | undefined {
    return this.groups.get(key);
  }

  private newGroup(key: string, what: GroupWhat): Group | undefined {
    if (this.groups.size >= MAX_GROUPS) return undefined;
    const g: Group = { id: key, firstTs: NaN, lastTs: NaN, firstFrame: 0, lastFrame: 0, packets: 0, bytes: 0, pairs: new TopK(16), fields: new Set(), frames: [], framesOverflow: false, ...what };
    this.groups.set(key, g);
    return g;
  }

  private count(g: Group, f: PacketFacts, a: string | undefined, b: string | undefined): void {
    if (g.packets === 0) { g.firstTs = f.ts; g.firstFrame = f.frame; }
    spanAdd(g, f);
    if (a !== undefined && b !== undefined) g.pairs.add(`${a} → ${b}`);
  }

  /**
   * A service on a port that belongs to another service (HTTP on 22, SSH on
   * 443) or on another well-known port (< 1024) is evasion-like: medium. On an
   * unprivileged port it is information: web apps, proxies and admin consoles
   * live on 8001, 8443, 10000 every day.
   */
  private mismatchSeverity(g: Group): 'info' | 'medium' {
    const port = g.port ?? 0;
    // HTTP and TLS share their ports (HTTPS is HTTP over TLS; 8080 and 8443 carry either)
    const web = (k: Service) => k === 'http' || k === 'tls';
    const otherService = (Object.keys(this.ports) as Service[]).some((k) => k !== g.service && !(web(k) && web(g.service as Service)) && this.ports[k].has(port));
    return otherService || port < 1024 ? 'medium' : 'info';
  }

  /** Nothing to close: groups are counted as packets arrive. */
  flush(): void {}

  alerts(): Alert[] {
    const out: Alert[] = [];
    for (const g of this.groups.values()) {
      const pairs = g.pairs.top(5);
      const endpoints = pairs.flatMap((p) => {
        const [a, b] = p.key.split(' → ');
        return [{ role: 'client' as const, address: a, packets: p.count }, { role: 'server' as const, address: b, port: g.port, packets: p.count }];
      });
      let filter: string;
      let expected: string;
      if (g.kind === 'unexpected-protocol') {
        const fmt = g.id.startsWith('ethertype:') ? `0x${hex4(g.value)}` : String(g.value);
        filter = [...g.fields].map((fl) => `${fl} == ${fmt}`).join(' || ');
        expected = g.id.startsWith('ethertype:')
          ? `expected EtherTypes: ${this.s.policy.etherTypes.map((v) => `0x${hex4(v)}`).join(', ')}`
          : `expected IP protocols: ${this.s.policy.ipProtocols.join(', ')}`;
      } else {
        // No field says "these bytes are HTTP whatever the port", so the filter names the frames.
        filter = g.framesOverflow
          ? `${g.id.includes(':dns:') ? 'udp' : 'tcp'}.port == ${g.port} && ${frameSet(g.frames)}`
          : frameSet(g.frames);
        expected = `${SERVICE_TITLE[g.service as Service]} expected on ports ${[...this.ports[g.service as Service]].join(', ')}`;
      }
      out.push({
        id: g.id,
        kind: g.kind,
        severity: g.kind === 'service-mismatch' ? this.mismatchSeverity(g) : 'low',
        title: g.title,
        detail: `${g.packets} packet${g.packets === 1 ? '' : 's'} of ${g.what}` +
          (pairs.length ? ` between ${pairs.map((p) => `${p.key} (${p.count})`).join(', ')}` : '') + `; ${expected}` +
          (g.framesOverflow ? `; the filter lists the first ${g.frames.length} frames only` : ''),
        firstTs: g.firstTs, lastTs: g.lastTs, firstFrame: g.firstFrame, lastFrame: g.lastFrame,
        endpoints,
        metrics: { packets: g.packets, bytes: g.bytes, value: g.value, ...(g.port !== undefined ? { port: g.port } : {}) },
        thresholds: [{ metric: g.what, observed: g.packets, threshold: 0, setting: g.kind === 'service-mismatch' ? `policy.services.${g.service}` : g.id.startsWith('ethertype:') ? 'policy.etherTypes' : 'policy.ipProtocols' }],
        filter,
        packets: g.framesOverflow ? g.frames.length : g.packets,
        bytes: g.bytes,
        ongoing: false,
      });
    }
    return out;
  }
}

type GroupWhat = Pick<Group, 'kind' | 'title' | 'what' | 'value'> & Partial<Group>;

function etherTypeGroup(v: number): GroupWhat {
  const name = ETHERTYPE_NAMES[v] ?? 'unknown';
  return { kind: 'unexpected-protocol', title: `Unexpected EtherType 0x${hex4(v)} (${name})`, what: `EtherType 0x${hex4(v)} (${name})`, value: v };
}

function ipProtoGroup(v: number): GroupWhat {
  const name = IP_PROTO_NAMES[v] ?? 'unknown';
  return { kind: 'unexpected-protocol', title: `Unexpected IP protocol ${v} (${name})`, what: `IP protocol ${v} (${name})`, value: v };
}

function hex4(v: number): string {
  return v.toString(16).padStart(4, '0');
}
