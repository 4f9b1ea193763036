// The work every decoding thread of a parallel read does per packet:
// dissect (what output/decode-plan.ts says the read needs), apply -Y,
// format the line.
import type { Dissector } from '../dissect';
import { GeoIp } from '../enrich/geoip';
import { type CompiledFilter, compileDisplayFilter } from '../filter/compile';
import { FieldsByteWriter } from '../output/fields';
import { summaryLine, tickDigits, type TimePrecision } from '../output/text';
import { readDissector } from '../output/decode-plan';
import type { GrowingSink } from '../output/writer';
import type { RawPacket } from '../types';
import type { ReadJob } from './protocol';

export class LineMaker {
  private readonly filter: CompiledFilter | null = null;
  private readonly dis: Dissector;
  private readonly fb: FieldsByteWriter | null;
  /** -T text's Time digits: the job's, or per interface (pcapng: setUnits, or the reading thread's file) */
  precision: TimePrecision;

  constructor(job: ReadJob, geoip?: GeoIp | null) {
    if (job.filter !== null) {
      const r = compileDisplayFilter(job.filter);
      if (!r.ok) throw new Error(`-Y: ${r.error.message}`);
      this.filter = r.filter;
    }
    if (geoip === undefined) geoip = job.geoip === null ? null : job.geoip === undefined ? undefined : GeoIp.open(job.geoip);
    this.dis = readDissector(job.format, job.options.fields, this.filter, geoip, { decodeAs: job.decodeAs ?? [] });
    this.fb = job.format === 'fields' ? new FieldsByteWriter(job.options).bindSlots(this.dis.wantedNames()) : null;
    this.filter?.bindSlots(this.dis.wantedNames());
    this.precision = job.nano;
  }

  /** Times as each pcapng interface's tick says (a batch's units). */
  setUnits(units: ReadonlyArray<number | null>): void {
    this.precision = (id) => tickDigits(units[id] ?? undefined);
  }

  /**
   * Appends p's line to sink and returns its length, 0 when -Y drops the
   * packet. first/prev: the capture's first arrival time and the previous
   * timed packet's, whichever thread decoded it.
   */
  line(p: RawPacket, first: bigint | null, prev: bigint | null, sink: GrowingSink): number {
    this.dis.setClock(first, prev);
    const d = this.dis.dissect(p);
    if (this.filter !== null) {
      if (!this.filter.matches(d)) return 0;
      this.dis.shown(p);
    }
    const at = sink.pos;
    if (this.fb !== null) this.fb.write(d, sink);
    else sink.write(summaryLine(d, this.precision));
    return sink.pos - at;
  }
}
