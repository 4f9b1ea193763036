// The displayed list: row blocks, display filter (check, complete, apply),
// sort, and where a frame sits in the list.
import type { EngineService } from '../service';
import { DisplayedList } from '../list';
import type { Handlers } from './types';

export function viewHandlers(svc: EngineService): Handlers<'view'> {
  return {
    getRows: async (p) => svc.list.rows(p.start, p.count),
    // a pass another capture made moot answers for the list now shown
    setFilter: async (p) => (await svc.list.setFilter(p.text)) ?? svc.list.superseded(),
    checkFilter: async (p) => DisplayedList.check(p.text),
    completeFilter: async (p) => DisplayedList.complete(p.text, p.cursor),
    setSort: async (p) => { await svc.list.setSort(p.column, p.desc); return { ok: true as const }; },
    findRow: async (p) => ({ index: svc.list.findRow(p.number) }),
  };
}
