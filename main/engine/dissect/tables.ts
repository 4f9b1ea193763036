// Dissector tables, as Wireshark's (proto_reg_handoff): a protocol module
// registers itself into its parent's table (ethertype, ip.proto, udp.port,
// tcp.port, the TCP heuristics); the parent looks its payload up there and
// never names its children. dissect/protocols.ts imports every module, so
// the tables (and the field registry) are complete whichever module a
// caller imports first.
import type { Ctx } from './context';
import type { State } from './state';
import type { TcpApp, TcpFlow, TcpStream } from './tcpstream';

/**
 * Dissects [off, end) of ctx.d. Returns where the protocol's bytes end when
 * that is before `end` (an IPv4 total length shorter than the Ethernet
 * payload: the rest is padding), else nothing.
 */
export type Dissect = (ctx: Ctx, st: State, off: number, end: number) => number | void;

/** A registration table: each key registered once (a second registration is a bug in the protocol modules). */
class KeyedTable<K, V> {
  private readonly map = new Map<K, V>();
  constructor(readonly name: string) {}

  add(key: K, value: V): void {
    if (this.map.has(key)) throw new Error(`${this.name} ${String(key)} is registered twice`);
    this.map.set(key, value);
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }
}

/** A table keyed by a number the parent reads (an ethertype, an IP protocol, a PPP protocol). */
export class DissectorTable<F = Dissect> extends KeyedTable<number, F> {}

/** Heuristics without a priority come after every built-in one. */
export const DEFAULT_PRIORITY = 100;

/**
 * Does the protocol take this payload [off, end)? Mirrors the first check a
 * tshark "new-style" dissector makes before it returns 0 (not mine), so the
 * next port's protocol is tried; a protocol whose tshark dissector takes
 * any bytes registers none.
 */
export type Accepts = (d: Uint8Array, off: number, end: number) => boolean;

/**
 * The Protocol and Info columns a tshark dissector has set when it rejects
 * a payload (null: none): they stay when no other protocol takes it.
 */
export type LeftColumns = (d: Uint8Array, off: number, end: number) => readonly [protocol: string, info: string] | null;

interface PortEntry<T> { value: T; both: boolean; accepts: Accepts | null; left: LeftColumns | null }

/**
 * A table keyed by a transport port, chosen from as tshark 4.0 does
 * (packet-tcp.c decode_tcp_ports, packet-udp.c decode_udp_ports): the
 * server port a TCP stream's SYN or SYN-ACK named, then the lower port,
 * then the higher one (port 0 never); a candidate whose protocol rejects
 * the payload (`accepts`) is passed over for the next. No protocol is
 * preferred to another: the order is the ports'.
 */
export class PortTable<T> {
  private readonly map = new Map<number, PortEntry<T>>();
  /** the port the last successful `choose` matched (tshark's pinfo->match_uint) */
  matched = 0;
  /** the columns the last rejecting candidate of the last `choose` left set (null: none) */
  left: readonly [protocol: string, info: string] | null = null;
  /** a candidate of the last `choose` had a protocol, which rejected the payload */
  rejected = false;
  constructor(readonly name: string) {}

  /**
   * `both`: only when source and destination are both this port (a
   * broadcast discovery protocol); `accepts`: the protocol's own check of
   * the payload, where its tshark dissector rejects what is not its own;
   * `left`: the columns that dissector has set by the time it rejects.
   */
  add(ports: readonly number[], value: T, opts: { both?: boolean; accepts?: Accepts; left?: LeftColumns } = {}): void {
    const entry = { value, both: opts.both === true, accepts: opts.accepts ?? null, left: opts.left ?? null };
    for (const p of ports) {
      if (this.map.has(p)) throw new Error(`${this.name} ${p} is registered twice`);
      this.map.set(p, entry);
    }
  }

  /** The protocol registered on a port, whatever the payload (what Decode As copies). */
  get(port: number): T | undefined {
    return this.map.get(port)?.value;
  }

  /**
   * The protocol for a payload [off, end) between ports sp and dp; `server`:
   * the server port a TCP stream's handshake named (0: not seen, and always
   * for UDP). Sets `matched` to the port it was found on.
   */
  choose(sp: number, dp: number, server: number, d: Uint8Array, off: number, end: number): T | undefined {
    const lo = sp < dp ? sp : dp, hi = sp < dp ? dp : sp;
    let v: T | undefined;
    this.left = null;
    this.rejected = false;
    if (server !== 0 && (v = this.take(server, sp, dp, d, off, end)) !== undefined) return v;
    if (lo !== 0 && lo !== server && (v = this.take(lo, sp, dp, d, off, end)) !== undefined) return v;
    if (hi !== lo && hi !== server && (v = this.take(hi, sp, dp, d, off, end)) !== undefined) return v;
    return undefined;
  }

