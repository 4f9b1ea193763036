// tshark's `-T fields` output: one line per packet, the chosen fields in
// order, several occurrences joined with the aggregator (occurrence=a), or
// only the first/last (occurrence=f/l).
import type { Dissection, Field } from '../types';
import { formatValue } from '../dissect/format';
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

export class FieldsFormatter {
  private readonly index = new Map<string, number[]>();
  private readonly cols: string[][];

  constructor(private readonly o: FieldsOptions) {
    o.fields.forEach((f, i) => {
      const list = this.index.get(f);
      if (list) list.push(i);
      else this.index.set(f, [i]);
    });
    this.cols = o.fields.map(() => []);
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
    const cols = this.cols;
    for (const c of cols) c.length = 0;
    const idx = this.index;
    const fields: Field[] = d.fields;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      const at = idx.get(f.name);
      if (at === undefined) continue;
      const text = f.name === 'frame.time_epoch' ? epochText(d.packet) : formatValue(f);
      for (const k of at) cols[k].push(text);
    }
    let out = '';
    for (let k = 0; k < cols.length; k++) {
      if (k) out += this.o.separator;
      const c = cols[k];
      if (c.length === 0) continue;
      const v = this.o.occurrence === 'f' ? c[0] : this.o.occurrence === 'l' ? c[c.length - 1] : c.length === 1 ? c[0] : c.join(this.o.aggregator);
      out += this.o.quote === 'n' ? v : this.quote(v);
    }
    return out + '\n';
  }
}
