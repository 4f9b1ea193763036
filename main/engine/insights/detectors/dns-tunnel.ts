// DNS tunnelling and exfiltration: one client asking for many distinct,
// long, random-looking names under one registered domain (iodine, dnscat2,
// DNSExfiltrator encode data in the labels and read the answers), often as
// TXT or NULL records. Per client and registered domain, over a tumbling
// `windowSec` window: queries, distinct names, mean length and Shannon
// entropy (bits/char) of the part left of the domain, TXT/NULL queries. An
// alert needs `minNames` distinct names and either long random labels (mean
// length ≥ `minMeanLength` and entropy ≥ `minEntropy`) or `minTxtNull`
// TXT/NULL queries. A DNSBL lookup (4.3.2.1.zen.spamhaus.org) has many names
// but short low-entropy ones; a browser spreads over many domains.
import type { Dissection } from '../../types';
import type { Alert } from '../alert';
import { addrEq, fmtBytes, frameRange, grade, quote } from '../alert';
import type { DetectorDef, LimitSettings } from '../detector';
import { WindowedDetector } from '../windowed';
import type { PacketFacts } from '../facts';
import { CappedSet } from '../sketch';
import type { InsightsSettings } from '../../../api/insights';

export type DnsTunnelSettings = InsightsSettings['dnsTunnel'];

export const dnsTunnel: DetectorDef<{ dnsTunnel: DnsTunnelSettings }, 'dns-tunnel'> = {
  id: 'dns-tunnel',
  kinds: ['dns-tunnel'],
  defaults: () => ({ dnsTunnel: { enabled: true, windowSec: 300, minNames: 50, minMeanLength: 24, minEntropy: 3.5, minTxtNull: 30 } }),
  create: ({ settings, maxAlerts }) => new DnsTunnelDetector(settings, maxAlerts),
};

const TXT = 16, NULL = 10;
/** second-level labels under which registrations sit one level deeper (example.co.uk) */
const SECOND_LEVEL = new Set(['co', 'com', 'net', 'org', 'gov', 'edu', 'ac', 'or', 'ne', 'go', 'gob', 'mil', 'nic']);

interface Win {
  id: string | null;
  client: string;
  domain: string;
  start: number;
  lastTs: number;
  firstFrame: number;
  lastFrame: number;
  queries: number;
  bytes: number;
  names: CappedSet<string>;
  /** over distinct names */
  lenSum: number;
  entropySum: number;
  maxLabel: number;
  txtNull: number;
}

/** The registered domain of a name (eTLD+1, approximated: one more label under co.uk-style second levels). */
export function registeredDomain(name: string): string {
  const labels = name.replace(/\.$/, '').split('.');
  if (labels.length <= 2) return labels.join('.');
  const n = labels[labels.length - 1].length === 2 && SECOND_LEVEL.has(labels[labels.length - 2]) ? 3 : 2;
  return labels.slice(-n).join('.');
}

/** Shannon entropy of the characters of s, in bits per character. */
export function entropy(s: string): number {
  if (!s) return 0;
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) { const p = c / s.length; h -= p * Math.log2(p); }
  return h;
}

export class DnsTunnelDetector extends WindowedDetector<Win> {

  constructor(private readonly s: { dnsTunnel: DnsTunnelSettings; limits: LimitSettings }, maxAlerts: number) {
    super(s.limits.maxSources, maxAlerts);
  }

