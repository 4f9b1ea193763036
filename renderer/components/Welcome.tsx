// Start page: interfaces (state, addresses, live packets/s sparkline, XDP
// warnings), capture options, open a file (path or upload), recent files.
import { useEffect, useState } from 'react';
import { useApp, useApp$ } from '../context';
import { captureFilterProblem } from '../../main/api/capture-filter';
import type { CaptureOptions } from '../../main/api/types';

function Sparkline({ values }: { values: number[] }) {
  if (values.length < 2) return <svg className="spark" width="80" height="18" />;
  const max = Math.max(1, ...values);
  const pts = values.map((v, i) => `${(i / (values.length - 1)) * 80},${17 - (v / max) * 16}`).join(' ');
  return <svg className="spark" width="80" height="18" aria-label={`${values[values.length - 1]} packets/s`}><polyline points={pts} fill="none" strokeWidth="1.5" /></svg>;
}

export function Welcome() {
  const { store, api } = useApp();
  const interfaces = useApp$((s) => s.interfaces);
  const rates = useApp$((s) => s.rates);
  const opts = useApp$((s) => s.captureOptions);
  const recent = useApp$((s) => s.recent);
  const spools = useApp$((s) => s.spools);
  const busy = useApp$((s) => s.busy);
  const status = useApp$((s) => s.status);
  const [path, setPath] = useState('');
  const [upload, setUpload] = useState<{ name: string; sent: number; total: number } | null>(null);
  const s = store.getState();
  const filterProblem = captureFilterProblem(opts.captureFilter ?? '');

  useEffect(() => {
    const t = setInterval(() => void store.getState().refreshInterfaces(), 1000);
    return () => clearInterval(t);
  }, [store]);

  return (
    <div className="welcome">
      <section className="card">
        <h2>Capture</h2>
        <table className="ifaces" data-testid="interfaces">
          <thead><tr><th></th><th>Interface</th><th>Addresses</th><th>State</th><th>Packets/s</th><th></th></tr></thead>
          <tbody>
            {interfaces.map((i) => (
              <tr key={i.name} className={opts.iface === i.name ? 'chosen' : ''} onClick={() => s.setCaptureOptions({ iface: i.name })}
                onDoubleClick={() => { s.setCaptureOptions({ iface: i.name }); void s.startCapture(); }} data-iface={i.name}>
                <td><input type="radio" name="iface" checked={opts.iface === i.name} onChange={() => s.setCaptureOptions({ iface: i.name })} aria-label={i.name} /></td>
                <td className="mono">{i.name}</td>
                <td className="mono small">{i.addresses.join(', ')}</td>
                <td><span className={i.up ? 'up' : 'down'}>{i.up ? 'up' : 'down'}</span></td>
                <td><Sparkline values={rates[i.name] ?? []} /> <span className="small">{(rates[i.name] ?? []).slice(-1)[0] ?? 0}</span></td>
                <td>{i.xdpWarning && <span className="warn" title={i.xdpWarning}>⚠ {i.xdpWarning}</span>}</td>
              </tr>
            ))}
            {interfaces.length === 0 && <tr><td colSpan={6} className="muted">No interfaces listed.</td></tr>}
          </tbody>
        </table>
        <div className="options">
          <label>Capture filter <input value={opts.captureFilter ?? ''} placeholder="e.g. tcp port 80" aria-invalid={filterProblem ? true : undefined}
            onChange={(e) => s.setCaptureOptions({ captureFilter: e.target.value })} /></label>
          {filterProblem && <span className="warn small" role="alert" data-testid="capture-filter-problem">{filterProblem}</span>}
          <label>Snaplen <input type="number" min={64} max={262144} value={opts.snaplen ?? 262144} onChange={(e) => s.setCaptureOptions({ snaplen: Number(e.target.value) })} /></label>
          <label>XDP mode <select value={opts.mode} onChange={(e) => s.setCaptureOptions({ mode: e.target.value as 'auto' })}>
            <option value="auto">auto</option><option value="native">native</option><option value="generic">generic</option>
          </select></label>
          <label>Direction <select value={opts.direction ?? 'inout'} data-testid="capture-direction"
            onChange={(e) => s.setCaptureOptions({ direction: e.target.value as 'inout' })}>
            <option value="inout">both (in + out)</option><option value="in">in (received)</option><option value="out">out (sent)</option>
          </select></label>
          <RingOptions ring={opts.ringBuffer} set={(ringBuffer) => s.setCaptureOptions({ ringBuffer })} />
          <ViewCapOptions cap={opts.viewCap} ring={opts.ringBuffer !== undefined} set={(viewCap) => s.setCaptureOptions({ viewCap })} />
          <button className="primary" disabled={busy || !opts.iface || filterProblem !== null} onClick={() => void s.startCapture()}>▶ Start capture on {opts.iface || '…'}</button>
        </div>
      </section>
      <section className="card">
        <h2>Open a capture file</h2>
        <form className="open-row" onSubmit={(e) => { e.preventDefault(); if (path.trim()) void s.openFile(path.trim()); }}>
          <input id="open-path" value={path} onChange={(e) => setPath(e.target.value)} placeholder="/path/to/capture.pcapng" aria-label="capture file path" />
          <button type="submit" className="primary" disabled={busy}>Open</button>
          {api.dialogs ? (
            <button type="button" onClick={async () => { const p = await api.dialogs!.openCapture(); if (p) void s.openFile(p); }}>Browse…</button>
          ) : (
            <label className="upload">Upload…<input type="file" accept=".pcap,.pcapng,.cap,.gz" onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (f) void s.openUpload(f, (sent, total) => setUpload({ name: f.name, sent, total })).finally(() => setUpload(null));
            }} /></label>
          )}
          {upload && (
            <span className="upload-progress small" data-testid="upload-progress">
              <progress max={upload.total || 1} value={upload.sent} /> {upload.name}: {(upload.sent / 1048576).toFixed(1)} of {(upload.total / 1048576).toFixed(1)} MiB
            </span>
          )}
        </form>
        {status.mode !== 'idle' && <button className="link" onClick={() => store.setState({ view: 'capture' })}>← back to {status.source}</button>}
        {spools.length > 0 && (
          <div className="spools" data-testid="spools">
            <h3>Unsaved captures from an earlier session</h3>
            <ul className="recent">
              {spools.map((sp) => (
                <li key={sp.path}>
                  <span className="mono small">{sp.path.split('/').pop()}</span>
                  <span className="small muted"> {(sp.size / 1e6).toFixed(1)} MB · {new Date(sp.modifiedAt).toLocaleString()}{sp.closedCleanly ? '' : ' · interrupted'}</span>
                  {' '}<button onClick={() => void s.recoverSpool(sp.path)}>Recover</button>
                  {' '}<button onClick={() => void s.discardSpool(sp.path)}>Discard</button>
                </li>
              ))}
            </ul>
          </div>
        )}
        <h3>Recent</h3>
        <ul className="recent">
          {recent.map((r) => (
            <li key={r.path} className={r.exists === false ? 'gone' : ''}>
              <button className="link" disabled={r.exists === false} onClick={() => void s.openFile(r.path)}>{r.path}</button>
              <span className="small muted"> {new Date(r.openedAt).toLocaleString()}</span>
            </li>
          ))}
          {recent.length === 0 && <li className="muted">Nothing yet.</li>}
        </ul>
      </section>
    </div>
  );
}

