// The packet list's column layout and row selection, seen from outside the
// grid component: a session save reads the layout (visible columns, order,
// widths) and a reopen restores it and reveals the saved selection. The
// grid registers its API here when ready; what arrives before that waits.
import type { ViewColumn } from '../../main/api/types';

/** The part of AG Grid's GridApi this module uses (kept structural so the store stays DOM-free). */
export interface GridLike {
  getColumnState(): Array<{ colId: string; width?: number; hide?: boolean | null }>;
  applyColumnState(p: { state: Array<{ colId: string; width?: number; hide?: boolean }>; applyOrder?: boolean }): boolean;
  getColumn(key: string): { getColDef(): { headerName?: string } } | null;
  ensureIndexVisible(index: number, position?: 'top' | 'bottom' | 'middle' | null): void;
  getDisplayedRowAtIndex(index: number): { data?: { number: number }; setSelected(v: boolean, clearOthers?: boolean): void } | undefined;
  setFocusedCell(rowIndex: number, colKey: string): void;
  isDestroyed?(): boolean;
}

let grid: GridLike | null = null;
let pendingColumns: ViewColumn[] | null = null;
let pendingReveal: { index: number; number: number } | null = null;

/** Called by the packet list with AG Grid's GridApi (typed loosely: only the GridLike methods are used). */
export function registerGridApi(api: object | null): void {
  grid = api as GridLike | null;
  if (!api) return;
  if (pendingColumns) { const c = pendingColumns; pendingColumns = null; applyColumns(c); }
  if (pendingReveal) { const r = pendingReveal; pendingReveal = null; revealRow(r.index, r.number); }
}

const live = (): GridLike | null => (grid && !grid.isDestroyed?.() ? grid : null);

/** The list's columns in display order, or null when no grid is mounted. */
export function currentColumns(): ViewColumn[] | null {
  const g = live();
  if (!g) return null;
  return g.getColumnState().map((c) => {
    const col: ViewColumn = { field: c.colId, title: g.getColumn(c.colId)?.getColDef().headerName ?? c.colId };
    if (typeof c.width === 'number') col.width = Math.round(c.width);
    if (c.hide) col.hidden = true;
    return col;
  });
}

/** Apply a saved layout (unknown columns are ignored; columns it does not name keep their place after it). */
export function applyColumns(cols: ViewColumn[]): void {
  if (!cols.length) return;
  const g = live();
  if (!g) { pendingColumns = cols; return; }
  const known = new Set(g.getColumnState().map((c) => c.colId));
  const state = cols.filter((c) => known.has(c.field)).map((c) => ({
    colId: c.field, hide: !!c.hidden, ...(typeof c.width === 'number' && c.width > 0 ? { width: c.width } : {}),
  }));
  g.applyColumnState({ state, applyOrder: true });
}

/** Scroll a displayed row into view and select it once its block is loaded. */
export function revealRow(index: number, number: number): void {
  const g = live();
  if (!g) { pendingReveal = { index, number }; return; }
  let tries = 0;
  const attempt = () => {
    const cur = live();
    if (!cur) return;
    cur.ensureIndexVisible(index, 'middle');
    const node = cur.getDisplayedRowAtIndex(index);
    if (node?.data?.number === number) {
      node.setSelected(true, true);
      cur.setFocusedCell(index, 'number');
      return;
    }
    if (++tries < 40) setTimeout(attempt, 100);
  };
  attempt();
}
