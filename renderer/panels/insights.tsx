// Insights: the alerts and the I/O graph (renderer/insights) in a side
// drawer. An alert or a graph marker applies its display filter and selects
// the first packet.
import { useEffect, useState } from 'react';
import { InsightsPanel, IoGraph, SettingsEditor } from '../insights';
import { useApp, useApp$ } from '../context';
import type { PanelDef } from './panel';

function InsightsDrawer() {
  const { store } = useApp();
  const snap = useApp$((s) => s.insights);
  const selected = useApp$((s) => s.selectedAlert);
  const live = useApp$((s) => s.status.mode === 'live' && s.status.state === 'capturing');
  const s = store.getState();
  const [editing, setEditing] = useState(false);
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
        <button onClick={() => setEditing(!editing)} title="Thresholds, expected services, gateways, learned baselines" aria-pressed={editing} disabled={!snap}>Settings…</button>
        <button onClick={() => void s.loadInsights()} title="Refresh">↻</button>
        <button onClick={() => s.setPanel('insights')} aria-label="close insights">×</button>
      </div>
      {snap && editing && <SettingsEditor settings={snap.settings} onApply={(x) => s.setInsightsSettings(x)} onClose={() => setEditing(false)} />}
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

export const insightsPanel: PanelDef = {
  id: 'insights',
  label: 'Insights',
  title: 'Security alerts and I/O graph',
  placement: 'side',
  component: InsightsDrawer,
  badge: (s) => s.status.alerts || undefined,
  onOpen: (s) => void s.loadInsights(),
};
