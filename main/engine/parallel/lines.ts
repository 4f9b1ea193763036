// The work every decoding thread of a parallel read does per packet:
// dissect (only the fields asked for, with -T fields), apply -Y, format the
// line.
import { Dissector } from '../dissect';
import { GeoIp } from '../enrich/geoip';
import { type CompiledFilter, compileDisplayFilter } from '../filter/compile';
import { FieldsByteWriter } from '../output/fields';
import { summaryLine } from '../output/text';
import type { GrowingSink } from '../output/writer';
import type { RawPacket } from '../types';
import type { ReadJob } from './protocol';

export class LineMaker {
  private readonly filter: CompiledFilter | null = null;
  private readonly dis: Dissector;
  private readonly fb: FieldsByteWriter | null;
  private readonly nano: boolean;

  constructor(job: ReadJob, geoip?: GeoIp | null) {
    if (job.filter !== null) {
      const r = compileDisplayFilter(job.filter);
      if (!r.ok) throw new Error(`-Y: ${r.error.message}`);
      this.filter = r.filter;
    }
    if (geoip === undefined) geoip = job.geoip === null ? null : job.geoip === undefined ? undefined : GeoIp.open(job.geoip);
    // as a one-thread read: -T fields decodes only its fields and the filter's, -T text the filter's and the summary
    if (job.format === 'fields') {
      const subset = [...job.options.fields, ...(this.filter?.fields ?? [])];
      this.dis = new Dissector({ geoip, fields: subset, reuse: true });
      this.fb = new FieldsByteWriter(job.options).bindSlots(this.dis.wantedNames());
    } else {
      this.dis = new Dissector({ geoip, fields: [...(this.filter?.fields ?? [])], summaries: true, reuse: true });
      this.fb = null;
    }
    if (this.filter !== null) this.dis.filtering();
    this.nano = job.nano;
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
    else sink.write(summaryLine(d, this.nano));
    return sink.pos - at;
  }
}