  add(f: PacketFacts, d: Dissection): void {
    const c = this.s.dnsTunnel;
    if (!c.enabled || f.dnsQueryName === undefined || f.dnsResponse || f.src === undefined || f.transport === undefined || Number.isNaN(f.ts)) return;
    // plain DNS only: mDNS and LLMNR names are local, and the filter's `dns` selects this layer alone
    let isDns = false, qtype = -1;
    for (let i = 1; i < d.tree.length; i++) if (d.tree[i].name === 'dns') { isDns = true; break; }
    if (!isDns) return;
    for (const fd of d.fields) if (fd.name === 'dns.qry.type') { qtype = Number(fd.value); break; }
    const name = f.dnsQueryName.replace(/\.$/, '');
    const domain = registeredDomain(name);
    const key = `${f.src}|${domain}`;
    let w = this.wins.touch(key);
    if (w !== undefined && (w.id !== null ? f.ts - w.lastTs > c.windowSec : f.ts - w.start > c.windowSec)) { this.retire(w); w = undefined; }
    if (w === undefined) {
      w = { id: null, client: f.src, domain, start: f.ts, lastTs: f.ts, firstFrame: f.frame, lastFrame: f.frame, queries: 0, bytes: 0, names: new CappedSet(4096), lenSum: 0, entropySum: 0, maxLabel: 0, txtNull: 0 };
      this.wins.set(key, w);
    }
    w.queries++;
    w.bytes += f.len;
    w.lastTs = f.ts;
    w.lastFrame = f.frame;
    if (qtype === TXT || qtype === NULL) w.txtNull++;
    const sub = name.length > domain.length ? name.slice(0, name.length - domain.length - 1) : '';
    if (!w.names.has(sub) && !w.names.saturated) {
      w.names.add(sub);
      w.lenSum += sub.length;
      w.entropySum += entropy(sub.replace(/\./g, ''));
      for (const l of sub.split('.')) w.maxLabel = Math.max(w.maxLabel, l.length);
    }
    if (w.id === null && this.crossed(w)) w.id = `dns-tunnel:${w.client}:${w.domain}:${++this.seq}`;
  }

  private crossed(w: Win): boolean {
    const c = this.s.dnsTunnel;
    const n = w.names.size;
    if (n < c.minNames) return false;
    return (w.lenSum / n >= c.minMeanLength && w.entropySum / n >= c.minEntropy) || w.txtNull >= c.minTxtNull;
  }

  protected toAlert(w: Win, ongoing: boolean): Alert {
    const c = this.s.dnsTunnel;
    const n = w.names.size;
    const meanLen = w.lenSum / n, meanH = w.entropySum / n;
    const secs = Math.max(w.lastTs - w.start, 0);
    const random = meanLen >= c.minMeanLength && meanH >= c.minEntropy;
    const pattern = `(?i)(^|\\.)${w.domain.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
    return {
      id: w.id as string,
      kind: 'dns-tunnel',
      // the encoded bytes (names × length) are what left the network: kilobytes of them is exfiltration, not lookups
      severity: grade('low', { magnitude: n >= 10 * c.minNames, persistence: secs >= 600, harm: w.lenSum >= 10_000 }),
      title: `DNS tunnelling from ${w.client} via ${w.domain} (${w.names.label()} names)`,
      detail: [
        `${w.client} sent ${w.queries} queries for ${w.names.label()} distinct names under ${w.domain} in ${secs.toFixed(1)} s`,
        `left of the domain: mean ${meanLen.toFixed(1)} characters (longest label ${w.maxLabel}), entropy ${meanH.toFixed(2)} bits/char`,
        `${w.txtNull} TXT/NULL queries`,
        `about ${fmtBytes(w.lenSum)} encoded in names`,
      ].join('; '),
      firstTs: w.start, lastTs: w.lastTs, firstFrame: w.firstFrame, lastFrame: w.lastFrame,
      endpoints: [{ role: 'source', address: w.client, packets: w.queries }],
      metrics: {
        domain: w.domain, queries: w.queries, distinctNames: n, meanLength: +meanLen.toFixed(2), maxLabel: w.maxLabel, meanEntropy: +meanH.toFixed(3),
        txtNullQueries: w.txtNull, encodedBytes: w.lenSum, durationSec: +secs.toFixed(3),
      },
      thresholds: [
        { metric: `distinct names under ${w.domain} from one client in ${c.windowSec} s`, observed: n, threshold: c.minNames, setting: 'dnsTunnel.minNames' },
        ...(random
          ? [{ metric: 'mean length of the names left of the domain', observed: +meanLen.toFixed(2), threshold: c.minMeanLength, setting: 'dnsTunnel.minMeanLength' },
            { metric: 'mean entropy, bits/char', observed: +meanH.toFixed(3), threshold: c.minEntropy, setting: 'dnsTunnel.minEntropy' }]
          : [{ metric: 'TXT/NULL queries', observed: w.txtNull, threshold: c.minTxtNull, setting: 'dnsTunnel.minTxtNull' }]),
      ],
      filter: `${addrEq('src', w.client)} && dns && !icmp && !icmpv6 && dns.flags.response == 0 && dns.qry.name matches ${quote(pattern)} && ${frameRange(w.firstFrame, w.lastFrame)}`,
      packets: w.queries,
      bytes: w.bytes,
      ongoing,
    };
  }
}
