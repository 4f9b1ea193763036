// Hex + ASCII of the selected packet; the selected field's bytes are
// highlighted, clicking a byte selects the field it belongs to.
import { useEffect, useRef } from 'react';
import { useApp, useApp$ } from '../context';
import { hexLines, printable } from '../lib/format';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function BytesPane() {
  const { store } = useApp();
  const d = useApp$((s) => s.details);
  const field = useApp$((s) => s.field);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (field) ref.current?.querySelector('.hl')?.scrollIntoView({ block: 'nearest' });
  }, [field]);
  if (!d) return <div className="empty-pane">No packet selected.</div>;
  const lo = field ? field.start : -1;
  const hi = field ? field.start + field.len : -1;
  const cls = (o: number) => (o >= lo && o < hi ? 'hl' : undefined);
  const pick = (o: number) => store.getState().selectByte(o);
  return (
    <div className="bytes" ref={ref} data-testid="bytes">
      {hexLines(d.bytes).map((l) => (
        <div className="line" key={l.offset}>
          <span className="off">{l.offset.toString(16).padStart(4, '0')}</span>
          <span className="hex">
            {l.bytes.map((b, i) => (
              <span key={i} data-offset={l.offset + i} className={cls(l.offset + i)} onClick={() => pick(l.offset + i)}>{HEX[b]}</span>
            ))}
          </span>
          <span className="ascii">
            {l.bytes.map((b, i) => (
              <span key={i} data-offset={l.offset + i} className={cls(l.offset + i)} onClick={() => pick(l.offset + i)}>{printable(b)}</span>
            ))}
          </span>
        </div>
      ))}
    </div>
  );
}
