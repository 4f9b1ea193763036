// tshark's default one-line summary: No. Time Source → Destination Protocol Length Info.
import type { Dissection } from '../types';

export function summaryLine(d: Dissection, nanosecond: boolean): string {
  const s = d.summary;
  const time = s.time.toFixed(nanosecond ? 9 : 6);
  const arrow = s.source || s.destination ? `${s.source.padStart(12)} → ${s.destination.padEnd(12)}` : `${''.padStart(12)}   ${''.padEnd(12)}`;
  return `${String(s.number).padStart(5)} ${time.padStart(10)} ${arrow} ${s.protocol} ${s.length} ${s.info}\n`;
}
