// The packet list: AG Grid's infinite row model asks the engine for the
// block of rows on screen (never the whole capture). Rows refetch when the
// engine's list generation changes (filter, sort, new source); while live,
// the row count grows and the view follows the tail until the user scrolls up.
//
// Scrolling a million rows is the hot path (bench/ui/bench.js measures it):
// plain-text cells (valueFormatter, no React cell renderers), a small row
// buffer, large row blocks, a style object per colouring rule and contained rows keep
// each frame's work to the rows on screen. The grid options are built once,
// so status updates (every 50 ms while live) never re-render the grid.
import { useEffect, useMemo, useRef, useState } from 'react';
import {
  ModuleRegistry, InfiniteRowModelModule, RowSelectionModule, RowStyleModule, CellStyleModule,
  ColumnApiModule, RowApiModule, ScrollApiModule, themeQuartz, colorSchemeDark, colorSchemeLight,
  type ColDef, type GridApi, type GridOptions, type IDatasource, type IGetRowsParams, type CellContextMenuEvent,
  type CellFocusedEvent, type BodyScrollEvent,
} from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { COLUMNS, type ColumnDef, type ColumnId } from '../../main/api/types';
import { blockToRows, type Row } from '../lib/rows';
import { rowStyles, type RowStyle } from '../lib/colouring';
import { useApp, useApp$ } from '../context';
import { formatColumn } from '../lib/format';
import { ContextMenu, type MenuTarget } from './ContextMenu';
import { useDarkMode } from '../lib/theme';
import { registerGridApi } from '../lib/grid-bridge';

// Only the grid features the list uses: AllCommunityModule also brings tooltips, column hover,
// change highlighting, cell spans, auto height, editors, filters, pagination..., and several of
// them attach a feature to every cell created (and destroyed) on each frame of a fling.
// CellStyleModule applies the numericColumn type's cellClass (right-aligned numbers).
ModuleRegistry.registerModules([
  InfiniteRowModelModule, RowSelectionModule, RowStyleModule, CellStyleModule,
  ColumnApiModule, RowApiModule, ScrollApiModule,
]);

const GRID_COLUMNS: ColDef<Row>[] = COLUMNS.map((c: ColumnDef) => {
  const col: ColDef<Row> = { field: c.id as ColumnId, headerName: c.title };
  if (c.width !== undefined) col.width = c.width;
  if (c.flex !== undefined) col.flex = c.flex;
  if (c.minWidth !== undefined) col.minWidth = c.minWidth;
  if (c.numeric) col.type = 'numericColumn';
  if (c.hidden) col.hide = true;
  if (c.format) { const f = formatColumn(c.format); col.valueFormatter = (p) => (p.value == null ? '' : f(p.value)); }
  return col;
});

const ROW_HEIGHT = 22;
/** Rows per block the grid fetches at once (see cacheBlockSize). */
const BLOCK_ROWS = 1000;
/** Shortest time between two refreshes of a growing list: about 6 a second, so a round trip's jitter leaves 5. */
const REFRESH_MS = 150;
/** How far ahead of the rendered rows a scroll fetches: a couple of fast wheel ticks (~140 rows each). */
const PREFETCH_ROWS = 400;
const lightTheme = themeQuartz.withPart(colorSchemeLight).withParams({ fontSize: 12, rowHeight: ROW_HEIGHT, headerHeight: 28, spacing: 4 });
const DEFAULT_COL: ColDef<Row> = { sortable: true, resizable: true, suppressMovable: false };
const darkTheme = themeQuartz.withPart(colorSchemeDark).withParams({ fontSize: 12, rowHeight: ROW_HEIGHT, headerHeight: 28, spacing: 4 });

