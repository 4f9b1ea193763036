// The decoded tree (layers → fields), an "Enriched" section and, beside it,
// a "Process" section (the packet's local process, or why none). Selecting a
// field highlights its bytes; right-click applies it as a filter.
import { useEffect, useState } from 'react';
import type { DetailNode, PacketDetails } from '../../main/api/types';
import { useApp, useApp$ } from '../context';
import { filterForField, flagEmoji } from '../lib/format';

function ancestors(path: string): string[] {
  const parts = path.split('.');
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('.'));
}

function Enriched({ d, onPick }: { d: PacketDetails; onPick(name: string): void }) {
  const e = d.enriched;
  const item = (key: string, label: string, value: string | number | undefined, field?: string) =>
    value === undefined || value === '' ? null : (
      <li key={key} data-enriched={key} className={field && d.highlights[field] ? 'pickable' : ''}
        onClick={() => field && onPick(field)}>
        <span className="k">{label}</span><span className="v">{value}</span>
      </li>
    );
  const items = [
    item('arrival', 'Arrival time', e.arrival),
    item('srcCountry', 'Source country', e.srcCountry ? `${flagEmoji(e.srcCountry)} ${e.srcCountry}` : undefined, 'ip.src'),
    item('dstCountry', 'Destination country', e.dstCountry ? `${flagEmoji(e.dstCountry)} ${e.dstCountry}` : undefined),
    item('userAgent', 'User-Agent', e.userAgent ? `${e.userAgent}${e.userAgentFamily ? `  [${e.userAgentFamily}]` : ''}` : undefined, 'http.user_agent'),
    item('contentLength', 'Content-Length', e.contentLength, 'http.content_length'),
    item('host', 'Host', e.host, 'http.host'),
    item('sni', 'SNI', e.sni, 'tls.handshake.extensions_server_name'),
    item('dnsName', 'DNS name', e.dnsName, 'dns.qry.name'),
  ].filter(Boolean);
  return (
    <div className="enriched" data-testid="enriched">
      <div className="section-title">Enriched</div>
      <ul>{items}</ul>
    </div>
  );
}

/** The local process behind the packet (live attribution, or a file that kept it); right-click filters on it. */
function Process({ d, onFilter }: { d: PacketDetails; onFilter(filter: string): void }) {
  const p = d.process;
  if (!p) return null;
  const item = (key: string, label: string, value: string | number | undefined, filter?: string) =>
    value === undefined || value === '' ? null : (
      <li key={key} data-process={key} title={filter}
        onContextMenu={(e) => { if (filter) { e.preventDefault(); onFilter(filter); } }}>
        <span className="k">{label}</span><span className="v">{value}</span>
      </li>
    );
  const items = p.none !== undefined ? [item('none', 'None', p.none, 'proc.none')] : [
    item('name', 'Process', p.name !== undefined ? `${p.name} (pid ${p.pid})` : p.pid, `proc.pid == ${p.pid}`),
    item('exepath', 'Executable', p.exepath, p.exepath ? `proc.exepath == ${JSON.stringify(p.exepath)}` : undefined),
    item('cmdline', 'Command line', p.cmdline),
    item('user', 'User', p.user ? `${p.user} (uid ${p.uid})` : p.uid, `user.uid == ${p.uid}`),
    item('container', 'Container', p.container, p.container ? `container.id == ${JSON.stringify(p.container)}` : undefined),
    item('match', 'Matched by', p.match),
  ];
  return (
    <div className="enriched process" data-testid="process">
      <div className="section-title">Process</div>
      <ul>{items.filter(Boolean)}</ul>
    </div>
  );
}

export function DetailPane() {
  const { store } = useApp();
  const d = useApp$((s) => s.details);
  const field = useApp$((s) => s.field);
  const [open, setOpen] = useState<Set<string>>(new Set());

  // Reveal a field selected from the bytes pane.
  useEffect(() => {
    if (!field) return;
    const need = ancestors(field.path).filter((p) => !open.has(p));
    if (need.length) setOpen(new Set([...open, ...need]));
    document.querySelector(`[data-path="${field.path}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [field]);

  if (!d) return <div className="empty-pane">Select a packet to see its decoded fields.</div>;

  const pickByName = (name: string) => {
    const h = d.highlights[name];
    if (h) store.setState({ field: { path: 'enriched', start: h.start, len: h.len } });
  };

  // The service puts the packet's comments first, as Wireshark's "Packet comments" section (open by default).
  const isCommentSection = (n: DetailNode, depth: number) => depth === 0 && n.name === 'frame.comment' && n.label === 'Packet comments';
  const render = (nodes: DetailNode[], prefix: string, depth: number, inComments = false): React.ReactNode =>
    nodes.map((n, i) => {
      const path = prefix ? `${prefix}.${i}` : String(i);
      const kids = n.children?.length ? n.children : null;
      const commentSection = isCommentSection(n, depth);
      const isOpen = commentSection ? !open.has(path) : open.has(path);
      return (
        <li key={path}>
          <div
            className={`node ${field?.path === path ? 'selected' : ''} ${n.generated ? 'generated' : ''} ${depth === 0 ? 'layer' : ''}`}
            data-path={path} data-field={n.name} title={n.name}
            onClick={() => store.getState().selectField(path)}
            onDoubleClick={() => kids && setOpen(toggle(open, path))}
            onContextMenu={(e) => { e.preventDefault(); void store.getState().setFilterText(filterForField(n)); }}
          >
            <span className="twisty" onClick={(e) => { e.stopPropagation(); if (kids) setOpen(toggle(open, path)); }}>{kids ? (isOpen ? '▾' : '▸') : ''}</span>
            {n.label}
            {inComments && (
              <span className="comment-actions">
                <button title="Edit comment" onClick={(e) => { e.stopPropagation(); store.getState().openCommentEditor(d.number, i); }}>Edit</button>
                <button title="Delete comment" onClick={(e) => { e.stopPropagation(); void store.getState().deleteComment(d.number, i); }}>Delete</button>
              </span>
            )}
          </div>
          {kids && isOpen && <ul>{render(kids, path, depth + 1, commentSection)}</ul>}
        </li>
      );
    });

  return (
    <div className="details" data-testid="details">
      <div className="details-actions">
        <button title="Add a comment to this packet (saved in the pcapng, shown by Wireshark as frame.comment)" onClick={() => store.getState().openCommentEditor(d.number)}>💬 Add comment</button>
      </div>
      <Enriched d={d} onPick={pickByName} />
      <Process d={d} onFilter={(f) => void store.getState().setFilterText(f)} />
      {d.expert.length > 0 && (
        <ul className="expert">{d.expert.map((x, i) => <li key={i} className={`sev-${x.severity}`}>{x.protocol ? `${x.protocol}: ` : ''}{x.message}</li>)}</ul>
      )}
      <ul className="tree">{render(d.tree, '', 0)}</ul>
    </div>
  );
}

function toggle(s: Set<string>, k: string): Set<string> {
  const n = new Set(s);
  if (n.has(k)) n.delete(k); else n.add(k);
  return n;
}
