// Alerts as Suricata EVE JSON alert records (one JSON object per line),
// which SIEMs (Elastic, Splunk, Sentinel, Wazuh) already ingest. The shape
// follows Suricata's etc/schema.json (whose top level and `alert` object
// allow no other keys): our display filter travels as `alert.rule`, the
// alert's numbers as `alert.metadata.tag` entries ("key=value"), the first
// frame as `pcap_cnt`. Pure functions: the CLI, the live stream and the UI
// export share them.
import type { Alert, AlertKind, AlertSeverity } from './insights';

export interface EveAlert {
  timestamp: string;
  flow_id: number;
  event_type: 'alert';
  src_ip?: string;
  src_port?: number;
  dest_ip?: string;
  dest_port?: number;
  proto?: string;
  pcap_cnt: number;
  alert: {
    action: 'allowed' | 'blocked';
    gid: number;
    signature_id: number;
    rev: number;
    signature: string;
    category: string;
    severity: number;
    rule: string;
    metadata: { signature_severity: string[]; tag: string[]; created_at: string[]; updated_at: string[] };
    source?: { ip: string };
    target?: { ip: string };
  };
}

/** Suricata's classtype descriptions (classification.config), and a stable local signature id (1 000 000–1 999 999 is for local rules). */
const SIGNATURES: Record<AlertKind, { sid: number; category: string; proto?: string }> = {
  'traffic-spike': { sid: 1_020_001, category: 'Potentially Bad Traffic' },
  'port-scan': { sid: 1_020_002, category: 'Detection of a Network Scan', proto: 'TCP' },
  'brute-force': { sid: 1_020_003, category: 'Attempted User Privilege Gain', proto: 'TCP' },
  'syn-flood': { sid: 1_020_004, category: 'Attempted Denial of Service', proto: 'TCP' },
  'unexpected-protocol': { sid: 1_020_005, category: 'Detection of a Non-Standard Protocol or Event' },
  'service-mismatch': { sid: 1_020_006, category: 'Detection of a Non-Standard Protocol or Event' },
  'ai-service': { sid: 1_020_007, category: 'Potential Corporate Privacy Violation', proto: 'TCP' },
  'icmp-flood': { sid: 1_020_008, category: 'Attempted Denial of Service', proto: 'ICMP' },
  'amplification': { sid: 1_020_009, category: 'Attempted Denial of Service', proto: 'UDP' },
  'udp-flood': { sid: 1_020_010, category: 'Attempted Denial of Service', proto: 'UDP' },
  'dns-tunnel': { sid: 1_020_011, category: 'Attempted Information Leak', proto: 'UDP' },
  // TCP or UDP: read from the filter
  'beaconing': { sid: 1_020_012, category: 'A Network Trojan was detected' },
  'ai-gateway-bypass': { sid: 1_020_013, category: 'Potential Corporate Privacy Violation', proto: 'TCP' },
  'baseline-deviation': { sid: 1_020_014, category: 'Potentially Bad Traffic' },
  'ics-write': { sid: 1_020_015, category: 'Attempted Administrator Privilege Gain' },
  'password-spray': { sid: 1_020_016, category: 'Attempted User Privilege Gain' },
};

/** Suricata: 1 is the most severe. */
const SEVERITY: Record<AlertSeverity, number> = { high: 1, medium: 2, low: 3, info: 4 };

/** Suricata's timestamp: local-time notation with microseconds and a numeric offset (here UTC): 2026-12-07T06:29:42.123456+0000. */
export function eveTimestamp(epochSec: number): string {
  const t = Number.isFinite(epochSec) ? epochSec : 0;
  const ms = Math.floor(t * 1000);
  const micros = Math.round((t - Math.floor(t)) * 1e6) % 1_000_000;
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, `.${String(micros).padStart(6, '0')}+0000`);
}

/** A flow id from the endpoints (FNV-1a, 53 bits: a JSON-safe integer, like Suricata's 64-bit hash). */
function flowId(parts: Array<string | number | undefined>): number {
  let h = 0xcbf29ce484222325n;
  for (const ch of parts.map((p) => String(p ?? '')).join('|')) h = ((h ^ BigInt(ch.codePointAt(0) ?? 0)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return Number(h & 0x1fffffffffffffn);
}

function protoOf(a: Alert): string | undefined {
  const p = SIGNATURES[a.kind]?.proto;
  if (a.kind === 'icmp-flood') return a.filter.includes('icmpv6') ? 'IPv6-ICMP' : 'ICMP';
  if (p) return p;
  return /\btcp\b/.test(a.filter) ? 'TCP' : /\budp\b/.test(a.filter) ? 'UDP' : undefined;
}

export function toEve(a: Alert, opts: { blocked?: boolean } = {}): EveAlert {
  const sig = SIGNATURES[a.kind] ?? { sid: 1_020_000, category: 'Misc activity' };
  const src = a.endpoints.find((e) => e.role === 'source' || e.role === 'client');
  const dst = a.endpoints.find((e) => e.role === 'target' || e.role === 'server');
  const proto = protoOf(a);
  const tags = [`kind=${a.kind}`, `id=${a.id}`, `packets=${a.packets}`, `bytes=${a.bytes}`, `frames=${a.firstFrame}-${a.lastFrame}`, `ongoing=${a.ongoing}`,
    ...Object.entries(a.metrics).map(([k, v]) => `${k}=${v}`),
    ...a.thresholds.map((t) => `threshold=${t.setting ?? t.metric}:${t.observed}>${t.threshold}`)];
  const rec: EveAlert = {
    timestamp: eveTimestamp(a.firstTs),
    flow_id: flowId([a.kind, src?.address, src?.port, dst?.address, dst?.port, proto]),
    event_type: 'alert',
    ...(src ? { src_ip: src.address } : {}),
    ...(src?.port !== undefined ? { src_port: src.port } : {}),
    ...(dst ? { dest_ip: dst.address } : {}),
    ...(dst?.port !== undefined ? { dest_port: dst.port } : {}),
    ...(proto ? { proto } : {}),
    pcap_cnt: a.firstFrame,
    alert: {
      action: opts.blocked ? 'blocked' : 'allowed',
      gid: 1,
      signature_id: sig.sid,
      rev: 1,
      signature: `XDPSCOPE ${a.title}`,
      category: sig.category,
      severity: SEVERITY[a.severity],
      rule: a.filter,
      metadata: { signature_severity: [a.severity], tag: tags, created_at: [eveTimestamp(a.firstTs).slice(0, 10)], updated_at: [eveTimestamp(a.lastTs).slice(0, 10)] },
      ...(src ? { source: { ip: src.address } } : {}),
      ...(dst ? { target: { ip: dst.address } } : {}),
    },
  };
  return rec;
}

/** EVE JSON lines (newline-terminated) for a list of alerts. */
export function eveLines(alerts: Alert[]): string {
  return alerts.map((a) => JSON.stringify(toEve(a)) + '\n').join('');
}