  private take(port: number, sp: number, dp: number, d: Uint8Array, off: number, end: number): T | undefined {
    const e = this.map.get(port);
    if (e === undefined || (e.both && sp !== dp)) return undefined;
    if (e.accepts !== null && !e.accepts(d, off, end)) {
      this.rejected = true;
      const left = e.left?.(d, off, end) ?? null;
      if (left !== null) this.left = left;
      return undefined;
    }
    this.matched = port;
    return e.value;
  }
}

/**
 * Makes the reassembler for one direction of a TCP stream; sp/dp are that
 * direction's ports, `match` the port its protocol was found on (tshark's
 * pinfo->match_uint: a segment to it is a request).
 */
export type TcpAppFactory = (sp: number, dp: number, match: number) => TcpApp;

/** A heuristic: does a direction's first payload [off, end) look like the protocol? */
export interface TcpHeuristic { test(d: Uint8Array, off: number, end: number): boolean; app: TcpAppFactory; priority: number }

/** Heuristics tried in priority order (not import order) when no port matched. */
export class HeuristicList {
  readonly list: TcpHeuristic[] = [];
  add(test: TcpHeuristic['test'], app: TcpAppFactory, priority = DEFAULT_PRIORITY): void {
    this.list.push({ test, app, priority });
    this.list.sort((a, b) => a.priority - b.priority);
  }

  find(d: Uint8Array, off: number, end: number): TcpAppFactory | undefined {
    for (const h of this.list) if (h.test(d, off, end)) return h.app;
    return undefined;
  }
}

export const ETHERTYPE = new DissectorTable('ethertype');
/** LLC I and UI frames by DSAP (tshark's llc.dsap table) */
export const LLC_DSAP = new DissectorTable('llc.dsap');
/** SNAP payloads by OUI × 0x10000 + PID (the per-OUI PID tables of packet-llc.c), OUI 0 aside: that PID is an ethertype */
export const LLC_SNAP = new DissectorTable('llc.snap');
export const IP_PROTO = new DissectorTable('ip.proto');
export const PPP_PROTOCOL = new DissectorTable('ppp.protocol');
/**
 * GRE protocol types that are not ethertypes of their own (ERSPAN), tried
 * before the ethertype table; `seq`: the GRE header carried a sequence
 * number (what tells ERSPAN type I from type II).
 */
export type GreDissect = (ctx: Ctx, st: State, off: number, end: number, seq: boolean) => void;
export const GRE_PROTO = new DissectorTable<GreDissect>('gre.proto');
export const UDP_PORT = new PortTable<Dissect>('udp.port');
export const TCP_PORT = new PortTable<TcpAppFactory>('tcp.port');
export const TCP_HEURISTICS = new HeuristicList();
/** Heuristics for decrypted TLS application data only (CredSSP), tried before TCP_HEURISTICS when no ALPN names the protocol. */
export const TLS_HEURISTICS = new HeuristicList();

/** A table keyed by a string the parent reads (a TLS ALPN protocol id). */
export class StringDissectorTable<T> extends KeyedTable<string, T> {}

/**
 * Wireshark's `tls.alpn` table: the protocol that reads a TLS connection's
 * application data (once decrypted) by the ALPN id the server chose, e.g.
 * 'h2' or 'http/1.1'.
 */
export const TLS_ALPN = new StringDissectorTable<TcpAppFactory>('tls.alpn');

/**
 * Protocols an HTTP/1.1 connection can switch to, by Upgrade token (and
 * 'h2c' also for the HTTP/2 preface sent with prior knowledge on an HTTP
 * port): makes both directions of the connection the new protocol and
 * returns the app for `flow`, which the HTTP dissector feeds the rest.
 */
export const HTTP_UPGRADE = new StringDissectorTable<(s: TcpStream, flow: TcpFlow) => TcpApp>('http.upgrade');

/** A complete HTTP message (HTTP/1.x or HTTP/2), for what reads messages rather than bytes (the gen_ai fields). */
export interface HttpMessage {
  isRequest: boolean;
  method?: string;
  /** the request target (path and query) */
  path?: string;
  /** Host or :authority */
  authority?: string;
  status?: number;
  /** header names in lower case, values as sent */
  headers: ReadonlyArray<readonly [string, string]>;
  /** the body after chunked framing, still content-encoded; null when not kept (too large, or not wanted) */
  body: Uint8Array | null;
  bodyLength: number;
  contentType: string;
  /** Content-Encoding in lower case, '' for none */
  contentEncoding: string;
  /** the connection (HTTP/1) or stream (HTTP/2) the message belongs to */
  conn: object;
  /**
   * the frame the HTTP dissector pairs the request by: on a response, its
   * request's; on an HTTP/2 request, its HEADERS frame (HTTP/1: the frame
   * completing the request, when absent)
   */
  requestFrame?: number;
}

/** Called on the frame that completes each HTTP message, after the HTTP layer's fields. */
export const HTTP_MESSAGE_HOOKS: Array<(ctx: Ctx, m: HttpMessage) => void> = [];

