// TCP connection attempts: SYNs per source and whether their handshakes
// complete. From them: port scans (one source, many ports or hosts, mostly
// unanswered), brute force (one source, many new connections to one
// authentication service) and SYN floods (many sources, half-open
// connections to one target). Windows are tumbling: counters restart after
// `windowSec` unless an alert is open, which then runs until the source has
// been quiet for `windowSec`. Slow scans (nmap -T1/-T2: a probe every 15 s)
// never fill a minute's window, so sources are also counted over a long one
// (`slowScan.windowSec`, an hour), with a stricter unanswered share.
//
// Brute force here is the connection pattern: many new connections to a
// service where each login attempt is a connection (SSH, Telnet, RDP, VNC,
// FTP). Services whose clients open many connections anyway (SMB, LDAP, mail,
// databases) are judged by their decoded login failures instead
// (login-failures.ts), so an ordinary SMB file transfer raises nothing.
//
// The evidence behind a connection-pattern brute force is its sessions, as
// Zeek's SSH heuristics read them: per completed connection to an
// authentication port, whether it reached authentication (SSH: the client's
// NEWKEYS, the end of key exchange; other services: data both ways) and how
// long it lasted until FIN or RST. Password guessing is many sessions that
// reach authentication and close within `bruteForce.shortSessionSec`; a
// session from the same source lasting `bruteForce.longSessionSec` or more
// after them is a login that may have succeeded (evidence of harm).
import type { Dissection } from '../../types';
import type { PacketFacts } from '../facts';
import { TCP } from '../facts';
import type { Alert } from '../alert';
import { SYN_ONLY, addrEq, frameRange, grade } from '../alert';
import type { Detector, DetectorDef, LimitSettings } from '../detector';
import { CappedSet, LruMap, TopK } from '../sketch';
import type { InsightsSettings } from '../../../api/insights';

/** the settings sections this detector reads (their shape is the API's) */
export type ConnectionSettings = Pick<InsightsSettings, 'scan' | 'slowScan' | 'bruteForce' | 'synFlood'>;

export const connections: DetectorDef<ConnectionSettings, 'port-scan' | 'brute-force' | 'syn-flood'> = {
  id: 'connections',
  kinds: ['port-scan', 'brute-force', 'syn-flood'],
  defaults: () => ({
    scan: { enabled: true, windowSec: 60, minPorts: 20, minHosts: 20, minUnansweredShare: 0.5 },
    slowScan: { enabled: true, windowSec: 3600, minPorts: 15, minHosts: 15, minUnansweredShare: 0.8 },
    bruteForce: {
      enabled: true, windowSec: 60, minAttempts: 10,
      authPorts: [21, 22, 23, 3389, 5900],
      shortSessionSec: 30, longSessionSec: 120,
    },
    synFlood: { enabled: true, windowSec: 10, minHalfOpen: 100, minSources: 10 },
  }),
  create: ({ settings, maxAlerts }) => new ConnectionDetector(settings, maxAlerts),
};

// module-level copies: imported bindings read per packet cost an export-getter call each
const SYN = TCP.SYN, ACK = TCP.ACK, RST = TCP.RST, FIN = TCP.FIN;

/** A completed connection to an authentication port, followed until it closes. */
interface Session {
  brute: BruteWin;
  client: string;
  start: number;
  lastTs: number;
  clientData: boolean;
  serverData: boolean;
  /** SSH: the client sent NEWKEYS (key exchange done: authentication follows) */
  kex: boolean;
}

const SERVICE_NAMES: Record<number, string> = {
  21: 'FTP', 22: 'SSH', 23: 'Telnet', 25: 'SMTP', 110: 'POP3', 143: 'IMAP', 389: 'LDAP', 445: 'SMB', 465: 'SMTPS',
  587: 'SMTP submission', 993: 'IMAPS', 995: 'POP3S', 1433: 'MS SQL', 3306: 'MySQL', 3389: 'RDP', 5432: 'PostgreSQL',
  5900: 'VNC', 5985: 'WinRM', 5986: 'WinRM',
};

