// Hand-built frames for dissector tests: small builders over byte arrays.
import type { RawPacket } from '../../../main/engine/types';

export const hex = (s: string): number[] => (s.replace(/\s+/g, '').match(/../g) ?? []).map((b) => parseInt(b, 16));
const u16 = (v: number): number[] => [(v >> 8) & 255, v & 255];
const u32 = (v: number): number[] => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const ip4 = (a: string): number[] => a.split('.').map(Number);

let n = 0;
export function raw(bytes: number[] | Uint8Array, opts: Partial<RawPacket> = {}): RawPacket {
  const data = bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes);
  n++;
  return { number: n, tsNs: 1_700_000_000_000_000_000n + BigInt(n) * 1000n, capLen: data.length, origLen: data.length, linkType: 1, interfaceId: 0, data, ...opts };
}

export function eth(type: number, payload: number[]): number[] {
  return [...hex('02 00 00 00 00 02'), ...hex('02 00 00 00 00 01'), ...u16(type), ...payload];
}

export function ipv4(src: string, dst: string, proto: number, payload: number[], o: { totalLen?: number; ihl?: number; options?: number[]; id?: number; flags?: number } = {}): number[] {
  const opts = o.options ?? [];
  const ihl = o.ihl ?? 5 + Math.ceil(opts.length / 4);
  const hdr = [0x40 | (ihl & 15), 0, ...u16(o.totalLen ?? 20 + opts.length + payload.length), ...u16(o.id ?? 1), ...u16(o.flags ?? 0x4000), 64, proto, 0, 0, ...ip4(src), ...ip4(dst), ...opts];
  return [...hdr, ...payload];
}

const v6 = (n: number): number[] => [0x20, 0x01, 0x0d, 0xb8, ...Array<number>(11).fill(0), n];
/** IPv6 from 2001:db8::`src` to 2001:db8::`dst`, next header `nxt`. */
export function ipv6(nxt: number, payload: number[], src = 1, dst = 2): number[] {
  return [0x60, 0, 0, 0, ...u16(payload.length), nxt, 64, ...v6(src), ...v6(dst), ...payload];
}

export function tcp(sp: number, dp: number, seq: number, ack: number, flags: number, payload: number[] = [], options: number[] = [], hdrLen?: number): number[] {
  const hl = hdrLen ?? 20 + options.length;
  return [...u16(sp), ...u16(dp), ...u32(seq), ...u32(ack), (hl / 4) << 4, flags, ...u16(64240), 0, 0, 0, 0, ...options, ...payload];
}

export function udp(sp: number, dp: number, payload: number[], len?: number): number[] {
  return [...u16(sp), ...u16(dp), ...u16(len ?? 8 + payload.length), 0, 0, ...payload];
}

export const ascii = (s: string): number[] => [...Buffer.from(s, 'latin1')];

export function dnsQuery(id: number, name: string, type = 1): number[] {
  const labels = name.split('.').flatMap((l) => [l.length, ...ascii(l)]);
  return [...u16(id), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, ...labels, 0, ...u16(type), 0, 1];
}

export { u16, u32, ip4 };
