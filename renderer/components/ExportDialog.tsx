// File > Export Specified Packets / Export Packet Dissections: which packets
// (all, displayed, selected, a range like "1-10,15"), which format, where.
// In the browser the path is on the machine running xdpscope serve.
import { useState } from 'react';
import type { ExportSelect } from '../../main/api/types';
import { useApp, useApp$ } from '../context';
import { PathForm, pathLabel } from './PathForm';

type Kind = 'pcapng' | 'pcap' | 'csv' | 'json';

export function ExportDialog({ onClose, initialKind = 'pcapng' }: { onClose(): void; initialKind?: Kind }) {
  const { store, api } = useApp();
  const selected = useApp$((s) => s.selected);
  const status = useApp$((s) => s.status);
  const [kind, setKind] = useState<Kind>(initialKind);
  const [which, setWhich] = useState<ExportSelect>(status.displayed < status.captured ? 'displayed' : 'all');
  const [range, setRange] = useState('');
  const [path, setPath] = useState('');
  const browser = api.face === 'browser';
  const submit = async () => {
    const p = path.trim();
    if (!p) return;
    const dest = /\.[a-z]+$/i.test(p) ? p : `${p}.${kind}`;
    const base = {
      path: dest, select: which,
      ...(which === 'selected' && selected !== null ? { frames: [selected] } : {}),
      ...(which === 'range' ? { range } : {}),
    };
    const s = store.getState();
    const ok = kind === 'csv' || kind === 'json'
      ? await s.exportDissections({ ...base, format: kind })
      : await s.exportPackets({ ...base, format: kind });
    if (ok) onClose();
  };
  // Browser face: the bytes come over the socket and are saved by the browser.
  const download = async () => {
    const s = store.getState();
    try {
      const r = await api.call('exportBytes', {
        select: which, format: kind,
        ...(which === 'selected' && selected !== null ? { frames: [selected] } : {}),
        ...(which === 'range' ? { range } : {}),
      });
      const url = URL.createObjectURL(new Blob([r.data as Uint8Array<ArrayBuffer>], { type: kind === 'csv' ? 'text/csv' : kind === 'json' ? 'application/json' : 'application/vnd.tcpdump.pcap' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `export.${kind}`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      store.setState({ notice: `downloaded ${r.packets} packets as export.${kind}` });
      onClose();
    } catch (e) { s.reportError(e, 'save'); }
  };
  const browse = async () => {
    const p = await api.dialogs?.saveCapture(`export.${kind}`);
    if (p) setPath(p);
    // the format follows the file type picked in the native dialog
    const ext = /\.(pcapng|pcap|csv|json)$/i.exec(p ?? '')?.[1];
    if (ext) setKind(ext.toLowerCase() as Kind);
  };
  return (
    <PathForm testId="export-dialog" title="Export" action="Export" onClose={onClose} onSubmit={() => void submit()} onDownload={browser ? () => void download() : undefined}>
      <label>What <select name="kind" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
        <option value="pcapng">Specified packets — pcapng (with comments)</option>
        <option value="pcap">Specified packets — classic pcap</option>
        <option value="csv">Packet dissections — CSV (summary + enriched fields)</option>
        <option value="json">Packet dissections — JSON (tshark -T json style)</option>
      </select></label>
      <fieldset className="which">
        <legend>Packets</legend>
        <label className="inline"><input type="radio" name="which" checked={which === 'all'} onChange={() => setWhich('all')} /> All ({status.captured})</label>
        <label className="inline"><input type="radio" name="which" checked={which === 'displayed'} onChange={() => setWhich('displayed')} /> Displayed ({status.displayed})</label>
        <label className="inline"><input type="radio" name="which" disabled={selected === null} checked={which === 'selected'} onChange={() => setWhich('selected')} /> Selected{selected !== null ? ` (#${selected})` : ''}</label>
        <label className="inline"><input type="radio" name="which" checked={which === 'range'} onChange={() => setWhich('range')} /> Range
          <input name="range" value={range} placeholder="1-10,15" onFocus={() => setWhich('range')} onChange={(e) => setRange(e.target.value)} /></label>
      </fieldset>
      <label>{pathLabel(browser)}
        <span className="row">
          <input name="path" value={path} onChange={(e) => setPath(e.target.value)} placeholder={`/tmp/export.${kind}`} />
          {api.dialogs && <button type="button" onClick={() => void browse()}>Browse…</button>}
        </span>
      </label>
    </PathForm>
  );
}
