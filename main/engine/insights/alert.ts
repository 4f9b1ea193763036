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
