// Preferences → TLS → key log file (Wireshark's tls.keylog_file): the path
// of an NSS key log (SSLKEYLOGFILE) the engine decrypts TLS with. Remembered
// in this browser profile and given back to the engine at start; the file
// is read again as it grows, so a live capture decrypts as keys appear.
import { useEffect, useState } from 'react';
import { useApp } from '../context';

const KEY = 'xdpscope.tls.keylog_file';

export function TlsPreferencesButton() {
  const { api } = useApp();
  const [open, setOpen] = useState(false);
  const [path, setPath] = useState('');
  const [state, setState] = useState<{ path: string | null; connections: number; error: string | null } | null>(null);
  const [failure, setFailure] = useState('');

  const apply = async (p: string | null): Promise<boolean> => {
    try {
      const r = await api.call('setTlsKeylog', { path: p });
      setState(r);
      setFailure('');
      return true;
    } catch (e) {
      setFailure((e as Error).message);
      return false;
    }
  };

  // the remembered path, given to the engine once at start
  useEffect(() => {
    let saved: string | null = null;
    try { saved = localStorage.getItem(KEY); } catch { /* storage disabled: nothing remembered */ }
    if (saved) { setPath(saved); void apply(saved); }
  }, []);

  const submit = async (p: string | null): Promise<void> => {
    if (!(await apply(p))) return;
    try { if (p) localStorage.setItem(KEY, p); else localStorage.removeItem(KEY); } catch { /* not remembered, still applied */ }
    setOpen(false);
  };

  return (
    <>
      <button title="Preferences → TLS: key log file for decryption" aria-pressed={!!state?.path} onClick={() => setOpen(true)}>TLS…</button>
      {open && (
        <div className="modal-backdrop" onClick={() => setOpen(false)}>
          <form className="modal" data-testid="tls-preferences" onClick={(e) => e.stopPropagation()}
            onSubmit={(e) => { e.preventDefault(); void submit(path.trim() || null); }}>
            <div className="modal-title">Preferences → TLS</div>
            <label>
              (Pre)-Master-Secret log filename (SSLKEYLOGFILE)
              <input name="keylog" autoFocus value={path} placeholder="/home/me/.sslkeylog" onChange={(e) => setPath(e.target.value)} />
            </label>
            {state?.path ? <div className="hint">{state.error ?? `${state.connections} connection${state.connections === 1 ? '' : 's'} in the key log`}. Reopen the file to decrypt what is already loaded.</div> : null}
            {failure ? <div className="error" role="alert">{failure}</div> : null}
            <div className="modal-actions">
              <button type="button" onClick={() => { setPath(''); void submit(null); }}>Clear</button>
              <button type="button" onClick={() => setOpen(false)}>Cancel</button>
              <button className="primary" type="submit">OK</button>
            </div>
          </form>
        </div>
      )}
    </>
  );
}
