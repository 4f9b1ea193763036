// From a dissection to what the packet list keeps: the row summary, the
// enriched columns and the colouring rule (main/engine/colour/colouring.ts).
import type { Dissection, Field, FieldValue } from '../types';
import type { Colouring } from '../colour/colouring';
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

/** The fields the list needs, gathered in one pass over the flattened fields. */
interface Wanted {
  srcCountry?: FieldValue; dstCountry?: FieldValue; userAgent?: FieldValue; host?: FieldValue; sni?: FieldValue;
  contentLength?: FieldValue; stream?: FieldValue; srcport?: FieldValue; dstport?: FieldValue;
}

function gather(d: Dissection): Wanted {
  const w: Wanted = {};
  const f = d.fields;
  for (let i = 0; i < f.length; i++) {
    const x = f[i];
    switch (x.name) {
      case 'ip.geoip.src_country_iso': w.srcCountry ??= x.value; break;
      case 'ip.geoip.dst_country_iso': w.dstCountry ??= x.value; break;
      case 'http.user_agent': w.userAgent ??= x.value; break;
      case 'http.host': w.host ??= x.value; break;
      case 'tls.handshake.extensions_server_name': w.sni ??= x.value; break;
      case 'http.content_length': w.contentLength ??= x.value; break;
      case 'tcp.stream': w.stream ??= x.value; break;
      case 'tcp.srcport': w.srcport ??= x.value; break;
      case 'tcp.dstport': w.dstport ??= x.value; break;
    }
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
  of(d: Dissection, w: Wanted = gather(d)): number {
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
  const w = gather(d);
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
    colour: colouring.colourOf(d),
    stream: streams.of(d, w),
  };
}
