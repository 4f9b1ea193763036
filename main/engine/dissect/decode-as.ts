// "Decode As", tshark's -d: `<table>==<selector>,<protocol>`, e.g.
// `tcp.port==8888,http`, `udp.port==5000-5010,rtp`... For what neither the
// port tables nor the heuristics can know. Applied as an override layer
// over the port tables (tables.ts) held by one Dissector's state, so two
// dissectors with different choices never see each other's. An override
// wins over the port table and the heuristics for a packet with either
// port in its range; announced conversations (FTP data, TFTP transfers)
// still come first, as in tshark.
import type { Dissect, PortTable, TcpAppFactory } from './tables';
import * as tables from './tables';
import { dissectData } from './data';
import { DataApp } from './tcpsimple';
// the tables complete: what a protocol name resolves to
import './protocols';

/** A protocol's well-known port in its table: the entry Decode As copies (`-d tcp.port==8888,http` → what port 80 does). */
const WELL_KNOWN: Record<'tcp.port' | 'udp.port', Record<string, number>> = {
  'tcp.port': {
    http: 80, tls: 443, ssl: 443, ssh: 22, ftp: 21, telnet: 23, smtp: 25, dns: 53, pop: 110, imap: 143, nbss: 139, bgp: 179,
    resp: 6379, sip: 5060, mysql: 3306, pgsql: 5432, pptp: 1723,
    tpkt: 3389, ldap: 389, kerberos: 88, dcerpc: 135, vnc: 5900, mbtcp: 502,
  },
  'udp.port': {
    dns: 53, mdns: 5353, llmnr: 5355, dhcp: 67, bootp: 67, tftp: 69, ntp: 123, nbns: 137, isakmp: 500, syslog: 514, rip: 520,
    dhcpv6: 546, ssdp: 1900, l2tp: 1701, udpencap: 4500, vxlan: 4789, geneve: 6081, 'db-lsp-disc': 17500,
    kerberos: 88, snmp: 161, quic: 443, cldap: 389, nbdgm: 138,
  },
};

export interface DecodeAsRule { table: 'tcp.port' | 'udp.port'; lo: number; hi: number; proto: string }

/** Parses one tshark `-d` argument; throws an Error saying what is wrong. */
export function parseDecodeAs(spec: string): DecodeAsRule {
  const m = /^\s*([a-z0-9_.]+)\s*==\s*(\d+)(?:\s*-\s*(\d+))?\s*,\s*([A-Za-z0-9_.-]+)\s*$/.exec(spec);
  if (!m) throw new Error(`-d ${spec}: expected <layer type>==<selector>,<decode-as protocol>, e.g. tcp.port==8888,http`);
  const table = m[1];
  if (table !== 'tcp.port' && table !== 'udp.port') throw new Error(`-d ${spec}: layer type ${table} is not supported (tcp.port, udp.port)`);
  const lo = Number(m[2]), hi = m[3] === undefined ? lo : Number(m[3]);
  if (lo > 65535 || hi > 65535 || hi < lo) throw new Error(`-d ${spec}: ${m[3] === undefined ? lo : `${lo}-${hi}`} is not a port or a port range`);
  const proto = m[4].toLowerCase();
  const known = WELL_KNOWN[table][proto];
  if (proto !== 'data' && (known === undefined || (table === 'tcp.port' ? entry(tables.TCP_PORT, known) : entry(tables.UDP_PORT, known)) === undefined)) {
    throw new Error(`-d ${spec}: no protocol ${proto} on ${table} (known: data, ${Object.keys(WELL_KNOWN[table]).sort().join(', ')})`);
  }
  return { table, lo, hi, proto };
}

/** The protocols Decode As offers on a table, for the UI and the CLI's help. */
export function decodeAsProtocols(table: 'tcp.port' | 'udp.port'): string[] {
  return ['data', ...Object.keys(WELL_KNOWN[table])].sort();
}

const tcpData: TcpAppFactory = () => new DataApp();
const udpData: Dissect = (ctx, _st, off, end) => dissectData(ctx, off, end);

function entry<T>(table: PortTable<T>, port: number): T | undefined {
  return table.get(port);
}

/** Port → override, per table: what tcp.ts and udp.ts try before their port tables. */
export class DecodeAs {
  readonly tcp = new Map<number, TcpAppFactory>();
  readonly udp = new Map<number, Dissect>();

  /**
   * The reassembler for a TCP direction with an overridden port, or undefined.
   * The protocol sees its well-known port in place of the chosen one, so
   * what tells its client from its server (FTP's requests to port 21) holds.
   */
  tcpApp(sp: number, dp: number): ReturnType<TcpAppFactory> | undefined {
    const a = this.tcp.get(sp);
    if (a !== undefined) { const k = this.tcpPort.get(sp) ?? sp; return a(k, dp, k); }
    const b = this.tcp.get(dp);
    if (b === undefined) return undefined;
    const k = this.tcpPort.get(dp) ?? dp;
    return b(sp, k, k);
  }

  udpDissect(sp: number, dp: number): Dissect | undefined {
    return this.udp.get(sp) ?? this.udp.get(dp);
  }

  private readonly tcpPort = new Map<number, number>();

