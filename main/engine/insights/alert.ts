// What an alert is, and how its display filter is written. Every alert
// carries the numbers behind it and the threshold or baseline it crossed, so
// a reader can see why it fired; its filter (Wireshark syntax) selects
// exactly the packets the alert counted.
import type { AlertSeverity } from '../../api/insights';
export type { AlertKind, AlertSeverity, AlertEndpoint, AlertThreshold, Alert } from '../../api/insights';

export const SEVERITY_RANK: Record<AlertSeverity, number> = { info: 0, low: 1, medium: 2, high: 3 };

/** `ip.src == 1.2.3.4` or `ipv6.src == ::1`, by the address's family. */
export function addrEq(dir: 'src' | 'dst' | 'addr', address: string): string {
  return `${address.includes(':') ? 'ipv6' : 'ip'}.${dir} == ${address}`;
}

export function frameRange(first: number, last: number): string {
  return first === last ? `frame.number == ${first}` : `frame.number >= ${first} && frame.number <= ${last}`;
}

/** `frame.number in {1..3, 5}`: the exact set (ascending), for alerts no field expression can describe. */
export function frameSet(frames: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < frames.length;) {
    let j = i;
    while (j + 1 < frames.length && frames[j + 1] === frames[j] + 1) j++;
    parts.push(j > i ? `${frames[i]}..${frames[j]}` : String(frames[i]));
    i = j + 1;
  }
  return frames.length === 1 ? `frame.number == ${frames[0]}` : `frame.number in {${parts.join(', ')}}`;
}

export const SYN_ONLY = 'tcp.flags.syn == 1 && tcp.flags.ack == 0';

export function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function fmtRate(n: number): string {
  return n >= 100 ? String(Math.round(n)) : n >= 10 ? n.toFixed(1) : n.toFixed(2).replace(/\.?0+$/, '') || '0';
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const u = ['KiB', 'MiB', 'GiB', 'TiB'];
  let i = -1;
  do { n /= 1024; i++; } while (n >= 1024 && i < u.length - 1);
  return `${n.toFixed(1)} ${u[i]}`;
}

/**
 * The one severity rule (docs/INSIGHTS.md, "Severity"). An alert starts at
 * its base — `low` for a named attack (its rule matched: a flood, a scan, a
 * brute force), `info` for an anomaly (a spike, a service on an unusual
 * port) — and each of magnitude (far beyond the threshold or baseline),
 * persistence (sustained, not a burst) and evidence of harm (the victim stops
 * answering, many sources, a login that succeeded after failures) raises it
 * one step. An anomaly without evidence of harm stays at most `low`: ordinary
 * traffic is often big and long (a download, a backup), never harmful by
 * itself.
 */
export function grade(base: 'info' | 'low', o: { magnitude: boolean; persistence: boolean; harm: boolean }): AlertSeverity {
  const order: AlertSeverity[] = ['info', 'low', 'medium', 'high'];
  const steps = Number(o.magnitude) + Number(o.persistence) + Number(o.harm);
  const i = Math.min(order.length - 1, order.indexOf(base) + steps);
  return base === 'info' && !o.harm ? order[Math.min(i, 1)] : order[i];
}

/**
 * A clause selecting frames with exactly one IP header of the address's family
 * and none of the other: tunnels and ICMP errors quoting a packet carry a
 * second header, whose fields `ip.dst == …` or `udp.srcport == …` would also
 * match; detectors count from the outer headers only, and their filters say so.
 */
export function singleIp(address: string): string {
  return address.includes(':') ? 'count(ipv6.dst) == 1 && !ip.dst' : 'count(ip.dst) == 1 && !ipv6.dst';
}

/** Whether the frame has exactly one IP header (of its outer family) and none of the other: what singleIp() selects. */
export function isSingleIp(fields: ReadonlyArray<{ name: string }>, ipVersion: number): boolean {
  const dstName = ipVersion === 6 ? 'ipv6.dst' : 'ip.dst', otherDst = ipVersion === 6 ? 'ip.dst' : 'ipv6.dst';
  let n = 0;
  for (const fd of fields) {
    if (fd.name === dstName) { if (++n > 1) return false; } else if (fd.name === otherDst) return false;
  }
  return n === 1;
}

/** Frames whose transport header the facts read: not IP fragments (the dissector shows UDP/TCP on the reassembled frame, the facts do not). */
export function unfragmented(address: string): string {
  return address.includes(':') ? '!ipv6.fraghdr' : 'ip.flags.mf == 0 && ip.frag_offset == 0';
}
