// The Electron shell without the Electron binary: a stand-in `electron`
// module records what the shell asks of Electron, so the window's security
// settings, the IPC handlers' checks, the preload bridge's schema validation
// and the menus are tested for real.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import Module from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EngineClient } from '../../main/engine/service/client';
import { registerIpc } from '../../main/electron/ipc';
import { buildMenuTemplate, captureArg } from '../../main/electron/menu';
import { CH_CALL, CH_COMMAND, CH_DIALOG, CH_EVENT } from '../../main/electron/channels';
import type { MenuCommand, XdpscopeApi } from '../../main/api/types';
import { confirmClose } from '../../main/electron/close';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { CAPTURES, ROOT, sharedCapturesSkipReason } from '../lib/env';

/** A stand-in for the parts of `electron` the shell uses. */
function standIn(rendererUrl: string) {
  const handlers = new Map<string, (event: any, ...args: any[]) => any>();
  const rendererListeners = new Map<string, Set<(e: unknown, ...a: any[]) => void>>();
  const sent: Array<{ channel: string; args: unknown[] }> = [];
  const windows: any[] = [];
  const appEvents = new Map<string, Array<(...a: any[]) => void>>();
  const emitApp = (ev: string, ...a: unknown[]) => { for (const fn of appEvents.get(ev) ?? []) fn(...a); };
  let quitCalls = 0;
  let exited = false;
  // what the user answers in the unsaved-work box (0 Save, 1 Don't save, 2 Cancel) and the save dialog
  const answers = { messageBox: 2, savePath: null as string | null };
  const messageBoxes: any[] = [];
  const saveDialogs: any[] = [];
  const invokes: string[] = [];
  const webContents = {
    send: (channel: string, ...args: unknown[]) => {
      sent.push({ channel, args });
      for (const l of rendererListeners.get(channel) ?? []) l({}, ...args);
    },
    isDestroyed: () => false,
    on: () => undefined, once: () => undefined, setWindowOpenHandler: () => undefined,
  };
  const electron = {
    ipcMain: { handle: (ch: string, fn: any) => { handlers.set(ch, fn); } },
    ipcRenderer: {
      invoke: async (ch: string, ...args: unknown[]) => {
        invokes.push(ch);
        const h = handlers.get(ch);
        if (!h) throw new Error(`No handler registered for '${ch}'`);
        return h({ senderFrame: { url: rendererUrl } }, ...args);
      },
      on: (ch: string, l: any) => { if (!rendererListeners.has(ch)) rendererListeners.set(ch, new Set()); rendererListeners.get(ch)!.add(l); },
      removeListener: (ch: string, l: any) => { rendererListeners.get(ch)?.delete(l); },
    },
    contextBridge: { exposed: {} as Record<string, unknown>, exposeInMainWorld(name: string, api: unknown) { (this.exposed as any)[name] = api; } },
    dialog: {
      showOpenDialog: async () => ({ canceled: false, filePaths: ['/tmp/picked.pcapng'] }),
      // (window, options) or (options), as in Electron
      showSaveDialog: async (a: any, b?: any) => {
        const o = b ?? a;
        saveDialogs.push(o);
        return answers.savePath === null ? { canceled: false, filePath: `/tmp/${o.defaultPath}` } : { canceled: answers.savePath === '', filePath: answers.savePath };
      },
      showErrorBox: () => undefined,
      showMessageBox: async (a: any, b?: any) => { messageBoxes.push(b ?? a); return { response: answers.messageBox }; },
    },
    BrowserWindow: class {
      webContents = webContents;
      destroyed = false;
      events = new Map<string, Array<(...a: any[]) => void>>();
      constructor(readonly options: any) { windows.push(this); }
      loadFile(p: string) { (this as any).loaded = p; return Promise.resolve(); }
      on(ev: string, fn: any) { this.events.set(ev, [...(this.events.get(ev) ?? []), fn]); return this; }
      once(ev: string, fn: any) { return this.on(ev, fn); }
      emit(ev: string, ...a: unknown[]) { for (const fn of this.events.get(ev) ?? []) fn(...a); }
      // Electron: 'close' can be prevented; otherwise the window is destroyed, 'closed', and the last one ends in window-all-closed
      close() {
        if (this.destroyed) return;
        let prevented = false;
        this.emit('close', { preventDefault: () => { prevented = true; } });
        if (prevented) return;
        this.destroyed = true;
        this.emit('closed');
        if (windows.every((w) => w.destroyed)) emitApp('window-all-closed');
      }
      show() {} isDestroyed() { return this.destroyed; } isMinimized() { return false; } focus() {} restore() {}
    },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: (m: unknown) => { (electron as any).menu = m; } },
    session: { defaultSession: { setPermissionRequestHandler: () => undefined, webRequest: { onHeadersReceived: () => undefined, onBeforeRequest: () => undefined } } },
    app: {
      requestSingleInstanceLock: () => true,
      whenReady: () => Promise.resolve(),
      on: (ev: string, fn: any) => { appEvents.set(ev, [...(appEvents.get(ev) ?? []), fn]); },
      // Electron: before-quit (preventable), then every window is closed (each close preventable)
      quit: () => {
        quitCalls++;
        let prevented = false;
        emitApp('before-quit', { preventDefault: () => { prevented = true; } });
        if (prevented) return;
        for (const w of windows) w.close();
        if (windows.every((w) => w.destroyed)) exited = true;
      },
      getVersion: () => '0.0.0',
    },
  };
  return { electron, handlers, sent, windows, appEvents, invokes, rendererListeners, answers, messageBoxes, saveDialogs, get quitCalls() { return quitCalls; }, get exited() { return exited; } };
}

