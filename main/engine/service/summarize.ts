// From a dissection to what the packet list keeps: the row summary, the
// enriched columns and the colouring rule (main/engine/colour/colouring.ts).
import type { Dissection, Field, FieldValue } from '../types';
import type { Colouring, FieldGather } from '../colour/colouring';
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

/** The fields the list needs, read in the colouring's pass over the fields (one walk per packet). */
interface Wanted {
  srcCountry?: FieldValue; dstCountry?: FieldValue; userAgent?: FieldValue; host?: FieldValue; sni?: FieldValue;
  contentLength?: FieldValue; stream?: FieldValue; srcport?: FieldValue; dstport?: FieldValue;
}

const WANTED: ReadonlyArray<[keyof Wanted, string]> = [
  ['srcCountry', 'ip.geoip.src_country_iso'], ['dstCountry', 'ip.geoip.dst_country_iso'],
  ['userAgent', 'http.user_agent'], ['host', 'http.host'], ['sni', 'tls.handshake.extensions_server_name'],
  ['contentLength', 'http.content_length'], ['stream', 'tcp.stream'], ['srcport', 'tcp.srcport'], ['dstport', 'tcp.dstport'],
  // HTTP/2 fills the same columns (the first present value wins)
  ['userAgent', 'http2.headers.user_agent'], ['host', 'http2.headers.authority'], ['contentLength', 'http2.headers.content_length'],
];
const lists = new WeakMap<FieldGather, FieldValue[][]>();

/** The gather's lists for the wanted fields (registered on first use, before its run). */
function listsOf(g: FieldGather): FieldValue[][] {
  let l = lists.get(g);
  if (!l) { l = WANTED.map(([, name]) => g.want(name)); lists.set(g, l); }
  return l;
}

/** The first present value of each wanted field, from the gather's last run. */
function picked(l: FieldValue[][]): Wanted {
  const w: Wanted = {};
  for (let i = 0; i < WANTED.length; i++) {
    const vs = l[i]!;
    const key = WANTED[i]![0];
    if (w[key] !== undefined) continue;
    for (let k = 0; k < vs.length; k++) if (vs[k] !== undefined && vs[k] !== null) { w[key] = vs[k]; break; }
  }
  return w;
}

/**
 * TCP conversation ids: the dissector's tcp.stream when it gives one,
 * otherwise an id per unordered address/port pair, assigned in order of
 * first appearance (what tcp.stream is, minus port-reuse handling).
 */
export class StreamIds {
  private readonly ids = new Map<string, number>();
  of(d: Dissection, w: Wanted): number {
    if (typeof w.stream === 'number') return w.stream;
    if (w.srcport === undefined || w.dstport === undefined) return -1;
    const a = `${d.summary.source}|${w.srcport}`;
    const b = `${d.summary.destination}|${w.dstport}`;
    const key = a < b ? `${a}>${b}` : `${b}>${a}`;
    let id = this.ids.get(key);
    if (id === undefined) { id = this.ids.size; this.ids.set(key, id); }
    return id;
  }
}

export function summarize(d: Dissection, streams: StreamIds, colouring: Colouring): RowSummary {
  const s = d.summary;
  const l = listsOf(colouring.gather);
  const colour = colouring.colourOf(d);
  const w = picked(l);
  const cl = w.contentLength;
  return {
    source: s.source,
    destination: s.destination,
    protocol: s.protocol,
    info: s.info,
    srcCountry: str(w.srcCountry),
    dstCountry: str(w.dstCountry),
    userAgent: str(w.userAgent),
    hostSni: str(w.host) ?? str(w.sni),
    contentLength: typeof cl === 'number' ? cl : typeof cl === 'bigint' ? Number(cl) : undefined,
    colour,
    stream: streams.of(d, w),
  };
}
