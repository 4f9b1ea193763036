// A row block (columns, as the engine sends them) turned into the grid's
// rows: one object per row with each column of main/api/columns.ts by id.
import { COLUMNS, type ColumnId, type RowBlock } from '../../main/api/types';

/** One row: each column of main/api/columns.ts by its id (absent numbers are null), and its colouring rule. */
export type Row = { [K in ColumnId]: K extends 'number' | 'length' | 'time' ? number : string | number | null } & {
  number: number;
  protocol: string;
  /** colouring rule number: 0 none, n the table's rule n - 1 */
  colour: number;
};

export function blockToRows(b: RowBlock): Row[] {
  const s = b.strings;
  const rows: Row[] = new Array(b.number.length);
  const cols = COLUMNS.map((c) => ({ id: c.id, str: c.type === 'string', arr: b[c.id] as ArrayLike<number> }));
  for (let i = 0; i < rows.length; i++) {
    const row: Record<string, string | number | null> = { colour: b.colour[i] };
    for (const c of cols) {
      const v = c.arr[i]!;
      row[c.id] = c.str ? s[v]! : Number.isNaN(v) ? null : v;
    }
    rows[i] = row as Row;
  }
  return rows;
}
