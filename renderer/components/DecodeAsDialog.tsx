// Analyze → Decode As… (Wireshark's dialog): one row per entry — the table
// (TCP port, UDP port), its value, what the table gives that value by
// itself (Default) and the protocol to use (Current). OK applies the
// entries to the open capture (the engine dissects it again); Save also
// writes them to the user's decode_as_entries, in Wireshark's format.
// Opened from a packet (right click → Decode As…), a new row is filled with
// that packet's transport and port.
import { useEffect, useState } from 'react';
import type { DecodeAsInfo, DecodeAsTable, DetailNode } from '../../main/api/types';
import { useApp, useApp$ } from '../context';

interface Row { table: DecodeAsTable; value: number; initial: string; protocol: string }

/** the transport and ports of a packet's details, innermost first (what Wireshark offers for a new row) */
function portsOf(tree: DetailNode[]): { table: DecodeAsTable; ports: number[] } | null {
  for (const layer of [...tree].reverse()) {
    if (layer.name !== 'tcp' && layer.name !== 'udp') continue;
    const ports: number[] = [];
    for (const f of layer.children ?? []) {
      if (f.name === `${layer.name}.srcport` || f.name === `${layer.name}.dstport`) {
        const n = Number(f.value ?? /(\d+)\s*$/.exec(f.label)?.[1]);
        if (Number.isInteger(n) && !ports.includes(n)) ports.push(n);
      }
    }
    // the lower port first: usually the server's, the one a protocol is known by
    if (ports.length) return { table: `${layer.name}.port` as DecodeAsTable, ports: ports.sort((a, b) => a - b) };
  }
  return null;
}

export function DecodeAsDialog() {
  const { store, api } = useApp();
  const from = useApp$((s) => s.decodeAsPacket);
  const [info, setInfo] = useState<DecodeAsInfo | null>(null);
  const [rows, setRows] = useState<Row[]>([]);
  const [picked, setPicked] = useState(-1);
  const [ports, setPorts] = useState<number[]>([]);
  const [failure, setFailure] = useState('');
  const [busy, setBusy] = useState(false);
  const close = () => store.getState().closeDecodeAs();

  const defaultOf = async (table: DecodeAsTable, value: number): Promise<string> => {
    try { return (await api.call('decodeAsDefault', { table, value })).initial; } catch { return '(none)'; }
  };

  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const i = await api.call('getDecodeAs', {});
        if (!live) return;
        setInfo(i);
        const current: Row[] = i.entries.map((e) => ({ table: e.table, value: e.value, initial: e.initial, protocol: e.protocol }));
        if (from !== null && from !== 'menu') {
          // from a packet: a new row for its port, unless one is there already
          const d = await api.call('getDetails', { number: from });
          const p = portsOf(d.tree);
          if (!live) return;
          if (p) {
            setPorts(p.ports);
            const existing = current.findIndex((r) => r.table === p.table && p.ports.includes(r.value));
            if (existing >= 0) setPicked(existing);
            else {
              const initial = await defaultOf(p.table, p.ports[0]!);
              current.push({ table: p.table, value: p.ports[0]!, initial, protocol: initial === '(none)' ? 'data' : initial });
              setPicked(current.length - 1);
            }
          }
        }
        if (live) setRows(current);
      } catch (e) { if (live) setFailure((e as Error).message); }
    })();
    return () => { live = false; };
  }, [api, from]);

  const update = async (k: number, patch: Partial<Row>): Promise<void> => {
    const next = rows.map((r, j) => (j === k ? { ...r, ...patch } : r));
    const r = next[k]!;
    if (patch.table !== undefined || patch.value !== undefined) r.initial = await defaultOf(r.table, r.value);
    setRows(next);
  };

  const add = async (): Promise<void> => {
    const last = rows[picked] ?? rows[rows.length - 1];
    const table = last?.table ?? 'tcp.port';
    const value = ports[0] ?? last?.value ?? 0;
    const initial = await defaultOf(table, value);
    setRows([...rows, { table, value, initial, protocol: initial === '(none)' ? 'data' : initial }]);
    setPicked(rows.length);
  };

  const apply = async (save: boolean): Promise<void> => {
    setBusy(true);
    try {
      await api.call('setDecodeAs', { entries: rows.map((r) => ({ table: r.table, value: r.value, protocol: r.protocol })), save });
      store.getState().decodeAsApplied();
      close();
    } catch (e) {
      setFailure((e as Error).message);
    } finally { setBusy(false); }
  };

  const protocols = (t: DecodeAsTable): string[] => info?.tables.find((x) => x.name === t)?.protocols ?? [];
  return (
    <div className="modal-backdrop" onClick={close}>
      <form className="modal decode-as" role="dialog" aria-label="Decode As" data-testid="decode-as" onClick={(e) => e.stopPropagation()}
        onSubmit={(e) => { e.preventDefault(); void apply(false); }}>
        <div className="modal-title">Decode As…</div>
        <table className="decode-as-table">
          <thead><tr><th>Field</th><th>Value</th><th>Default</th><th>Current</th></tr></thead>
          <tbody>
            {rows.map((r, k) => (
              <tr key={k} aria-selected={k === picked} onClick={() => setPicked(k)}>
                <td>
                  <select aria-label="Field" value={r.table} onChange={(e) => void update(k, { table: e.target.value as DecodeAsTable })}>
                    {(info?.tables ?? []).map((t) => <option key={t.name} value={t.name}>{t.name}</option>)}
                  </select>
                </td>
                <td>
                  <input aria-label="Value" type="number" min={0} max={65535} list="decode-as-ports" value={r.value}
                    onChange={(e) => void update(k, { value: Math.max(0, Math.min(65535, Math.trunc(Number(e.target.value) || 0))) })} />
                </td>
                <td data-testid="decode-as-default">{r.initial}</td>
                <td>
                  <select aria-label="Current" value={r.protocol} onChange={(e) => void update(k, { protocol: e.target.value })}>
                    {[...new Set([r.protocol, ...protocols(r.table)])].map((p) => <option key={p} value={p}>{p === 'data' ? '(none)' : p.toUpperCase()}</option>)}
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <datalist id="decode-as-ports">{ports.map((p) => <option key={p} value={p} />)}</datalist>
        <div className="row">
          <button type="button" title="Add an entry" aria-label="Add entry" onClick={() => void add()}>+</button>
          <button type="button" title="Remove the selected entry" aria-label="Remove entry" disabled={picked < 0 || picked >= rows.length}
            onClick={() => { setRows(rows.filter((_, j) => j !== picked)); setPicked(-1); }}>−</button>
          <button type="button" title="Remove every entry" onClick={() => { setRows([]); setPicked(-1); }}>Clear</button>
        </div>
        {info?.problems.length ? <div className="hint">Not applied from {info.file}: {info.problems.join('; ')}</div> : null}
        {failure ? <div className="error" role="alert">{failure}</div> : null}
        <div className="modal-actions">
          <button type="button" onClick={close}>Cancel</button>
          <button type="button" disabled={busy} title={info ? `Apply, and save the entries to ${info.file}` : undefined} onClick={() => void apply(true)}>Save</button>
          <button className="primary" type="submit" disabled={busy}>OK</button>
        </div>
      </form>
    </div>
  );
}
