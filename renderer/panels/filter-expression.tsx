// The Filter Expression dialog, as Wireshark's: pick a field (searching
// every name, ours and those Wireshark knows and we do not decode), a
// relation and a value (typed, or from the field's value names), see the
// expression and whether it is valid, then add it to the filter bar.
import { useEffect, useState } from 'react';
import type { Completion, FilterCheck } from '../../main/api/index';
import { useApp } from '../context';
import type { PanelDef } from './panel';

const RELATIONS = ['is present', '==', '!=', '>', '<', '>=', '<=', 'contains', 'matches', 'in'] as const;
type Relation = typeof RELATIONS[number];
/** types whose values are written in double quotes */
const QUOTED = new Set(['string']);

/** The expression the choices make; a string value gets quotes unless it has them. */
export function buildExpression(field: string, type: string | undefined, rel: Relation, value: string): string {
  if (!field) return '';
  if (rel === 'is present') return field;
  let v = value.trim();
  if (rel === 'in') return `${field} in {${v.replace(/^\{|\}$/g, '')}}`;
  if ((rel === 'matches' || QUOTED.has(type ?? '') || (rel === 'contains' && type !== 'bytes' && type !== 'protocol')) && v && !v.startsWith('"')) {
    v = `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  }
  return `${field} ${rel} ${v}`;
}

function FilterExpressionDialog() {
  const { store, api } = useApp();
  const s = store.getState();
  const close = () => s.setPanel('filterExpression');
  const [search, setSearch] = useState('');
  const [fields, setFields] = useState<Completion['items']>([]);
  const [field, setField] = useState<{ label: string; type?: string; detail?: string } | null>(null);
  const [rel, setRel] = useState<Relation>('is present');
  const [value, setValue] = useState('');
  const [values, setValues] = useState<Completion['items']>([]);
  const [check, setCheck] = useState<FilterCheck>({ ok: true, empty: true });
  const expr = field ? buildExpression(field.label, field.type, rel, value) : '';

  // the field list: what the filter bar would complete for the search text
  useEffect(() => {
    let live = true;
    const q = search.trim();
    if (!q) { setFields([]); return; }
    void api.call('completeFilter', { text: q, cursor: q.length }).then((c) => {
      if (live) setFields(c.items.filter((i) => /^[A-Za-z0-9_.-]+$/.test(i.label) && i.type));
    }).catch(() => { if (live) setFields([]); });
    return () => { live = false; };
  }, [search, api]);

  // the field's value names, as completion offers them after "field == "
  useEffect(() => {
    let live = true;
    if (!field) { setValues([]); return; }
    const t = `${field.label} == `;
    void api.call('completeFilter', { text: t, cursor: t.length }).then((c) => { if (live) setValues(c.items); }).catch(() => { if (live) setValues([]); });
    return () => { live = false; };
  }, [field, api]);

  useEffect(() => {
    let live = true;
    if (!expr) { setCheck({ ok: true, empty: true }); return; }
    void api.call('checkFilter', { text: expr }).then((r) => { if (live) setCheck(r); }).catch(() => {});
    return () => { live = false; };
  }, [expr, api]);

  const add = () => {
    const cur = store.getState().filterText.trim();
    const next = cur ? `${/\s(or|\|\|)\s/.test(cur) ? `(${cur})` : cur} && ${expr}` : expr;
    close();
    void store.getState().setFilterText(next);
  };
  const state = !expr ? 'empty' : check.ok ? (check.warnings?.length ? 'warning' : 'valid') : 'invalid';
  const message = check.ok ? check.warnings?.map((w) => w.message).join('; ') : check.error.message;

  return (
    <div className="modal-backdrop" onClick={close}>
      <form className="modal filter-expression" role="dialog" aria-label="Display Filter Expression" onClick={(e) => e.stopPropagation()}
        onSubmit={(e) => { e.preventDefault(); if (expr && check.ok) add(); }}>
        <div className="modal-title">Display Filter Expression</div>
        <div className="fx-body">
          <label className="fx-fields">Field name
            <input autoFocus placeholder="Search: tcp.port, http, 9p …" value={search} aria-label="search fields" onChange={(e) => setSearch(e.target.value)} />
            <ul className="fx-list" role="listbox" aria-label="fields">
              {fields.map((f) => (
                <li key={f.label} role="option" aria-selected={field?.label === f.label} className={field?.label === f.label ? 'active' : ''}
                  onClick={() => { setField(f); if (rel === 'is present' && f.type !== 'protocol') setRel('=='); }}>
                  <span className="name">{f.label}</span>
                  {f.detail && <span className={`detail${f.detail.includes('not decoded') ? ' not-decoded' : ''}`}>{f.detail}</span>}
                </li>
              ))}
            </ul>
          </label>
          <label className="fx-rel">Relation
            <select size={RELATIONS.length} value={rel} aria-label="relation" onChange={(e) => setRel(e.target.value as Relation)}>
              {RELATIONS.map((r) => <option key={r} value={r}>{r}</option>)}
            </select>
          </label>
          <label className="fx-value">Value{field?.type ? ` (${field.type})` : ''}
            <input value={value} aria-label="value" disabled={rel === 'is present'} onChange={(e) => setValue(e.target.value)} />
            {values.length > 0 && (
              <ul className="fx-list" role="listbox" aria-label="predefined values">
                {values.map((v) => (
                  <li key={v.label} role="option" aria-selected={value === v.label} className={value === v.label ? 'active' : ''}
                    onClick={() => { setValue(v.label); if (rel === 'is present') setRel('=='); }}>
                    <span className="name">{v.label}</span>{v.detail && <span className="detail">{v.detail}</span>}
                  </li>
                ))}
              </ul>
            )}
          </label>
        </div>
        <input className={`filter-input ${state}`} readOnly value={expr} aria-label="expression" data-state={state} />
        {message && <div className={check.ok ? 'filter-warning' : 'filter-error'} role="status">{message}</div>}
        <div className="modal-actions">
          <button type="button" onClick={close}>Cancel</button>
          <button className="primary" type="submit" disabled={!expr || !check.ok}>Add to filter</button>
        </div>
      </form>
    </div>
  );
}

export const filterExpressionPanel: PanelDef = {
  id: 'filterExpression',
  label: 'Expression…',
  title: 'Build a display filter: field, relation, value',
  placement: 'modal',
  component: FilterExpressionDialog,
};
