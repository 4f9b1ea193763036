// xdpscope insights -r FILE [--json|--eve] [--settings FILE]: security alerts
// and summary statistics for a capture file; `-i IFACE --eve` streams alerts
// as Suricata EVE JSON while capturing live.
import { readFileSync } from 'node:fs';
import { commandFail, parseOptions } from '../args';
import { liveStops } from '../signals';
import {
  analyzeCaptureFile, snapshotInsights, type InsightsSnapshot, fmtBytes, compileDisplayFilter, type
  IoSeriesDef, type HierarchyNode, InsightsEngine, Dissector, startCapture,
} from '../../engine/index';
import type { Alert } from '../../api/insights';
import { eveLines } from '../../api/eve';

const USAGE = `Usage: xdpscope insights -r FILE [--json|--eve] [--settings FILE] [--interval SEC] [--io-filter FILTER ...] [--top N]
       xdpscope insights -i IFACE --eve [--settings FILE] [-a duration:SECS]

Prints security alerts (traffic spikes, port scans, brute force, password
spraying, SYN/ICMP/UDP floods, reflection, DNS tunnels, beaconing, unexpected
ICS writes, unexpected protocols, services on foreign ports, AI service use)
and summary statistics (conversations, endpoints, protocol hierarchy, HTTP,
and the local processes behind the packets when the capture named them)
for a capture.

  -r, --read FILE      capture file (pcap or pcapng, optionally gzipped)
  -i, --interface IF   capture live on IF (XDP helper) and stream alerts; needs --eve
  -a, --autostop duration:SECS  stop a live run SECS seconds after the capture attached
                       (else Ctrl-C/SIGTERM)
      --json           machine-readable output (alerts, statistics, settings)
      --eve            Suricata EVE JSON alert records, one per line (a live run writes
                       each alert when it appears and again when it ends)
      --settings FILE  JSON thresholds/policy overriding the defaults (--json prints them all)
      --interval SEC   I/O graph interval (default 1)
      --io-filter F    extra I/O graph series for a display filter (repeatable)
      --top N          rows per statistics table in text output (default 10)
`;

const fail = commandFail('insights', 2);

