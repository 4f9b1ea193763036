// Wireshark-style statistics over a stream of dissected packets: summary,
// conversations, endpoints, protocol hierarchy, I/O graph, HTTP. Incremental
// and bounded, like the insights engine that feeds it.
import type { Dissection } from '../types';
import type { Alert } from '../insights/alert';
import { mac48ToString, type PacketFacts } from '../insights/facts';
import { ConversationTable, type ConvRow, type ConvType, type ConversationRow, type EndpointRow, type EndpointType } from './conversations';
import { ProtocolHierarchy, type HierarchyNode } from './hierarchy';
import { HttpCollector, type HttpStats } from './http';
import { IoGraph, type IoGraphData, type IoSeriesDef } from './iograph';
import { ProcessStats } from './processes';
import type { StatsSnapshot } from '../../api/insights';
import { HostLogins } from '../insights/logins';
export type { AlertMarker, StatsSnapshot } from '../../api/insights';

export type { ConvType, ConversationRow, EndpointRow, EndpointType, HierarchyNode, HttpStats, IoGraphData, IoSeriesDef };

export interface StatsOptions {
  /** I/O graph interval (seconds, default 1) */
  intervalSec?: number;
  /** extra I/O graph series, one per display filter */
  series?: IoSeriesDef[];
  /** rows kept per conversation/endpoint table (default 100 000) */
  maxRows?: number;
  /** rows returned per table in a snapshot (default 1000) */
  snapshotRows?: number;
}

export class StatsCollector {
  private packets = 0;
  private bytes = 0;
  /** first and last packet time (typed array: no number allocated per packet) */
  private readonly times = Float64Array.of(NaN, NaN);
  readonly conv: { eth: ConversationTable<number>; ipv4: ConversationTable; ipv6: ConversationTable; tcp: ConversationTable; udp: ConversationTable };
  readonly hierarchy = new ProtocolHierarchy();
  readonly io: IoGraph;
  readonly http = new HttpCollector();
  /** user names seen per client host (Endpoints' Users column) */
  readonly logins = new HostLogins();
  readonly processes = new ProcessStats();
  private readonly snapshotRows: number;

  constructor(opts: StatsOptions = {}) {
    const cap = opts.maxRows ?? 100_000;
    this.conv = { eth: new ConversationTable<number>(cap, mac48ToString), ipv4: new ConversationTable(cap), ipv6: new ConversationTable(cap), tcp: new ConversationTable(cap), udp: new ConversationTable(cap) };
    this.io = new IoGraph(opts.intervalSec ?? 1, opts.series ?? []);
    this.snapshotRows = opts.snapshotRows ?? 1000;
  }

  /** Facts from one FactsExtractor per collector: the extractor's flow cache keeps this collector's rows. */
  add(f: PacketFacts, d: Dissection): void {
    this.packets++;
    this.bytes += f.len;
    if (!Number.isNaN(f.ts)) {
      if (Number.isNaN(this.times[0])) this.times[0] = f.ts;
      this.times[1] = f.ts;
    }
    const t0 = Number.isNaN(this.times[0]) ? 0 : this.times[0];
    const fl = f.flow;
    if (fl === null) {
      if (!Number.isNaN(f.ethSrc)) this.conv.eth.add(f, f.ethSrc, f.ethDst, undefined, undefined, t0);
      return this.rest(f, d);
    }
    // IP packets: rows come from the shared flow cache; a miss (or a full table) looks them up
    if (!Number.isNaN(f.ethSrc)) {
      const es = f.ethSrc, ed = f.ethDst;
      let c = fl.ethConv as ConvRow | undefined;
      if (c === undefined || !((fl.ethA === es && fl.ethB === ed) || (fl.ethA === ed && fl.ethB === es))) {
        c = this.conv.eth.row(f, es, ed, undefined, undefined, t0);
        fl.ethConv = c; fl.ethA = es; fl.ethB = ed;
        if (c !== undefined) fl.ethFwdA = c.srcKey === es;
      }
      // direction from the cached comparison: comparing the MAC (a double) with the row's key field would box it
      if (c !== undefined) this.conv.eth.count(c, f, es === fl.ethA ? fl.ethFwdA : !fl.ethFwdA, t0);
    }
    if (f.src !== undefined && f.dst !== undefined) {
      const ipt = f.ipVersion === 4 ? this.conv.ipv4 : this.conv.ipv6;
      let c = fl.ipConv as ConvRow | undefined;
      if (c === undefined) fl.ipConv = c = ipt.row(f, f.src, f.dst, undefined, undefined, t0);
      if (c !== undefined) ipt.count(c, f, c.srcKey === f.src, t0);
      if (f.transport && f.srcPort !== undefined && f.dstPort !== undefined) {
        const lt = f.transport === 'tcp' ? this.conv.tcp : this.conv.udp;
        let l = fl.l4Conv as ConvRow | undefined;
        if (l === undefined) fl.l4Conv = l = lt.row(f, f.src, f.dst, f.srcPort, f.dstPort, t0);
        if (l !== undefined) lt.count(l, f, l.srcKey === f.src && l.portA === f.srcPort, t0);
      }
    }
    this.rest(f, d);
  }

  private rest(f: PacketFacts, d: Dissection): void {
    this.hierarchy.addLayers(d, f.len);
    this.io.add(f.ts, f.len, d);
    this.http.add(f);
    this.logins.add(f.src, f.dst, d);
    this.processes.add(f);
  }

  private withUsers(rows: EndpointRow[]): EndpointRow[] {
    for (const r of rows) { const u = this.logins.usersOf(r.address); if (u) r.users = u; }
    return rows;
  }

  snapshot(alerts: Alert[] = []): StatsSnapshot {
    const n = this.snapshotRows;
    const io = this.io.data();
    const has = !Number.isNaN(this.times[0]);
    const firstTs = this.times[0], lastTs = this.times[1];
    return {
      summary: {
        packets: this.packets, bytes: this.bytes, firstTs: has ? firstTs : null, lastTs: has ? lastTs : null,
        durationSec: has ? lastTs - firstTs : 0,
      },
      conversations: {
        eth: this.conv.eth.table(n), ipv4: this.conv.ipv4.table(n), ipv6: this.conv.ipv6.table(n), tcp: this.conv.tcp.table(n), udp: this.conv.udp.table(n),
      },
      endpoints: { eth: this.conv.eth.endpoints(n), ipv4: this.withUsers(this.conv.ipv4.endpoints(n)), ipv6: this.withUsers(this.conv.ipv6.endpoints(n)) },
      overflow: Object.fromEntries([
        ...Object.entries(this.conv).map(([k, t]) => [`conversations.${k}`, t.overflow]),
        ['endpoints.users', this.logins.overflow],
      ]),
      hierarchy: this.hierarchy.tree(),
      io: {
        ...io,
        markers: alerts.filter((a) => Number.isFinite(a.firstTs)).map((a) => ({
          id: a.id, kind: a.kind, severity: a.severity, title: a.title,
          start: +(a.firstTs - io.t0).toFixed(6), end: +((Number.isFinite(a.lastTs) ? a.lastTs : a.firstTs) - io.t0).toFixed(6),
        })),
      },
      http: this.http.snapshot(50),
      processes: this.processes.table(n),
      unattributed: this.processes.unattributed,
    };
  }
}
