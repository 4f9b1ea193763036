// Alerts and statistics of the open capture.
import type { EngineService } from '../service';
import type { Handlers } from './types';

export function insightsHandlers(svc: EngineService): Handlers<'insights'> {
  return {
    getInsights: async () => {
      const snap = await svc.cap.insightsSnapshot();
      svc.cap.alertCount = snap.alerts.length;
      return snap;
    },
    getProcesses: async (p) => {
      const st = svc.cap.insights.statistics;
      return { processes: st.processes.table(p.limit ?? 1000), unattributed: st.processes.unattributed };
    },
  };
}
