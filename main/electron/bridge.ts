// What the preload exposes as window.xdpscope: calls and events checked
// against the API schema on the renderer side of the bridge too, so a
// compromised page cannot reach a channel or method that does not exist.
import type { EngineEvent, MenuCommand, XdpscopeApi, Method, Params, Result } from '../api/types';
import { MENU_COMMANDS } from '../api/types';
import { apiError, validateCall, validateEvent } from '../api/index';
import { CH_CALL, CH_DIALOG, CH_EVENT, CH_COMMAND } from './channels';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<any>;
  on(channel: string, listener: (event: unknown, ...args: any[]) => void): unknown;
  removeListener(channel: string, listener: (...args: any[]) => void): unknown;
}

export function createBridge(ipc: IpcRendererLike): XdpscopeApi {
  const subscribe = (channel: string, accept: (msg: unknown) => unknown | null, l: (v: any) => void) => {
    const h = (_e: unknown, msg: unknown) => { const v = accept(msg); if (v !== null) l(v); };
    ipc.on(channel, h);
    return () => { ipc.removeListener(channel, h); };
  };
  return {
    face: 'electron',
    async call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
      const v = validateCall(method, params); // throws before anything is sent
      const r = await ipc.invoke(CH_CALL, { method: v.method, params: v.params });
      if (r?.ok) return r.result as Result<M>;
      throw apiError(r?.error);
    },
    onEvent(l: (ev: EngineEvent) => void) {
      return subscribe(CH_EVENT, (m: any) => {
        const v = validateEvent(m?.event, m?.data);
        return v ? ({ event: v.event, data: v.data } as EngineEvent) : null;
      }, l);
    },
    dialogs: {
      openCapture: () => ipc.invoke(CH_DIALOG, 'open'),
      saveCapture: (name?: string) => ipc.invoke(CH_DIALOG, 'save', name ?? 'capture.pcapng'),
    },
    onCommand(l: (c: MenuCommand) => void) {
      return subscribe(CH_COMMAND, (m: any) =>
        m && (MENU_COMMANDS as readonly string[]).includes(m.command) && (m.path === undefined || typeof m.path === 'string')
          && (m.format === undefined || m.format === 'csv' || m.format === 'json')
          ? { command: m.command, ...(m.path ? { path: m.path } : {}), ...(m.format ? { format: m.format } : {}) } : null, l);
    },
  };
}
