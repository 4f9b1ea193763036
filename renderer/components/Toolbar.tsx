// Capture controls, the display-filter bar and a button per panel (renderer/panels).
import type { RefObject } from 'react';
import { useApp, useApp$ } from '../context';
import { TlsPreferencesButton } from './TlsPreferences';
import { FilterBar } from './FilterBar';
import { PANELS } from '../panels';

export function Toolbar({ filterRef, onOpen, onSave, onSaveAs }: { filterRef: RefObject<HTMLInputElement | null>; onOpen(): void; onSave(): void; onSaveAs(): void }) {
  const { store } = useApp();
  const status = useApp$((s) => s.status);
  const panel = useApp$((s) => s.panel);
  // 'loading' in live mode: the helper is attaching (Stop must already work)
  const live = status.mode === 'live' && (status.state === 'loading' || status.state === 'capturing' || status.state === 'stopping');
  const s = store.getState();
  return (
    <div className="toolbar" role="toolbar">
      <button title="Interfaces and capture options" onClick={() => s.showWelcome()}>⌂</button>
      <button className={live ? '' : 'primary'} title="Start capture (Ctrl+E)" disabled={live} onClick={() => void s.startCapture()}>▶ Start</button>
      <button className={live ? 'danger' : ''} title="Stop capture (Ctrl+E)" disabled={!live} onClick={() => void s.stopCapture()}>■ Stop</button>
      <button title="Restart capture" disabled={status.mode !== 'live'} onClick={() => void s.restartCapture()}>↻</button>
      <button title="Open a capture file (Ctrl+O)" onClick={onOpen}>Open</button>
      <button title="Save (Ctrl+S)" disabled={status.captured === 0 || status.state === 'loading'} onClick={onSave}>Save{status.unsaved ? ' •' : ''}</button>
      <button title="Save As (Ctrl+Shift+S)" disabled={status.captured === 0 || status.state === 'loading'} onClick={onSaveAs}>Save As…</button>
      <button title="Export Specified Packets / Packet Dissections (Ctrl+Shift+M)" disabled={status.captured === 0 || status.state === 'loading'} onClick={() => s.setDialog('export')}>Export…</button>
      <button title="Analyze → Decode As…: decode a port as another protocol" disabled={status.mode === 'idle'} onClick={() => s.openDecodeAs('menu')}>Decode As…</button>
      <TlsPreferencesButton />
      <FilterBar inputRef={filterRef} />
      {PANELS.map((p) => {
        const badge = p.badge?.(s);
        return (
          <button key={p.id} title={p.title} aria-pressed={panel === p.id} onClick={() => {
            s.setPanel(p.id);
            const now = store.getState();
            if (now.panel === p.id) p.onOpen?.(now);
          }}>
            {p.label}{badge ? <span className="badge">{badge}</span> : null}
          </button>
        );
      })}
    </div>
  );
}
