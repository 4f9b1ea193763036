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
  },
  'udp.port': {
    dns: 53, mdns: 5353, llmnr: 5355, dhcp: 67, bootp: 67, tftp: 69, ntp: 123, nbns: 137, isakmp: 500, syslog: 514, rip: 520,
    dhcpv6: 546, ssdp: 1900, l2tp: 1701, udpencap: 4500, vxlan: 4789, geneve: 6081, 'db-lsp-disc': 17500,
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
  return table.lookup(port, port);
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
    if (a !== undefined) return a(this.tcpPort.get(sp) ?? sp, dp);
    const b = this.tcp.get(dp);
    return b === undefined ? undefined : b(sp, this.tcpPort.get(dp) ?? dp);
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
