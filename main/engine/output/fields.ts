// tshark's `-T fields` output: one line per packet, the chosen fields in
// order, several occurrences joined with the aggregator (occurrence=a), or
// only the first/last (occurrence=f/l).
import type { Dissection, Field, RawPacket } from '../types';
import { fastEpoch, formatValue, formatterFor } from '../dissect/format';
import { epochText } from '../file/time';

export interface FieldsOptions {
  fields: string[];
  header: boolean;
  separator: string;
  /** 'a' all, 'f' first, 'l' last */
  occurrence: 'a' | 'f' | 'l';
  aggregator: string;
  /** 'n' none, 'd' double, 's' single */
  quote: 'n' | 'd' | 's';
}

export const defaultFieldsOptions = (fields: string[]): FieldsOptions => ({
  fields, header: false, separator: '\t', occurrence: 'a', aggregator: ',', quote: 'n',
});

/** frame.time_epoch as tshark prints it; raw pcap fields when the record has them (damaged fractions). */
export function epoch(p: RawPacket): string {
  if (p.tsSec === undefined && p.tsNs !== null) return fastEpoch(p.tsNs);
  return epochText(p);
}

export class FieldsFormatter {
  /** field name → its column(s) */
  private readonly index = new Map<string, number[]>();
  private readonly format: Array<(f: Field) => string>;
  private readonly vals: string[];
  private readonly seen: boolean[];
  /** seps[i]: i separators; tail[i]: i separators and the newline */
  private readonly seps: string[];
  private readonly tail: string[];

  constructor(private readonly o: FieldsOptions) {
    o.fields.forEach((f, i) => {
      const list = this.index.get(f);
      if (list) list.push(i);
      else this.index.set(f, [i]);
    });
    this.format = o.fields.map((f) => (f === 'frame.time_epoch' ? formatValue : formatterFor(f)));
    this.vals = o.fields.map(() => '');
    this.seen = o.fields.map(() => false);
    this.seps = o.fields.map((_, i) => o.separator.repeat(i));
    this.tail = this.seps.map((x) => x + '\n');
  }

  header(): string {
    return this.o.fields.map((f) => this.quote(f)).join(this.o.separator) + '\n';
  }

  private quote(s: string): string {
    if (this.o.quote === 'd') return `"${s}"`;
    if (this.o.quote === 's') return `'${s}'`;
    return s;
  }

  line(d: Dissection): string {
    const vals = this.vals, seen = this.seen, fmt = this.format;
    const n = vals.length;
    for (let k = 0; k < n; k++) { vals[k] = ''; seen[k] = false; }
    const idx = this.index;
    const occ = this.o.occurrence, agg = this.o.aggregator;
    const fields: Field[] = d.fields;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      const at = idx.get(f.name);
      if (at === undefined) continue;
      for (let j = 0; j < at.length; j++) {
        const k = at[j];
        if (occ === 'f' && seen[k]) continue;
        // the raw record fields, for damaged pcap timestamps tshark prints as-is
        const text = f.name === 'frame.time_epoch' ? epoch(d.packet) : fmt[k](f);
        vals[k] = seen[k] && occ === 'a' ? vals[k] + agg + text : text;
        seen[k] = true;
      }
    }
    if (this.o.quote !== 'n') for (let k = 0; k < n; k++) if (seen[k]) vals[k] = this.quote(vals[k]);
    // most columns are empty: join the present ones with precomputed runs of separators
    const seps = this.seps;
    let out = seen[0] ? vals[0] : '';
    let last = 0;
    for (let k = 1; k < n; k++) {
      if (!seen[k]) continue;
      out += seps[k - last] + vals[k];
      last = k;
    }
    return out + this.tail[n - 1 - last];
  }
}
