// The block list ("Respond on request"): the "Allow blocking" switch, every
// block with its reason, time, time left and the frames it dropped, an
// Unblock button each, and the optional rules (off until the user turns
// them on). Data: the engine's getBlocks (main/api/block.ts).
import { useEffect, useState } from 'react';
import type { BlockRule, BlockState } from '../../main/api/block';

export interface BlocksViewProps {
  state: BlockState | null;
  onAllow(allow: boolean): void;
  onUnblock(prefix: string): void;
  onRules(rules: BlockRule[]): void;
}

function left(expiresAt: number, now: number): string {
  const s = Math.max(0, Math.ceil((expiresAt - now) / 1000));
  if (s >= 3600) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function BlocksView({ state, onAllow, onUnblock, onRules }: BlocksViewProps) {
  // the time left counts down between refreshes
  const [now, setNow] = useState(Date.now());
  const [showRules, setShowRules] = useState(false);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  if (!state) return null;
  const allow = state.settings.allowBlocking;
  const rules = state.settings.rules;
  const setRule = (i: number, r: Partial<BlockRule>) => onRules(rules.map((x, j) => (j === i ? { ...x, ...r } : x)));
  return (
    <section className="xi-blocks" aria-label="Blocks" data-testid="blocks">
      <div className="xi-blocks-head">
        <label title="Let &quot;Block this source&quot; and the rules drop a source's received frames in the capture's XDP program. Turning it off unblocks everything.">
          <input type="checkbox" checked={allow} onChange={(e) => onAllow(e.target.checked)} /> Allow blocking
        </label>
        <span className="muted small">{state.entries.length} blocked{state.iface ? ` on ${state.iface}` : ''}</span>
        <button type="button" className="link small" aria-expanded={showRules} onClick={() => setShowRules(!showRules)}>rules</button>
      </div>
      {allow && state.unavailable && <div className="muted small" data-testid="blocks-unavailable">{state.unavailable}</div>}
      {state.entries.length > 0 && (
        <table className="xi-table xi-blocks-table">
          <colgroup><col className="c-src" /><col /><col className="c-when" /><col className="c-left" /><col className="c-n" /><col className="c-x" /></colgroup>
          <thead><tr><th>Source</th><th>Reason</th><th>Since</th><th>Left</th><th className="num">Dropped</th><th /></tr></thead>
          <tbody>
            {state.entries.map((e) => (
              <tr key={e.prefix} data-prefix={e.prefix}>
                <td className="mono xi-reason" title={e.prefix}>{e.display}</td>
                <td className="xi-reason" title={`${e.reason} (${e.origin})`}>{e.reason}</td>
                <td title={new Date(e.createdAt).toISOString()}>{new Date(e.createdAt).toLocaleTimeString([], { hour12: false })}</td>
                <td className="mono" title={`time to live ${e.ttlSec} s`}>{left(e.expiresAt, now)}</td>
                <td className="num">{e.packets.toLocaleString('en')}</td>
                <td><button type="button" className="link" onClick={() => onUnblock(e.prefix)} aria-label={`Unblock ${e.display}`}>Unblock</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {showRules && (
        <div className="xi-rules small">
          <div className="muted">Block the sources of every alert of a kind, once blocking is allowed:</div>
          {rules.map((r, i) => (
            <label key={r.kind}>
              <input type="checkbox" checked={r.enabled} onChange={(e) => setRule(i, { enabled: e.target.checked })} /> {r.kind} for{' '}
              <input type="number" min={1} max={10080} value={Math.round(r.ttlSec / 60)} aria-label={`${r.kind} block minutes`}
                onChange={(e) => { const m = Number(e.target.value); if (m >= 1 && m <= 10080) setRule(i, { ttlSec: m * 60 }); }} /> min
            </label>
          ))}
        </div>
      )}
    </section>
  );
}
