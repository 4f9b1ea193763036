// `xdpscope read`: decode a capture file like `tshark -r`, printing a
// one-line summary per packet (-T text), chosen fields (-T fields -e ...)
// or a JSON tree (-T json), optionally only packets matching -Y.
import { commandFail, parseOptions } from '../args';
import { statSync } from 'node:fs';
import {
  openCaptureFile, CaptureFileError, decodedFields, readDissector, type ReadFormat, GeoIp, BufferedWriter,
  bulkStdout, FieldsByteWriter, FieldsFormatter, defaultFieldsOptions, type FieldsOptions, summaryLine,
  packetJson, getField, compileDisplayFilter, type CompiledFilter, readParallel, readThreads, TlsKeyLog, parseDecodeAs, formatDecodeAs, loadUserDecodeAs,
  detailsText, hexDumpText, columnOf, COLUMN_TITLES, timePrecisionOf, parseTap, feedTaps, type Tap, PacketFileWriter, FileSink, FdSink, PrivateFileError, fsReason,
} from '../../engine/read-entry';

const USAGE = `Usage: xdpscope read -r FILE [options]

  -r FILE             capture file (pcap or pcapng, optionally gzip-compressed)
  -Y FILTER           display filter (Wireshark syntax): print only matching packets
  -c N                read at most N packets (like tshark, counted before -Y)
  -T text|fields|json output format (default text: one summary line per packet)
  -V                  packet details: the decoded tree of each packet (text output)
  -x                  hex and ASCII dump of each packet's bytes (text output)
  -P                  the summary line too, with -V, -x or -w
  -w FILE             write the packets that pass -Y (and -c) to FILE, '-' for stdout;
                      nothing else is printed unless -P, -V, -x or -T fields asks
  -F pcapng|pcap|nsecpcap  the format -w writes (default pcapng)
  -z conv,TYPE[,FILTER]       conversations (TYPE eth, ip, ipv6, tcp, udp), as tshark -z
  -z endpoints,TYPE[,FILTER]  endpoints, likewise
  -z io,phs[,FILTER]          protocol hierarchy; -z is repeatable, over every packet read
  -q                  no summary lines (-T fields, -V, -x and -P still print, as tshark's -q)
  -n                  accepted for tshark compatibility (no name resolution is done)
  -e FIELD            field to print with -T fields (repeatable)
  -E header=y|n       print the field names first
  -E separator=/t|/s|C   column separator (tab, space or a character)
  -E occurrence=f|l|a first, last or all occurrences of a field
  -E aggregator=,|/s|C   joins several occurrences
  -E quote=d|s|n      quote values with double/single quotes or not
  -o tls.keylog_file:PATH  decrypt TLS with this NSS key log (SSLKEYLOGFILE);
                      pcapng Decryption Secrets Blocks are used without it
  -d TABLE==SEL,PROTO Decode As (tshark's syntax, repeatable): tcp.port==8888,http,
                      udp.port==5000-5010,dns, tcp.port==9999,data
  --geoip FILE.mmdb   MaxMind GeoLite2/GeoIP2 database (also $XDPSCOPE_GEOIP)
  --no-geoip          no ip.geoip.* fields

Exit status: 0 ok, 1 the file cannot be read, 2 usage error or damaged file
(the packets before the damage are printed, the damage goes to stderr).
`;

const fail = commandFail('read', 2);