/** require() 'electron' → the stand-in, for modules loaded inside fn. */
function withElectron<T>(electron: unknown, fn: () => T): T {
  const M = Module as any;
  const orig = M._load;
  M._load = function (request: string, ...rest: unknown[]) {
    if (request === 'electron') return electron;
    return orig.call(this, request, ...rest);
  };
  try { return fn(); } finally { M._load = orig; }
}

// Keep the user's recent-files list out of tests.
process.env.XDPSCOPE_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'xs-config-'));
const engines: EngineClient[] = [];
after(async () => { for (const e of engines) await e.close(); });

const RENDERER_URL = pathToFileURL(join(ROOT, 'dist', 'renderer', 'index.html')).href;

function setup() {
  const s = standIn(RENDERER_URL);
  const engine = new EngineClient();
  engines.push(engine);
  const off = registerIpc({
    ipcMain: s.electron.ipcMain, engine, dialog: s.electron.dialog as any, rendererUrl: RENDERER_URL,
    window: () => null, webContents: () => ({ send: (c: string, ...a: unknown[]) => s.sent.push({ channel: c, args: a }), isDestroyed: () => false }),
  });
  return { s, engine, off };
}

test('IPC: engine events are forwarded to the window', async () => {
  const { s, engine } = setup();
  await engine.call('openFile', { path: '/nonexistent.pcap' }).catch(() => undefined);
  for (let i = 0; i < 100 && !s.sent.some((m) => m.channel === CH_EVENT); i++) await new Promise((r) => setTimeout(r, 10));
  const ev = s.sent.find((m) => m.channel === CH_EVENT)!;
  assert.ok(ev, 'an event reached webContents.send');
  assert.ok(['status', 'error'].includes((ev.args[0] as any).event));
});

test('IPC: calls from our page reach the engine; unknown senders, methods and bad params are refused', async () => {
  const { s } = setup();
  const call = s.handlers.get(CH_CALL)!;
  const ours = { senderFrame: { url: RENDERER_URL } };
  const r = await call(ours, { method: 'getStatus', params: {} });
  assert.equal(r.ok, true);
  assert.equal(r.result.mode, 'idle');
  await assert.rejects(async () => call({ senderFrame: { url: 'https://evil.example/' } }, { method: 'getStatus', params: {} }), /unknown page/);
  await assert.rejects(async () => call({}, { method: 'getStatus', params: {} }), /unknown page/);
  const unknown = await call(ours, { method: 'exec', params: { cmd: 'id' } });
  assert.deepEqual(unknown, { ok: false, error: { message: 'unknown method "exec"', kind: 'refused' } });
  const bad = await call(ours, { method: 'openFile', params: { path: 42 } });
  assert.equal(bad.ok, false);
  assert.match(bad.error.message, /invalid params for openFile: path/);
  const missing = await call(ours, { method: 'openFile', params: { path: '/nonexistent.pcap' } });
  assert.equal(missing.ok, false);
  assert.match(missing.error.message, /nonexistent\.pcap/);
});

