// Add or edit a packet comment (saved in the pcapng as the packet's
// opt_comment, which Wireshark and tshark show as frame.comment).
import { useApp, useApp$ } from '../context';

export function CommentDialog() {
  const { store } = useApp();
  const c = useApp$((s) => s.commentEditor);
  if (!c) return null;
  const s = store.getState();
  return (
    <div className="modal-backdrop" onClick={() => s.closeCommentEditor()}>
      <form className="modal" data-testid="comment-dialog" onClick={(e) => e.stopPropagation()} onSubmit={(e) => { e.preventDefault(); void s.submitComment(); }}>
        <div className="modal-title">{c.index === undefined ? 'Add' : 'Edit'} comment on packet {c.number}</div>
        <textarea name="comment" autoFocus rows={4} value={c.text} onChange={(e) => s.setCommentText(e.target.value)}
          onKeyDown={(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); void s.submitComment(); } }} />
        <div className="modal-actions">
          <button type="button" onClick={() => s.closeCommentEditor()}>Cancel</button>
          <button className="primary" type="submit" disabled={!c.text.trim() && c.index === undefined}>OK</button>
        </div>
      </form>
    </div>
  );
}
