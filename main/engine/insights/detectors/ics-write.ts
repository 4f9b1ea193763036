// Unexpected ICS writes: a host writing to, or controlling, an industrial
// device (PLC, RTU, outstation) it never wrote to before. Over the fact "ICS
// write/control operation" (ics.ts: Modbus today; DNP3, S7comm, IEC 104,
// CIP and BACnet the day their decoders add the fields it names). For the
// first `warmupSec` of traffic the writers of each device are learned (the
// HMI, the SCADA master); after that, a write from any other host opens an
// alert for that writer, device and protocol, counting its writes and how
// many the device accepted (answered without an exception) until
// `windowSec` of quiet. The learned writers go into the settings
// (`icsWrite.learned`), so a saved session or `insights --settings` judges
// from the first packet. `allowedWriters` (engineering workstations) never
// alert. Severity: low (a named rule matched), raised by magnitude (≥
// `manyWrites` writes), persistence (≥ 10 min) and evidence of harm (a
// control operation — operate, stop, restart, download — or a write the
// device accepted).
import type { Dissection } from '../../types';
import type { Alert } from '../alert';
import { addrEq, frameRange, grade, singleIp } from '../alert';
import type { DetectorDef, LimitSettings } from '../detector';
import type { PacketFacts } from '../facts';
import { icsOperation, icsRequestClause, type IcsOperationRule } from '../ics';
import { WindowedDetector } from '../windowed';
import type { InsightsSettings } from '../../../api/insights';

export type IcsWriteSettings = InsightsSettings['icsWrite'];

export const icsWrite: DetectorDef<{ icsWrite: IcsWriteSettings }, 'ics-write'> = {
  id: 'ics-write',
  kinds: ['ics-write'],
  defaults: () => ({ icsWrite: { enabled: true, warmupSec: 300, allowedWriters: [], manyWrites: 50, windowSec: 3600, maxDevices: 1024, learned: null } }),
  create: ({ settings, maxAlerts }) => new IcsWriteDetector(settings, maxAlerts),
};

const MAX_WRITERS = 64;

interface Episode {
  id: string | null;
  writer: string;
  device: string;
  rule: IcsOperationRule;
  firstTs: number;
  lastTs: number;
  firstFrame: number;
  lastFrame: number;
  writes: number;
  bytes: number;
  controls: number;
  accepted: number;
  refused: number;
  /** operation names, first seen first */
  names: string[];
}

export class IcsWriteDetector extends WindowedDetector<Episode> {
  private readonly writers: Record<string, string[]>;
  private readonly allowed: Set<string>;
  private learning: boolean;
  private start = NaN;

  constructor(private readonly s: { icsWrite: IcsWriteSettings; limits: LimitSettings }, maxAlerts: number) {
    super(s.limits.maxSources, maxAlerts);
    const learned = s.icsWrite.learned;
    this.writers = learned ? structuredClone(learned.writers) : {};
    this.learning = learned === null && s.icsWrite.warmupSec > 0;
    this.allowed = new Set(s.icsWrite.allowedWriters);
  }