export function PacketList() {
  const { store, api } = useApp();
  const status = useApp$((s) => s.status);
  const statusRef = useRef(status);
  statusRef.current = status;
  const dark = useDarkMode();
  const gridRef = useRef<GridApi<Row> | null>(null);
  const fetchedGen = useRef(-1);
  const sortKey = useRef('');
  const follow = useRef(true);
  const programmaticScroll = useRef(0);
  /** the user's own hand on the list: the last wheel/key time, and whether a pointer (scrollbar drag) is down */
  const userInput = useRef(0);
  const pointerDown = useRef(false);
  const lastRefresh = useRef(0);
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  /** row requests not yet answered, and whether a refresh waits for them (see resync) */
  const inFlight = useRef(0);
  const refreshWaiting = useRef(false);
  /** the list generation the cached blocks were last refreshed under (see resync) */
  const refreshedGen = useRef(-1);
  /** the tail row a follow-the-tail scroll waits to have loaded (see followTail) */
  const tailWaiting = useRef<number | null>(null);
  const [menu, setMenu] = useState<MenuTarget | null>(null);
  const [following, setFollowing] = useState(true);
  const [chooser, setChooser] = useState(false);
  const [, bump] = useState(0);
  const styles = useRef<Array<RowStyle | undefined>>([]);
  const stylesKey = useRef('');

  // The colours come with the engine's colouring table; a new table bumps the list generation.
  useEffect(() => {
    let current = true;
    api.call('getColouring', {}).then(({ rules }) => {
      const key = JSON.stringify(rules);
      if (!current || key === stylesKey.current) return;
      stylesKey.current = key;
      styles.current = rowStyles(rules);
      // a redraw may report a scroll: ours, not the user leaving the tail of a live capture
      programmaticScroll.current = Date.now();
      gridRef.current?.redrawRows();
    }).catch((e) => store.getState().reportError(e, 'rows'));
    return () => { current = false; };
  }, [api, store, status.generation]);

  const datasource = useMemo<IDatasource>(() => ({
    getRows: (p: IGetRowsParams) => {
      void (async () => {
        try {
          const sm = p.sortModel[0];
          const key = sm ? `${sm.colId}:${sm.sort}` : '';
          if (key !== sortKey.current) {
            sortKey.current = key;
            await api.call('setSort', { column: sm ? (sm.colId as ColumnId) : null, desc: sm?.sort === 'desc' });
          }
          inFlight.current++;
          let b;
          try {
            b = await api.call('getRows', { start: p.startRow, count: p.endRow - p.startRow });
          } finally {
            inFlight.current--;
          }
          fetchedGen.current = b.generation;
          p.successCallback(blockToRows(b), b.total);
          // rows toward the tail landed: the newest of them come on screen drawn (followTail). Not only
          // the awaited last row's block: a later update may have moved the target on before it came.
          const t = tailWaiting.current, g = gridRef.current;
          if (t !== null && g) {
            const top = Math.min(t, p.endRow - 1, b.total - 1);
            if (follow.current && top >= p.startRow && top > g.getLastDisplayedRowIndex()) {
              programmaticScroll.current = Date.now();
              g.ensureIndexVisible(top, 'bottom');
            }
            if (p.startRow <= t && t < p.endRow) tailWaiting.current = null;
          }
        } catch (e) {
          p.failCallback();
          store.getState().reportError(e, 'rows');
        }
        // the refresh that waited for these rows (resync) runs once they are shown
        if (inFlight.current === 0 && refreshWaiting.current && gridRef.current) {
          refreshWaiting.current = false;
          refreshSoon(gridRef.current);
        }
      })();
    },
  }), [api, store]);

  /**
   * Sets the grid's row count from the latest status (not one a timer was scheduled under), refetches, follows the tail.
   * Never while rows are being fetched: a refresh bumps every cached block's version and AG Grid
   * drops an answer loaded under an older one, so refreshing more often than a request's round
   * trip (a busy engine, a slow link) threw every answer away and the list stayed on its old rows
   * (or blank) for as long as packets kept coming. The refresh waits for the answers instead, and
   * the list updates once per round trip, at most every REFRESH_MS.
   */
  const resync = (g: GridApi<Row>): void => {
    const st = statusRef.current;
    // A list that only grew keeps its packets where they were: rows loaded stay right, and only
    // a block loaded short of the new rows (the old last one) needs them again. Reloading every
    // cached block at each growth cost a round trip per block before the tail's (bench/uilive).
    const count = g.getDisplayedRowCount();
    const shortBlock = st.displayed > count && count % BLOCK_ROWS !== 0 && g.getCacheBlockState()[Math.floor((count - 1) / BLOCK_ROWS)] !== undefined;
    const refetch = st.generation !== refreshedGen.current || shortBlock;
    if (refetch && inFlight.current > 0) { refreshWaiting.current = true; return; }
    lastRefresh.current = Date.now();
    g.setRowCount(st.displayed, st.state !== 'capturing' && st.state !== 'loading');
    if (refetch) {
      refreshedGen.current = st.generation;
      g.refreshInfiniteCache();
    }
    if (follow.current && st.mode === 'live' && st.displayed > 0) followTail(g, st.displayed - 1);
  };

  /**
   * Brings the last row on screen once it can be drawn. A busy capture's tail moves into blocks
   * not yet loaded at every refresh: scrolling there at once showed a list of empty rows until
   * the block came (about half of all frames at the generator's top rate, bench/uilive). Asking
   * for the row creates and queues its block (and, after a refresh, lets AG Grid drop the cached
   * blocks nobody sees instead of reloading them all first); the scroll waits for its rows, and
   * meanwhile the rows already drawn stay.
   */
  const followTail = (g: GridApi<Row>, last: number): void => {
    programmaticScroll.current = Date.now();
    if (g.getDisplayedRowAtIndex(last)?.data) {
      tailWaiting.current = null;
      g.ensureIndexVisible(last, 'bottom');
    } else tailWaiting.current = last;
  };

  /** resync now, or when REFRESH_MS have passed since the last one */
  const refreshSoon = (g: GridApi<Row>): void => {
    const run = () => {
      refreshTimer.current = null;
      resync(g);
    };
    const wait = REFRESH_MS - (Date.now() - lastRefresh.current);
    if (wait <= 0) run();
    else if (!refreshTimer.current) refreshTimer.current = setTimeout(run, wait);
  };

  // Generation changed (filter/sort/new source): refetch. Count grew (live/loading): extend, refresh the tail.
  useEffect(() => {
    const g = gridRef.current;
    if (!g) return;
    if (status.generation !== fetchedGen.current) {
      // rows in flight would be dropped by this refresh (see resync): let them land, then resync
      if (inFlight.current > 0) { refreshWaiting.current = true; return; }
      fetchedGen.current = status.generation;
      refreshedGen.current = status.generation;
      g.refreshInfiniteCache();
      if (status.displayed === 0) g.setRowCount(0, false);
      // a rebuilt list (the capture stopping, say) keeps following its tail
      else if (follow.current && status.mode === 'live') followTail(g, status.displayed - 1);
      return;
    }
    if (status.displayed !== g.getDisplayedRowCount()) refreshSoon(g);
  }, [status]);

  useEffect(() => () => { if (refreshTimer.current) clearTimeout(refreshTimer.current); }, []);

  // The grid must end showing what the engine has: its row count equal to the engine's and, while
  // following a live capture, its last row on screen. A status push is an edge, not a level: when
  // the last one came while a block was loading or the list was rebuilt, nothing redrew later and
  // the list stayed short of the status bar. So check twice a second and resync.
  useEffect(() => {
    const t = setInterval(() => {
      const g = gridRef.current;
      const st = statusRef.current;
      if (!g || refreshTimer.current || st.generation !== fetchedGen.current) return;
      const behind = follow.current && st.mode === 'live' && st.displayed > 0 && g.getLastDisplayedRowIndex() < st.displayed - 1;
      if (g.getDisplayedRowCount() === st.displayed && !behind) return;
      resync(g);
    }, 500);
    return () => clearInterval(t);
  }, []);

  // Scrolling on, the rows ahead are fetched before they come on screen: a row first drawn
  // from a block still in flight is drawn twice (a loading skeleton, then AG Grid replaces
  // the row when the block lands), and that second draw lands mid-scroll. Asking the infinite
  // model for a row creates (and queues the load of) its block; a loaded block is only looked up.
  const lastTop = useRef(0);
  const prefetchAhead = (g: GridApi<Row>, top: number) => {
    const down = top >= lastTop.current;
    lastTop.current = top;
    const count = g.getDisplayedRowCount();
    if (count <= 0) return;
    const edge = down ? g.getLastDisplayedRowIndex() + PREFETCH_ROWS : g.getFirstDisplayedRowIndex() - PREFETCH_ROWS;
    g.getDisplayedRowAtIndex(Math.min(count - 1, Math.max(0, edge)));
  };

  // Handlers read the latest closures through a ref: the grid is created once.
  const handlers = useRef({ onFocused: (_e: CellFocusedEvent<Row>) => {}, onScroll: (_e: BodyScrollEvent<Row>) => {}, onContext: (_e: CellContextMenuEvent<Row>) => {} });

  const options = useMemo<GridOptions<Row>>(() => ({
      columnDefs: GRID_COLUMNS,
      defaultColDef: DEFAULT_COL,
      rowModelType: 'infinite',
      datasource,
      // a fling crosses ~140 rows per wheel tick: 1000-row blocks mean far fewer requests and
      // fewer stub rows rendered twice (loading, then loaded); 10 blocks bound the cache
      cacheBlockSize: BLOCK_ROWS,
      maxBlocksInCache: 10,
      infiniteInitialRowCount: 1,
      // rows rendered beyond the viewport: AG Grid's default (10 above, 10 below) doubles the
      // DOM built per frame of a fling for rows nobody sees; even 2 each side is a fifth more
      // rows per frame (a 16-row list) for a margin smaller than one wheel notch
      rowBuffer: 0,
      blockLoadDebounceMillis: 40,
      maxConcurrentDatasourceRequests: 2,
      rowSelection: { mode: 'singleRow', checkboxes: false, enableClickSelection: true },
      getRowStyle: (p) => (p.data ? styles.current[p.data.colour] : undefined),
      onCellFocused: (e) => handlers.current.onFocused(e),
      onBodyScroll: (e) => handlers.current.onScroll(e),
      onCellContextMenu: (e) => handlers.current.onContext(e),
      preventDefaultOnContextMenu: true,
      suppressCellFocus: false,
      animateRows: false,
      // a scroll builds its rows and their cells in the scroll event, in one React render, instead
      // of a flushSync commit per row from AG Grid's animation-frame task queue (same frame either
      // way; ~10% less main-thread time over the bench's flings)
      suppressAnimationFrame: true,
      suppressRowHoverHighlight: true,
      suppressColumnMoveAnimation: true,
      onGridReady: (e) => {
        gridRef.current = e.api;
        registerGridApi(e.api);
      },
  }), [datasource]);

  useEffect(() => () => {
    registerGridApi(null);
    gridRef.current = null;
  }, []);

  const onFocused = (e: CellFocusedEvent<Row>) => {
    if (e.rowIndex == null || e.rowPinned) return;
    const node = e.api.getDisplayedRowAtIndex(e.rowIndex);
    if (node?.data) {
      node.setSelected(true, true);
      if (store.getState().selected !== node.data.number) void store.getState().select(node.data.number);
    }
  };

  const onScroll = (e: BodyScrollEvent<Row>) => {
    if (e.direction === 'vertical') prefetchAhead(e.api, e.top);
    // Only a live capture follows the tail; reading the pixel range forces a layout, so not on every file scroll.
    if (statusRef.current.mode !== 'live' || e.direction !== 'vertical') return;
    // our own follow-the-tail scrolls come every refresh of a busy capture: a scroll soon after one is
    // ours unless the user is at the wheel, keys or scrollbar (else their scroll would be taken back)
    const byUser = pointerDown.current || Date.now() - userInput.current < 1000;
    if (!byUser && Date.now() - programmaticScroll.current < 300) return;
    // pixels, not row indices: the rendered range includes rowBuffer rows below the viewport
    const rows = e.api.getDisplayedRowCount();
    const range = e.api.getVerticalPixelRange();
    const atBottom = range.bottom >= rows * ROW_HEIGHT - ROW_HEIGHT * 1.5;
    follow.current = atBottom;
    setFollowing(atBottom);
  };

  const onContext = (e: CellContextMenuEvent<Row>) => {
    const ev = e.event as MouseEvent | null;
    if (!ev || !e.data || !e.colDef.field) return;
    const col = e.colDef.field as ColumnId;
    setMenu({ x: ev.clientX, y: ev.clientY, column: col, value: (e.data as any)[col], number: e.data.number, protocol: e.data.protocol });
  };
  handlers.current = { onFocused, onScroll, onContext };

  return (
    <div className="packet-list" data-testid="packet-list"
      onWheelCapture={() => { userInput.current = Date.now(); }}
      onKeyDownCapture={() => { userInput.current = Date.now(); }}
      onPointerDownCapture={() => {
        pointerDown.current = true;
        window.addEventListener('pointerup', () => { pointerDown.current = false; userInput.current = Date.now(); }, { once: true });
      }}>
      <AgGridReact<Row> className="packet-grid" gridOptions={options} theme={dark ? darkTheme : lightTheme} />
      {status.mode === 'live' && !following && (
        <button className="follow-tail" onClick={() => {
          follow.current = true; setFollowing(true);
          programmaticScroll.current = Date.now();
          gridRef.current?.ensureIndexVisible(Math.max(0, status.displayed - 1), 'bottom');
        }}>↓ Follow new packets</button>
      )}
      {menu && <ContextMenu target={menu} onClose={() => setMenu(null)} />}
      <button className="columns-button" title="Show or hide columns (drag headers to reorder, edges to resize)" onClick={() => setChooser((v) => !v)}>Columns ▾</button>
      {chooser && (
        <ul className="columns-chooser" role="menu" onMouseLeave={() => setChooser(false)}>
          {GRID_COLUMNS.map((c) => {
            const col = gridRef.current?.getColumn(c.field!);
            const visible = col ? col.isVisible() : !c.hide;
            return (
              <li key={c.field} role="menuitemcheckbox" aria-checked={visible}>
                <label><input type="checkbox" checked={visible} onChange={() => {
                  gridRef.current?.setColumnsVisible([c.field!], !visible);
                  bump((n) => n + 1);
                }} /> {c.headerName}</label>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
