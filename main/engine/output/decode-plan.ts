// What a read (`xdpscope read`, one thread or several) decodes per packet:
// -T fields only its fields and the filter's, -T text only the filter's and
// the summary line, -T json (or a filter that cannot name what it reads)
// whole packets.
import { Dissector } from '../dissect';
import { namesExpertFields } from '../dissect/expert';
import type { GeoIp } from '../enrich/geoip';
import type { TlsKeyLog } from '../dissect/keylog';

export type ReadFormat = 'text' | 'fields' | 'json';

/** A compiled display filter, as far as the plan cares: what it reads, when it can say. */
interface NamesFields { readonly fields?: readonly string[] }

/** The field names a read decodes, or null for whole packets. */
export function decodedFields(format: ReadFormat, fields: readonly string[], filter: NamesFields | null, also: readonly string[] | null = []): string[] | null {
  if (filter && !filter.fields) return null;
  if (also === null) return null;
  // expert items are made by whole dissections only
  if (namesExpertFields(fields) || namesExpertFields(filter?.fields ?? []) || namesExpertFields(also)) return null;
  // tshark's column names (_ws.col.Info) are read from the summary, not decoded as fields
  if (format === 'fields') return [...fields.filter((f) => !f.startsWith('_ws.col.')), ...(filter?.fields ?? []), ...also];
  if (format === 'text') return [...(filter?.fields ?? []), ...also];
  return null;
}

/**
 * The Dissector for a read. Its objects are recycled (each packet is
 * printed before the next is decoded) except for whole-packet text/json;
 * with a filter, only packets passed to shown() count as displayed.
 */
export interface ReadDissectorOptions {
  /** TLS secrets (-o tls.keylog_file, pcapng DSBs) */
  tlsKeys?: TlsKeyLog | null;
  /** Decode As rules in tshark's -d syntax */
  decodeAs?: readonly string[];
  /** fields read beyond the output's and the filter's (-z statistics); null: whole packets */
  alsoFields?: readonly string[] | null;
}

export function readDissector(format: ReadFormat, fields: readonly string[], filter: NamesFields | null, geoip: GeoIp | null | undefined, opts: ReadDissectorOptions = {}): Dissector {
  const subset = decodedFields(format, fields, filter, opts.alsoFields === undefined ? [] : opts.alsoFields);
  const tlsKeys = opts.tlsKeys ?? null, decodeAs = opts.decodeAs ?? [];
  const dis = subset === null
    ? new Dissector({ geoip, reuse: format === 'fields', tlsKeys, decodeAs })
    : new Dissector({ geoip, fields: subset, summaries: format === 'text' || fields.some((f) => f.startsWith('_ws.col.')), reuse: true, tlsKeys, decodeAs });
  if (filter) dis.filtering();
  return dis;
}
