// Follow TCP/UDP stream: the conversation as text in Wireshark's chunk order,
// client red, server blue; a chunk's title says which frame it came from.
import { useApp, useApp$ } from '../context';
import { streamText } from '../lib/format';

const MISSING_STYLE = { fontStyle: 'italic', opacity: 0.75 } as const;

export function FollowView() {
  const { store } = useApp();
  const f = useApp$((s) => s.stream);
  if (!f) return null;
  const s = store.getState();
  const kind = f.protocol === 'udp' ? 'UDP' : f.protocol === 'tls' ? 'TLS' : 'TCP';
  return (
    <div className="modal-backdrop" onClick={() => s.closeFollow()}>
      <div className="modal follow" role="dialog" aria-label={`Follow ${kind} stream`} onClick={(e) => e.stopPropagation()}>
        <div className="modal-title">Follow {kind} Stream ({f.filter}) — {f.client} ⇄ {f.server}</div>
        <pre className="stream" data-testid="stream">
          {f.segments.map((seg, i) => seg.missing !== undefined
            // Wireshark's stand-in for bytes the peer acknowledged but the capture lacks (its text ends in a NUL)
            ? <span key={i} className={`${seg.fromClient ? 'client' : 'server'} missing`} data-frame={seg.number} style={MISSING_STYLE}>{`[${seg.missing} bytes missing in capture file]`}</span>
            : <span key={i} className={seg.fromClient ? 'client' : 'server'} data-frame={seg.number} title={`frame ${seg.number}`}>{streamText(seg.data)}</span>)}
          {f.segments.length === 0 && <span className="muted">(no payload in this stream)</span>}
          {f.truncated && <span className="muted">{'\n'}(the stream goes on: only its first {Math.round((f.clientBytes + f.serverBytes) / 1048576)} MiB are shown)</span>}
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
