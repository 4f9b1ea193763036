// Per-capture dissection state shared by the protocol modules.
import { FragTable } from './frag';
import { TcpTable } from './tcpstream';
import type { Ctx } from './context';
import type { TlsKeyLog } from './keylog';
import { Expectations } from './conversation';
import type { DecodeAs } from './decode-as';
import type { Dissect, TcpAppFactory } from './tables';

export type TlsTap = (frame: number, fromClient: boolean, data: Uint8Array) => void;

const MAX_UDP_STREAMS = 200_000;
const MAX_ECHOES = 65_536;

export class State {
  readonly frags = new FragTable();
  readonly tcp = new TcpTable();
  /** secrets for TLS decryption (tls.keylog_file, pcapng DSBs); null: records stay encrypted */
  tlsKeys: TlsKeyLog | null = null;
  /** UDP conversations announced by a protocol (TFTP transfers, SDP media): tried before the port table */
  readonly udpConv = new Expectations<Dissect>();
  /** TCP conversations announced by a protocol (FTP data connections): tried before the port table */
  readonly tcpConv = new Expectations<TcpAppFactory>();
  /** Decode As overrides of the port tables (a Dissector's option), null without any */
  decodeAs: DecodeAs | null = null;
  /** Follow TLS Stream: each decrypted application-data record (frame, from the TLS client, plaintext) */
  tlsTap: TlsTap | null = null;
  private udp = new Map<string, number>();
  private udpNext = 0;

  private echoes = new Map<string, { frame: number; ts: bigint | null }>();

  /**
   * Pairs ICMP/ICMPv6 echo requests and replies: a request is remembered by
   * (addresses, id, seq); the matching reply gets its frame and the time taken.
   */
  echo(ctx: Ctx, request: boolean, id: number, seq: number): { frame: number; ms: number | null } | null {
    const a = ctx.ipVersion === 4 ? String(ctx.ip4Src) : addr6(ctx.ip6Src);
    const b = ctx.ipVersion === 4 ? String(ctx.ip4Dst) : addr6(ctx.ip6Dst);
    // a reply travels the other way: key it as its request would be
    const key = request ? `${a}|${b}|${id}|${seq}` : `${b}|${a}|${id}|${seq}`;
    const ts = ctx.pkt.tsNs;
    if (request) {
      if (this.echoes.size >= MAX_ECHOES) this.echoes.delete(this.echoes.keys().next().value as string);
      this.echoes.set(key, { frame: ctx.pkt.number, ts });
      return null;
    }
    const r = this.echoes.get(key);
    if (!r) return null;
    return { frame: r.frame, ms: r.ts !== null && ts !== null ? Number(ts - r.ts) / 1e6 : null };
  }

  /**
   * The packet's UDP stream number; `endpoint`: the key of the endpoint
   * conversation it belongs to (SDP media), which tshark numbers on its own,
   * whichever the other end.
   */
  udpStream(ctx: Ctx, sp: number, dp: number, endpoint?: string): number {
    let key: string;
    if (endpoint !== undefined) key = endpoint;
    else {
      const a = (ctx.ipVersion === 4 ? String(ctx.ip4Src) : addr6(ctx.ip6Src)) + ':' + sp;
      const b = (ctx.ipVersion === 4 ? String(ctx.ip4Dst) : addr6(ctx.ip6Dst)) + ':' + dp;
      key = a <= b ? a + '|' + b : b + '|' + a;
    }
    let n = this.udp.get(key);
    if (n === undefined) {
      n = this.udpNext++;
      if (this.udp.size >= MAX_UDP_STREAMS) this.udp.delete(this.udp.keys().next().value as string);
      this.udp.set(key, n);
    }
    return n;
  }
}

function addr6(b: Uint8Array | null): string {
  if (!b) return '';
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i] + 48);
  return s;
}