/**
 * Per-source sets stop growing here (counts then read "256+"): thresholds are
 * tens, and 4096 tracked sources × a few sets must stay small.
 */
const SET_CAP = 256;

interface Handshake {
  /** the LruMap key: a serial number (the client index finds handshakes by address and ports) */
  id: number;
  /** the brute-force and SYN-flood group keys, once built at the SYN (settling reuses them) */
  bruteKey: string | null;
  targetKey: string | null;
  src: string;
  dst: string;
  sport: number;
  dport: number;
  synAck: boolean;
  /** next handshake of the same client on the same port pair (other servers: a horizontal scan reuses its source port) */
  next: Handshake | null;
}

/** A client's pending handshakes by port pair (numeric key: no string is built for the SYN-ACK, RST or ACK lookups). */
type PendingByPorts = Map<number, Handshake>;
const portsKey = (sport: number, dport: number): number => sport * 65536 + dport;

/** What every tracked group (source, source→service, target) counts. */
interface Window {
  start: number;
  lastTs: number;
  firstFrame: number;
  lastFrame: number;
  /** SYN packets (retransmissions included): what the alert's filter selects */
  synPackets: number;
  synBytes: number;
  /** distinct connection attempts */
  attempts: number;
  completed: number;
  refused: number;
  /** set once the window crossed its threshold; the Alert itself is built on demand */
  alertId: string | null;
}

interface SourceWin extends Window {
  type: 'scan';
  /** counted over slowScan.windowSec */
  slow: boolean;
  src: string;
  ports: CappedSet<number>;
  hosts: CappedSet<string>;
  /** distinct hosts per destination port, for horizontal scans (first 8 ports) */
  hostsByPort: Map<number, CappedSet<string>>;
}

interface BruteWin extends Window {
  type: 'brute';
  src: string;
  dst: string;
  port: number;
  /** sessions that closed, that reached authentication, that were short after reaching it, and long ones */
  closed: number;
  authSessions: number;
  shortSessions: number;
  longSessions: number;
  /** durations of closed sessions (the first 64) */
  durations: number[];
  /** the longest session seen after the window reached minAttempts, seconds */
  longAfter: number;
}

interface TargetWin extends Window {
  type: 'flood';
  dst: string;
  port: number;
  sources: CappedSet<string>;
  top: TopK;
}

type AnyWin = SourceWin | BruteWin | TargetWin;

function newWindow(f: PacketFacts): Window {
  return { start: f.ts, lastTs: f.ts, firstFrame: f.frame, lastFrame: f.frame, synPackets: 0, synBytes: 0, attempts: 0, completed: 0, refused: 0, alertId: null };
}

export class ConnectionDetector implements Detector {
  private readonly handshakes: LruMap<number, Handshake>;
  private handshakeIds = 0;
  private readonly sources: LruMap<string, SourceWin>;
  private readonly slow: LruMap<string, SourceWin>;
  private readonly brute: LruMap<string, BruteWin>;
  private readonly targets: LruMap<string, TargetWin>;
  private readonly authPorts: Set<number>;
  /** open sessions to authentication ports, by client:port>server:port */
  private readonly sessions: LruMap<string, Session>;
  private readonly done: Alert[] = [];
  private seq = 0;

  constructor(private readonly s: ConnectionSettings & { limits: LimitSettings }, private readonly maxAlerts: number) {
    const lim = s.limits;
    this.handshakes = new LruMap(lim.maxHandshakes, (_k, h) => this.unpend(h));
    this.sources = new LruMap(lim.maxSources, (_k, w) => this.retire(w));
    this.slow = new LruMap(lim.maxSources, (_k, w) => this.retire(w));
    this.brute = new LruMap(lim.maxSources, (_k, w) => this.retire(w));
    this.targets = new LruMap(lim.maxSources, (_k, w) => this.retire(w));
    this.authPorts = new Set(s.bruteForce.authPorts);
    this.sessions = new LruMap(Math.max(1024, lim.maxSources * 4));
  }

  /** the handshakes of `handshakes`, by client then port pair: pure ACKs from clients with nothing pending cost one lookup */
  private readonly pending = new Map<string, PendingByPorts>();

