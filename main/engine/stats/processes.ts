// Statistics → Processes: per local process (live attribution, or a saved
// capture that kept it), its packets and bytes each way, the remote
// endpoints it talked to and the services (TLS SNI, HTTP Host) it named.
// Bounded: at most MAX_PROCESSES rows, each with capped sets.
import type { ProcessInfo } from '../types';
import type { PacketFacts } from '../insights/facts';
import { CappedSet } from '../insights/sketch';
import { cmdlineOf, containerId } from '../dissect/proc';
import type { ProcessRow, TrafficCounts } from '../../api/insights';

const MAX_PROCESSES = 10_000;
const MAX_REMOTES = 256;
const MAX_SERVICES = 64;

interface Row extends TrafficCounts {
  p: ProcessInfo;
  remotes: CappedSet<string>;
  services: CappedSet<string>;
  firstTs: number;
  lastTs: number;
}

const endpoint = (addr: string, port: number | undefined): string =>
  port === undefined ? addr : addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;

export class ProcessStats {
  /** by description object: one per process and change (the capture's decoder shares them) */
  private readonly rows = new Map<ProcessInfo, Row>();
  /** packets of processes beyond MAX_PROCESSES */
  overflow = 0;
  /** packets attribution ran for and found no process */
  unattributed = 0;

  add(f: PacketFacts): void {
    const pkt = f.d.packet;
    const p = pkt.proc;
    if (!p) {
      if (pkt.procAttr !== undefined) this.unattributed++;
      return;
    }
    let r = this.rows.get(p);
    if (!r) {
      if (this.rows.size >= MAX_PROCESSES) { this.overflow++; return; }
      r = { p, packets: 0, bytes: 0, txPackets: 0, txBytes: 0, rxPackets: 0, rxBytes: 0, remotes: new CappedSet(MAX_REMOTES), services: new CappedSet(MAX_SERVICES), firstTs: f.ts, lastTs: f.ts };
      this.rows.set(p, r);
    }
    r.packets++;
    r.bytes += f.len;
    r.lastTs = f.ts;
    const inbound = ((pkt.flags ?? 0) & 3) === 1;
    if (inbound) { r.rxPackets++; r.rxBytes += f.len; } else { r.txPackets++; r.txBytes += f.len; }
    if (f.src !== undefined && f.dst !== undefined) r.remotes.add(inbound ? endpoint(f.src, f.srcPort) : endpoint(f.dst, f.dstPort));
    if (f.sni) r.services.add(f.sni);
    if (f.httpHost && f.httpRequest) r.services.add(f.httpHost);
  }

  /** Rows by bytes, largest first. */
  table(n: number): ProcessRow[] {
    return [...this.rows.values()].sort((a, b) => b.bytes - a.bytes).slice(0, n).map((r) => ({
      pid: r.p.pid, name: r.p.name, exepath: r.p.exepath, cmdline: r.p.argv.length ? cmdlineOf(r.p) : '', uid: r.p.uid, user: r.p.user,
      container: containerId(r.p.container),
      packets: r.packets, bytes: r.bytes, txPackets: r.txPackets, txBytes: r.txBytes, rxPackets: r.rxPackets, rxBytes: r.rxBytes,
      remotes: [...r.remotes.items], remotesSaturated: r.remotes.saturated, services: [...r.services.items],
      firstTs: r.firstTs, lastTs: r.lastTs,
      filter: `proc.pid == ${r.p.pid}${r.p.name ? ` && proc.name == ${JSON.stringify(r.p.name)}` : ''}`,
    }));
  }
}
