// The insights settings as JSON (thresholds, policy, gateways, learned
// baselines: what `xdpscope insights --json` prints under "settings" and a
// saved session keeps). Apply hands the parsed object to the host, which
// re-analyses the capture with it; an error (bad JSON, or the engine's
// "scan.minPortz: unknown setting") stays shown and nothing changes.
import { useState } from 'react';
import type { InsightsSettings } from '../../main/api/insights';

export interface SettingsEditorProps {
  settings: InsightsSettings;
  /** resolves to null when applied, or the reason it was refused */
  onApply: (settings: Record<string, unknown>) => Promise<string | null>;
  onClose: () => void;
}

export function SettingsEditor({ settings, onApply, onClose }: SettingsEditorProps) {
  const [text, setText] = useState(() => JSON.stringify(settings, null, 2));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const apply = async () => {
    let parsed: unknown;
    try { parsed = JSON.parse(text); } catch (e) { setError(`not JSON: ${(e as Error).message}`); return; }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) { setError('the settings are a JSON object'); return; }
    setBusy(true);
    const refused = await onApply(parsed as Record<string, unknown>);
    setBusy(false);
    setError(refused);
    if (refused === null) onClose();
  };
  return (
    <div className="xi-settings" role="dialog" aria-label="Insights settings">
      <div className="small muted">Thresholds, expected services, gateways and learned baselines; saved with the session. Applying analyses the capture again.</div>
      <textarea aria-label="settings JSON" className="mono" spellCheck={false} rows={18} value={text} onChange={(e) => setText(e.target.value)} />
      {error && <div role="alert" className="xi-settings-error small">{error}</div>}
      <div className="xi-toolbar small">
        <button type="button" disabled={busy} onClick={() => void apply()}>Apply</button>
        <button type="button" disabled={busy} onClick={onClose}>Cancel</button>
      </div>
    </div>
  );
}