  constructor(readonly rules: readonly DecodeAsRule[]) {
    for (const r of rules) {
      if (r.table === 'tcp.port') {
        const known = WELL_KNOWN['tcp.port'][r.proto];
        const f = r.proto === 'data' ? tcpData : entry(tables.TCP_PORT, known);
        if (f) for (let p = r.lo; p <= r.hi; p++) { this.tcp.set(p, f); if (known !== undefined) this.tcpPort.set(p, known); }
      } else {
        const f = r.proto === 'data' ? udpData : entry(tables.UDP_PORT, WELL_KNOWN['udp.port'][r.proto]);
        if (f) for (let p = r.lo; p <= r.hi; p++) this.udp.set(p, f);
      }
    }
  }

  static parse(specs: readonly string[]): DecodeAs | null {
    return specs.length === 0 ? null : new DecodeAs(specs.map(parseDecodeAs));
  }
}

/** The tables Decode As can override, with the title Wireshark's dialog shows. */
export const DECODE_AS_TABLES: ReadonlyArray<{ name: 'tcp.port' | 'udp.port'; title: string }> = [
  { name: 'tcp.port', title: 'TCP port' },
  { name: 'udp.port', title: 'UDP port' },
];

/** The protocols of a table a user can choose now (registered ones only, and data). */
export function decodeAsChoices(table: 'tcp.port' | 'udp.port'): string[] {
  return decodeAsProtocols(table).filter((p) => p === 'data' || protocolEntry(table, p) !== undefined);
}

function protocolEntry(table: 'tcp.port' | 'udp.port', proto: string): unknown {
  const known = WELL_KNOWN[table][proto];
  if (known === undefined) return undefined;
  return table === 'tcp.port' ? entry(tables.TCP_PORT, known) : entry(tables.UDP_PORT, known);
}

/**
 * What the table itself gives a port (Wireshark's "Default" column), by
 * the name Decode As knows it by; '(none)' when nothing or a protocol
 * Decode As does not offer is registered there.
 */
export function decodeAsInitial(table: 'tcp.port' | 'udp.port', port: number): string {
  const e = table === 'tcp.port' ? entry(tables.TCP_PORT, port) : entry(tables.UDP_PORT, port);
  if (e === undefined) return '(none)';
  for (const p of Object.keys(WELL_KNOWN[table]).sort()) if (protocolEntry(table, p) === e) return p;
  return '(none)';
}

/**
 * Wireshark's name of a dissector in `decode_as_entries` (its handle's
 * short name, which is what Wireshark 4.0 matches when it reads the file:
 * "HTTP", not "http"); where it is not the filter name in capitals.
 */
const WIRESHARK_NAME: Record<string, string> = { kerberos: 'KRB5', mbtcp: 'Modbus/TCP', data: 'Data', 'db-lsp-disc': 'DB-LSP-DISC', geneve: 'Geneve', mysql: 'MySQL', syslog: 'Syslog' };

const wiresharkName = (proto: string): string => WIRESHARK_NAME[proto] ?? proto.toUpperCase();

/** The rule as tshark's -d spells it (what sessions store). */
export function formatDecodeAs(r: DecodeAsRule): string {
  return `${r.table}==${r.lo === r.hi ? r.lo : `${r.lo}-${r.hi}`},${r.proto}`;
}

/** A `decode_as_entries` file (Wireshark's format), one line per port: Wireshark's own reads it back. */
export function writeDecodeAsEntries(rules: readonly DecodeAsRule[]): string {
  const lines = ['# "Decode As" entries file for Wireshark 4.0.x (written by xdpscope).', '#', '# Wireshark and xdpscope both read this format.'];
  for (const r of rules) {
    for (let p = r.lo; p <= r.hi && p - r.lo < MAX_RANGE; p++) {
      const initial = decodeAsInitial(r.table, p);
      lines.push(`decode_as_entry: ${r.table},${p},${initial === '(none)' ? initial : wiresharkName(initial)},${wiresharkName(r.proto)}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** lines one range expands to in a decode_as_entries file (Wireshark keeps one entry per value) */
const MAX_RANGE = 1024;

/**
 * Reads a `decode_as_entries` file: the rules it holds, and what was left
 * out (with its line number), so a shared file with an entry for a table or
 * protocol we do not have still gives the rest.
 */
export function readDecodeAsEntries(text: string): { rules: DecodeAsRule[]; skipped: string[] } {
  const rules: DecodeAsRule[] = [], skipped: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^decode_as_entry:\s*([^,]+),([^,]+),([^,]*),(.+)$/.exec(line);
    if (!m) { skipped.push(`line ${n + 1}: not a decode_as_entry: ${line.slice(0, 80)}`); continue; }
    const proto = protocolByName(m[4].trim());
    if (proto === undefined) { skipped.push(`line ${n + 1}: no protocol ${m[4].trim()} here`); continue; }
    try {
      rules.push(parseDecodeAs(`${m[1].trim()}==${m[2].trim()},${proto}`));
    } catch (e) {
      skipped.push(`line ${n + 1}: ${(e as Error).message.replace(/^-d /, '')}`);
    }
  }
  return { rules, skipped };
}

/** Our name of a protocol written as Wireshark writes it ("HTTP", "KRB5", "(none)") or as tshark's -d does ("http"). */
function protocolByName(name: string): string | undefined {
  const low = name.toLowerCase();
  if (low === '(none)') return 'data';
  for (const table of Object.keys(WELL_KNOWN) as Array<'tcp.port' | 'udp.port'>) {
    for (const p of ['data', ...Object.keys(WELL_KNOWN[table])]) if (p === low || wiresharkName(p).toLowerCase() === low) return p;
  }
  return undefined;
}
