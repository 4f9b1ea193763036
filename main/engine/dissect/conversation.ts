// Conversations a protocol announces for later packets, as tshark's
// conversation_set_dissector with one port left open: TFTP's transfer
// answered from a new server port, an FTP data connection, SDP's media.
// Keyed by the two addresses and the port known in advance; the packet
// whose other port is anything matches. Bounded (oldest dropped first).
import type { Ctx } from './context';

const MAX = 4096;

function addr(ctx: Ctx, src: boolean): string {
  if (ctx.ipVersion === 4) return String(src ? ctx.ip4Src : ctx.ip4Dst);
  const b = src ? ctx.ip6Src : ctx.ip6Dst;
  if (!b) return '';
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(65 + (b[i] >> 4), 65 + (b[i] & 15));
  return s;
}

/** The key addr() gives the same address read from elsewhere (4 or 16 bytes). */
function addrOf(b: Uint8Array): string {
  if (b.length === 4) return String(((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0);
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(65 + (b[i] >> 4), 65 + (b[i] & 15));
  return s;
}

export interface Expected<T> {
  value: T;
  frame: number;
  /** set for an endpoint expectation (expectEndpoint): its key, which tshark numbers as a conversation of its own */
  endpoint?: string;
}

export class Expectations<T> {
  private map = new Map<string, Expected<T>>();

  /**
   * Packets between the current packet's source and destination addresses
   * (either way) where `addrIsSrc`'s side uses `port` go to `value`.
   */
  expect(ctx: Ctx, known: 'src' | 'dst', port: number, value: T): void {
    const a = addr(ctx, known === 'src'), b = addr(ctx, known !== 'src');
    const key = `${a}:${port}|${b}`;
    if (this.map.size >= MAX && !this.map.has(key)) this.map.delete(this.map.keys().next().value as string);
    this.map.set(key, { value, frame: ctx.pkt.number });
  }

  /**
   * Packets from or to `address` (its 4 or 16 bytes) and `port`, whatever
   * the other end, go to `value` (SDP's media: the address of its c= line,
   * which need not be either end of the signalling packet).
   */
  expectEndpoint(ctx: Ctx, address: Uint8Array, port: number, value: T): void {
    const key = `${addrOf(address)}:${port}|*`;
    if (this.map.size >= MAX && !this.map.has(key)) this.map.delete(this.map.keys().next().value as string);
    this.map.set(key, { value, frame: ctx.pkt.number, endpoint: key });
  }

  /** The conversation this packet belongs to, by its source or its destination port. */
  find(ctx: Ctx, sp: number, dp: number): Expected<T> | undefined {
    if (this.map.size === 0) return undefined;
    const s = addr(ctx, true), d = addr(ctx, false);
    return this.map.get(`${s}:${sp}|${d}`) ?? this.map.get(`${d}:${dp}|${s}`) ?? this.map.get(`${s}:${sp}|*`) ?? this.map.get(`${d}:${dp}|*`);
  }
}