  /** The pending handshake client:cport → server:sport, if any. */
  private findPending(client: string, cport: number, server: string, sport: number): Handshake | undefined {
    const m = this.pending.get(client);
    if (m === undefined) return undefined;
    for (let h = m.get(portsKey(cport, sport)) ?? null; h !== null; h = h.next) if (h.dst === server) return h;
    return undefined;
  }

  private addPending(h: Handshake): void {
    let m = this.pending.get(h.src);
    if (m === undefined) this.pending.set(h.src, (m = new Map()));
    const k = portsKey(h.sport, h.dport);
    h.next = m.get(k) ?? null;
    m.set(k, h);
  }

  /** Takes a handshake out of the client index (it left `handshakes`: evicted, refused or completed). */
  private unpend(h: Handshake): void {
    const m = this.pending.get(h.src);
    if (m === undefined) return;
    const k = portsKey(h.sport, h.dport);
    let cur = m.get(k) ?? null, prev: Handshake | null = null;
    while (cur !== null && cur !== h) { prev = cur; cur = cur.next; }
    if (cur === null) return;
    if (prev !== null) prev.next = h.next;
    else if (h.next !== null) m.set(k, h.next);
    else { m.delete(k); if (m.size === 0) this.pending.delete(h.src); }
    h.next = null;
  }

  private retire(w: AnyWin): void {
    if (w.alertId && this.done.length < this.maxAlerts) this.done.push(this.build(w, false));
    w.alertId = null;
  }

  private build(w: AnyWin, ongoing: boolean): Alert {
    const a = w.type === 'scan' ? this.scanAlert(w) : w.type === 'brute' ? this.bruteAlert(w) : this.floodAlert(w);
    a.ongoing = ongoing;
    return a;
  }

  /** Whether the window has run out: then its alert (if any) is final and counting restarts. */
  private expired(w: Window, ts: number, windowSec: number): boolean {
    return w.alertId ? ts - w.lastTs > windowSec : ts - w.start > windowSec;
  }

  add(f: PacketFacts, d: Dissection): void {
    if (f.transport !== 'tcp' || f.src === undefined || f.dst === undefined || Number.isNaN(f.ts)) return;
    const fl = f.tcpFlags;
    const syn = (fl & SYN) !== 0, ack = (fl & ACK) !== 0, rst = (fl & RST) !== 0;
    if (syn && !ack) { this.onSyn(f); return; }
    const sport = f.srcPort as number, dport = f.dstPort as number;
    if (this.sessions.size !== 0 && (this.authPorts.has(dport) || this.authPorts.has(sport))) this.onSession(f, d, sport, dport, (fl & (FIN | RST)) !== 0);
    if (this.handshakes.size === 0) return;
    if (syn && ack) {
      const h = this.findPending(f.dst, dport, f.src, sport);
      if (h) h.synAck = true;
    } else if (rst) {
      const h = this.findPending(f.dst, dport, f.src, sport);
      if (h) {
        this.handshakes.delete(h.id);
        this.unpend(h);
        this.settle(h, false);
      }
    } else if (ack && f.payloadLen === 0) {
      // The client's ACK completes the handshake, whether or not the SYN-ACK was
      // captured (XDP sees one direction only). It carries no data, so data
      // segments skip the lookup.
      const h = this.findPending(f.src, sport, f.dst, dport);
      if (h) {
        this.handshakes.delete(h.id);
        this.unpend(h);
        this.settle(h, true, f.ts);
      }
    }
  }

  private settle(h: Handshake, completed: boolean, ts = NaN): void {
    // group keys are null when the SYN opened no such group (port not an authentication service, detector off)
    this.tally(this.sources.get(h.src), completed);
    this.tally(this.slow.get(h.src), completed);
    if (h.bruteKey !== null) {
      const bw = this.brute.get(h.bruteKey);
      this.tally(bw, completed);
      if (completed && bw !== undefined && !Number.isNaN(ts)) {
        this.sessions.set(`${h.src}:${h.sport}>${h.dst}:${h.dport}`, { brute: bw, client: h.src, start: ts, lastTs: ts, clientData: false, serverData: false, kex: false });
      }
    }
    if (h.targetKey !== null) this.tally(this.targets.get(h.targetKey), completed);
  }

