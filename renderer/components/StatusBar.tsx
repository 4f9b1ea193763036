// Captured, displayed, kernel drops (and whether the engine is behind), mode,
// source, elapsed, state; under a view cap, how many older packets left the
// view and where they are, with the files to open them from.
import { useEffect, useState } from 'react';
import { useApp, useApp$ } from '../context';
import { formatElapsed } from '../lib/format';
import type { CaptureFilesResult } from '../../main/api/types';

export function StatusBar() {
  const s = useApp$((x) => x.status);
  const busy = useApp$((x) => x.busy);
  const cap = useApp$((x) => (x.status.mode === 'file' ? x.session?.capture : undefined));
  const [files, setFiles] = useState(false);
  const n = (v: number) => v.toLocaleString('en');
  const where = s.evictedTo === 'ring' ? 'in ring files' : s.evictedTo === 'spool' ? 'in the capture spool' : 'not kept (no ring file or spool)';
  return (
    <div className="statusbar" data-testid="statusbar">
      <span data-k="state" className={`state-${s.state}`}>{s.mode === 'live' && s.state === 'loading' ? 'starting' : s.state}{busy ? ' …' : ''}</span>
      <span data-k="mode">{s.mode === 'live' ? 'Live' : s.mode === 'file' ? 'File' : 'Idle'}{s.source ? `: ${s.source}` : ''}</span>
      <span data-k="captured">Packets: {n(s.captured)}</span>
      <span data-k="displayed">Displayed: {n(s.displayed)}{s.captured ? ` (${((100 * s.displayed) / s.captured).toFixed(1)}%)` : ''}</span>
      <span data-k="dropped" className={s.dropped || s.behind ? 'warn' : ''}
        title={s.seen !== undefined ? `the XDP program saw ${n(s.seen)} frames${s.sampledOut ? `, sampling skipped ${n(s.sampledOut)}` : ''}; dropped: the kernel ring was full because the engine fell behind` : undefined}>
        Dropped: {n(s.dropped)}{s.behind ? ' (engine behind: the kernel ring is filling)' : ''}{s.sampledOut ? ` · sampled out: ${n(s.sampledOut)}` : ''}
      </span>
      <span data-k="elapsed">Elapsed: {formatElapsed(s.elapsed)}</span>
      {s.evicted ? (
        <span data-k="evicted" className="evicted" title="the capture keeps only the last packets in view (its view cap); older packets are on disk">
          {n(s.evicted)} older packets {where}
          {s.evictedTo !== 'none' && <> — <button className="link" onClick={() => setFiles(true)}>Open</button></>}
        </span>
      ) : null}
      {s.ringFile && <span data-k="ring" title="the ring-buffer file being written (older files are kept as the capture options say)">Writing {s.ringFile}</span>}
      {cap?.interface && (
        <span data-k="captured-on" title="capture settings stored in this session file">
          Captured on {cap.interface}{cap.mode ? ` (${cap.mode})` : ''}{cap.filter ? `, filter "${cap.filter}"` : ''}
        </span>
      )}
      {s.fileError && <span className="warn" title={s.fileError.message}>File damaged at offset {s.fileError.offset ?? '?'}</span>}
      {files && <CaptureFilesDialog close={() => setFiles(false)} />}
    </div>
  );
}

/** The live capture's files on disk and the frames each holds; each opens as a file session. */
function CaptureFilesDialog({ close }: { close: () => void }) {
  const { store, api } = useApp();
  const [list, setList] = useState<CaptureFilesResult | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    api.call('captureFiles', {}).then(setList, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [api]);
  const live = store.getState().status.state === 'capturing';
  return (
    <div className="modal-backdrop" onClick={close}>
      <div className="modal" data-testid="capture-files" onClick={(e) => e.stopPropagation()}>
        <div className="modal-title">Older packets on disk</div>
        {error && <div className="warn">{error}</div>}
        {list && (
          <>
            <div className="small muted">
              {list.evicted.toLocaleString('en')} packets left the view{list.firstInView ? `; the view starts at packet ${list.firstInView.toLocaleString('en')}` : ''}.
              {live ? ' Opening a file ends the live capture (you are asked first if it is unsaved).' : ''}
            </div>
            <ul className="recent">
              {list.files.map((f) => (
                <li key={f.path}>
                  <button className="link" onClick={() => { close(); void store.getState().openFile(f.path); }}>{f.path}</button>
                  <span className="small muted"> packets {f.firstNumber.toLocaleString('en')}–{f.lastNumber.toLocaleString('en')} · {(f.size / 1e6).toFixed(1)} MB{f.writing ? ' · being written' : ''}</span>
                </li>
              ))}
              {list.files.length === 0 && <li className="muted">No file holds them any more (the ring kept only its newest files).</li>}
            </ul>
          </>
        )}
        <div className="modal-actions"><button onClick={close}>Close</button></div>
      </div>
    </div>
  );
}
