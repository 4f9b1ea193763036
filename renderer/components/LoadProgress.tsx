// While a file loads: bytes read of its size, and Cancel (the packets read
// so far stay). Damage found while reading shows as a notice with where
// (byte offset, block) and why.
import { useApp, useApp$ } from '../context';

export function LoadProgress() {
  const { store } = useApp();
  const st = useApp$((s) => s.status);
  if (st.state !== 'loading' || st.mode !== 'file') return null;
  const p = st.progress;
  const pct = p && p.size > 0 ? Math.min(100, (100 * p.bytesRead) / p.size) : 0;
  const mb = (n: number) => (n / 1e6).toFixed(1);
  return (
    <div className="banner info load-progress" data-testid="load-progress">
      <span>Loading {st.source}: {st.captured.toLocaleString('en')} packets{p ? ` · ${mb(p.bytesRead)} of ${mb(p.size)} MB` : ''}</span>
      <progress max={100} value={pct} aria-label="bytes read" />
      <button onClick={() => void store.getState().cancelOpen()}>Cancel</button>
    </div>
  );
}

export function FileNotices() {
  const { store } = useApp();
  const st = useApp$((s) => s.status);
  const session = useApp$((s) => s.session);
  const notices = session?.notices.filter((n) => !st.fileError || !n.includes(st.fileError.message)) ?? [];
  return (
    <>
      {st.fileError && (
        <div className="banner warn" role="alert" data-testid="damage-notice">
          <span>
            Damaged file: reading stopped at byte {st.fileError.offset ?? '?'}
            {st.fileError.block !== undefined ? ` (block ${st.fileError.block})` : ''}
            {st.fileError.reason ? `: ${st.fileError.reason}` : ''}. {st.captured === 1 ? 'The packet' : `The ${st.captured} packets`} before the damage {st.captured === 1 ? 'is' : 'are'} shown.
          </span>
        </div>
      )}
      {notices.map((n, i) => (
        <div key={i} className="banner warn" data-testid="session-notice">
          <span>{n}</span>
          <button aria-label="dismiss" onClick={() => store.setState({ session: session ? { ...session, notices: session.notices.filter((x) => x !== n) } : null })}>×</button>
        </div>
      ))}
    </>
  );
}