export async function run(argv: string[]): Promise<number> {
  const args = parseOptions({
      args: argv,
      options: {
        read: { type: 'string', short: 'r' }, json: { type: 'boolean' }, settings: { type: 'string' },
        interface: { type: 'string', short: 'i' }, autostop: { type: 'string', short: 'a' }, eve: { type: 'boolean' },
        interval: { type: 'string' }, 'io-filter': { type: 'string', multiple: true }, top: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
    strict: true, allowPositionals: false,
  });
  if (typeof args === 'string') return fail(args);
  const o = args.values;
  if (o.help) { process.stdout.write(USAGE); return 0; }
  if (o.json && o.eve) return fail('--json and --eve are two output formats: pick one');
  if (o.read && o.interface) return fail('-r FILE and -i IFACE: pick one');
  if (!o.read && !o.interface) return fail('missing -r FILE or -i IFACE (try --help)');
  let settings;
  if (o.settings) {
    try { settings = JSON.parse(readFileSync(o.settings, 'utf8')); } catch (e) { return fail(`--settings ${o.settings}: ${(e as Error).message}`); }
  }
  if (o.interface) {
    if (!o.eve) return fail('-i IFACE streams alerts as EVE JSON: add --eve');
    let durationMs: number | undefined;
    if (o.autostop !== undefined) {
      const m = /^duration:(\d+(?:\.\d+)?)$/.exec(o.autostop);
      if (!m || Number(m[1]) <= 0) return fail(`-a: '${o.autostop}' is not duration:SECS (e.g. duration:10)`);
      durationMs = Number(m[1]) * 1000;
    }
    return live(o.interface, settings, durationMs);
  }
  if (!o.read) return fail('missing -r FILE (try --help)');
  const interval = o.interval ? Number(o.interval) : 1;
  if (!(interval > 0)) return fail(`--interval must be a positive number of seconds, got '${o.interval}'`);
  const top = o.top ? Number(o.top) : 10;
  if (!Number.isInteger(top) || top <= 0) return fail(`--top must be a positive integer, got '${o.top}'`);
  const series: IoSeriesDef[] = [];
  if (o['io-filter']?.length) {
    for (const text of o['io-filter']) {
      const r = compileDisplayFilter(text);
      if (!r.ok) return fail(`--io-filter '${text}': ${r.error.message}`);
      for (const w of r.warnings) process.stderr.write(`xdpscope: --io-filter '${text}': warning: ${w.message}\n`);
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
  const snap = snapshotInsights(res.engine);
  if (o.eve) {
    process.stdout.write(eveLines([...snap.alerts].sort((a, b) => a.firstTs - b.firstTs || a.firstFrame - b.firstFrame)));
    return 0;
  }
  if (o.json) {
    process.stdout.write(JSON.stringify({ file: o.read, damage: res.damage, ...snap }, null, 2) + '\n');
  } else {
    process.stdout.write(renderText(o.read, snap, top, res.damage));
  }
  return 0;
}

/**
 * Live: capture on `iface`, feed every packet to the engine, and write each
 * alert as an EVE record when it first appears and again when it is over (its
 * final figures), so a SIEM tailing stdout sees attacks as they happen.
 */
async function live(iface: string, settings: unknown, durationMs: number | undefined): Promise<number> {
  let engine: InsightsEngine;
  try {
    engine = new InsightsEngine(settings as ConstructorParameters<typeof InsightsEngine>[0]);
  } catch (e) {
    return fail((e as Error).message);
  }
  const dissector = new Dissector();
  const cap = startCapture({ iface });
  cap.on('error', () => {});
  /** alert id → whether its final record was written */
  const written = new Map<string, boolean>();
  const emit = (all: Alert[]) => {
    const out: Alert[] = [];
    for (const a of all) {
      const w = written.get(a.id);
      if (w === undefined || (!w && !a.ongoing)) { out.push(a); written.set(a.id, !a.ongoing); }
    }
    if (out.length) process.stdout.write(eveLines(out.sort((a, b) => a.firstTs - b.firstTs)));
  };
  const timer = setInterval(() => emit(engine.alerts()), 500);
  const stop = () => { void cap.stop().catch(() => {}); };
  const stops = liveStops(stop, durationMs);
  cap.once('hello', (h) => {
    process.stderr.write(`Capturing on '${iface}' (${h.mode})\n`);
    stops.attached();
  });
  let failed: Error | null = null;
  try {
    for await (const batch of cap) for (const p of batch) engine.add(dissector.dissect(p));
  } catch (e) {
    failed = e as Error;
  } finally {
    clearInterval(timer);
    stops.release();
  }
  engine.finish();
  emit(engine.alerts());
  if (failed) { process.stderr.write(`xdpscope insights: ${failed.message}\n`); return 1; }
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
    // the Users column only when a login was seen (NTLM, Kerberos, LDAP, FTP, HTTP Basic, RDP, SMB)
    const users = rows.some((e) => e.users);
    out += table(['Address', 'Packets', 'Bytes', 'Tx packets', 'Tx bytes', 'Rx packets', 'Rx bytes', 'Country', 'ASN', ...(users ? ['Users'] : [])],
      rows.map((e) => [e.address, e.packets, e.bytes, e.txPackets, e.txBytes, e.rxPackets, e.rxBytes, e.country ?? '', e.asn ?? '', ...(users ? [e.users?.join(', ') ?? ''] : [])]));
  }
  if (st.processes.length) {
    out += `\n== Processes (top ${Math.min(top, st.processes.length)} of ${st.processes.length} by bytes; ${st.unattributed} packets without a local process) ==\n`;
    out += table(['PID', 'Process', 'User', 'Container', 'Packets', 'Bytes', 'Sent', 'Received', 'Remotes', 'Services', 'Command line'],
      st.processes.slice(0, top).map((p) => [p.pid, p.name, p.user || String(p.uid), p.container, p.packets, p.bytes, fmtBytes(p.txBytes), fmtBytes(p.rxBytes),
        p.remotes.slice(0, 3).join(',') + (p.remotes.length > 3 ? ` +${p.remotes.length - 3}${p.remotesSaturated ? '+' : ''}` : ''), p.services.join(','), p.cmdline.slice(0, 80)]));
  }
  if (st.http.requests || st.http.responses) {
    out += `\n== HTTP (${st.http.requests} requests, ${st.http.responses} responses) ==\n`;
    if (st.http.byHost.length) out += table(['Host', 'Requests'], st.http.byHost.slice(0, top).map((r) => [r.key, r.count]));
    if (st.http.byUserAgentFamily.length) out += table(['User-Agent family', 'Requests'], st.http.byUserAgentFamily.slice(0, top).map((r) => [r.key, r.count]));
    if (st.http.byStatus.length) out += table(['Status', 'Responses'], st.http.byStatus.slice(0, top).map((r) => [r.key, r.count]));
  }
  return out;
}