test('IPC: native dialogs return the chosen path; unknown dialog kinds are refused', async () => {
  const { s } = setup();
  const dialog = s.handlers.get(CH_DIALOG)!;
  const ours = { senderFrame: { url: RENDERER_URL } };
  assert.equal(await dialog(ours, 'open'), '/tmp/picked.pcapng');
  assert.equal(await dialog(ours, 'save', 'x/../y.pcapng'), '/tmp/x_.._y.pcapng');
  await assert.rejects(async () => dialog(ours, 'shell'), /unknown dialog/);
});

test('preload: exposes only window.xdpscope, validates calls before sending, drops malformed events and commands', async () => {
  const s = standIn(RENDERER_URL);
  const engine = new EngineClient();
  engines.push(engine);
  registerIpc({
    ipcMain: s.electron.ipcMain, engine, dialog: s.electron.dialog as any, rendererUrl: RENDERER_URL, window: () => null,
    webContents: () => ({ send: (c: string, ...a: unknown[]) => s.sent.push({ channel: c, args: a }), isDestroyed: () => false }),
  });
  const preload = join(ROOT, 'dist', 'main', 'electron', 'preload.js');
  delete require.cache[preload];
  withElectron(s.electron, () => require(preload));
  assert.deepEqual(Object.keys(s.electron.contextBridge.exposed), ['xdpscope']);
  const api = s.electron.contextBridge.exposed.xdpscope as XdpscopeApi;
  assert.equal(api.face, 'electron');
  assert.equal((await api.call('getStatus', {})).state, 'idle');
  const before = s.invokes.length;
  await assert.rejects(api.call('nope' as any, {} as any), /unknown method/);
  await assert.rejects(api.call('getRows', { start: 0 } as any), /invalid params/);
  assert.equal(s.invokes.length, before, 'refused calls never reach IPC');
  await assert.rejects(api.call('openFile', { path: '/nonexistent.pcap' }), /nonexistent/);

  // events: main → renderer through the bridge, schema-checked
  const seen: unknown[] = [];
  api.onEvent((e) => seen.push(e));
  // what main sends arrives at the preload's ipcRenderer listeners
  const fire = (ch: string, msg: unknown) => { for (const l of s.rendererListeners.get(ch) ?? []) l({}, msg); };
  fire(CH_EVENT, { event: 'error', data: { message: 'm', kind: 'k' } });
  fire(CH_EVENT, { event: 'error', data: { message: 5 } });
  fire(CH_EVENT, { event: 'unknown', data: {} });
  assert.deepEqual(seen, [{ event: 'error', data: { message: 'm', kind: 'k' } }]);
  const cmds: MenuCommand[] = [];
  api.onCommand!((c) => cmds.push(c));
  fire(CH_COMMAND, { command: 'open' });
  fire(CH_COMMAND, { command: 'rm' });
  fire(CH_COMMAND, { command: 'openRecent', path: '/x.pcap' });
  fire(CH_COMMAND, { command: 'exportDissections', format: 'json' });
  fire(CH_COMMAND, { command: 'exportDissections', format: 'exe' });
  assert.deepEqual(cmds, [{ command: 'open' }, { command: 'openRecent', path: '/x.pcap' }, { command: 'exportDissections', format: 'json' }]);
  assert.equal(await api.dialogs!.openCapture(), '/tmp/picked.pcapng');
});

const until = async (cond: () => boolean, what: string) => {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), what);
};

