// What the Insights and Statistics views receive (getInsights): alerts,
// statistics and the settings they were computed with, as plain JSON. The
// engine computes these shapes and imports them from here, so the renderer
// needs nothing from the engine.

import { z } from 'zod';
import { call, empty } from './common';
import type { BlockRule } from './block';

export type AlertKind =
  | 'traffic-spike' | 'port-scan' | 'brute-force' | 'syn-flood'
  | 'unexpected-protocol' | 'service-mismatch' | 'ai-service' | 'icmp-flood'
  | 'amplification' | 'udp-flood' | 'dns-tunnel' | 'beaconing' | 'ai-gateway-bypass' | 'baseline-deviation'
  | 'ics-write' | 'password-spray';

/** What a host did while the baseline was learned (insights settings: baseline.learned). */
export interface HostProfile {
  /** services it answered on, e.g. 'tcp/22' */
  services: string[];
  /** IP protocol numbers it sent, e.g. '6' */
  protocols: string[];
  peakPacketsPerSec: number;
}

export type AlertSeverity = 'info' | 'low' | 'medium' | 'high';

export interface AlertEndpoint {
  role: 'source' | 'target' | 'client' | 'server';
  address: string;
  port?: number;
  country?: string;
  /** packets this endpoint contributed to the alert, when known */
  packets?: number;
}

export interface AlertThreshold {
  /** what was measured, e.g. 'packets/s to 198.18.0.2' */
  metric: string;
  observed: number;
  /** the limit it crossed */
  threshold: number;
  /** rolling baseline, for spikes */
  baseline?: { median: number; mad: number; windowSec: number };
  /** the setting that holds the limit, e.g. 'scan.minPorts' */
  setting?: string;
}

export interface Alert {
  /** stable while the alert is live: it is updated in place as more packets arrive */
  id: string;
  kind: AlertKind;
  severity: AlertSeverity;
  /** one line, e.g. 'Port scan from 198.18.0.1' */
  title: string;
  /** the explanation with its numbers */
  detail: string;
  /** seconds since the Unix epoch */
  firstTs: number;
  lastTs: number;
  firstFrame: number;
  lastFrame: number;
  endpoints: AlertEndpoint[];
  /** the numbers behind the alert */
  metrics: Record<string, number | string>;
  thresholds: AlertThreshold[];
  /** Wireshark display filter selecting exactly the `packets` below */
  filter: string;
  packets: number;
  bytes: number;
  /** still accumulating (live) */
  ongoing: boolean;
}

export type ConvType = 'eth' | 'ipv4' | 'ipv6' | 'tcp' | 'udp';

export type EndpointType = 'eth' | 'ipv4' | 'ipv6';

export interface ConversationRow {
  a: string;
  b: string;
  portA?: number;
  portB?: number;
  packetsAtoB: number;
  bytesAtoB: number;
  packetsBtoA: number;
  bytesBtoA: number;
  packets: number;
  bytes: number;
  /** seconds since the capture's first packet */
  relStart: number;
  duration: number;
  countryA?: string;
  countryB?: string;
  asnA?: number;
  asnB?: number;
}

/** Packets and bytes in all, and each way: sent (tx, outbound) and received (rx, inbound). */
export interface TrafficCounts {
  packets: number;
  bytes: number;
  txPackets: number;
  txBytes: number;
  rxPackets: number;
  rxBytes: number;
}

export interface EndpointRow extends TrafficCounts {
  address: string;
  /** seconds since the capture's first packet, first to last packet of the endpoint */
  relStart: number;
  duration: number;
  country?: string;
  asn?: number;
  /** user names this host sent (NTLM, Kerberos, LDAP bind, FTP USER, HTTP Basic, RDP, SMB), 'DOMAIN\\user (protocol)', most attempts first */
  users?: string[];
}

export interface HierarchyNode {
  protocol: string;
  frames: number;
  bytes: number;
  children: HierarchyNode[];
}

export interface HttpStats {
  requests: number;
  responses: number;
  byHost: Array<{ key: string; count: number }>;
  byUserAgentFamily: Array<{ key: string; count: number }>;
  byStatus: Array<{ key: string; count: number }>;
}

export interface IoGraphData {
  intervalSec: number;
  /** epoch seconds of interval 0 (the first packet) */
  t0: number;
  /** interval start, seconds since t0 */
  time: number[];
  packets: number[];
  /** bits per second over each interval */
  bitsPerSec: number[];
  series: Array<{ name: string; filter: string; packets: number[] }>;
}

export interface AlertMarker {
  id: string;
  kind: AlertKind;
  severity: AlertSeverity;
  title: string;
  /** seconds since the first packet */
  start: number;
  end: number;
}

