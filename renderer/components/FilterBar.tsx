// The display-filter bar: validity as you type (green, amber for a filter
// tshark would warn about, red), the message with its span underlined,
// completion of fields, values and macros, history.
import { useEffect, useRef, useState, type RefObject } from 'react';
import { useApp, useApp$ } from '../context';

export function FilterBar({ inputRef }: { inputRef: RefObject<HTMLInputElement | null> }) {
  const { store } = useApp();
  const text = useApp$((s) => s.filterText);
  const check = useApp$((s) => s.filterCheck);
  const applied = useApp$((s) => s.appliedFilter);
  const completion = useApp$((s) => s.completion);
  const history = useApp$((s) => s.filterHistory);
  const busy = useApp$((s) => s.busy);
  const [active, setActive] = useState(0);
  const [showHistory, setShowHistory] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  // Completion is wanted from an edit until Apply, Enter, Escape or blur; a debounce still pending
  // then must not reopen the list over the packets the filter is about to show.
  const wantCompletion = useRef(false);
  const closeCompletion = () => { wantCompletion.current = false; store.getState().clearCompletion(); };
  const apply = (value: string) => {
    if (timer.current) clearTimeout(timer.current);
    closeCompletion();
    void store.getState().applyFilter(value);
  };

  useEffect(() => setActive(0), [completion]);

  const onChange = (value: string, cursor: number) => {
    store.setState({ filterText: value });
    wantCompletion.current = true;
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      void store.getState().setFilterText(value);
      if (wantCompletion.current) void store.getState().complete(value, cursor);
    }, 80);
  };
  const pick = (label: string) => {
    if (!completion) return;
    const next = text.slice(0, completion.from) + label + text.slice(completion.to);
    const cursor = completion.from + label.length;
    store.getState().clearCompletion();
    onChange(next, cursor);
    requestAnimationFrame(() => inputRef.current?.setSelectionRange(cursor, cursor));
  };
  // Suggest only while a name is being typed (not after an operator or a space).
  const items = completion && completion.to > completion.from ? completion.items : [];
  const warnings = check.ok ? check.warnings ?? [] : [];
  const state = check.ok ? (check.empty ? 'empty' : warnings.length ? 'warning' : 'valid') : 'invalid';
  const err = check.ok ? null : check.error;
  // one underline at a time: the error, else the first warning
  const mark = err ? { ...err, cls: 'bad-span' } : warnings[0] ? { ...warnings[0], cls: 'warn-span' } : null;

  return (
    <div className="filterbar">
      <div className="filter-input-wrap">
        <input
          ref={inputRef}
          className={`filter-input ${state}`}
          data-state={state}
          spellCheck={false}
          placeholder="Apply a display filter … (Ctrl+/)"
          value={text}
          aria-label="display filter"
          aria-invalid={state === 'invalid'}
          onChange={(e) => onChange(e.target.value, e.target.selectionStart ?? e.target.value.length)}
          // an option's mousedown keeps the focus here, so a blur always means the list is done
          onBlur={closeCompletion}
          onKeyDown={(e) => {
            if (items.length && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
              e.preventDefault();
              setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length);
            } else if (items.length && e.key === 'Tab') {
              e.preventDefault(); pick(items[active].label);
            } else if (e.key === 'Enter') {
              e.preventDefault();
              apply(text);
            } else if (e.key === 'Escape') {
              closeCompletion();
            }
          }}
        />
        {mark && (
          <div className="filter-mirror" aria-hidden="true">
            <span className="pre">{text.slice(0, mark.start)}</span>
            <span className={mark.cls}>{text.slice(mark.start, Math.max(mark.end, mark.start + 1)) || ' '}</span>
          </div>
        )}
        {items.length > 0 && (
          <ul className="completion" role="listbox">
            {items.slice(0, 12).map((it, i) => (
              <li key={it.label} role="option" aria-selected={i === active} className={i === active ? 'active' : ''}
                onMouseDown={(e) => { e.preventDefault(); pick(it.label); }}>
                <span className="name">{it.label}</span>
                {it.detail && <span className={`detail${it.detail.includes('not decoded') ? ' not-decoded' : ''}`}>{it.detail}</span>}
              </li>
            ))}
          </ul>
        )}
        {showHistory && history.length > 0 && (
          <ul className="completion history" role="listbox">
            {history.map((h) => (
              <li key={h} onMouseDown={(e) => { e.preventDefault(); setShowHistory(false); apply(h); }}>{h}</li>
            ))}
          </ul>
        )}
      </div>
      <button title="Filter history" onClick={() => setShowHistory((v) => !v)} onBlur={() => setShowHistory(false)}>▾</button>
      <button className="primary" disabled={busy || state === 'invalid'} onClick={() => apply(text)}>Apply</button>
      {applied && <button title="Clear filter" onClick={() => apply('')}>✕</button>}
      {err && <div className="filter-error" role="status">{err.message}</div>}
      {!err && warnings.length > 0 && <div className="filter-warning" role="status">{warnings.map((w) => w.message).join('; ')}</div>}
    </div>
  );
}
