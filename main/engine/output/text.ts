// tshark's default one-line summary: No. Time Source → Destination Protocol Length Info.
import type { Dissection } from '../types';

export function summaryLine(d: Dissection, nanosecond: boolean): string {
  const s = d.summary;
  const time = s.time.toFixed(nanosecond ? 9 : 6);
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
