// Save As (browser face, or Electron without a native dialog): a path on the
// machine running xdpscope, the format, and "displayed only". pcapng keeps
// the session (filter, columns, selection, comments); classic pcap only packets.
import { useState } from 'react';
import { useApp } from '../context';
import { PathForm, pathLabel } from './PathForm';

export function SaveDialog({ onClose }: { onClose(): void }) {
  const { store, api } = useApp();
  const [path, setPath] = useState('');
  const [format, setFormat] = useState<'pcapng' | 'pcap'>('pcapng');
  const [displayed, setDisplayed] = useState(false);
  const browser = api.face === 'browser';
  const download = async () => {
    // the download route saves through the service: give it the view first
    try { await api.call('setView', store.getState().currentView()); } catch { /* the packets still download */ }
    window.location.assign(`/download?name=capture.pcapng${displayed ? '&displayed=1' : ''}`);
    onClose();
  };
  return (
    <PathForm testId="save-dialog" title="Save capture as…" action="Save" onClose={onClose} onSubmit={() => {
      const p = path.trim();
      if (!p) return;
      const withExt = /\.(pcapng|pcap|cap)$/i.test(p) ? p : `${p}.${format}`;
      void store.getState().save(withExt, { displayedOnly: displayed, format }).then((ok) => { if (ok) onClose(); });
    }} onDownload={browser ? () => void download() : undefined}>
      <label>{pathLabel(browser)}
        <input name="path" autoFocus value={path} onChange={(e) => setPath(e.target.value)} placeholder="/tmp/capture.pcapng" />
      </label>
      <label>Format <select name="format" value={format} onChange={(e) => setFormat(e.target.value as 'pcapng')}>
        <option value="pcapng">pcapng — keeps comments, display filter, columns, selection</option>
        <option value="pcap">pcap (classic) — packets only</option>
      </select></label>
      <label className="inline"><input type="checkbox" checked={displayed} onChange={(e) => setDisplayed(e.target.checked)} /> displayed packets only</label>
    </PathForm>
  );
}
