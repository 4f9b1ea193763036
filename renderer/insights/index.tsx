// Insights and Statistics views for the UI engineer to mount. Data comes
// from the engine's snapshotInsights() (main/engine/insights/index.ts), sent
// to the renderer as JSON.
//
//   <InsightsPanel alerts={snap.alerts} onSelectAlert={(filter) => applyFilterAndSelectFirst(filter)} t0={snap.stats.summary.firstTs} />
//     alerts: Alert[]; onSelectAlert(filter, alert): user opened an alert; selectedId?: highlighted alert; t0?: relative times
//     block?: { why(address), onBlock(address, alert) }: a "Block this source" button per source, disabled with the reason
//   <BlocksView state={blockState} onAllow={(on) => ...} onUnblock={(prefix) => ...} onRules={(rules) => ...} />
//     the block list: "Allow blocking", each block (reason, time, time left, dropped) with Unblock, the optional rules
//   <IoGraph io={snap.stats.io} onSelectTime={(sec) => ...} onSelectMarker={(m) => ...} width={800} height={260} />
//     io: the snapshot's I/O graph (packets per interval, bits/s, filter series, alert markers)
//   <StatisticsView stats={snap.stats} onApplyFilter={(filter) => applyFilter(filter)} initialTab="conversations" />
//     tabs: conversations | endpoints | hierarchy | http | ai; double-click a row → onApplyFilter(display filter)
import './insights.css';

export { InsightsPanel, type InsightsPanelProps } from './InsightsPanel';
export { BlocksView, type BlocksViewProps } from './BlocksView';
export { SettingsEditor, type SettingsEditorProps } from './SettingsEditor';
export { IoGraph, type IoGraphProps } from './IoGraph';
export { StatisticsView, SortableTable, type StatisticsViewProps, type StatsTab } from './StatisticsView';
export { conversationFilter, endpointFilter } from './filters';
export type { InsightsSnapshot } from '../../main/api/insights';
export type { Alert, AlertEndpoint, AlertKind, AlertSeverity, AlertThreshold } from '../../main/api/insights';
export type { AlertMarker, IoGraphData } from '../../main/api/insights';