  private tally(w: Window | undefined, completed: boolean): void {
    if (w === undefined) return;
    if (completed) w.completed++; else w.refused++;
  }

  /** A packet of a connection to an authentication port: data each way, SSH's key exchange, and its close. */
  private onSession(f: PacketFacts, d: Dissection, sport: number, dport: number, closing: boolean): void {
    const fromClient = this.authPorts.has(dport);
    const key = fromClient ? `${f.src}:${sport}>${f.dst}:${dport}` : `${f.dst}:${dport}>${f.src}:${sport}`;
    const ss = this.sessions.get(key);
    if (ss === undefined) return;
    ss.lastTs = f.ts;
    if (f.payloadLen > 0) {
      if (fromClient) {
        ss.clientData = true;
        if (!ss.kex && (fromClient ? dport : sport) === 22) {
          for (const fd of d.fields) if (fd.name === 'ssh.message_code' && fd.value === 21) { ss.kex = true; break; }
        }
      } else ss.serverData = true;
    }
    if (closing) { this.sessions.delete(key); this.closeSession(ss, f.ts); }
  }

  private closeSession(ss: Session, ts: number): void {
    const w = ss.brute, c = this.s.bruteForce;
    const secs = Math.max(ts - ss.start, 0);
    // (a window retired meanwhile has its alert built already: counting into it changes nothing)
    w.closed++;
    if (w.durations.length < 64) w.durations.push(secs);
    const reached = w.port === 22 ? ss.kex : ss.clientData && ss.serverData;
    if (reached) w.authSessions++;
    // long wins over short when the settings overlap (longSessionSec below shortSessionSec)
    if (secs >= c.longSessionSec) {
      w.longSessions++;
      if (w.shortSessions >= c.minAttempts) w.longAfter = Math.max(w.longAfter, secs);
    } else if (reached && secs < c.shortSessionSec) w.shortSessions++;
  }

  private onSyn(f: PacketFacts): void {
    const src = f.src as string, dst = f.dst as string, dport = f.dstPort ?? 0;
    const sport = f.srcPort ?? 0;
    let h = this.findPending(src, sport, dst, dport);
    const isNew = h === undefined;
    if (h === undefined) {
      h = { id: ++this.handshakeIds, bruteKey: null, targetKey: null, src, dst, sport, dport, synAck: false, next: null };
      this.handshakes.set(h.id, h);
      this.addPending(h);
    }
    const s = this.s;

    if (s.scan.enabled) this.scanSyn(this.sources, false, f, isNew);
    if (s.slowScan.enabled) this.scanSyn(this.slow, true, f, isNew);
    if (s.bruteForce.enabled && this.authPorts.has(dport)) {
      const bk = (h.bruteKey ??= `${src}>${dst}:${dport}`);
      let w = this.brute.touch(bk);
      if (w && this.expired(w, f.ts, s.bruteForce.windowSec)) { this.retire(w); w = undefined; }
      if (!w) { w = { ...newWindow(f), type: 'brute', src, dst, port: dport, closed: 0, authSessions: 0, shortSessions: 0, longSessions: 0, durations: [], longAfter: 0 }; this.brute.set(bk, w); }
      this.count(w, f, isNew);
      if (!w.alertId && w.attempts >= s.bruteForce.minAttempts) w.alertId = `brute-force:${bk}:${++this.seq}`;
    }
    if (s.synFlood.enabled) {
      const tk = (h.targetKey ??= `${dst}:${dport}`);
      let w = this.targets.touch(tk);
      if (w && this.expired(w, f.ts, s.synFlood.windowSec)) { this.retire(w); w = undefined; }
      if (!w) { w = { ...newWindow(f), type: 'flood', dst, port: dport, sources: new CappedSet(Math.max(SET_CAP * 4, s.synFlood.minSources)), top: new TopK(32) }; this.targets.set(tk, w); }
      this.count(w, f, isNew);
      w.sources.add(src);
      w.top.add(src);
      if (!w.alertId && w.attempts - w.completed >= s.synFlood.minHalfOpen && w.sources.size >= s.synFlood.minSources) w.alertId = `syn-flood:${tk}:${++this.seq}`;
    }
  }

