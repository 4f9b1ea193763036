// Captured, displayed, kernel drops, mode, source, elapsed, state.
import { useApp$ } from '../context';
import { formatElapsed } from '../lib/format';

export function StatusBar() {
  const s = useApp$((x) => x.status);
  const busy = useApp$((x) => x.busy);
  const cap = useApp$((x) => (x.status.mode === 'file' ? x.session?.capture : undefined));
  return (
    <div className="statusbar" data-testid="statusbar">
      <span data-k="state" className={`state-${s.state}`}>{s.mode === 'live' && s.state === 'loading' ? 'starting' : s.state}{busy ? ' …' : ''}</span>
      <span data-k="mode">{s.mode === 'live' ? 'Live' : s.mode === 'file' ? 'File' : 'Idle'}{s.source ? `: ${s.source}` : ''}</span>
      <span data-k="captured">Packets: {s.captured.toLocaleString('en')}</span>
      <span data-k="displayed">Displayed: {s.displayed.toLocaleString('en')}{s.captured ? ` (${((100 * s.displayed) / s.captured).toFixed(1)}%)` : ''}</span>
      <span data-k="dropped" className={s.dropped ? 'warn' : ''}>Dropped: {s.dropped.toLocaleString('en')}</span>
      <span data-k="elapsed">Elapsed: {formatElapsed(s.elapsed)}</span>
      {s.ringFile && <span data-k="ring" title="the ring-buffer file being written (older files are kept as the capture options say)">Writing {s.ringFile}</span>}
      {cap?.interface && (
        <span data-k="captured-on" title="capture settings stored in this session file">
          Captured on {cap.interface}{cap.mode ? ` (${cap.mode})` : ''}{cap.filter ? `, filter "${cap.filter}"` : ''}
        </span>
      )}
      {s.fileError && <span className="warn" title={s.fileError.message}>File damaged at offset {s.fileError.offset ?? '?'}</span>}
    </div>
  );
}
