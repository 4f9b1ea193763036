// From a dissection to what the packet list keeps: the row summary, the
// field columns (main/api/columns.ts) and the colouring rule (main/engine/colour/colouring.ts).
import type { Dissection, Field, FieldValue } from '../types';
import type { Colouring, FieldGather } from '../colour/colouring';
import { FIELD_COLUMNS } from '../../api/columns';
import type { RowSummary } from './store';

/** First field with this name (the flattened list is in tree order). */
export function field(d: Dissection, name: string): Field | undefined {
  const f = d.fields;
  for (let i = 0; i < f.length; i++) if (f[i].name === name) return f[i];
  return undefined;
}

export function fieldValue(d: Dissection, name: string): FieldValue | undefined {
  return field(d, name)?.value;
}

const str = (v: FieldValue | undefined): string | undefined =>
  v === undefined || v === null ? undefined : typeof v === 'string' ? v : String(v);

/** What the list reads from fields besides its columns: the TCP conversation. */
const STREAM_FIELDS = ['tcp.stream', 'tcp.srcport', 'tcp.dstport'] as const;
interface Conversation { stream?: FieldValue; srcport?: FieldValue; dstport?: FieldValue }

/** Every field a column or the conversation reads, each once (hostSni's two fields are two entries). */
const WANTED: readonly string[] = [...new Set([...FIELD_COLUMNS.flatMap((c) => c.fields), ...STREAM_FIELDS])];
const slot = new Map(WANTED.map((name, i) => [name, i]));
const COLUMN_SLOTS = FIELD_COLUMNS.map((c) => c.fields.map((f) => slot.get(f)!));
const STREAM_SLOTS = STREAM_FIELDS.map((f) => slot.get(f)!);
const lists = new WeakMap<FieldGather, FieldValue[][]>();

/** The gather's lists for the wanted fields (registered on first use, before its run). */
function listsOf(g: FieldGather): FieldValue[][] {
  let l = lists.get(g);
  if (!l) { l = WANTED.map((name) => g.want(name)); lists.set(g, l); }
  return l;
}

/** The first present value of a wanted field, from the gather's last run. */
function first(l: FieldValue[][], at: number): FieldValue | undefined {
  const vs = l[at]!;
  for (let k = 0; k < vs.length; k++) if (vs[k] !== undefined && vs[k] !== null) return vs[k];
  return undefined;
}

const num = (v: FieldValue | undefined): number | undefined =>
  typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;

/** A field column's value: the first of its fields present, as the column's type. */
function columnValue(l: FieldValue[][], i: number): string | number | undefined {
  for (const at of COLUMN_SLOTS[i]!) {
    const v = first(l, at);
    if (v === undefined) continue;
    return FIELD_COLUMNS[i]!.type === 'number' ? num(v) : str(v);
  }
  return undefined;
}

/**
 * TCP conversation ids: the dissector's tcp.stream when it gives one,
 * otherwise an id per unordered address/port pair, assigned in order of
 * first appearance (what tcp.stream is, minus port-reuse handling).
 */
export class StreamIds {
  private readonly ids = new Map<string, number>();
  private n = 0;
  /** A new id, for a pair this table did not see (a parallel open's threads saw it). */
  fresh(): number { return this.n++; }
  of(d: Dissection, w: Conversation): number {
    if (typeof w.stream === 'number') return w.stream;
    if (w.srcport === undefined || w.dstport === undefined) return -1;
    const a = `${d.summary.source}|${w.srcport}`;
    const b = `${d.summary.destination}|${w.dstport}`;
    const key = a < b ? `${a}>${b}` : `${b}>${a}`;
    let id = this.ids.get(key);
    if (id === undefined) { id = this.n++; this.ids.set(key, id); }
    return id;
  }
}

/** ids: the ids of d.fields (fields/ids.ts), when the caller's walk found them for other consumers too */
export function summarize(d: Dissection, streams: StreamIds, colouring: Colouring, ids?: Int32Array): RowSummary {
  const s = d.summary;
  const l = listsOf(colouring.gather);
  const colour = colouring.colourOf(d, ids);
  const fields = new Array<string | number | undefined>(FIELD_COLUMNS.length);
  for (let i = 0; i < fields.length; i++) fields[i] = columnValue(l, i);
  const stream = first(l, STREAM_SLOTS[0]!), srcport = first(l, STREAM_SLOTS[1]!), dstport = first(l, STREAM_SLOTS[2]!);
  return {
    source: s.source,
    destination: s.destination,
    protocol: s.protocol,
    info: s.info,
    fields,
    colour,
    stream: streams.of(d, { stream, srcport, dstport }),
  };
}