  private scanSyn(m: LruMap<string, SourceWin>, slow: boolean, f: PacketFacts, isNew: boolean): void {
    const src = f.src as string, dst = f.dst as string, dport = f.dstPort ?? 0;
    const c = slow ? this.s.slowScan : this.s.scan;
    let w = m.touch(src);
    if (w && this.expired(w, f.ts, c.windowSec)) { this.retire(w); w = undefined; }
    if (!w) {
      w = { ...newWindow(f), type: 'scan', slow, src, ports: new CappedSet(Math.max(SET_CAP, c.minPorts)), hosts: new CappedSet(Math.max(SET_CAP, c.minHosts)), hostsByPort: new Map() };
      m.set(src, w);
    }
    this.count(w, f, isNew);
    w.ports.add(dport);
    w.hosts.add(dst);
    let hp = w.hostsByPort.get(dport);
    if (!hp && w.hostsByPort.size < 8) w.hostsByPort.set(dport, (hp = new CappedSet(Math.max(SET_CAP / 4, c.minHosts))));
    hp?.add(dst);
    if (!w.alertId && this.scanCrossed(w)) w.alertId = `${slow ? 'slow-scan' : 'port-scan'}:${src}:${++this.seq}`;
  }

  private count(w: Window, f: PacketFacts, isNew: boolean): void {
    if (w.synPackets === 0) { w.firstFrame = f.frame; w.start = f.ts; }
    w.synPackets++;
    w.synBytes += f.len;
    w.lastFrame = f.frame;
    w.lastTs = f.ts;
    if (isNew) w.attempts++;
  }

  private base(w: Window): Pick<Alert, 'id' | 'firstTs' | 'lastTs' | 'firstFrame' | 'lastFrame' | 'packets' | 'bytes' | 'ongoing'> {
    return { id: w.alertId as string, firstTs: w.start, lastTs: w.lastTs, firstFrame: w.firstFrame, lastFrame: w.lastFrame, packets: w.synPackets, bytes: w.synBytes, ongoing: true };
  }

  private maxHostsOnPort(w: SourceWin): [port: number, hosts: number] {
    let maxHostsPort = 0, maxHosts = 0;
    for (const [p, hs] of w.hostsByPort) if (hs.size > maxHosts) { maxHosts = hs.size; maxHostsPort = p; }
    return [maxHostsPort, maxHosts];
  }

  private scanCrossed(w: SourceWin): boolean {
    const c = w.slow ? this.s.slowScan : this.s.scan;
    if (w.ports.size < c.minPorts && w.hosts.size < c.minHosts) return false;
    const vertical = w.ports.size >= c.minPorts;
    const horizontal = this.maxHostsOnPort(w)[1] >= c.minHosts;
    return (vertical || horizontal) && w.attempts - w.completed >= c.minUnansweredShare * w.attempts;
  }