  add(f: PacketFacts, d: Dissection): void {
    const c = this.s.icsWrite;
    if (!c.enabled || f.src === undefined || f.dst === undefined || Number.isNaN(f.ts)) return;
    if (Number.isNaN(this.start)) this.start = f.ts;
    if (this.learning && f.ts - this.start > c.warmupSec) this.finishLearning(f.ts);
    if (f.payloadLen === 0) return;
    const op = icsOperation(f, d);
    if (op === null) return;
    if (op.direction === 'response') {
      // the device's answer to a write we count: accepted, or refused with the protocol's error
      const w = this.wins.get(`${f.dst}>${f.src}|${op.rule.protocol}`);
      if (w !== undefined) { if (op.error) w.refused++; else w.accepted++; }
      return;
    }
    const writer = f.src, device = f.dst;
    if (this.allowed.has(writer)) return;
    const known = this.writers[device];
    if (this.learning) {
      if (known === undefined) { if (Object.keys(this.writers).length < c.maxDevices) this.writers[device] = [writer]; }
      else if (!known.includes(writer) && known.length < MAX_WRITERS) known.push(writer);
      return;
    }
    if (known?.includes(writer)) return;
    const key = `${writer}>${device}|${op.rule.protocol}`;
    let w = this.wins.touch(key);
    if (w !== undefined && f.ts - w.lastTs > c.windowSec) { this.retire(w); w = undefined; }
    if (w === undefined) {
      w = {
        id: `ics-write:${key}:${++this.seq}`, writer, device, rule: op.rule, firstTs: f.ts, lastTs: f.ts, firstFrame: f.frame, lastFrame: f.frame,
        writes: 0, bytes: 0, controls: 0, accepted: 0, refused: 0, names: [],
      };
      this.wins.set(key, w);
    }
    w.writes++;
    w.bytes += f.len;
    w.lastTs = f.ts;
    w.lastFrame = f.frame;
    if (op.control) w.controls++;
    if (!w.names.includes(op.name) && w.names.length < 16) w.names.push(op.name);
  }

  private finishLearning(ts: number): void {
    this.learning = false;
    // kept in the settings: a saved session carries it, `insights --settings` can reuse it
    this.s.icsWrite.learned = { fromTs: this.start, toTs: ts, writers: this.writers };
  }

  override flush(): void {
    // a capture shorter than the warm-up: what it held is what was learned
    if (this.learning && !Number.isNaN(this.start)) this.finishLearning(this.start + this.s.icsWrite.warmupSec);
    super.flush();
  }

  protected toAlert(w: Episode, ongoing: boolean): Alert {
    const c = this.s.icsWrite;
    const secs = Math.max(w.lastTs - w.firstTs, 0);
    const known = this.writers[w.device];
    const learned = c.learned ? `${Math.round(c.learned.toTs - c.learned.fromTs)} s of traffic` : 'no learning (warm-up 0)';
    const harm = w.controls > 0 || w.accepted > 0;
    return {
      id: w.id as string,
      kind: 'ics-write',
      severity: grade('low', { magnitude: w.writes >= c.manyWrites, persistence: secs >= 600, harm }),
      title: `Unexpected ${w.rule.protocol} ${w.controls > 0 ? 'control' : 'write'} to ${w.device} from ${w.writer} (${w.writes} operation${w.writes === 1 ? '' : 's'})`,
      detail: `${w.writer} sent ${w.device} ${w.writes} ${w.rule.protocol} write/control request${w.writes === 1 ? '' : 's'} (${w.names.join(', ')}) in ${secs.toFixed(1)} s` +
        `${w.controls ? `, ${w.controls} of them control operations` : ''}; the device accepted ${w.accepted} and refused ${w.refused} (answers seen). ` +
        (known?.length ? `Its known writers (${learned}): ${known.slice(0, 5).join(', ')}${known.length > 5 ? ', …' : ''}.` : `No host wrote to it while learning (${learned}).`),
      firstTs: w.firstTs, lastTs: w.lastTs, firstFrame: w.firstFrame, lastFrame: w.lastFrame,
      endpoints: [{ role: 'source', address: w.writer, packets: w.writes }, { role: 'target', address: w.device }],
      metrics: {
        protocol: w.rule.protocol, writes: w.writes, controlOperations: w.controls, accepted: w.accepted, refused: w.refused,
        operations: w.names.join(', '), knownWriters: known?.length ?? 0, durationSec: +secs.toFixed(3),
      },
      thresholds: [{ metric: `${w.rule.protocol} writes to ${w.device} from a host not among its learned writers`, observed: w.writes, threshold: 1, setting: 'icsWrite.learned' }],
      filter: `${addrEq('src', w.writer)} && ${addrEq('dst', w.device)} && ${singleIp(w.device)} && ${icsRequestClause(w.rule)} && ${frameRange(w.firstFrame, w.lastFrame)}`,
      packets: w.writes,
      bytes: w.bytes,
      ongoing,
    };
  }
}
