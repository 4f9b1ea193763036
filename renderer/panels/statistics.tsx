// Statistics (conversations, endpoints, protocol hierarchy, HTTP) in a
// dialog; a row applies its display filter and selects the first packet.
import { StatisticsView } from '../insights';
import { useApp, useApp$ } from '../context';
import type { PanelDef } from './panel';

function StatisticsDialog() {
  const { store } = useApp();
  const snap = useApp$((s) => s.insights);
  const s = store.getState();
  return (
    <div className="modal-backdrop" onClick={() => s.setPanel('stats')}>
      <div className="modal stats" role="dialog" aria-label="Statistics" onClick={(e) => e.stopPropagation()}>
        <div className="modal-title">Statistics</div>
        <div className="stats-body">
          {snap ? <StatisticsView stats={snap.stats} onApplyFilter={(f) => { s.setPanel('stats'); void s.applyAndSelectFirst(f); }} /> : 'loading…'}
        </div>
        <div className="modal-actions"><button className="primary" onClick={() => s.setPanel('stats')}>Close</button></div>
      </div>
    </div>
  );
}

export const statisticsPanel: PanelDef = {
  id: 'stats',
  label: 'Statistics',
  title: 'Conversations, endpoints, protocol hierarchy, HTTP',
  placement: 'modal',
  component: StatisticsDialog,
  onOpen: (s) => void s.loadInsights(),
};
