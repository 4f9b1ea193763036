// Alerts and statistics of the open capture.
import type { EngineService } from '../service';
import { insightsSnapshot } from '../../insights/index';
import type { Handlers } from './types';

export function insightsHandlers(svc: EngineService): Handlers<'insights'> {
  return {
    getInsights: async () => {
      const snap = insightsSnapshot(svc.cap.insights);
      svc.cap.alertCount = snap.alerts.length;
      return snap;
    },
    getProcesses: async (p) => {
      const st = svc.cap.insights.statistics;
      return { processes: st.processes.table(p.limit ?? 1000), unattributed: st.processes.unattributed };
    },
  };
}
