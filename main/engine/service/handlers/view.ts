// The displayed list: row blocks, display filter (check, complete, apply),
// sort, and where a frame sits in the list.
import type { EngineService } from '../service';
import type { Dissection } from '../../types';
import { DisplayedList } from '../list';
import { redissect } from './packet';
import type { Handlers } from './types';

/** The selected packet a filter's field references (${ip.src}) read; only dissected when the filter has one. */
function selectedFor(svc: EngineService, text: string, selected: number | undefined): Dissection | null {
  if (selected === undefined || !text.includes('${')) return null;
  const i = svc.cap.store.indexOf(selected);
  return i >= 0 ? redissect(svc.cap, i) : null;
}

export function viewHandlers(svc: EngineService): Handlers<'view'> {
  return {
    getRows: async (p) => svc.list.rows(p.start, p.count),
    // a pass another capture made moot answers for the list now shown
    setFilter: async (p) => {
      const sel = selectedFor(svc, p.text, p.selected);
      const res = (await svc.list.setFilter(p.text, sel)) ?? svc.list.superseded();
      // the filter bar shows what tshark would warn about (amber), beside the count
      const w = res.ok && !res.superseded ? DisplayedList.check(p.text, sel) : null;
      return w?.ok && w.warnings ? { ...res, warnings: w.warnings } : res;
    },
    checkFilter: async (p) => DisplayedList.check(p.text, selectedFor(svc, p.text, p.selected)),
    completeFilter: async (p) => DisplayedList.complete(p.text, p.cursor),
    setSort: async (p) => { await svc.list.setSort(p.column, p.desc); return { ok: true as const }; },
    findRow: async (p) => ({ index: svc.list.findRow(p.number) }),
  };
}