  private scanAlert(w: SourceWin): Alert {
    const c = w.slow ? this.s.slowScan : this.s.scan;
    const section = w.slow ? 'slowScan' : 'scan';
    const [maxHostsPort, maxHosts] = this.maxHostsOnPort(w);
    const vertical = w.ports.size >= c.minPorts;
    const horizontal = maxHosts >= c.minHosts;
    const unanswered = w.attempts - w.completed;
    const secs = Math.max(w.lastTs - w.start, 0);
    const hostList = [...w.hosts.items].slice(0, 5);
    const detail = [
      `${w.src} sent SYNs to ${w.ports.label()} distinct port${w.ports.size === 1 ? '' : 's'} on ${w.hosts.label()} host${w.hosts.size === 1 ? '' : 's'} in ${secs.toFixed(1)} s`,
      `${w.attempts} attempts: ${w.completed} completed a handshake, ${w.refused} refused (RST), ${w.attempts - w.completed - w.refused} unanswered`,
      horizontal ? `port ${maxHostsPort} tried on ${maxHosts} hosts` : `ports ${describePorts([...w.ports.items])}`,
    ].join('; ');
    return {
      ...this.base(w),
      kind: 'port-scan',
      severity: w.ports.size >= 100 || maxHosts >= 100 ? 'high' : 'medium',
      title: `${w.slow ? 'Slow ' : ''}${vertical ? 'Port scan' : 'Host sweep'} from ${w.src} (${vertical ? `${w.ports.label()} ports` : `${maxHosts} hosts on port ${maxHostsPort}`}${w.slow ? ` over ${fmtDuration(secs)}` : ''})`,
      detail,
      endpoints: [{ role: 'source', address: w.src, packets: w.synPackets }, ...hostList.map((h) => ({ role: 'target' as const, address: h }))],
      metrics: {
        distinctPorts: w.ports.size, distinctHosts: w.hosts.size, maxHostsOnOnePort: maxHosts, attempts: w.attempts, completed: w.completed,
        refused: w.refused, unanswered: w.attempts - w.completed - w.refused, synPackets: w.synPackets, durationSec: +secs.toFixed(3),
      },
      thresholds: [
        vertical
          ? { metric: 'distinct destination ports from one source', observed: w.ports.size, threshold: c.minPorts, setting: `${section}.minPorts` }
          : { metric: `distinct hosts on port ${maxHostsPort} from one source`, observed: maxHosts, threshold: c.minHosts, setting: `${section}.minHosts` },
        { metric: 'share of attempts without a completed handshake', observed: w.attempts ? +(unanswered / w.attempts).toFixed(3) : 0, threshold: c.minUnansweredShare, setting: `${section}.minUnansweredShare` },
      ],
      filter: `${addrEq('src', w.src)} && ${SYN_ONLY} && ${frameRange(w.firstFrame, w.lastFrame)}`,
    };
  }

  private bruteAlert(w: BruteWin): Alert {
    const c = this.s.bruteForce;
    const secs = Math.max(w.lastTs - w.start, 0);
    const svc = SERVICE_NAMES[w.port] ?? `port ${w.port}`;
    const reached = w.port === 22 ? 'reached key exchange (NEWKEYS)' : 'exchanged data both ways';
    const median = medianOf(w.durations);
    return {
      ...this.base(w),
      kind: 'brute-force',
      // the connection pattern alone is no proof of a password guessed: magnitude and persistence raise it, a long session after the failures is harm
      severity: grade('low', { magnitude: w.attempts >= 10 * c.minAttempts, persistence: secs >= 300, harm: w.longAfter > 0 }),
      title: `Brute force against ${svc} on ${w.dst} from ${w.src}`,
      detail: `${w.src} opened ${w.attempts} new connections to ${w.dst}:${w.port} (${svc}) in ${secs.toFixed(1)} s` +
        ` (${(w.attempts / Math.max(secs, 1)).toFixed(1)}/s); ${w.completed} completed a handshake, ${w.refused} refused, ${w.attempts - w.completed - w.refused} unanswered` +
        (w.closed ? `; of ${w.closed} sessions closed, ${w.authSessions} ${reached} and ${w.shortSessions} of those closed within ${c.shortSessionSec} s (median session ${median.toFixed(1)} s)` : '') +
        (w.longAfter > 0 ? `; then a session of ${w.longAfter.toFixed(0)} s: a login that may have succeeded` : ''),
      endpoints: [{ role: 'source', address: w.src, packets: w.synPackets }, { role: 'target', address: w.dst, port: w.port }],
      metrics: {
        attempts: w.attempts, completed: w.completed, refused: w.refused, synPackets: w.synPackets, durationSec: +secs.toFixed(3), service: svc,
        sessionsClosed: w.closed, authSessions: w.authSessions, shortSessions: w.shortSessions, longSessions: w.longSessions,
        medianSessionSec: +median.toFixed(3), longSessionAfterSec: +w.longAfter.toFixed(3),
      },
      thresholds: [{ metric: `new connections from one source to ${svc}`, observed: w.attempts, threshold: c.minAttempts, setting: 'bruteForce.minAttempts' }],
      filter: `${addrEq('src', w.src)} && ${addrEq('dst', w.dst)} && tcp.dstport == ${w.port} && ${SYN_ONLY} && ${frameRange(w.firstFrame, w.lastFrame)}`,
    };
  }

