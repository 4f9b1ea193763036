// xdpscope insights -r FILE [--json] [--settings FILE]: security alerts and
// summary statistics for a capture file.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  analyzeCaptureFile, insightsSnapshot, type InsightsSnapshot, fmtBytes, compileDisplayFilter, type
  IoSeriesDef, type HierarchyNode,
} from '../../engine/index';

const USAGE = `Usage: xdpscope insights -r FILE [--json] [--settings FILE] [--interval SEC] [--io-filter FILTER ...] [--top N]

Prints security alerts (traffic spikes, port scans, brute force, SYN floods,
ICMP floods, unexpected protocols, services on foreign ports, AI service use)
and summary statistics (conversations, endpoints, protocol hierarchy, HTTP)
for a capture.

  -r, --read FILE      capture file (pcap or pcapng, optionally gzipped)
      --json           machine-readable output (alerts, statistics, settings)
      --settings FILE  JSON thresholds/policy overriding the defaults (--json prints them all)
      --interval SEC   I/O graph interval (default 1)
      --io-filter F    extra I/O graph series for a display filter (repeatable)
      --top N          rows per statistics table in text output (default 10)
`;

function fail(msg: string): number {
  process.stderr.write(`xdpscope insights: ${msg}\n`);
  return 2;
}

export async function run(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        read: { type: 'string', short: 'r' }, json: { type: 'boolean' }, settings: { type: 'string' },
        interval: { type: 'string' }, 'io-filter': { type: 'string', multiple: true }, top: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
      strict: true, allowPositionals: false,
    });
  } catch (e) {
    return fail((e as Error).message);
  }
  const o = args.values;
  if (o.help) { process.stdout.write(USAGE); return 0; }
  if (!o.read) return fail('missing -r FILE (try --help)');
  let settings;
  if (o.settings) {
    try { settings = JSON.parse(readFileSync(o.settings, 'utf8')); } catch (e) { return fail(`--settings ${o.settings}: ${(e as Error).message}`); }
  }
  const interval = o.interval ? Number(o.interval) : 1;
  if (!(interval > 0)) return fail(`--interval must be a positive number of seconds, got '${o.interval}'`);
  const top = o.top ? Number(o.top) : 10;
  if (!Number.isInteger(top) || top <= 0) return fail(`--top must be a positive integer, got '${o.top}'`);
  const series: IoSeriesDef[] = [];
  if (o['io-filter']?.length) {
    for (const text of o['io-filter']) {
      const r = compileDisplayFilter(text);
      if (!r.ok) return fail(`--io-filter '${text}': ${r.error.message}`);
      series.push({ name: text, filter: text, match: (d) => r.filter.matches(d) });
    }
  }
  let res;
  try {
    res = await analyzeCaptureFile(o.read, { settings, stats: { intervalSec: interval, series } });
  } catch (e) {
    process.stderr.write(`xdpscope insights: ${(e as Error).message}\n`);
    return (e as Error).message.includes('unknown setting') || (e as Error).message.includes('expected a') ? 2 : 1;
  }
  const snap = insightsSnapshot(res.engine);
  if (o.json) {
    process.stdout.write(JSON.stringify({ file: o.read, damage: res.damage, ...snap }, null, 2) + '\n');
  } else {
    process.stdout.write(renderText(o.read, snap, top, res.damage));
  }
  return 0;
}

function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const w = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]))).join('  ').trimEnd();
  return [line(headers), line(w.map((n) => '-'.repeat(n))), ...cells.slice(1).map(line)].join('\n') + '\n';
}

const ts = (t: number): string => (Number.isFinite(t) ? new Date(t * 1000).toISOString().replace('T', ' ').replace('Z', '') : '-');