/**
 * What an NBSS session message carries, by its first byte (SMB 0xff, SMB2
 * 0xfe, the SMB3 transform header 0xfd, the SMB2 compression header 0xfc),
 * as Wireshark's heuristic list for NBSS picks SMB or SMB2.
 */
export const NBSS_PAYLOAD = new DissectorTable('nbss.payload');

/**
 * GSS-API mechanisms by OID (SPNEGO, NTLMSSP, Kerberos): what a GSS-API
 * token or a SPNEGO mechToken holds. The dissector is given the inner
 * token's bytes [off, end).
 */
export const GSSAPI_OID = new StringDissectorTable<Dissect>('gssapi.oid');

/**
 * What a named pipe carries over SMB/SMB2 (Write, Read, Transact, Ioctl
 * FSCTL_PIPE_TRANSCEIVE), by its first byte: DCE/RPC's version 5.
 */
export const SMB_PIPE = new DissectorTable('smb.pipe');

/**
 * Which pipe the SMB_PIPE payload being dissected belongs to (the SMB
 * connection and file id), set by SMB/SMB2 just before the call: DCE/RPC
 * keeps its bound interfaces per pipe, as several pipes share a connection.
 */
export const PIPE_CONTEXT = { key: '' };

/** Dissectors tried in order on a payload until one claims it (returns true): Wireshark's heuristic lists. */
export class HeuristicDissectors {
  private readonly list: Array<(ctx: Ctx, st: State, off: number, end: number) => boolean> = [];
  constructor(readonly name: string) {}
  add(fn: (ctx: Ctx, st: State, off: number, end: number) => boolean): void { this.list.push(fn); }
  try(ctx: Ctx, st: State, off: number, end: number): boolean {
    for (const fn of this.list) if (fn(ctx, st, off, end)) return true;
    return false;
  }
}

/** The user data of an X.224 (COTP) Connection Request/Confirm (RDP's cookie and negotiation). */
export const COTP_CONNECT_DATA = new HeuristicDissectors('cotp.connect');
/** What COTP data TPDUs carry (RDP's T.125, S7comm, ...). */
export const COTP_DATA = new HeuristicDissectors('cotp.data');

/** The decoder of one DER certificate in a TLS ≤ 1.2 Certificate message (X.509, set by x509.ts). */
export const TLS_CERTIFICATE: { dissect?: (ctx: Ctx, parent: import('./context').FieldNode, off: number, end: number) => void } = {};

/**
 * The decoder of an HTTP authentication header's token ("NTLM <base64>",
 * "Negotiate <base64>"): given the header's value and where it starts in
 * the message (set by gssapi.ts).
 */
export const HTTP_AUTH: { dissect?: (ctx: Ctx, value: string, at: number) => void; info?: (ctx: Ctx) => string } = {};

/**
 * UDP heuristics (Wireshark's "udp" heuristic list, the ones enabled by
 * default): tried on a datagram no conversation or port claimed, before it
 * becomes data. Each returns true when it dissected the payload.
 */
export const UDP_HEURISTICS = new HeuristicDissectors('udp');

/** What an ONC-RPC call remembers for its reply (program, version, procedure; the program's own note). */
export interface RpcCall { program: number; version: number; procedure: number; frame: number; ts: bigint | null; note?: unknown }
/**
 * An ONC-RPC program (Wireshark's rpc program table): its names and the
 * dissectors of its call arguments and reply results at [off, end). Each
 * returns text appended to Info, if any.
 */
export interface RpcProgram {
  /** the Protocol column ("Portmap", "NFS") */
  name: string;
  /** its layer's filter name ("portmap", "nfs") */
  filter: string;
  /** procedure names by version (version 0: any version) */
  procs: Record<number, Record<number, string>>;
  call?(ctx: Ctx, st: State, layer: import('./context').FieldNode, c: RpcCall, off: number, end: number): string | void;
  reply?(ctx: Ctx, st: State, layer: import('./context').FieldNode, c: RpcCall, off: number, end: number): string | void;
}
/** ONC-RPC programs by number (portmap 100000, NFS 100003, ...). */
export const RPC_PROGRAM = new DissectorTable<RpcProgram>('rpc.program');

/** What SCTP DATA chunks carry, by payload protocol identifier (tshark's sctp.ppi), tried before the ports. */
export const SCTP_PPI = new DissectorTable('sctp.ppi');
/** What SCTP DATA chunks carry, by port (tshark's sctp.port): the lower port, then the higher. */
export const SCTP_PORT = new DissectorTable('sctp.port');
/** What DCCP payloads carry, by port (tshark's dccp.port): the lower port, then the higher. */
export const DCCP_PORT = new DissectorTable('dccp.port');
/**
 * Link types beyond the ones dissectLink knows itself (pcap LINKTYPE_*
 * numbers, FCS bits masked off): NFLOG, 802.11, PPP, Cisco HDLC… register
 * here and dissect the whole frame [0, end).
 */
export const LINKTYPE = new DissectorTable('linktype');
