// Export Packet Dissections as CSV or JSON, for spreadsheets, jq, SIEMs.
//
// CSV: Wireshark's "Export Packet Dissections → As CSV" columns (No., Time,
// Source, Destination, Protocol, Length, Info), then one column per
// requested field (default: the enrichment fields), then Comments. Every
// value quoted (RFC 4180); a field occurring several times is comma-joined,
// as tshark does.
// JSON: the shape of `tshark -T json -e <field>...`: an array of
// { _index, _type, _source: { layers: { "<field>": ["value", ...] } } },
// values as strings formatted like tshark's -T fields. Default: every field
// the dissector produced (protocol placeholders left out).
// Packets are dissected in capture order (TCP reassembly and the Time column
// need every packet) but only the selected ones are written. Output streams
// to the file, written atomically.
import { FileSink } from '../file/sink';
import { Dissector, formatValue } from '../dissect/index';
import { jsonValue } from '../dissect/format';
import type { Dissection } from '../types';
import { getField } from '../fields/registry';
import { writeFileAtomically } from './atomic';
import type { CommentMap } from './comments';
import { abortError } from './errors';
import { selectionPredicate, type PacketSelection, type PacketSource } from './source';
import { setImmediate as nextTick } from 'node:timers/promises';

/** The enrichment fields that exports carry by default (what other tools want). */
export const ENRICHED_FIELDS = [
  'ip.geoip.src_country_iso',
  'ip.geoip.dst_country_iso',
  'http.host',
  'http.user_agent',
  'http.content_length',
  'tls.handshake.extensions_server_name',
  'dns.qry.name',
] as const;

export interface ExportDissectionsOptions {
  format: 'csv' | 'json';
  /** fields to export: CSV default ENRICHED_FIELDS (after the summary columns); JSON default 'all' */
  fields?: readonly string[] | 'all';
  select?: PacketSelection;
  comments?: CommentMap;
  overwrite?: boolean;
  signal?: AbortSignal;
  /** a Dissector to use (default: a fresh one with enrichment on) */
  dissector?: Dissector;
  onProgress?: (p: { packets: number; written: number }) => void;
}

export interface ExportDissectionsResult {
  path: string;
  packets: number;
  bytes: number;
}

const csvCell = (s: string): string => `"${s.replace(/"/g, '""')}"`;

function valuesOf(d: Dissection, name: string): string[] {
  const out: string[] = [];
  for (const f of d.fields) if (f.name === name) out.push(formatValue(f));
  return out;
}

/** All fields of a dissection as name → formatted values, in tree order. */
function allLayers(d: Dissection): Record<string, string[]> {
  const layers: Record<string, string[]> = {};
  for (const f of d.fields) {
    if (f.value === null && getField(f.name)?.type === 'protocol') continue;
    (layers[f.name] ??= []).push(jsonValue(f));
  }
  return layers;
}

export async function exportDissections(dest: string, source: PacketSource, opts: ExportDissectionsOptions): Promise<ExportDissectionsResult> {
  const select = selectionPredicate(opts.select);
  const dissector = opts.dissector ?? new Dissector();
  const fields = opts.fields ?? (opts.format === 'csv' ? ENRICHED_FIELDS : 'all');
  if (opts.format === 'csv' && fields === 'all') throw new RangeError('CSV export needs an explicit field list');
  const index = `packets-${new Date().toISOString().slice(0, 10)}`;
  return writeFileAtomically(dest, async (tmp) => {
    const sink = new FileSink(tmp, 'wx');
    let pending = '';
    let bytes = 0;
    const emit = (s: string): void => {
      pending += s;
      if (pending.length >= 1 << 20) flush();
    };
    const flush = (): void => {
      const b = Buffer.from(pending, 'utf8');
      sink.write(b);
      bytes += b.length;
      pending = '';
    };
    let written = 0;
    let scanned = 0;
    try {
      if (opts.format === 'csv') {
        const head = ['No.', 'Time', 'Source', 'Destination', 'Protocol', 'Length', 'Info', ...(fields as readonly string[]), 'Comments'];
        emit(head.map(csvCell).join(',') + '\r\n');
      } else {
        emit('[\n');
      }
      for await (const batch of source.batches()) {
        if (opts.signal?.aborted) throw abortError(dest, 'Exporting');
        for (const pkt of batch) {
          scanned++;
          const d = dissector.dissect(pkt);
          if (!select(pkt.number, pkt)) continue;
          const comments = opts.comments ? opts.comments.commentsFor(pkt) : (pkt.comments ?? []);
          if (opts.format === 'csv') {
            const s = d.summary;
            const row = [String(s.number), s.time.toFixed(6), s.source, s.destination, s.protocol, String(s.length), s.info,
              ...(fields as readonly string[]).map((f) => valuesOf(d, f).join(',')), comments.join(' | ')];
            emit(row.map(csvCell).join(',') + '\r\n');
          } else {
            let layers: Record<string, string[]>;
            if (fields === 'all') layers = allLayers(d);
            else {
              layers = { 'frame.number': [String(pkt.number)] };
              for (const f of fields) {
                const v = valuesOf(d, f);
                if (v.length) layers[f] = v;
              }
            }
            if (comments.length) layers['frame.comment'] = [...comments];
            const doc = { _index: index, _type: 'doc', _score: null, _source: { layers } };
            emit((written ? ',\n' : '') + '  ' + JSON.stringify(doc));
          }
          written++;
        }
        opts.onProgress?.({ packets: scanned, written });
        await nextTick();
      }
      if (opts.format === 'json') emit((written ? '\n' : '') + ']\n');
      flush();
      return { path: dest, packets: written, bytes };
    } finally {
      sink.close();
    }
  }, { overwrite: opts.overwrite, signal: opts.signal, action: 'export' });
}
