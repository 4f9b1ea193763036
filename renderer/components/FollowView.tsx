// Follow TCP stream: the conversation as text, client red, server blue.
import { useApp, useApp$ } from '../context';
import { streamText } from '../lib/format';

export function FollowView() {
  const { store } = useApp();
  const f = useApp$((s) => s.stream);
  if (!f) return null;
  const s = store.getState();
  return (
    <div className="modal-backdrop" onClick={() => s.closeFollow()}>
      <div className="modal follow" role="dialog" aria-label="Follow TCP stream" onClick={(e) => e.stopPropagation()}>
        <div className="modal-title">Follow TCP Stream ({f.filter}) — {f.client} ⇄ {f.server}</div>
        <pre className="stream" data-testid="stream">
          {f.segments.map((seg, i) => <span key={i} className={seg.fromClient ? 'client' : 'server'}>{streamText(seg.data)}</span>)}
          {f.segments.length === 0 && <span className="muted">(no payload in this stream)</span>}
        </pre>
        <div className="modal-actions">
          <span className="muted">client {f.clientBytes} bytes · server {f.serverBytes} bytes</span>
          <button onClick={() => { void s.setFilterText(f.filter); void s.applyFilter(f.filter); s.closeFollow(); }}>Filter this stream</button>
          <button className="primary" onClick={() => s.closeFollow()}>Close</button>
        </div>
      </div>
    </div>
  );
}
