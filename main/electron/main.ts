// The Electron shell: one sandboxed window showing the renderer, a native
// menu and dialogs, a single instance (a capture file given to a second
// launch opens in the running window); a CLI subcommand on the command line
// runs the CLI instead (see cli.ts). The engine runs in a worker thread;
// main only relays checked messages. Quitting stops the capture (the helper
// detaches XDP) before the app exits.
import { app, BrowserWindow, Menu, dialog, ipcMain, session, type MenuItemConstructorOptions } from 'electron';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { EngineClient } from '../engine/index';
import { registerIpc } from './ipc';
import { buildMenuTemplate, captureArg } from './menu';
import { CH_COMMAND } from './channels';
import { cliArgv, runCli } from './cli';
import { confirmClose } from './close';
import type { MenuCommand } from '../api/types';

const RENDERER = resolve(__dirname, '..', '..', 'renderer', 'index.html');
const RENDERER_URL = pathToFileURL(RENDERER).href;
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'";

let win: BrowserWindow | null = null;
let engine: EngineClient | null = null;
let quitting = false;
/** the user has answered the unsaved-work question (or there was nothing to save) */
let closeConfirmed = false;
let asking = false;

function send(c: MenuCommand): void {
  if (win && !win.isDestroyed()) win.webContents.send(CH_COMMAND, c);
}

async function refreshMenu(): Promise<void> {
  let recent: string[] = [];
  try { recent = ((await engine?.call('recentSessions', {})) ?? []).map((r) => r.path); } catch { /* no list yet */ }
  const about = () => void dialog.showMessageBox({ message: `xdpscope ${app.getVersion()}`, detail: 'Packet inspector: XDP capture, Wireshark-compatible decoding and filters.' });
  Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate(send, recent, about) as MenuItemConstructorOptions[]));
}

function createWindow(): BrowserWindow {
  const w = new BrowserWindow({
    width: 1280, height: 800, minWidth: 900, minHeight: 560, title: 'xdpscope', show: false,
    webPreferences: {
      preload: join(__dirname, 'preload.js'),
      contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true,
      allowRunningInsecureContent: false, webviewTag: false, spellcheck: false,
    },
  });
  // No remote content: no navigation, no new windows, no permissions.
  w.webContents.on('will-navigate', (e) => e.preventDefault());
  w.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  w.once('ready-to-show', () => w.show());
  void w.loadFile(RENDERER);
  return w;
}

async function openFromArgv(argv: string[], cwd: string): Promise<void> {
  const f = captureArg(argv);
  if (!f) return;
  const path = resolve(cwd, f);
  if (!existsSync(path)) { dialog.showErrorBox('xdpscope', `${path}: no such file`); return; }
  try { await engine!.call('openFile', { path }); } catch (e) { dialog.showErrorBox('xdpscope', (e as Error).message); }
  void refreshMenu();
}

const cli = cliArgv(process.argv, Boolean(process.defaultApp));
if (cli) {
  // `xdpscope read|capture|serve|...` from a terminal: the CLI, no window, no
  // single-instance lock (a CLI run must not be routed to an open window).
  app.disableHardwareAcceleration();
  void runCli(cli).then((code) => app.exit(code));
} else if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', (_e, argv, cwd) => {
    if (win) { if (win.isMinimized()) win.restore(); win.focus(); }
    void openFromArgv(argv, cwd);
  });
  app.whenReady().then(async () => {
    session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
    session.defaultSession.webRequest.onHeadersReceived((details, cb) =>
      cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } }));
    session.defaultSession.webRequest.onBeforeRequest((details, cb) =>
      cb({ cancel: !/^(file|devtools|data):/.test(details.url) }));
    engine = new EngineClient();
    registerIpc({
      ipcMain, engine, dialog, rendererUrl: RENDERER_URL,
      window: () => win,
      webContents: () => (win && !win.isDestroyed() ? win.webContents : null),
    });
    win = createWindow();
    // Unsaved work (a live capture, comments) asks before the window goes; a quit
    // reaches here too (before-quit below closes the window first).
    const w = win;
    w.on('close', (e) => {
      if (closeConfirmed || !engine) return;
      e.preventDefault();
      if (asking) return;
      asking = true;
      void confirmClose(w, engine, dialog).then((ok) => {
        asking = false;
        if (ok && !w.isDestroyed()) { closeConfirmed = true; w.close(); }
      }, () => { asking = false; });
    });
    win.on('closed', () => { win = null; });
    await refreshMenu();
    win.webContents.once('did-finish-load', () => void openFromArgv(process.argv, process.cwd()));
  });
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (e) => {
    if (quitting || !engine) return;
    e.preventDefault();
    // The window asks about unsaved work first; its close ends in window-all-closed → quit again.
    if (win && !win.isDestroyed() && !closeConfirmed) { win.close(); return; }
    quitting = true;
    // Stop capture first: the helper detaches XDP before we exit.
    void engine.close().finally(() => app.quit());
  });
}
