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
import { ROOT } from '../lib/env';

/** A stand-in for the parts of `electron` the shell uses. */
function standIn(rendererUrl: string) {
  const handlers = new Map<string, (event: any, ...args: any[]) => any>();
  const rendererListeners = new Map<string, Set<(e: unknown, ...a: any[]) => void>>();
  const sent: Array<{ channel: string; args: unknown[] }> = [];
  const windows: any[] = [];
  const appEvents = new Map<string, Array<(...a: any[]) => void>>();
  let quitCalls = 0;
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
      showSaveDialog: async (o: any) => ({ canceled: false, filePath: `/tmp/${o.defaultPath}` }),
      showErrorBox: () => undefined, showMessageBox: async () => ({ response: 0 }),
    },
    BrowserWindow: class {
      webContents = webContents;
      constructor(readonly options: any) { windows.push(this); }
      loadFile(p: string) { (this as any).loaded = p; return Promise.resolve(); }
      once() { return this; } on() { return this; } show() {} isDestroyed() { return false; } isMinimized() { return false; } focus() {} restore() {}
    },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: (m: unknown) => { (electron as any).menu = m; } },
    session: { defaultSession: { setPermissionRequestHandler: () => undefined, webRequest: { onHeadersReceived: () => undefined, onBeforeRequest: () => undefined } } },
    app: {
      requestSingleInstanceLock: () => true,
      whenReady: () => Promise.resolve(),
      on: (ev: string, fn: any) => { appEvents.set(ev, [...(appEvents.get(ev) ?? []), fn]); },
      quit: () => { quitCalls++; },
      getVersion: () => '0.0.0',
    },
  };
  return { electron, handlers, sent, windows, appEvents, invokes, rendererListeners, get quitCalls() { return quitCalls; } };
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
process.env.XDPSCOPE_CONFIG_DIR = require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'xs-config-'));
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
  assert.deepEqual(cmds, [{ command: 'open' }, { command: 'openRecent', path: '/x.pcap' }]);
  assert.equal(await api.dialogs!.openCapture(), '/tmp/picked.pcapng');
});

test('the window is sandboxed with context isolation, no node integration, and quitting stops the engine first', async () => {
  const s = standIn(RENDERER_URL);
  const mainJs = join(ROOT, 'dist', 'main', 'electron', 'main.js');
  delete require.cache[mainJs];
  withElectron(s.electron, () => require(mainJs));
  for (let i = 0; i < 300 && !(s.electron as any).menu; i++) await new Promise((r) => setTimeout(r, 10));
  try {
    await checkWindow(s);
  } finally {
    // before-quit: the first quit is deferred until the engine (and any capture) has stopped
    let prevented = false;
    for (const fn of s.appEvents.get('before-quit') ?? []) fn({ preventDefault: () => { prevented = true; } });
    assert.equal(prevented, true);
    for (let i = 0; i < 300 && s.quitCalls === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(s.quitCalls, 1, 'app.quit() once the engine has shut down');
  }
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
  assert.deepEqual(menu.map((m) => m.label), ['File', 'Capture', 'View', 'Help']);
}

test('menus: File/Capture/View/Help items send commands; capture files on the command line are found', () => {
  const sent: MenuCommand[] = [];
  const t = buildMenuTemplate((c) => sent.push(c), ['/a.pcap'], () => undefined);
  const file = t[0].submenu!;
  assert.deepEqual(file.filter((i) => i.label).map((i) => i.label), ['Open…', 'Open Recent', 'Save', 'Save As…', 'Export Specified Packets…']);
  file.find((i) => i.label === 'Open…')!.click!();
  file.find((i) => i.label === 'Open Recent')!.submenu![0].click!();
  t[1].submenu!.find((i) => i.label === 'Start')!.click!();
  assert.deepEqual(sent, [{ command: 'open' }, { command: 'openRecent', path: '/a.pcap' }, { command: 'start' }]);
  assert.deepEqual(t[1].submenu!.map((i) => i.label), ['Interfaces…', 'Start', 'Stop', 'Restart', 'Options…']);
  assert.equal(captureArg(['electron', '.', '--flag', 'x.pcapng']), 'x.pcapng');
  assert.equal(captureArg(['electron', 'notes.txt']), null);
});
