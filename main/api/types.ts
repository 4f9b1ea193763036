// What the faces share beyond the calls (index.ts): the renderer's view of
// the API, menu commands, and the wire messages. The call and event types
// are inferred from the domain schemas and re-exported here.
import type { EngineEvent, ErrorInfo, EventName, Method, Params, Result } from './index';

export type * from './index';
export { COLUMNS, COLUMN_IDS, FIELD_COLUMNS } from './columns';

/** The engine as a face's transport (IPC, WebSocket) sees it: untyped calls, checked at the boundary, and events. */
export interface EngineLike {
  callRaw(method: string, params: unknown): Promise<unknown>;
  onEvent(l: (ev: EngineEvent) => void): () => void;
}

/** What the renderer sees as `window.xdpscope` (Electron) or builds over the WebSocket (browser). */
export interface XdpscopeApi {
  call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>>;
  /** subscribe to engine events; returns the unsubscribe function */
  onEvent(listener: (ev: EngineEvent) => void): () => void;
  /** which face the renderer runs in */
  readonly face: 'electron' | 'browser';
  /** native dialogs (Electron only); the browser face uses a path field and uploads */
  dialogs?: {
    openCapture(): Promise<string | null>;
    saveCapture(defaultName?: string): Promise<string | null>;
  };
  /** menu commands from the native menu (Electron only) */
  onCommand?(listener: (cmd: MenuCommand) => void): () => void;
}

export const MENU_COMMANDS = ['open', 'save', 'saveAs', 'export', 'exportDissections', 'start', 'stop', 'restart', 'interfaces', 'options', 'focusFilter', 'openRecent', 'decodeAs'] as const;
export type MenuCommand = { command: (typeof MENU_COMMANDS)[number]; path?: string; /** exportDissections: the format picked in the menu */ format?: 'csv' | 'json' };

/** Wire messages (WebSocket and engine worker). */
export type RequestMessage = { id: number; method: Method; params: unknown };
export type ResponseMessage =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: ErrorInfo };
export type EventMessage = { event: EventName; data: unknown };