/** Statistics → Processes: one local process (helper attribution; Falco's names in the fields) */
export interface ProcessRow extends TrafficCounts {
  pid: number;
  name: string;
  exepath: string;
  /** proc.cmdline, '' when unknown */
  cmdline: string;
  uid: number;
  user: string;
  /** container.id ('host' outside containers) */
  container: string;
  /** remote address:port pairs it talked to (at most 256; remotesSaturated when there were more) */
  remotes: string[];
  remotesSaturated: boolean;
  /** TLS SNI and HTTP Host names it used */
  services: string[];
  firstTs: number;
  lastTs: number;
  /** a display filter selecting its packets */
  filter: string;
}

export interface StatsSnapshot {
  summary: { packets: number; bytes: number; firstTs: number | null; lastTs: number | null; durationSec: number };
  conversations: Record<ConvType, ConversationRow[]>;
  endpoints: Record<EndpointType, EndpointRow[]>;
  /** rows that did not fit the caps */
  overflow: Record<string, number>;
  hierarchy: HierarchyNode[];
  io: IoGraphData & { markers: AlertMarker[] };
  http: HttpStats;
  /** Statistics → Processes, by bytes; empty when the capture has no attribution */
  processes: ProcessRow[];
  /** packets attribution ran for and found no local process */
  unattributed: number;
}

/** LLM API calls to one model, read from the traffic (gen_ai.* fields) */
export interface AiModelUsage { model: string; calls: number; inputTokens: number; outputTokens: number; responseModel?: string }

export interface AiUsageSummary {
  host: string;
  services: Array<{
    service: string; connections: number; bytesSent: number; bytesReceived: number; names: string[]; firstTs: number; lastTs: number;
    /** when LLM calls were seen: per model, and the providers (gen_ai.system) */
    models?: AiModelUsage[]; providers?: string[];
  }>;
}