function renderText(file: string, s: InsightsSnapshot, top: number, damage: string | null): string {
  const st = s.stats;
  let out = `${file}: ${st.summary.packets} packets, ${fmtBytes(st.summary.bytes)}, ${st.summary.durationSec.toFixed(3)} s` +
    (st.summary.firstTs !== null ? ` (${ts(st.summary.firstTs)} .. ${ts(st.summary.lastTs ?? st.summary.firstTs)} UTC)` : '') + '\n';
  if (damage) out += `warning: ${damage}\n`;
  out += `\n== Alerts (${s.alerts.length}) ==\n`;
  if (!s.alerts.length) out += 'none\n';
  for (const a of s.alerts) {
    out += `\n[${a.severity.toUpperCase()}] ${a.kind}: ${a.title}\n  ${a.detail}\n`;
    out += `  frames ${a.firstFrame}..${a.lastFrame}, ${ts(a.firstTs)} .. ${ts(a.lastTs)} UTC, ${a.packets} packets\n`;
    for (const t of a.thresholds) {
      out += `  crossed: ${t.metric} = ${t.observed} > ${t.threshold}` +
        (t.baseline ? ` (baseline median ${t.baseline.median}, MAD ${t.baseline.mad} over ${t.baseline.windowSec} s)` : '') +
        (t.setting ? ` [${t.setting}]` : '') + '\n';
    }
    out += `  filter: ${a.filter}\n`;
  }
  if (st.ai.length) {
    out += '\n== AI service use by host ==\n';
    out += table(['Host', 'Service', 'Connections', 'Sent', 'Received', 'Names'],
      st.ai.flatMap((h) => h.services.map((v) => [h.host, v.service, v.connections, fmtBytes(v.bytesSent), fmtBytes(v.bytesReceived), v.names.join(',')])));
    const models = st.ai.flatMap((h) => h.services.flatMap((v) => (v.models ?? []).map((m) => [h.host, v.service, m.model, m.calls, m.inputTokens, m.outputTokens])));
    if (models.length) {
      out += '\n== LLM API calls by host, service and model ==\n';
      out += table(['Host', 'Service', 'Model', 'Calls', 'Input tokens', 'Output tokens'], models);
    }
  }
  out += '\n== Protocol hierarchy ==\n';
  const walk = (nodes: HierarchyNode[], depth: number): string =>
    nodes.map((n) => `${'  '.repeat(depth)}${n.protocol.padEnd(Math.max(1, 30 - 2 * depth))} frames:${n.frames} bytes:${n.bytes}\n${walk(n.children, depth + 1)}`).join('');
  out += walk(st.hierarchy, 0);
  for (const k of ['tcp', 'udp', 'ipv4', 'ipv6'] as const) {
    const rows = st.conversations[k].slice(0, top);
    if (!rows.length) continue;
    out += `\n== ${k.toUpperCase()} conversations (top ${rows.length} of ${st.conversations[k].length} by bytes) ==\n`;
    out += table(['Address A', 'Address B', 'Packets A→B', 'Bytes A→B', 'Packets B→A', 'Bytes B→A', 'Packets', 'Bytes', 'Rel start', 'Duration', 'Countries'],
      rows.map((c) => [c.portA !== undefined ? `${c.a}:${c.portA}` : c.a, c.portB !== undefined ? `${c.b}:${c.portB}` : c.b, c.packetsAtoB, c.bytesAtoB, c.packetsBtoA, c.bytesBtoA,
        c.packets, c.bytes, c.relStart.toFixed(6), c.duration.toFixed(4), [c.countryA ?? '', c.countryB ?? ''].some(Boolean) ? `${c.countryA ?? '?'}/${c.countryB ?? '?'}` : '']));
  }
  for (const k of ['ipv4', 'ipv6'] as const) {
    const rows = st.endpoints[k].slice(0, top);
    if (!rows.length) continue;
    out += `\n== ${k.toUpperCase()} endpoints (top ${rows.length} of ${st.endpoints[k].length} by bytes) ==\n`;
    out += table(['Address', 'Packets', 'Bytes', 'Tx packets', 'Tx bytes', 'Rx packets', 'Rx bytes', 'Country', 'ASN'],
      rows.map((e) => [e.address, e.packets, e.bytes, e.txPackets, e.txBytes, e.rxPackets, e.rxBytes, e.country ?? '', e.asn ?? '']));
  }
  if (st.http.requests || st.http.responses) {
    out += `\n== HTTP (${st.http.requests} requests, ${st.http.responses} responses) ==\n`;
    if (st.http.byHost.length) out += table(['Host', 'Requests'], st.http.byHost.slice(0, top).map((r) => [r.key, r.count]));
    if (st.http.byUserAgentFamily.length) out += table(['User-Agent family', 'Requests'], st.http.byUserAgentFamily.slice(0, top).map((r) => [r.key, r.count]));
    if (st.http.byStatus.length) out += table(['Status', 'Responses'], st.http.byStatus.slice(0, top).map((r) => [r.key, r.count]));
  }
  return out;
}
