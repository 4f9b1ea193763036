// Electron main's IPC handlers: every call from the renderer is checked
// (sender is our own page, method known, params valid) before it reaches the
// engine thread. Written against the few Electron APIs it needs so tests can
// run it with a stand-in.
import type { EngineLike } from '../api/types';
export type { EngineLike } from '../api/types';
import { toErrorInfo, validateCall } from '../api/index';
import { CH_CALL, CH_DIALOG, CH_EVENT, CAPTURE_EXTENSIONS } from './channels';
import { saveFiltersFor, withDefaultExtension } from './filters';

export interface IpcMainLike {
  handle(channel: string, listener: (event: any, ...args: any[]) => Promise<unknown> | unknown): void;
}
export interface DialogLike {
  showOpenDialog(opts: any): Promise<{ canceled: boolean; filePaths: string[] }>;
  showSaveDialog(opts: any): Promise<{ canceled: boolean; filePath?: string }>;
}
export interface WebContentsLike {
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
}

/** Is this IPC event from our own renderer page (not some other frame or URL)? */
export function trustedSender(event: any, rendererUrl: string): boolean {
  const url: string | undefined = event?.senderFrame?.url;
  return typeof url === 'string' && url.split('#')[0].split('?')[0] === rendererUrl;
}

export function registerIpc(opts: {
  ipcMain: IpcMainLike;
  engine: EngineLike;
  dialog: DialogLike;
  rendererUrl: string;
  window(): unknown;
  webContents(): WebContentsLike | null;
}): () => void {
  const { ipcMain, engine, dialog, rendererUrl } = opts;
  ipcMain.handle(CH_CALL, async (event, msg: unknown) => {
    if (!trustedSender(event, rendererUrl)) throw new Error('refused: IPC from an unknown page');
    const m = msg as { method?: unknown; params?: unknown } | null;
    try {
      const { method, params } = validateCall(m?.method, m?.params);
      return { ok: true, result: await engine.callRaw(method, params) };
    } catch (e) {
      // Errors cross IPC as data: Electron would reduce a thrown error to its message.
      return { ok: false, error: toErrorInfo(e) };
    }
  });
  ipcMain.handle(CH_DIALOG, async (event, kind: unknown, defaultName?: unknown) => {
    if (!trustedSender(event, rendererUrl)) throw new Error('refused: IPC from an unknown page');
    const filters = [{ name: 'Captures', extensions: CAPTURE_EXTENSIONS }, { name: 'All files', extensions: ['*'] }];
    if (kind === 'open') {
      const r = await dialog.showOpenDialog({ title: 'Open capture', properties: ['openFile'], filters });
      return r.canceled ? null : r.filePaths[0] ?? null;
    }
    if (kind === 'save') {
      // The suggested name says what is saved: a capture (pcapng, classic pcap) or dissections (CSV, JSON).
      const name = typeof defaultName === 'string' ? defaultName.replace(/[/\\]/g, '_').slice(0, 200) : 'capture.pcapng';
      const dissections = /\.(csv|json)$/i.test(name);
      const filters = saveFiltersFor(name);
      const r = await dialog.showSaveDialog({ title: dissections ? 'Export packet dissections' : 'Save capture', filters, defaultPath: name });
      return r.canceled || !r.filePath ? null : withDefaultExtension(r.filePath, filters);
    }
    throw new Error(`refused: unknown dialog ${JSON.stringify(String(kind)).slice(0, 40)}`);
  });
  return engine.onEvent((ev) => {
    const wc = opts.webContents();
    if (wc && !wc.isDestroyed()) wc.send(CH_EVENT, ev);
  });
}
