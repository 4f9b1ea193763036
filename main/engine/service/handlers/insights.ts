// Alerts and statistics of the open capture, and the settings they are computed with.
import type { EngineService } from '../service';
import { ApiError } from '../../../api/index';
import { InsightsEngine, snapshotInsights } from '../../insights/index';
import type { Handlers } from './types';

export function insightsHandlers(svc: EngineService): Handlers<'insights'> {
  return {
    getInsights: async () => {
      const snap = await svc.cap.snapshotInsights();
      svc.cap.alertCount = snap.alerts.length;
      return snap;
    },
    getProcesses: async (p) => {
      const st = svc.cap.insights.statistics;
      return { processes: st.processes.table(p.limit ?? 1000), unattributed: st.processes.unattributed };
    },
    setInsightsSettings: async (p) => {
      let engine: InsightsEngine;
      try {
        engine = new InsightsEngine(p.settings as ConstructorParameters<typeof InsightsEngine>[0]);
      } catch (e) {
        throw new ApiError(`insights settings: ${(e as Error).message}`, 'invalid');
      }
      const cap = svc.cap;
      // what the user set applies to the captures opened next too (a session's own settings still win)
      svc.insightsSettings = structuredClone(engine.settings);
      if (!(await cap.reanalyze(engine))) throw new ApiError('the capture was closed or its settings changed again while it was analysed', 'cancelled');
      const snap = snapshotInsights(cap.insights);
      cap.alertCount = snap.alerts.length;
      svc.pushStatus(true);
      return snap;
    },
  };
}