type ViewCap = NonNullable<CaptureOptions['viewCap']>;

/**
 * The memory cap: keep the last N packets and/or MB in view; older packets
 * leave the list (whole chunks) and stay in the ring files, or the spool
 * without a ring, from where the status bar offers to open them.
 */
function ViewCapOptions({ cap, ring, set }: { cap: ViewCap | undefined; ring: boolean; set: (c: ViewCap | undefined) => void }) {
  const int = (v: string, min: number): number | undefined => (/^\d+$/.test(v) && Number(v) >= min ? Number(v) : undefined);
  const change = (c: { packets?: number | undefined; megabytes?: number | undefined }): void => {
    const next: ViewCap = {};
    if (c.packets !== undefined) next.packets = c.packets;
    if (c.megabytes !== undefined) next.megabytes = c.megabytes;
    set(next.packets !== undefined || next.megabytes !== undefined ? next : undefined);
  };
  return (
    <span className="view-cap-options" data-testid="view-cap-options"
      title={`Keep only the last packets in view, so a capture can run for days; older packets stay in ${ring ? 'the ring files' : 'the capture spool'} and reopen from the status bar. Empty: keep every packet.`}>
      <label>Keep in view: last <input type="number" min={1000} value={cap?.packets ?? ''} placeholder="all" aria-label="view cap in packets"
        onChange={(e) => change({ ...cap, packets: int(e.target.value, 1000) })} /> packets</label>
      <label> / <input type="number" min={64} value={cap?.megabytes ?? ''} placeholder="all" aria-label="view cap in MB"
        onChange={(e) => change({ ...cap, megabytes: int(e.target.value, 64) })} /> MB</label>
    </span>
  );
}

type Ring = NonNullable<CaptureOptions['ringBuffer']>;

/**
 * dumpcap's ring buffer (-b): the capture also goes into numbered files
 * named after the path, switching at a size, keeping the newest few.
 */
function RingOptions({ ring, set }: { ring: Ring | undefined; set: (r: Ring | undefined) => void }) {
  const int = (v: string): number | undefined => (/^\d+$/.test(v) && Number(v) > 0 ? Number(v) : undefined);
  return (
    <span className="ring-options" data-testid="ring-options">
      <label title="Also write the capture into files PATH_00001_YYYYmmddHHMMSS.pcapng, … (as dumpcap -b); empty for none">Ring buffer files{' '}
        <input value={ring?.path ?? ''} placeholder="/path/capture.pcapng" aria-label="ring buffer path"
          onChange={(e) => set(e.target.value ? { filesizeKB: 100_000, files: 10, ...ring, path: e.target.value } : undefined)} /></label>
      {ring && (
        <>
          <label>switch at <input type="number" min={1} value={ring.filesizeKB ?? ''} aria-label="ring file size in kB"
            onChange={(e) => set({ ...ring, filesizeKB: int(e.target.value) ?? 100_000 })} /> kB</label>
          <label>keep <input type="number" min={1} value={ring.files ?? ''} aria-label="ring files kept"
            onChange={(e) => set({ ...ring, files: int(e.target.value) })} /> files</label>
        </>
      )}
    </span>
  );
}
