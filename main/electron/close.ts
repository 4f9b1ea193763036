// Closing the window (or quitting) with unsaved work asks first, as
// Wireshark does: Save / Don't save / Cancel. Save runs Save As and closes
// only if the file was written. Written against the few Electron calls it
// needs so tests can drive it with a stand-in.
import type { Status } from '../api/types';
import { CAPTURE_SAVE_FILTERS, withDefaultExtension } from './filters';

export interface CloseDialogLike {
  showMessageBox(win: any, opts: any): Promise<{ response: number }>;
  showSaveDialog(win: any, opts: any): Promise<{ canceled: boolean; filePath?: string }>;
  showErrorBox(title: string, content: string): void;
}
export interface CloseEngineLike {
  call(method: 'getStatus', params: Record<string, never>): Promise<Status>;
  call(method: 'save', params: { path: string; format: 'pcapng' | 'pcap'; overwrite: boolean }): Promise<{ path: string }>;
}

export const SAVE = 0;
export const DONT_SAVE = 1;
export const CANCEL = 2;

/** Should the window close now? Asks (and saves) when the engine has unsaved work. */
export async function confirmClose(win: unknown, engine: CloseEngineLike, dialog: CloseDialogLike): Promise<boolean> {
  let st: Status;
  // An engine that no longer answers has nothing we could save: do not trap the user.
  try { st = await engine.call('getStatus', {}); } catch { return true; }
  if (!st.unsaved) return true;
  const live = st.mode === 'live';
  const { response } = await dialog.showMessageBox(win, {
    type: 'warning',
    buttons: ['Save', "Don't save", 'Cancel'],
    defaultId: SAVE, cancelId: CANCEL, noLink: true,
    title: 'Unsaved packets',
    message: live ? 'Do you want to save the captured packets before quitting?' : 'Do you want to save the changes (packet comments) before quitting?',
    detail: live ? 'Your captured packets will be lost if you don\'t save them.' : 'Your packet comments will be lost if you don\'t save them.',
  });
  if (response === DONT_SAVE) return true;
  if (response !== SAVE) return false;
  const r = await dialog.showSaveDialog(win, { title: 'Save capture', defaultPath: 'capture.pcapng', filters: CAPTURE_SAVE_FILTERS });
  if (r.canceled || !r.filePath) return false;
  const path = withDefaultExtension(r.filePath, CAPTURE_SAVE_FILTERS);
  try {
    // The native dialog already asked before replacing a file.
    await engine.call('save', { path, format: /\.pcap$/i.test(path) ? 'pcap' : 'pcapng', overwrite: true });
    return true;
  } catch (e) {
    dialog.showErrorBox('xdpscope: not saved', e instanceof Error ? e.message : String(e));
    return false;
  }
}
