// Sandboxed preload (bundled into one file by scripts/build.mjs): exposes
// exactly one object, window.xdpscope, and nothing of Node or Electron.
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge';

contextBridge.exposeInMainWorld('xdpscope', createBridge(ipcRenderer));
