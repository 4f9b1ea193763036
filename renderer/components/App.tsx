// The window: toolbar with the filter bar, the welcome or capture view,
// the status bar; errors stay visible until dismissed.
import { useEffect, useRef, useState } from 'react';
import { useApp, useApp$ } from '../context';
import { Toolbar } from './Toolbar';
import { Welcome } from './Welcome';
import { PacketList } from './PacketList';
import { DetailPane } from './DetailPane';
import { BytesPane } from './BytesPane';
import { StatusBar } from './StatusBar';
import { FollowView } from './FollowView';
import { SaveDialog } from './SaveDialog';
import { PANELS } from '../panels';
import { ExportDialog } from './ExportDialog';
import { CommentDialog } from './CommentDialog';
import { DecodeAsDialog } from './DecodeAsDialog';
import { FileNotices, LoadProgress } from './LoadProgress';

export function App() {
  const { store, api } = useApp();
  const view = useApp$((s) => s.view);
  const errors = useApp$((s) => s.errors);
  const notice = useApp$((s) => s.notice);
  const status = useApp$((s) => s.status);
  const filterRef = useRef<HTMLInputElement>(null);
  const dialog = useApp$((s) => s.dialog);
  const panel = useApp$((s) => s.panel);
  const decodeAs = useApp$((s) => s.decodeAsPacket);
  const [exportKind, setExportKind] = useState<'pcapng' | 'csv' | 'json'>('pcapng');

  const open = async () => {
    if (!(await store.getState().confirmDiscard('open another file'))) return;
    if (api.dialogs) {
      const p = await api.dialogs.openCapture();
      if (p) await store.getState().openFile(p);
    } else {
      store.getState().showWelcome();
      setTimeout(() => document.getElementById('open-path')?.focus(), 0);
    }
  };
  // Save writes our own pcapng in place; anything else (a live capture, a
  // classic pcap, an upload) goes through Save As.
  const save = async (as: boolean) => {
    const s = store.getState();
    const st = s.status;
    if (!as && st.mode === 'file' && /\.pcapng$/i.test(st.source) && !/xdpscope-uploads/.test(st.source)) {
      await s.save(st.source, { overwrite: true });
      return;
    }
    if (api.dialogs) {
      const p = await api.dialogs.saveCapture('capture.pcapng');
      // the native dialog already asked before replacing a file
      if (p) await s.save(p, { overwrite: true });
    } else s.setDialog('saveAs');
  };
  const actions = useRef({ open, save });
  actions.current = { open, save };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey)) return;
      const k = e.key.toLowerCase();
      if (k === 'k' || k === '/') { e.preventDefault(); filterRef.current?.focus(); filterRef.current?.select(); }
      else if (k === 'e') { e.preventDefault(); void store.getState().toggleCapture(); }
      else if (k === 'o') { e.preventDefault(); void actions.current.open(); }
      else if (k === 's') { e.preventDefault(); void actions.current.save(e.shiftKey); }
      else if (k === 'm' && e.shiftKey) { e.preventDefault(); store.getState().setDialog('export'); }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);

  // Browser face: closing or reloading the tab with an unsaved live capture or comments asks first.
  // (Electron would block the close silently: its main process decides there.)
  useEffect(() => {
    if (api.face !== 'browser') return;
    const onUnload = (e: BeforeUnloadEvent) => {
      if (!store.getState().status.unsaved) return;
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onUnload);
    return () => window.removeEventListener('beforeunload', onUnload);
  }, [api, store]);

  useEffect(() => api.onCommand?.((c) => {
    const s = store.getState();
    switch (c.command) {
      case 'open': void actions.current.open(); break;
      case 'openRecent': if (c.path) void s.openFile(c.path); break;
      case 'save': void actions.current.save(false); break;
      case 'export': case 'exportDissections': setExportKind(c.format ?? 'pcapng'); s.setDialog('export'); break;
      case 'saveAs': void actions.current.save(true); break;
      case 'start': void s.startCapture(); break;
      case 'stop': void s.stopCapture(); break;
      case 'restart': void s.restartCapture(); break;
      case 'interfaces': case 'options': s.showWelcome(); break;
      case 'focusFilter': filterRef.current?.focus(); break;
      case 'decodeAs': s.openDecodeAs('menu'); break;
    }
  }), [api, store]);

  return (
    <div className="app">
      <Toolbar filterRef={filterRef} onOpen={open} onSave={() => save(false)} onSaveAs={() => save(true)} />
      <LoadProgress />
      <FileNotices />
      {status.needsPermission && (
        <div className="banner warn" role="alert">
          Live capture needs the capture helper to have its capabilities (CAP_BPF, CAP_NET_ADMIN).
          <button onClick={() => void store.getState().grantPermission()}>Grant capture permission</button>
        </div>
      )}
      {errors.map((e, i) => (
        <div key={i} className="banner error" role="alert" data-kind={e.kind}>
          <span>{e.message}</span>
          <button aria-label="dismiss" onClick={() => store.getState().dismissError(i)}>×</button>
        </div>
      ))}
      {notice && <div className="banner info"><span>{notice}</span><button onClick={() => store.setState({ notice: null })}>×</button></div>}
      {view === 'welcome' ? <Welcome /> : (
        <div className="capture-row">
          <div className="capture">
            <div className="list-pane"><PacketList /></div>
            <div className="lower">
              <div className="detail-pane"><DetailPane /></div>
              <div className="bytes-pane"><BytesPane /></div>
            </div>
          </div>
          {PANELS.filter((p) => p.placement === 'side' && p.id === panel).map((p) => <p.component key={p.id} />)}
        </div>
      )}
      {PANELS.filter((p) => p.placement === 'modal' && p.id === panel).map((p) => <p.component key={p.id} />)}
      <StatusBar />
      <FollowView />
      {dialog === 'saveAs' && <SaveDialog onClose={() => store.getState().setDialog('none')} />}
      {dialog === 'export' && <ExportDialog initialKind={exportKind} onClose={() => { setExportKind('pcapng'); store.getState().setDialog('none'); }} />}
      <CommentDialog />
      {decodeAs !== null && <DecodeAsDialog />}
    </div>
  );
}
