// What the service keeps of a session besides the packets: the view the
// renderer last reported (columns, selection), the metadata a file came
// with, and the helpers Save / Export need (packet ranges); colouring rules
// live in main/engine/colour/colouring.ts.
import type { ViewColumn } from '../../api/types';
import { ApiError } from '../../api/index';

/** Parse "1-10,15" into a frame predicate; throws ApiError naming the bad part. */
export function parseRange(text: string): (frame: number) => boolean {
  const parts: Array<[number, number]> = [];
  for (const raw of text.split(',')) {
    const p = raw.trim();
    if (!p) continue;
    const m = /^(\d+)\s*(?:-\s*(\d*))?$/.exec(p);
    if (!m) throw new ApiError(`packet range "${p}" is not a number or a range like 1-10`, 'request');
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : m[2] === '' ? Number.MAX_SAFE_INTEGER : Number(m[2]);
    if (a < 1 || b < a) throw new ApiError(`packet range "${p}" is empty or starts below 1`, 'request');
    parts.push([a, b]);
  }
  if (!parts.length) throw new ApiError('the packet range is empty (e.g. 1-10,15)', 'request');
  return (n) => parts.some(([a, b]) => n >= a && n <= b);
}

/** Keep only well-formed columns (metadata from a file is not trusted to be tidy). */
export function cleanColumns(cols: ReadonlyArray<{ field: string; title: string; width?: number; hidden?: boolean }>): ViewColumn[] {
  const out: ViewColumn[] = [];
  for (const c of cols) {
    if (typeof c.field !== 'string' || !c.field) continue;
    const col: ViewColumn = { field: c.field, title: typeof c.title === 'string' ? c.title : c.field };
    if (typeof c.width === 'number' && Number.isFinite(c.width) && c.width >= 0) col.width = Math.round(c.width);
    if (c.hidden) col.hidden = true;
    out.push(col);
  }
  return out;
}
