// The Insights panel: alerts, most severe first, each with the numbers and
// thresholds behind it. Clicking an alert hands its display filter to the
// host UI (which applies it and selects the first packet).
import { useState } from 'react';
import type { Alert, AlertSeverity } from '../../main/api/insights';
import { eveLines } from '../../main/api/eve';

export interface InsightsPanelProps {
  alerts: Alert[];
  /** called with the alert's Wireshark display filter when the user opens an alert */
  onSelectAlert: (filter: string, alert: Alert) => void;
  /** id of the alert whose filter is applied, to highlight it */
  selectedId?: string | null;
  /** the capture's first timestamp (epoch s) to show times relative to it; absolute UTC when absent */
  t0?: number | null;
  /** "Block this source" on each alert's sources: why an address cannot be blocked (undefined: it can), and the action */
  block?: { why(address: string): string | undefined; onBlock(address: string, alert: Alert): void };
}

/** Sources offered for blocking per alert, at most. */
const BLOCK_BUTTONS = 3;

const SEV_LABEL: Record<AlertSeverity, string> = { high: 'High', medium: 'Medium', low: 'Low', info: 'Info' };

function when(ts: number, t0?: number | null): string {
  if (!Number.isFinite(ts)) return '–';
  if (t0 !== null && t0 !== undefined) return `${(ts - t0).toFixed(3)} s`;
  return new Date(ts * 1000).toISOString().replace('T', ' ').replace('Z', '');
}

/** Saves the alerts as EVE JSON lines through the browser's download (the same records as the CLI). */
function exportEve(alerts: Alert[]): void {
  const url = URL.createObjectURL(new Blob([eveLines([...alerts].sort((a, b) => a.firstTs - b.firstTs))], { type: 'application/x-ndjson' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = 'xdpscope-alerts.eve.json';
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function InsightsPanel({ alerts, onSelectAlert, selectedId, t0, block }: InsightsPanelProps) {
  const [open, setOpen] = useState<string | null>(null);
  if (!alerts.length) return <div className="xi-panel xi-empty">No alerts.</div>;
  return (
    <div className="xi-panel">
      <div className="xi-toolbar small">
        <button type="button" className="link" title="Suricata EVE JSON alert records, one per line, as `xdpscope insights --eve` writes them" onClick={() => exportEve(alerts)}>
          Export EVE JSON
        </button>
      </div>
      <div role="list" aria-label="Alerts">
      {alerts.map((a) => (
        <div key={a.id} role="listitem" className={`xi-alert xi-sev-${a.severity}${selectedId === a.id ? ' xi-selected' : ''}`}>
          <div className="xi-alert-head">
            <span className={`xi-badge xi-sev-${a.severity}`}>{SEV_LABEL[a.severity]}</span>
            <button type="button" className="link xi-title" title={`Apply filter: ${a.filter}`} onClick={() => onSelectAlert(a.filter, a)}>
              {a.title}
            </button>
            {a.ongoing && <span className="xi-live">ongoing</span>}
            <span className="muted small xi-when">{when(a.firstTs, t0)} · {a.packets} pkts</span>
            <button type="button" className="link small" aria-expanded={open === a.id} onClick={() => setOpen(open === a.id ? null : a.id)}>
              {open === a.id ? 'less' : 'why?'}
            </button>
          </div>
          <div className="xi-detail">{a.detail}</div>
          {block && <BlockButtons alert={a} block={block} />}
          {open === a.id && (
            <div className="xi-why small">
              <table>
                <tbody>
                  {a.thresholds.map((t, i) => (
                    <tr key={i}>
                      <td>{t.metric}</td>
                      <td className="mono">{t.observed} &gt; {t.threshold}</td>
                      <td className="muted">
                        {t.baseline ? `baseline median ${t.baseline.median}, MAD ${t.baseline.mad} (${t.baseline.windowSec} s)` : ''}
                        {t.setting ? ` [${t.setting}]` : ''}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <div>Endpoints: {a.endpoints.map((e) => `${e.role} ${e.address}${e.port !== undefined ? `:${e.port}` : ''}${e.packets !== undefined ? ` (${e.packets})` : ''}`).join(', ')}</div>
              <div>Frames {a.firstFrame}–{a.lastFrame}, {when(a.firstTs, t0)} – {when(a.lastTs, t0)}</div>
              <div className="mono">filter: {a.filter}</div>
            </div>
          )}
        </div>
      ))}
      </div>
    </div>
  );
}

function BlockButtons({ alert, block }: { alert: Alert; block: NonNullable<InsightsPanelProps['block']> }) {
  const sources = [...new Set(alert.endpoints.filter((e) => e.role === 'source').map((e) => e.address))].slice(0, BLOCK_BUTTONS);
  if (!sources.length) return null;
  return (
    <div className="xi-block-btns small">
      {sources.map((addr) => {
        const why = block.why(addr);
        return (
          <button key={addr} type="button" disabled={why !== undefined} data-address={addr}
            title={why ?? `Drop the frames ${addr} sends to this interface (its XDP program), for 10 minutes; undo in the Blocks list`}
            onClick={() => block.onBlock(addr, alert)}>
            {sources.length === 1 ? 'Block this source' : `Block ${addr}`}
          </button>
        );
      })}
    </div>
  );
}