export interface InsightsStats extends StatsSnapshot {
  ai: AiUsageSummary[];
}

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
    /** consecutive spiking seconds before a spike is reported (shorter is a burst) */
    minSeconds: number;
    /** seconds after which a spike counts as persistent (severity) */
    persistSec: number;
    /** peak / baseline median from which a spike counts as large (severity) */
    magnitudeRatio: number;
    /** a target answering less than this share of what it receives is flooded (evidence of harm) */
    maxReplyShare: number;
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
  /** the same rule as scan, over a long window: probes spread over an hour */
  slowScan: {
    enabled: boolean;
    windowSec: number;
    minPorts: number;
    minHosts: number;
    minUnansweredShare: number;
  };
  bruteForce: {
    enabled: boolean;
    windowSec: number;
    /** new connections from one source to one authentication service */
    minAttempts: number;
    authPorts: number[];
    /** a session that reached authentication and closed sooner is a failed guess (evidence) */
    shortSessionSec: number;
    /** a session this long after minAttempts short ones: a login that may have succeeded (evidence of harm) */
    longSessionSec: number;
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
  icmpFlood: {
    enabled: boolean;
    /** a second with more echo requests than this to one host floods it */
    minPerSec: number;
    /** distinct sources from which a flood counts as distributed */
    manySources: number;
  };
  amplification: {
    enabled: boolean;
    /** seconds a victim's responses are counted over (tumbling; an open alert runs until that long a quiet) */
    windowSec: number;
    /** responses from one service port to one victim */
    minResponses: number;
    /** ... and response bytes ≥ minRatio × the victim's request bytes to that port ... */
    minRatio: number;
    /** ... or at least this share of responses answering no request of the victim */
    minUnmatchedShare: number;
    /** distinct reflectors from which an attack counts as large (and unasked answers count without minMeanBytes) */
    manyReflectors: number;
    /** mean bytes of unasked responses for them to count as amplified (ordinary DNS answers are 80–250) */
    minMeanBytes: number;
    /** UDP service ports that answer small requests with large replies */
    ports: number[];
  };
  udpFlood: {
    enabled: boolean;
    /** UDP datagrams a second to one host ... */
    minPerSec: number;
    /** ... for this many consecutive seconds ... */
    minSeconds: number;
    /** ... answered with less than this share */
    maxReplyShare: number;
    manySources: number;
  };
  loginFailures: {
    enabled: boolean;
    /** tumbling window, seconds */
    windowSec: number;
    /** failed logins (decoded: HTTP 401/403, FTP 530, Kerberos 24, LDAP 49, SMB logon failure) from one server to one client */
    minFailures: number;
    /** POSTs from one client to one login-like URI */
    minFormPosts: number;
    /** regular expression (case-insensitive) a login form's path matches */
    loginUriPattern: string;
    /** password spraying: user names failing from one client (per service, in windowSec) ... */
    sprayMinUsers: number;
    /** ... each failing at most this many times on average ... */
    sprayMaxTriesPerUser: number;
    /** ... or servers on which one client fails */
    sprayMinTargets: number;
  };
  dnsTunnel: {
    enabled: boolean;
    windowSec: number;
    /** distinct names under one registered domain from one client ... */
    minNames: number;
    /** ... with names (left of the domain) this long on average ... */
    minMeanLength: number;
    /** ... and this random (Shannon entropy, bits per character) ... */
    minEntropy: number;
    /** ... or this many TXT/NULL queries */
    minTxtNull: number;
  };
  beacon: {
    enabled: boolean;
    /** connections to one destination before their regularity is judged */
    minEvents: number;
    /** shortest and longest period (median interval, seconds) that counts */
    minPeriodSec: number;
    maxPeriodSec: number;
    /** median absolute deviation of the intervals over their median, at most */
    maxJitter: number;
    /** destination addresses expected to be polled (update servers, monitoring) */
    allowDestinations: string[];
    /** also time UDP check-ins (bursts of datagrams) */
    udp: boolean;
    /** seconds of silence from a source to a destination:port that start a new UDP burst */
    udpGapSec: number;
    /** UDP ports periodic by design (NTP, DNS, DHCP, SNMP, syslog, STUN/VPN keepalives, ...): not timed */
    udpIgnorePorts: number[];
  };
  aiGateway: {
    /** addresses allowed to call LLM APIs directly (the gateway/proxy); empty: the rule is off */
    gateways: string[];
  };
  baseline: {
    enabled: boolean;
    /** seconds of traffic a profile per host is learned from */
    warmupSec: number;
    /** hosts profiled at most */
    maxHosts: number;
    /** a host sending more than rateFactor × its learned peak packets/s (and minRate) deviates */
    rateFactor: number;
    minRate: number;
    /** the learned profiles (null until learned; kept with the session, reusable with --settings) */
    learned: { fromTs: number; toTs: number; hosts: Record<string, HostProfile> } | null;
  };
  icsWrite: {
    enabled: boolean;
    /** seconds during which the hosts that write to each ICS device are learned (0: judge from the first write) */
    warmupSec: number;
    /** hosts allowed to write to any device (engineering workstations, SCADA masters); never alerted on */
    allowedWriters: string[];
    /** writes from one new writer to one device within windowSec that make it large (severity) */
    manyWrites: number;
    windowSec: number;
    /** devices profiled at most */
    maxDevices: number;
    /** learned writers per device (null until learned; kept with the session, reusable with --settings) */
    learned: { fromTs: number; toTs: number; writers: Record<string, string[]> } | null;
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
  /** the block list's optional rules (main/api/block.ts): each blocks the sources of its alert kind, once the user allows blocking */
  response: { rules: BlockRule[] };
}

export interface InsightsSnapshot {
  packets: number;
  alerts: Alert[];
  stats: InsightsStats;
  settings: InsightsSettings;
}

// ---- the call ----------------------------------------------------------
// (main/engine/service/handlers/insights.ts answers it)

// The snapshot is plain JSON whose shape the insights engine computes from
// the types above; the API passes it through unchecked (it only ever goes
// engine → renderer).
export const insightsSnapshot = z.custom<InsightsSnapshot>(() => true);

export const processRow = z.object({
  pid: z.number(), name: z.string(), exepath: z.string(), cmdline: z.string(), uid: z.number(), user: z.string(), container: z.string(),
  packets: z.number(), bytes: z.number(), txPackets: z.number(), txBytes: z.number(), rxPackets: z.number(), rxBytes: z.number(),
  remotes: z.array(z.string()), remotesSaturated: z.boolean(), services: z.array(z.string()), firstTs: z.number(), lastTs: z.number(), filter: z.string(),
}).strict() satisfies z.ZodType<ProcessRow>;

export const insightsApi = {
  /** alerts and statistics of the open capture (main/engine/insights), as plain JSON */
  getInsights: call(empty, insightsSnapshot),
  /** Statistics → Processes of the open capture: per local process, by bytes (at most `limit` rows) */
  getProcesses: call(z.object({ limit: z.number().int().min(1).max(10_000).optional() }).strict(),
    z.object({ processes: z.array(processRow), unattributed: z.number() }).strict()),
  /**
   * Replaces the insights settings (thresholds, policy, gateways, learned
   * baselines: any subset, merged over the defaults; unknown keys refused)
   * and analyses the open capture again with them. They are saved with the
   * session and carried to the next capture opened (without what was learned
   * from this one's traffic).
   */
  setInsightsSettings: call(z.object({ settings: z.record(z.string(), z.unknown()) }).strict(), insightsSnapshot),
};
