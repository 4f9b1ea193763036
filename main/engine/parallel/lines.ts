// The work every decoding thread of a parallel `-T fields` read does per
// packet: dissect the fields asked for, apply -Y, format the line.
import { Dissector } from '../dissect';
import { GeoIp } from '../enrich/geoip';
import { type CompiledFilter, compileDisplayFilter } from '../filter/compile';
import { FieldsByteWriter } from '../output/fields';
import type { ByteSink } from '../output/writer';
import type { RawPacket } from '../types';
import type { FieldsJob } from './protocol';

export class LineMaker {
  private readonly filter: CompiledFilter | null = null;
  private readonly dis: Dissector;
  private readonly fb: FieldsByteWriter;

  constructor(job: FieldsJob, geoip?: GeoIp | null) {
    if (job.filter !== null) {
      const r = compileDisplayFilter(job.filter);
      if (!r.ok) throw new Error(`-Y: ${r.error.message}`);
      this.filter = r.filter;
    }
    const subset = [...job.options.fields, ...(this.filter?.fields ?? [])];
    if (geoip === undefined) geoip = job.geoip === null ? null : job.geoip === undefined ? undefined : GeoIp.open(job.geoip);
    this.dis = new Dissector({ geoip, fields: subset, reuse: true });
    this.fb = new FieldsByteWriter(job.options).bindSlots(this.dis.wantedNames());
  }

  /**
   * Appends p's line to sink and returns its length, 0 when -Y drops the
   * packet. first/prev: the capture's first arrival time and the previous
   * timed packet's, whichever thread decoded it.
   */
  line(p: RawPacket, first: bigint | null, prev: bigint | null, sink: ByteSink): number {
    this.dis.setClock(first, prev);
    const d = this.dis.dissect(p);
    if (this.filter !== null && !this.filter.matches(d)) return 0;
    const at = sink.pos;
    this.fb.write(d, sink);
    return sink.pos - at;
  }
}
