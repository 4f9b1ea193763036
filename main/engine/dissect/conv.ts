// Per-conversation state for protocols that remember across messages (SMB
// tree and file names, DCE/RPC bound interfaces, Kerberos/LDAP requests):
// a key naming the transport conversation whichever way a packet goes, and
// a map that forgets its oldest entries past a fixed size.
import type { Ctx } from './context';
import type { State } from './state';

/** The conversation of the current packet: both endpoints (address and port), in a fixed order. */
export function convKey(ctx: Ctx): string {
  let a: string, b: string;
  if (ctx.ipVersion === 4) { a = `${ctx.ip4Src}:${ctx.srcPort}`; b = `${ctx.ip4Dst}:${ctx.dstPort}`; }
  else { a = `${ctx.ip6Src?.join('.') ?? ''}:${ctx.srcPort}`; b = `${ctx.ip6Dst?.join('.') ?? ''}:${ctx.dstPort}`; }
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

/** A Map bounded to `max` entries: setting a new key past it drops the oldest. */
export class Bounded<K, V> {
  private m = new Map<K, V>();
  constructor(private readonly max: number) {}
  get(k: K): V | undefined { return this.m.get(k); }
  has(k: K): boolean { return this.m.has(k); }
  delete(k: K): void { this.m.delete(k); }
  set(k: K, v: V): void {
    if (!this.m.has(k) && this.m.size >= this.max) this.m.delete(this.m.keys().next().value as K);
    this.m.set(k, v);
  }
  get size(): number { return this.m.size; }
}

/**
 * State per conversation (or any other key) of one dissection State, at
 * most `max` of them (the oldest forgotten); `make` builds a new one.
 */
export function perConversation<C>(make: () => C, max = 4096): (st: State, key: string) => C {
  const tables = new WeakMap<State, Bounded<string, C>>();
  return (st, key) => {
    let m = tables.get(st);
    if (!m) { m = new Bounded(max); tables.set(st, m); }
    let c = m.get(key);
    if (!c) { c = make(); m.set(key, c); }
    return c;
  };
}