function sepValue(v: string): string {
  if (v === '/t') return '\t';
  if (v === '/s') return ' ';
  return v;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOptions({
      args: argv,
      options: {
        r: { type: 'string' }, Y: { type: 'string' }, c: { type: 'string' }, T: { type: 'string' },
        w: { type: 'string' }, F: { type: 'string' }, z: { type: 'string', multiple: true },
        e: { type: 'string', multiple: true }, E: { type: 'string', multiple: true }, o: { type: 'string', multiple: true }, d: { type: 'string', multiple: true },
        V: { type: 'boolean' }, x: { type: 'boolean' }, P: { type: 'boolean' }, q: { type: 'boolean' }, n: { type: 'boolean' },
        geoip: { type: 'string' }, 'no-geoip': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    allowPositionals: false,
  });
  if (typeof parsed === 'string') return fail(parsed);
  const v = parsed.values;
  if (v.help) { process.stdout.write(USAGE); return 0; }
  if (!v.r) return fail('-r FILE is required (see --help)');
  const format = v.T ?? 'text';
  if (!['text', 'fields', 'json'].includes(format)) return fail(`-T ${format}: use text, fields or json`);
  const fieldNames = v.e ?? [];
  if (format === 'fields' && fieldNames.length === 0) return fail('-T fields needs at least one -e FIELD');
  for (const f of fieldNames) {
    if (f.startsWith('_ws.col.') && columnOf(f) === null) return fail(`-e ${f}: unknown column (known: ${COLUMN_TITLES.map((t) => `_ws.col.${t}`).join(', ')})`);
    if (columnOf(f) === null && !getField(f)) return fail(`-e ${f}: unknown field`);
  }
  const fileFormat = v.F ?? 'pcapng';
  if (!['pcapng', 'pcap', 'nsecpcap'].includes(fileFormat)) return fail(`-F ${v.F}: use pcapng, pcap or nsecpcap`);
  if (v.w === '') return fail('-w: the file name is empty');
  // tshark's words: one stdout cannot carry a file's bytes and printed packets
  if (v.w === '-' && (v.P || v.V || v.x || format === 'fields')) return fail("-w -: you can't write both raw packet data and dissected packets to the standard output");
  let limit = Infinity;
  if (v.c !== undefined) {
    limit = Number(v.c);
    if (!Number.isInteger(limit) || limit < 0) return fail(`-c ${v.c}: not a packet count`);
  }
  const fo: FieldsOptions = defaultFieldsOptions(fieldNames);
  for (const opt of v.E ?? []) {
    const eq = opt.indexOf('=');
    const key = eq < 0 ? opt : opt.slice(0, eq), val = eq < 0 ? '' : opt.slice(eq + 1);
    if (key === 'header') fo.header = val === 'y';
    else if (key === 'separator') fo.separator = sepValue(val);
    else if (key === 'aggregator') fo.aggregator = sepValue(val);
    else if (key === 'occurrence' && (val === 'a' || val === 'f' || val === 'l')) fo.occurrence = val;
    else if (key === 'quote' && (val === 'n' || val === 'd' || val === 's')) fo.quote = val;
    else return fail(`-E ${opt}: unknown option`);
  }

  let keylogPath: string | null = null;
  for (const opt of v.o ?? []) {
    const r = preference(opt);
    if (typeof r === 'string') return fail(r);
    keylogPath = r.path;
  }
  // the user's decode_as_entries first (as tshark reads its profile's), -d after: a -d rule wins
  const saved = loadUserDecodeAs();
  for (const p of saved.problems) process.stderr.write(`xdpscope: warning: ${p}\n`);
  const decodeAs = [...saved.rules.map(formatDecodeAs), ...(v.d ?? [])];
  for (const rule of decodeAs) {
    try { parseDecodeAs(rule); } catch (e) { return fail((e as Error).message); }
  }

  let filter: CompiledFilter | null = null;
  if (v.Y !== undefined) {
    const r = compileDisplayFilter(v.Y);
    if (!r.ok) {
      return fail(`-Y: ${r.error.message}\n    ${v.Y}\n    ${' '.repeat(r.error.start)}${'^'.repeat(Math.max(1, r.error.end - r.error.start))}`);
    }
    filter = r.filter;
    // tshark warns on stderr and goes on; so do we (a field we do not decode, a deprecated name)
    for (const w of r.warnings) process.stderr.write(`xdpscope: -Y: warning: ${w.message}\n`);
  }

  // tshark prints its taps in the reverse of their -z order
  const taps: Tap[] = [];
  for (const spec of v.z ?? []) {
    const t = parseTap(spec, (text) => {
      const r = compileDisplayFilter(text);
      return r.ok ? r.filter : r.error.message;
    });
    if (typeof t === 'string') return fail(t);
    taps.unshift(t);
  }
  // what the taps read (null: a tap filter that cannot name its fields, so whole packets)
  const tapFields = taps.some((t) => t.filter !== null && !t.filter.fields) ? null : taps.flatMap((t) => [...t.fields, ...(t.filter?.fields ?? [])]);

  // undefined: the default database, loaded on first use (only if a GeoIP field is wanted)
  let geoip: GeoIp | null | undefined;
  if (v['no-geoip']) geoip = null;
  else if (v.geoip) {
    try { geoip = GeoIp.open(v.geoip); } catch (e) { return fail((e as Error).message); }
  }

  let file;
  try {
    file = await openCaptureFile(v.r);
  } catch (e) {
    process.stderr.write(`xdpscope read: ${v.r}: ${(e as Error).message}\n`);
    return e instanceof CaptureFileError ? 2 : 1;
  }
  // -V/-x print whole trees and bytes: whole packets, one thread (like -T json)
  const details = format === 'text' && (v.V === true || v.x === true);
  const quiet = v.q === true;
  const fmt = (details ? 'json' : format) as ReadFormat;
  // secrets from -o and from the file's Decryption Secrets Blocks (read as the reader meets them)
  const keys = keylogPath !== null ? TlsKeyLog.fromFile(keylogPath) : new TlsKeyLog();
  if (keys.fileError) process.stderr.write(`xdpscope read: warning: tls.keylog_file: ${keys.fileError}\n`);
  keys.addSecretsBlocks(() => file.secrets);
  const nano = file.pcapHeader?.nanosecond ?? file.interfaces.some((i) => (i.tsUnitNs ?? 1000) < 1000);
  fo.nano = nano;
  // the Time column's decimals follow each frame's interface (pcapng), else the file's
  const timePrecision = timePrecisionOf(file);
  // -T fields or text on a large file: decoding threads, their lines merged back into file order
  let bytes = 0;
  try { const st = statSync(v.r); if (st.isFile()) bytes = st.size; } catch { /* opened already: a special file */ }
  const decoded = fmt === 'json' ? null : decodedFields(fmt, fieldNames, filter, tapFields);
  // decryption follows each connection in frame order: one thread
  const threads = decoded && bytes > 0 && keylogPath === null && !file.mayHoldSecrets && v.w === undefined && taps.length === 0 ? readThreads(bytes, decoded) : 1;
  if (threads > 1 && (format === 'fields' || (format === 'text' && !quiet))) {
    const out = new BufferedWriter(bulkStdout());
    if (format === 'fields' && fo.header) out.write(new FieldsFormatter(fo).header());
    let r;
    try {
      r = await readParallel(file, { format, options: fo, nano, filter: v.Y ?? null, geoip: v['no-geoip'] ? null : v.geoip, decodeAs }, geoip, threads, limit, out);
    } catch (e) {
      process.stderr.write(`xdpscope read: ${v.r}: ${(e as Error).message}\n`);
      return 1;
    } finally {
      await out.end();
      await file.close();
    }
    return r.stopped ? 0 : damaged(v.r, file.error, file.metaNotice);
  }
  // tshark's rules for what -q and -w leave printed: the summary line only
  // without both (or with -P); fields, -V and -x always; JSON unless writing
  const printSummary = v.P === true || (!quiet && v.w === undefined);
  const printJson = format === 'json' && v.w === undefined;
  let toFile: PacketFileWriter | null = null;
  if (v.w !== undefined) {
    const dest = v.w;
    try {
      toFile = new PacketFileWriter(() => (dest === '-' ? new FdSink(1) : new FileSink(dest)), fileFormat === 'pcapng' ? 'pcapng' : 'pcap', file.interfaces, dest,
        { nanosecond: fileFormat === 'nsecpcap' });
    } catch (e) {
      await file.close();
      process.stderr.write(`xdpscope read: cannot write ${dest}: ${e instanceof PrivateFileError ? e.reason : fsReason(e)}\n`);
      return 1;
    }
  }
  const dis = readDissector(fmt, fieldNames, filter, geoip, { tlsKeys: keys, decodeAs, alsoFields: tapFields });
  // each packet is printed before the next batch is read, and dissectors copy what they keep
  file.recycleChunks();
  const out = new BufferedWriter(bulkStdout());
  const ff = format === 'fields' ? new FieldsFormatter(fo) : null;
  // -T fields: values go straight into the output buffer as bytes
  const fb = format === 'fields' ? new FieldsByteWriter(fo).bindSlots(dis.wantedNames()) : null;
  filter?.bindSlots(dis.wantedNames());
  for (const t of taps) t.filter?.bindSlots(dis.wantedNames());
  if (ff && fo.header) out.write(ff.header());
  if (printJson) out.write('[\n');
  let printed = 0;
  let seen = 0;
  let writeError: Error | null = null;
  let stopped = false;
  try {
    outer: for await (const batch of file.batches()) {
      for (const p of batch) {
        if (seen >= limit) { stopped = true; break outer; }
        seen++;
        const d = dis.dissect(p);
        if (taps.length) feedTaps(taps, d);
        if (filter) {
          if (!filter.matches(d)) continue;
          dis.shown(p);
        }
        if (toFile) {
          try { toFile.write(p); } catch (e) { writeError = e as Error; break outer; }
        }
        if (fb) fb.write(d, out);
        else if (format === 'json') { if (printJson) out.write((printed ? ',\n' : '') + packetJson(d, 'packets')); }
        else if (details) {
          if (v.P) out.write(summaryLine(d, timePrecision) + (v.V ? '' : '\n'));
          if (v.V) out.write(detailsText(d));
          if (v.x) out.write(hexDumpText(d.packet.data));
        } else if (printSummary) out.write(summaryLine(d, timePrecision));
        printed++;
      }
      await out.maybeFlush();
      if (out.closed) { stopped = true; break; } // the reader of our output is gone (e.g. `| head`)
    }
  } finally {
    if (printJson) out.write(printed ? '\n]\n' : ']\n');
    for (const t of taps) out.write(t.text());
    await out.end();
    await file.close();
  }
  if (toFile) {
    try { toFile.finish(); } catch (e) { writeError ??= e as Error; }
    if (writeError) {
      process.stderr.write(`xdpscope read: writing ${v.w === '-' ? 'stdout' : v.w}: ${writeError.message}\n`);
      return 1;
    }
  }
  return stopped ? 0 : damaged(v.r, file.error, file.metaNotice);
}


/** tshark's `-o name:value` (the value may be quoted); only tls.keylog_file is known. */
function preference(opt: string): { path: string } | string {
  const c = opt.indexOf(':');
  if (c < 0) return `-o ${opt}: expected NAME:VALUE, e.g. tls.keylog_file:/path/keys.txt`;
  const name = opt.slice(0, c);
  let value = opt.slice(c + 1);
  if (value.length >= 2 && ((value[0] === '"' && value.endsWith('"')) || (value[0] === "'" && value.endsWith("'")))) value = value.slice(1, -1);
  if (name !== 'tls.keylog_file' && name !== 'ssl.keylog_file') return `-o ${name}: unknown preference (known: tls.keylog_file)`;
  if (value === '') return '-o tls.keylog_file: the path is empty';
  return { path: value };
}

/** Exit status 2 and the reader's words when the file ended in damage, else 0 (after any metadata notice). */
function damaged(path: string, e: CaptureFileError | null, notice: string | null): number {
  if (notice) process.stderr.write(`xdpscope read: ${path}: note: ${notice}\n`);
  if (!e) return 0;
  process.stderr.write(`xdpscope read: ${path}: damaged at offset ${e.offset} (${e.format} ${e.format === 'pcap' ? 'record' : 'block'} ${e.block}): ${e.reason}\n`);
  return 2;
}