  private floodAlert(w: TargetWin): Alert {
    const c = this.s.synFlood;
    const halfOpen = w.attempts - w.completed;
    const secs = Math.max(w.lastTs - w.start, 0);
    const top = w.top.top(5);
    return {
      ...this.base(w),
      kind: 'syn-flood',
      severity: 'high',
      title: `SYN flood against ${w.dst}:${w.port} from ${w.sources.label()} sources`,
      detail: `${w.synPackets} SYNs to ${w.dst}:${w.port} in ${secs.toFixed(1)} s from ${w.sources.label()} distinct sources` +
        `${w.sources.size >= 2 * c.minSources && top[0] && top[0].count <= 2 ? ' (one or two SYNs each: likely spoofed)' : ''}` +
        `; ${halfOpen} of ${w.attempts} handshakes left half-open (${w.completed} completed, ${w.refused} refused)` +
        (top.length ? `; top sources ${top.map((t) => `${t.key} (${t.count})`).join(', ')}` : ''),
      endpoints: [{ role: 'target', address: w.dst, port: w.port, packets: w.synPackets }, ...top.map((t) => ({ role: 'source' as const, address: t.key, packets: t.count }))],
      metrics: { synPackets: w.synPackets, attempts: w.attempts, halfOpen, completed: w.completed, refused: w.refused, distinctSources: w.sources.size, durationSec: +secs.toFixed(3) },
      thresholds: [
        { metric: `half-open connections to ${w.dst}:${w.port}`, observed: halfOpen, threshold: c.minHalfOpen, setting: 'synFlood.minHalfOpen' },
        { metric: 'distinct sources', observed: w.sources.size, threshold: c.minSources, setting: 'synFlood.minSources' },
      ],
      filter: `${addrEq('dst', w.dst)} && tcp.dstport == ${w.port} && ${SYN_ONLY} && ${frameRange(w.firstFrame, w.lastFrame)}`,
    };
  }

  alerts(): Alert[] {
    const live: Alert[] = [];
    for (const m of [this.sources, this.slow, this.brute, this.targets] as Array<LruMap<string, AnyWin>>) {
      for (const w of m.map.values()) if (w.alertId) live.push(this.build(w, !this.flushed));
    }
    const all = this.done.concat(live);
    // a slow-scan window holding a fast scan of the same source says nothing more
    const fast = all.filter((a) => a.id.startsWith('port-scan:'));
    return all.filter((a) => !a.id.startsWith('slow-scan:') ||
      !fast.some((x) => x.endpoints[0].address === a.endpoints[0].address && x.firstFrame <= a.lastFrame && x.lastFrame >= a.firstFrame));
  }

  private flushed = false;
  /** End of input: alerts still open are final; a session still open that lasted long counts as long. */
  flush(): void {
    for (const ss of this.sessions.map.values()) if (ss.lastTs - ss.start >= this.s.bruteForce.longSessionSec) this.closeSession(ss, ss.lastTs);
    this.sessions.map.clear();
    this.flushed = true;
  }
}

function medianOf(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function fmtDuration(sec: number): string {
  return sec >= 3600 ? `${(sec / 3600).toFixed(1)} h` : sec >= 60 ? `${Math.round(sec / 60)} min` : `${Math.round(sec)} s`;
}

/** '1-100, 443, 8080' from a set of ports. */
export function describePorts(ports: number[], max = 12): string {
  const p = [...ports].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < p.length;) {
    let j = i;
    while (j + 1 < p.length && p[j + 1] === p[j] + 1) j++;
    parts.push(i === j ? String(p[i]) : `${p[i]}-${p[j]}`);
    i = j + 1;
  }
  return parts.length > max ? `${parts.slice(0, max).join(', ')}, …` : parts.join(', ');
}