test('the window is sandboxed; closing or quitting with unsaved comments asks (Cancel keeps the window, Don\'t save closes); quitting stops the engine first', { skip: sharedCapturesSkipReason() ?? false }, async () => {
  const s = standIn(RENDERER_URL);
  const mainJs = join(ROOT, 'dist', 'main', 'electron', 'main.js');
  delete require.cache[mainJs];
  withElectron(s.electron, () => require(mainJs));
  await until(() => Boolean((s.electron as any).menu), 'menu set');
  try {
    await checkWindow(s);
    const w = s.windows[0];
    const call = (method: string, params: unknown) => s.handlers.get(CH_CALL)!({ senderFrame: { url: RENDERER_URL } }, { method, params });
    assert.equal((await call('openFile', { path: join(CAPTURES, 'zeek-post.pcap') })).ok, true);
    for (let i = 0; i < 500 && (await call('getStatus', {})).result.state === 'loading'; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal((await call('addComment', { number: 1, text: 'note' })).ok, true);
    assert.equal((await call('getStatus', {})).result.unsaved, true);

    // the window's close button: asked, Cancel keeps the window
    s.answers.messageBox = 2;
    w.close();
    await until(() => s.messageBoxes.length === 1, 'unsaved-work box shown on close');
    assert.deepEqual(s.messageBoxes[0].buttons, ['Save', "Don't save", 'Cancel']);
    assert.match(s.messageBoxes[0].message, /save .* before quitting\?/);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(w.destroyed, false, 'Cancel keeps the window');

    // quitting: asked as well; Cancel keeps the app and its engine
    s.electron.app.quit();
    await until(() => s.messageBoxes.length === 2, 'unsaved-work box shown on quit');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(w.destroyed, false);
    assert.equal(s.exited, false);
    assert.equal((await call('getStatus', {})).ok, true, 'the engine still runs');

    // Don't save: the window closes, the engine stops, then the app quits
    s.answers.messageBox = 1;
    s.electron.app.quit();
    await until(() => s.exited, 'the app quit after Don\'t save');
    assert.equal(s.messageBoxes.length, 3);
    assert.equal(w.destroyed, true);
    const after = await call('getStatus', {});
    assert.equal(after.ok, false, 'the engine was closed before the exit');
  } finally {
    if (!s.exited) { s.answers.messageBox = 1; s.electron.app.quit(); await until(() => s.exited, 'cleanup quit'); }
  }
});

test('Save in the unsaved-work box runs Save As and closes only once the file is written', { skip: sharedCapturesSkipReason() ?? false }, async () => {
  const s = standIn(RENDERER_URL);
  const engine = new EngineClient();
  engines.push(engine);
  const dir = mkdtempSync(join(tmpdir(), 'xs-close-'));
  try {
    // nothing unsaved: no question
    assert.equal(await confirmClose(null, engine, s.electron.dialog), true);
    assert.equal(s.messageBoxes.length, 0);
    await engine.call('openFile', { path: join(CAPTURES, 'zeek-post.pcap') });
    for (let i = 0; i < 500 && (await engine.call('getStatus', {})).state === 'loading'; i++) await new Promise((r) => setTimeout(r, 10));
    await engine.call('addComment', { number: 2, text: 'keep me' });
    s.answers.messageBox = 0;
    s.answers.savePath = ''; // Save, then cancel the Save As dialog: stays open
    assert.equal(await confirmClose(null, engine, s.electron.dialog), false);
    s.answers.savePath = join(dir, 'no-such-dir', 'x.pcapng'); // the write fails: stays open
    assert.equal(await confirmClose(null, engine, s.electron.dialog), false);
    assert.equal((await engine.call('getStatus', {})).unsaved, true);
    s.answers.savePath = join(dir, 'kept'); // no extension: the dialog's default format, pcapng
    assert.equal(await confirmClose(null, engine, s.electron.dialog), true);
    assert.deepEqual(s.saveDialogs.at(-1).filters.map((f: any) => f.extensions), [['pcapng'], ['pcap']]);
    assert.equal(readFileSync(join(dir, 'kept.pcapng')).readUInt32LE(0), 0x0a0d0d0a, 'a pcapng section header');
    assert.equal((await engine.call('getStatus', {})).unsaved ?? false, false);
    assert.equal(await confirmClose(null, engine, s.electron.dialog), true);
    assert.equal(s.messageBoxes.length, 3, 'no question once saved');
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('save dialogs offer pcapng and classic pcap for captures (no gzip: the engine does not write it), CSV and JSON for dissections', async () => {
  const { s } = setup();
  const dialog = s.handlers.get(CH_DIALOG)!;
  const ours = { senderFrame: { url: RENDERER_URL } };
  const exts = () => s.saveDialogs.at(-1).filters.map((f: any) => f.extensions.join(','));
  assert.equal(await dialog(ours, 'save', 'capture.pcapng'), '/tmp/capture.pcapng');
  assert.deepEqual(exts(), ['pcapng', 'pcap']);
  assert.equal(await dialog(ours, 'save', 'export.pcap'), '/tmp/export.pcap');
  assert.deepEqual(exts(), ['pcap', 'pcapng']);
  assert.equal(await dialog(ours, 'save', 'export.csv'), '/tmp/export.csv');
  assert.deepEqual(exts(), ['csv', 'json']);
  assert.match(s.saveDialogs.at(-1).title, /dissections/i);
  assert.equal(await dialog(ours, 'save', 'export.json'), '/tmp/export.json');
  assert.deepEqual(exts(), ['json', 'csv']);
  // a name typed without an extension gets the dialog's default format's
  s.answers.savePath = '/tmp/plain';
  assert.equal(await dialog(ours, 'save', 'export.csv'), '/tmp/plain.csv');
  assert.equal(await dialog(ours, 'save', 'capture.pcapng'), '/tmp/plain.pcapng');
  s.answers.savePath = '';
  assert.equal(await dialog(ours, 'save', 'capture.pcapng'), null, 'cancelled');
});

async function checkWindow(s: ReturnType<typeof standIn>): Promise<void> {
  assert.equal(s.windows.length, 1);
  const wp = s.windows[0].options.webPreferences;
  assert.equal(wp.contextIsolation, true);
  assert.equal(wp.sandbox, true);
  assert.equal(wp.nodeIntegration, false);
  assert.match(wp.preload, /preload\.js$/);
  assert.match(s.windows[0].loaded, /renderer[/\\]index\.html$/);
  assert.ok(s.appEvents.has('second-instance'), 'single instance: a second launch is routed to this window');
  const menu = (s.electron as any).menu as Array<{ label: string }>;
  assert.deepEqual(menu.map((m) => m.label), ['File', 'Capture', 'Analyze', 'View', 'Help']);
}

test('menus: File/Capture/View/Help items send commands; capture files on the command line are found', () => {
  const sent: MenuCommand[] = [];
  const t = buildMenuTemplate((c) => sent.push(c), ['/a.pcap'], () => undefined);
  const file = t[0].submenu!;
  assert.deepEqual(file.filter((i) => i.label).map((i) => i.label), ['Open…', 'Open Recent', 'Save', 'Save As…', 'Export Specified Packets…', 'Export Packet Dissections']);
  file.find((i) => i.label === 'Open…')!.click!();
  file.find((i) => i.label === 'Open Recent')!.submenu![0].click!();
  t[1].submenu!.find((i) => i.label === 'Start')!.click!();
  file.find((i) => i.label === 'Export Specified Packets…')!.click!();
  const dissections = file.find((i) => i.label === 'Export Packet Dissections')!.submenu!;
  assert.deepEqual(dissections.map((i) => i.label), ['As CSV…', 'As JSON…']);
  for (const i of dissections) i.click!();
  assert.deepEqual(sent, [{ command: 'open' }, { command: 'openRecent', path: '/a.pcap' }, { command: 'start' },
    { command: 'export' }, { command: 'exportDissections', format: 'csv' }, { command: 'exportDissections', format: 'json' }]);
  assert.deepEqual(t[1].submenu!.map((i) => i.label), ['Interfaces…', 'Start', 'Stop', 'Restart', 'Options…']);
  const analyze = t.find((m) => m.label === 'Analyze')!.submenu!;
  assert.deepEqual(analyze.map((i) => i.label), ['Decode As…']);
  analyze[0]!.click!();
  assert.deepEqual(sent.at(-1), { command: 'decodeAs' });
  assert.equal(captureArg(['electron', '.', '--flag', 'x.pcapng']), 'x.pcapng');
  assert.equal(captureArg(['electron', 'notes.txt']), null);
});
