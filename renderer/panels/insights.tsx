// Insights: the alerts and the I/O graph (renderer/insights) in a side
// drawer. An alert or a graph marker applies its display filter and selects
// the first packet.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { BlocksView, InsightsPanel, IoGraph, SettingsEditor } from '../insights';
import { useApp, useApp$ } from '../context';
import type { PanelDef } from './panel';
import type { Alert } from '../../main/api/insights';
import type { BlockState } from '../../main/api/block';

/**
 * The block list beside the alerts: its state (refreshed with the alerts
 * while live) and, per alert source, why it cannot be blocked now.
 */
function useBlocks(live: boolean, alerts: Alert[] | undefined) {
  const { api, store } = useApp();
  const [state, setState] = useState<BlockState | null>(null);
  const [why, setWhy] = useState<Map<string, string | undefined>>(new Map());
  const refresh = useCallback(async () => {
    try { setState(await api.call('getBlocks', {})); } catch { /* the engine is going away */ }
  }, [api]);
  useEffect(() => {
    void refresh();
    if (!live) return;
    const t = setInterval(() => void refresh(), 2000);
    return () => clearInterval(t);
  }, [live, refresh]);
  const addresses = useMemo(() => [...new Set((alerts ?? []).flatMap((a) => a.endpoints.filter((e) => e.role === 'source').map((e) => e.address)))].slice(0, 200).sort().join(' '), [alerts]);
  useEffect(() => {
    if (!addresses) return;
    api.call('checkBlockable', { addresses: addresses.split(' ') }).then((r) => setWhy(new Map(r.map((x) => [x.address, x.why]))), () => undefined);
  }, [addresses, state, api]);
  const act = (p: Promise<unknown>) => p.then(() => refresh(), (e) => store.getState().reportError(e, 'block'));
  return {
    state,
    why: (address: string) => (why.has(address) ? why.get(address) : 'checking…'),
    block: (address: string, alert: Alert) => act(api.call('blockSource', { address, reason: alert.title.slice(0, 300), alertId: alert.id })),
    unblock: (prefix: string) => act(api.call('unblockSource', { prefix })),
    allow: (allowBlocking: boolean) => act(api.call('setBlockSettings', { allowBlocking })),
    rules: (rules: BlockState['settings']['rules']) => act(api.call('setBlockSettings', { rules })),
  };
}

function InsightsDrawer() {
  const { store } = useApp();
  const snap = useApp$((s) => s.insights);
  const selected = useApp$((s) => s.selectedAlert);
  // refreshed while packets come in, and while the insights lag the list (a big file's run on a thread of their own)
  const live = useApp$((s) => (s.status.mode === 'live' && s.status.state === 'capturing') || s.status.state === 'loading'
    || (s.insights !== null && s.insights !== undefined && s.insights.packets < s.status.captured));
  const s = store.getState();
  const blocks = useBlocks(live, snap?.alerts);
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
      <BlocksView state={blocks.state} onAllow={blocks.allow} onUnblock={blocks.unblock} onRules={blocks.rules} />
      {snap && editing && <SettingsEditor settings={snap.settings} onApply={(x) => s.setInsightsSettings(x)} onClose={() => setEditing(false)} />}
      {snap && (
        <>
          <IoGraph io={snap.stats.io} width={380} height={160} onSelectMarker={(m) => {
            const a = snap.alerts.find((x) => x.id === m.id);
            if (a) void s.applyAndSelectFirst(a.filter, a.id);
          }} />
          <InsightsPanel alerts={snap.alerts} selectedId={selected} t0={snap.stats.summary.firstTs}
            block={{ why: blocks.why, onBlock: (addr, alert) => void blocks.block(addr, alert) }}
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
