// The frame Save As and Export share: a modal form whose path is on the
// machine running xdpscope (which the browser face has to say), with
// Cancel, the action, and in the browser a download instead.
import type { ReactNode } from 'react';

export function pathLabel(browser: boolean): string {
  return browser ? 'Path on the machine running xdpscope serve (not on this browser\'s computer)' : 'Path';
}

export function PathForm({ testId, title, action, onSubmit, onClose, onDownload, children }: {
  testId: string;
  title: string;
  /** the submit button's label */
  action: string;
  onSubmit(): void;
  onClose(): void;
  /** browser face only: fetch the bytes here instead of writing them there */
  onDownload?: (() => void) | undefined;
  children: ReactNode;
}) {
  return (
    <div className="modal-backdrop" onClick={onClose}>
      <form className="modal" data-testid={testId} onClick={(e) => e.stopPropagation()} onSubmit={(e) => { e.preventDefault(); onSubmit(); }}>
        <div className="modal-title">{title}</div>
        {children}
        <div className="modal-actions">
          {onDownload && <button type="button" className="link" onClick={onDownload}>Download to this computer instead</button>}
          <button type="button" onClick={onClose}>Cancel</button>
          <button className="primary" type="submit">{action}</button>
        </div>
      </form>
    </div>
  );
}
