// Right-click on a packet-list cell: Apply/Prepare as filter, Copy value, Follow TCP/UDP stream.
import { useEffect, useState } from 'react';
import type { ColumnId } from '../../main/api/types';
import { useApp } from '../context';
import { andFilter, filterFor } from '../lib/format';

export interface MenuTarget {
  x: number; y: number; column: ColumnId; value: unknown; number: number; protocol: string;
}

export function ContextMenu({ target, onClose }: { target: MenuTarget; onClose(): void }) {
  const { store, api } = useApp();
  // the list does not say which transport a row uses: ask for the packet's layers (as Wireshark greys Follow entries)
  const [transport, setTransport] = useState<'tcp' | 'udp' | 'none' | null>(null);
  const [tls, setTls] = useState(false);
  const [http2, setHttp2] = useState(false);
  useEffect(() => {
    let live = true;
    api.call('getDetails', { number: target.number }).then((d) => {
      const names = new Set(d.tree.map((n) => n.name));
      if (live) { setTransport(names.has('tcp') ? 'tcp' : names.has('udp') ? 'udp' : 'none'); setTls(names.has('tls')); setHttp2(names.has('http2')); }
    }, () => { if (live) setTransport('none'); });
    return () => { live = false; };
  }, [api, target.number]);
  useEffect(() => {
    const close = () => onClose();
    window.addEventListener('click', close);
    window.addEventListener('keydown', close);
    return () => { window.removeEventListener('click', close); window.removeEventListener('keydown', close); };
  }, [onClose]);
  const expr = filterFor(target.column, target.value as any);
  const s = store.getState();
  const prepare = (apply: boolean, and: boolean) => {
    if (!expr) return;
    const text = and ? andFilter(s.appliedFilter, expr) : expr;
    void s.setFilterText(text);
    if (apply) void s.applyFilter(text);
    onClose();
  };
  const value = target.value == null ? '' : String(target.value);
  return (
    <ul className="context-menu" role="menu" style={{ left: target.x, top: target.y }} onClick={(e) => e.stopPropagation()}>
      <li role="menuitem" className={expr ? '' : 'disabled'} onClick={() => prepare(true, false)}>Apply as Filter{expr ? `: ${expr}` : ''}</li>
      <li role="menuitem" className={expr ? '' : 'disabled'} onClick={() => prepare(true, true)}>Apply as Filter: …and Selected</li>
      <li role="menuitem" className={expr ? '' : 'disabled'} onClick={() => prepare(false, false)}>Prepare as Filter</li>
      <li role="menuitem" onClick={() => { void navigator.clipboard?.writeText(value).catch(() => undefined); onClose(); }}>Copy value</li>
      <li role="menuitem" className={transport === 'tcp' || transport === null ? '' : 'disabled'} onClick={() => { if (transport === 'tcp' || transport === null) void s.follow(target.number); onClose(); }}>Follow TCP Stream</li>
      {transport === 'udp' && <li role="menuitem" onClick={() => { void s.follow(target.number, 'udp'); onClose(); }}>Follow UDP Stream</li>}
      {tls && <li role="menuitem" onClick={() => { void s.follow(target.number, 'tls'); onClose(); }}>Follow TLS Stream</li>}
      {http2 && <li role="menuitem" onClick={() => { void s.follow(target.number, 'http2'); onClose(); }}>Follow HTTP/2 Stream</li>}
      <li role="menuitem" onClick={() => { s.openDecodeAs(target.number); onClose(); }}>Decode As…</li>
      <li role="menuitem" data-action="comment" onClick={() => { s.openCommentEditor(target.number); onClose(); }}>Packet Comment…</li>
    </ul>
  );
}
