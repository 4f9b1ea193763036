// Mounts the insights engineer's views (renderer/insights): the alerts
// panel and I/O graph in a side drawer, Statistics in a dialog. Alerts and
// statistics rows apply their display filter and select the first packet.
import { useEffect } from 'react';
import { InsightsPanel, IoGraph, StatisticsView } from '../insights';
import { useApp, useApp$ } from '../context';

export function InsightsDrawer() {
  const { store } = useApp();
  const snap = useApp$((s) => s.insights);
  const selected = useApp$((s) => s.selectedAlert);
  const live = useApp$((s) => s.status.mode === 'live' && s.status.state === 'capturing');
  const s = store.getState();
  useEffect(() => {
    if (!live) return;
    const t = setInterval(() => void store.getState().loadInsights(), 2000);
    return () => clearInterval(t);
  }, [live, store]);
  return (
    <aside className="insights-drawer" data-testid="insights" aria-label="Insights">
      <div className="drawer-head">
        <b>Insights</b>
        <span className="muted small">{snap ? `${snap.alerts.length} alerts · ${snap.packets.toLocaleString('en')} packets` : 'loading…'}</span>
        <button onClick={() => void s.loadInsights()} title="Refresh">↻</button>
        <button onClick={() => s.setPanel('insights')} aria-label="close insights">×</button>
      </div>
      {snap && (
        <>
          <IoGraph io={snap.stats.io} width={380} height={160} onSelectMarker={(m) => {
            const a = snap.alerts.find((x) => x.id === m.id);
            if (a) void s.applyAndSelectFirst(a.filter, a.id);
          }} />
          <InsightsPanel alerts={snap.alerts} selectedId={selected} t0={snap.stats.summary.firstTs}
            onSelectAlert={(filter, alert) => void s.applyAndSelectFirst(filter, alert.id)} />
        </>
      )}
    </aside>
  );
}

export function StatisticsDialog() {
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
