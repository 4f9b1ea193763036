// tshark's default one-line summary: No. Time Source → Destination Protocol Length Info.
import type { Dissection, RawPacket } from '../types';

/**
 * Time precision of the summary: a whole file's (nanosecond or not), or
 * decimals per interface id, as tshark's automatic precision follows each
 * frame's interface (a pcapng file may mix µs and ns interfaces).
 */
export type TimePrecision = boolean | ((interfaceId: number) => number);

/** Decimals an interface's tick shows: 6 for µs, 9 for ns, 3 for ms (powers of 2 rounded up). */
export function tickDigits(unitNs: number | undefined): number {
  if (unitNs === undefined) return 6;
  return Math.min(9, Math.max(0, Math.ceil(9 - Math.log10(unitNs) - 1e-9)));
}

/** A capture's precision: the classic pcap header's, else each pcapng interface's (read when asked: IDBs arrive as the file is read). */
export function timePrecisionOf(f: { pcapHeader?: { nanosecond: boolean }; interfaces: ReadonlyArray<{ tsUnitNs?: number }> }): TimePrecision {
  const h = f.pcapHeader;
  return h ? h.nanosecond : (id) => tickDigits(f.interfaces[id]?.tsUnitNs);
}

/**
 * The Time column: seconds since the first frame. A classic pcap record
 * whose fraction is >= 1 s (damage) keeps its raw fraction, as tshark's
 * nstime_delta leaves it unnormalised ("1.1147483649").
 */
export function relativeTimeText(p: RawPacket, time: number, first: bigint | null, digits: number): string {
  if (first === null || p.tsNs === null) return time.toFixed(digits);
  let sec: number, ns: number;
  const aNs = p.tsSec !== undefined && p.tsFrac !== undefined ? p.tsFrac * (p.tsUnitNs ?? 1) : -1;
  if (aNs >= 1e9) {
    sec = p.tsSec! - Number(first / 1_000_000_000n);
    ns = aNs - Number(first % 1_000_000_000n);
    if (ns < 0) { ns += 1e9; sec--; }
  } else {
    const d = p.tsNs - first;
    if (d < 0n) return `-${relativeTimeText({ ...p, tsNs: first, tsSec: undefined }, -time, p.tsNs, digits)}`;
    sec = Number(d / 1_000_000_000n); ns = Number(d % 1_000_000_000n);
  }
  // tshark cuts to the shown precision (no rounding)
  const frac = Math.floor(ns / 10 ** (9 - digits));
  return digits === 0 ? String(sec) : `${sec}.${String(frac).padStart(digits, '0')}`;
}

export function summaryLine(d: Dissection, precision: TimePrecision): string {
  const s = d.summary;
  const digits = typeof precision === 'function' ? precision(d.packet.interfaceId) : precision ? 9 : 6;
  const time = relativeTimeText(d.packet, s.time, d.firstTsNs ?? null, digits);
  const arrow = s.source || s.destination ? `${s.source.padStart(12)} → ${s.destination.padEnd(12)}` : `${''.padStart(12)}   ${''.padEnd(12)}`;
  return `${String(s.number).padStart(5)} ${time.padStart(10)} ${arrow} ${s.protocol} ${s.length} ${s.info}\n`;
}

/** tshark's default columns by title, as `-e _ws.col.<title>` names them. */
export const COLUMN_TITLES = ['No.', 'Time', 'Source', 'Destination', 'Protocol', 'Length', 'Info'] as const;
export type ColumnTitle = typeof COLUMN_TITLES[number];

/** `_ws.col.Info` → 'Info'; null for anything that is not one of the default columns. */
export function columnOf(field: string): ColumnTitle | null {
  if (!field.startsWith('_ws.col.')) return null;
  const t = field.slice(8);
  return (COLUMN_TITLES as readonly string[]).includes(t) ? t as ColumnTitle : null;
}

/** A default column's text for the packet, as tshark -e _ws.col.<title> prints it. */
export function columnText(d: Dissection, title: ColumnTitle, nanosecond: boolean): string {
  const s = d.summary;
  switch (title) {
    case 'No.': return String(s.number);
    case 'Time': return s.time.toFixed(nanosecond ? 9 : 6);
    case 'Source': return s.source;
    case 'Destination': return s.destination;
    case 'Protocol': return s.protocol;
    case 'Length': return String(s.length);
    case 'Info': return s.info;
  }
}
