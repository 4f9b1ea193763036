// What the block list never blocks: this host's own addresses (every
// interface), loopback, link-local, unspecified, multicast and broadcast
// addresses, and the default gateways — nor a network containing one.
// Blocking them would cut the host off from itself, its neighbours or its
// way out, which no alert justifies. The helper enforces the same rules in
// the capture's network namespace (helper/block.c); this copy gives the UI
// and the CLI their answer before anything is sent.
import { networkInterfaces } from 'node:os';
import { readFileSync } from 'node:fs';
import { overlaps, parsePrefix, type Prefix } from './address';

export interface Protected {
  prefix: Prefix;
  why: string;
}

const FIXED: Array<[string, string]> = [
  ['127.0.0.0/8', 'loopback'],
  ['0.0.0.0/8', "'this network' (unspecified)"],
  ['169.254.0.0/16', 'link-local'],
  ['224.0.0.0/4', 'multicast'],
  ['255.255.255.255/32', 'broadcast'],
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['fe80::/10', 'link-local (neighbour discovery, routers)'],
  ['ff00::/8', 'multicast'],
];

function must(text: string): Prefix {
  const p = parsePrefix(text);
  if (p instanceof Error) throw p;
  return p;
}

/** Default gateways from /proc/net/route (IPv4, little-endian hex) and /proc/net/ipv6_route. */
export function defaultGateways(routeV4?: string, routeV6?: string): Array<{ address: string; iface: string }> {
  const read = (p: string): string => { try { return readFileSync(p, 'utf8'); } catch { return ''; } };
  const out: Array<{ address: string; iface: string }> = [];
  for (const line of (routeV4 ?? read('/proc/net/route')).split('\n').slice(1)) {
    const [iface, dst, gw] = line.trim().split(/\s+/);
    if (dst !== '00000000' || !gw || !/^[0-9A-Fa-f]{8}$/.test(gw) || gw === '00000000') continue;
    const n = parseInt(gw, 16);
    out.push({ address: `${n & 0xff}.${(n >>> 8) & 0xff}.${(n >>> 16) & 0xff}.${n >>> 24}`, iface });
  }
  for (const line of (routeV6 ?? read('/proc/net/ipv6_route')).split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || f[1] !== '00' || !/^0{32}$/.test(f[0]) || !/^[0-9a-f]{32}$/i.test(f[4]) || /^0{32}$/.test(f[4])) continue;
    out.push({ address: f[4].match(/.{4}/g)!.join(':'), iface: f[9] });
  }
  return out;
}

export interface ProtectSources {
  interfaces?: ReturnType<typeof networkInterfaces>;
  routeV4?: string;
  routeV6?: string;
}

/** Everything protected right now (addresses and routes change: ask again each time). */
export function protectedPrefixes(src: ProtectSources = {}): Protected[] {
  const out: Protected[] = FIXED.map(([p, why]) => ({ prefix: must(p), why }));
  for (const [name, addrs] of Object.entries(src.interfaces ?? networkInterfaces())) {
    for (const a of addrs ?? []) {
      const p = parsePrefix(a.address.replace(/%.*$/, ''));
      if (!(p instanceof Error)) out.push({ prefix: p, why: `this host's address ${a.address} (${name})` });
    }
  }
  for (const g of defaultGateways(src.routeV4, src.routeV6)) {
    const p = parsePrefix(g.address);
    if (!(p instanceof Error)) out.push({ prefix: p, why: `the default gateway ${p.text.replace(/\/(32|128)$/, '')} (${g.iface})` });
  }
  return out;
}

/** Why `target` must not be blocked (it is, or contains, a protected address), or null. */
export function protectionOf(target: Prefix, list: readonly Protected[]): string | null {
  for (const p of list) if (overlaps(target, p.prefix)) return `${target.text} covers ${p.why}, which is never blocked`;
  return null;
}
