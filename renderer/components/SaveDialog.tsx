// Browser face "Save As": a path on the machine running the server.
import { useState } from 'react';
import { useApp } from '../context';

export function SaveDialog({ onClose }: { onClose(): void }) {
  const { store } = useApp();
  const [path, setPath] = useState('');
  const [displayed, setDisplayed] = useState(false);
  return (
    <div className="modal-backdrop" onClick={onClose}>
      <form className="modal" onClick={(e) => e.stopPropagation()} onSubmit={(e) => {
        e.preventDefault();
        if (path.trim()) void store.getState().save(path.trim(), displayed).then(onClose);
      }}>
        <div className="modal-title">Save capture as pcapng</div>
        <label>Path on the server <input autoFocus value={path} onChange={(e) => setPath(e.target.value)} placeholder="/tmp/capture.pcapng" /></label>
        <label><input type="checkbox" checked={displayed} onChange={(e) => setDisplayed(e.target.checked)} /> displayed packets only</label>
        <div className="modal-actions">
          <a href="/download?name=capture.pcapng">Download instead</a>
          <button type="button" onClick={onClose}>Cancel</button>
          <button className="primary" type="submit">Save</button>
        </div>
      </form>
    </div>
  );
}
