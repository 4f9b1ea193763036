import type { InsightsSnapshot } from './insights';

// The one API between the renderer and the engine. The same methods and
// events travel over Electron IPC (preload → main → engine worker) and over
// the browser server's WebSocket. Packet rows travel as column blocks
// (typed arrays + a string table), never as one object per packet.

/** Packet list columns the engine can fill (and sort by). */
export const COLUMN_IDS = [
  'number', 'time', 'source', 'destination', 'protocol', 'length', 'info',
  'srcCountry', 'dstCountry', 'userAgent', 'contentLength', 'hostSni',
] as const;
export type ColumnId = (typeof COLUMN_IDS)[number];

/**
 * A packet colouring rule, as Wireshark's colorfilters: a display filter and
 * its colours (#rrggbb). Rules apply in table order; the first enabled rule
 * that matches colours the packet.
 */
export interface ColouringRule {
  name: string;
  filter: string;
  foreground: string;
  background: string;
  enabled: boolean;
}
/** A rule of the table in use, with why its filter does not compile (it then never matches). */
export interface ColouringRuleInfo extends ColouringRule {
  error?: string;
}

/**
 * A window of the displayed packet list, column-wise. String columns hold
 * indices into `strings` (0 is always ''), so repeated addresses/protocols
 * cost one entry.
 */
export interface RowBlock {
  /** index of the first row within the displayed list */
  start: number;
  /** rows in the displayed list right now (may have grown since) */
  total: number;
  /** Status.generation the rows belong to */
  generation: number;
  strings: string[];
  number: Uint32Array;
  /** seconds since the first packet */
  time: Float64Array;
  length: Uint32Array;
  source: Uint32Array;
  destination: Uint32Array;
  protocol: Uint32Array;
  info: Uint32Array;
  srcCountry: Uint32Array;
  dstCountry: Uint32Array;
  userAgent: Uint32Array;
  hostSni: Uint32Array;
  /** NaN when the packet has no Content-Length */
  contentLength: Float64Array;
  /** the packet's colouring rule: 0 none, n the rule at n - 1 of getColouring's table */
  colour: Uint8Array;
}

export type CaptureMode = 'idle' | 'file' | 'live';
export type CaptureState = 'idle' | 'loading' | 'capturing' | 'stopping' | 'done' | 'error';

export interface Status {
  mode: CaptureMode;
  state: CaptureState;
  /** file path or interface name */
  source: string;
  captured: number;
  displayed: number;
  /** dropped by the kernel ring (live capture) */
  dropped: number;
  /** packets indexed (dissected and summarised) so far */
  indexed: number;
  /** seconds since the capture/load started */
  elapsed: number;
  filter: string;
  /** bumps whenever the displayed list is rebuilt (filter, sort, new source): rows must be refetched */
  generation: number;
  /** the last error, kept visible until the next start/open */
  error?: ErrorInfo;
  /** the capture file could not be read to its end (offset/block/reason: where and why) */
  fileError?: { message: string; offset?: number; block?: number; reason?: string };
  /** while a file loads: bytes read of its size on disk */
  progress?: { bytesRead: number; size: number };
  /** a live capture not yet saved, or comments edited since the last save: ask before discarding */
  unsaved?: boolean;
  /** live capture needs the helper to have capabilities */
  needsPermission?: boolean;
  /** the live capture's crash-safe spool file */
  spool?: string;
  /** security alerts raised so far (getInsights has them) */
  alerts?: number;
}

export interface ErrorInfo {
  message: string;
  /** e.g. 'permission', 'file', 'capture', 'filter' */
  kind: string;
}

export type FilterCheck =
  | { ok: true; empty: boolean }
  | { ok: false; error: { message: string; start: number; end: number } };

export interface Completion {
  /** replace text[from, to) with the chosen item */
  from: number;
  to: number;
  items: Array<{ label: string; detail?: string }>;
}

/** A node of the decoded tree, ready to display (values already formatted). */
export interface DetailNode {
  name: string;
  label: string;
  /** the value as a display filter writes it (absent for protocols and generated text) */
  value?: string;
  start: number;
  len: number;
  generated?: boolean;
  children?: DetailNode[];
}

export interface EnrichedInfo {
  arrival?: string;
  srcCountry?: string;
  dstCountry?: string;
  userAgent?: string;
  userAgentFamily?: string;
  contentLength?: number;
  host?: string;
  sni?: string;
  dnsName?: string;
}

export interface PacketDetails {
  number: number;
  tree: DetailNode[];
  bytes: Uint8Array;
  enriched: EnrichedInfo;
  expert: Array<{ severity: string; message: string; protocol?: string }>;
  /** field name → byte range, for the enriched items that come from bytes (e.g. http.user_agent) */
  highlights: Record<string, { start: number; len: number }>;
  /** 'tcp.stream eq N' when the packet belongs to a TCP stream */
  streamFilter?: string;
  /** the packet's comments (also the "Packet comments" tree section) */
  comments?: string[];
}

export interface StreamFollow {
  filter: string;
  /** which follow this is ('tcp' when absent) */
  protocol?: 'tcp' | 'udp';
  /** client = the side that sent the first packet */
  client: string;
  server: string;
  /**
   * chunks in Wireshark's order; `missing` marks a stand-in for bytes the
   * capture lost but the peer acknowledged (data is Wireshark's text for it)
   */
  segments: Array<{ fromClient: boolean; number: number; data: Uint8Array; missing?: number }>;
  /** the stream has more than the follow returns (it stops after FOLLOW_MAX_BYTES of payload) */
  truncated?: boolean;
  clientBytes: number;
  serverBytes: number;
}

export interface InterfaceInfo {
  name: string;
  addresses: string[];
  up: boolean;
  /** received packets counter (for the sparkline) */
  rxPackets: number;
  /** a foreign XDP program is attached: capturing would replace/conflict */
  xdpWarning?: string;
}

export interface CaptureOptions {
  iface: string;
  captureFilter?: string;
  snaplen?: number;
  mode?: 'native' | 'generic' | 'auto';
}

export interface SpoolEntry {
  path: string;
  size: number;
  /** ISO time of the last write */
  modifiedAt: string;
  /** false when the capture ended in a crash */
  closedCleanly: boolean;
}

export interface RecentEntry {
  path: string;
  /** ISO time */
  openedAt: string;
  /** false when the file is gone */
  exists?: boolean;
}

/** A packet-list column as a session stores it; array order is display order. */
export interface ViewColumn {
  /** a ColumnId or a Wireshark field name */
  field: string;
  title: string;
  width?: number;
  hidden?: boolean;
}

/** What the renderer owns of a session's view (the service knows filter and comments itself). */
export interface ViewState {
  columns?: ViewColumn[];
  selectedPacket?: number | null;
}

/** The session the open capture came from (our metadata, or defaults for a foreign file). */
export interface SessionInfo {
  /** true when the file carried xdpscope session metadata */
  ours: boolean;
  displayFilter: string;
  columns: ViewColumn[];
  selectedPacket: number | null;
  /** the colouring rules the file came with (empty when it had none) */
  colouringRules: ColouringRule[];
  capture?: { interface?: string; mode?: string; filter?: string };
  insights: Record<string, unknown>;
  /** things the user should know about the file (damage, ignored metadata, cancelled load) */
  notices: string[];
  /** frames that have comments */
  commentedFrames: number[];
}

/** Which packets an export takes ("Export Specified Packets"). */
export type ExportSelect = 'all' | 'displayed' | 'selected' | 'range';
export interface ExportParams {
  path: string;
  select: ExportSelect;
  /** for 'selected' */
  frames?: number[];
  /** for 'range': '1-10,15' */
  range?: string;
  overwrite?: boolean;
}
export interface SaveParams {
  path: string;
  displayedOnly?: boolean;
  /** default: 'pcap' for a .pcap name, else 'pcapng' (classic pcap keeps no metadata or comments) */
  format?: 'pcapng' | 'pcap';
  /** replace an existing file; without it an existing file is refused with kind 'exists' */
  overwrite?: boolean;
  /** the view to store (else the last one setView gave) */
  view?: ViewState;
}

/** Every method: params and result. */
export interface Methods {
  getStatus: { params: Record<string, never>; result: Status };
  openFile: { params: { path: string }; result: Status };
  /**
   * Browser uploads, in chunks: begin (size at most `limit`, default 4 GiB)
   * → chunks of at most `chunkSize` (1 MiB) bytes in order → end, which opens
   * the file; abort drops it. An upload idle for 60 s is dropped.
   */
  uploadBegin: { params: { name: string; size: number }; result: { id: string; chunkSize: number; limit: number } };
  uploadChunk: { params: { id: string; offset: number; bytes: Uint8Array }; result: { received: number; size: number } };
  uploadEnd: { params: { id: string }; result: Status };
  uploadAbort: { params: { id: string }; result: { ok: true } };
  getRows: { params: { start: number; count: number }; result: RowBlock };
  /** superseded: a newer filter or a cancel stopped this one before it applied (the list is unchanged) */
  setFilter: { params: { text: string }; result: FilterCheck & { displayed?: number; superseded?: boolean } };
  checkFilter: { params: { text: string }; result: FilterCheck };
  completeFilter: { params: { text: string; cursor: number }; result: Completion };
  setSort: { params: { column: ColumnId | null; desc: boolean }; result: { ok: true } };
  getDetails: { params: { number: number }; result: PacketDetails };
  followStream: { params: { number: number; protocol?: 'tcp' | 'udp' }; result: StreamFollow };
  /** where a frame sits in the displayed list (-1 when filtered out) */
  findRow: { params: { number: number }; result: { index: number } };
  listInterfaces: { params: Record<string, never>; result: InterfaceInfo[] };
  startCapture: { params: CaptureOptions; result: Status };
  stopCapture: { params: Record<string, never>; result: Status };
  restartCapture: { params: Record<string, never>; result: Status };
  save: { params: SaveParams; result: { path: string; packets: number; format: 'pcapng' | 'pcap' } };
  /** the file save writes, without marking anything saved (browser downloads are copies) */
  saveCopy: { params: SaveParams; result: { path: string; packets: number; format: 'pcapng' | 'pcap' } };
  /** File > Export Specified Packets */
  exportPackets: { params: ExportParams & { format?: 'pcapng' | 'pcap' }; result: { path: string; packets: number; format: 'pcapng' | 'pcap' } };
  /** File > Export Packet Dissections */
  exportDissections: { params: ExportParams & { format: 'csv' | 'json' }; result: { path: string; packets: number; format: 'csv' | 'json' } };
  /** an export's bytes, for a browser download (bounded: large exports go to a path) */
  exportBytes: {
    params: Omit<ExportParams, 'path' | 'overwrite'> & { format: 'pcapng' | 'pcap' | 'csv' | 'json' };
    result: { data: Uint8Array; packets: number; format: 'pcapng' | 'pcap' | 'csv' | 'json' };
  };
  /** the renderer's column layout and selection, stored by the next save */
  setView: { params: ViewState; result: { ok: true } };
  /** the open capture's session metadata (what to restore after openFile) */
  getSession: { params: Record<string, never>; result: SessionInfo };
  /** the colouring table in use (the open session's own, else the user's, else Wireshark's defaults) */
  getColouring: { params: Record<string, never>; result: { rules: ColouringRuleInfo[] } };
  /** replaces the table (to enable, disable, edit or reorder rules); packets are coloured again */
  setColouring: { params: { rules: ColouringRule[] }; result: { rules: ColouringRuleInfo[] } };
  /** stop loading a file; the packets read so far stay */
  cancelOpen: { params: Record<string, never>; result: Status };
  /** packet comments (saved as pcapng opt_comment, filterable as frame.comment) */
  addComment: { params: { number: number; text: string }; result: { number: number; comments: string[] } };
  editComment: { params: { number: number; index: number; text: string }; result: { number: number; comments: string[] } };
  deleteComment: { params: { number: number; index?: number }; result: { number: number; comments: string[] } };
  recentSessions: { params: Record<string, never>; result: RecentEntry[] };
  grantPermission: { params: Record<string, never>; result: { ok: boolean; message: string } };
  /** live captures a crashed or closed session left unsaved in the spool */
  recoverableSpools: { params: Record<string, never>; result: SpoolEntry[] };
  /** rewrite a spool as a clean pcapng (torn tail dropped) and open it */
  recoverSpool: { params: { path: string }; result: Status };
  discardSpool: { params: { path: string }; result: { ok: true } };
  /** alerts and statistics of the open capture (main/engine/insights), as plain JSON */
  getInsights: { params: Record<string, never>; result: InsightsSnapshot };
}
export type Method = keyof Methods;
export type Params<M extends Method> = Methods[M]['params'];
export type Result<M extends Method> = Methods[M]['result'];

/** Engine → renderer pushes; `status` at most every ~50 ms while packets arrive. */
export interface Events {
  status: Status;
  error: ErrorInfo;
  interfaces: InterfaceInfo[];
}
export type EventName = keyof Events;
export type EngineEvent = { [K in EventName]: { event: K; data: Events[K] } }[EventName];

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

export const MENU_COMMANDS = ['open', 'save', 'saveAs', 'export', 'exportDissections', 'start', 'stop', 'restart', 'interfaces', 'options', 'focusFilter', 'openRecent'] as const;
export type MenuCommand = { command: (typeof MENU_COMMANDS)[number]; path?: string; /** exportDissections: the format picked in the menu */ format?: 'csv' | 'json' };

/** Wire messages (WebSocket and engine worker). */
export type RequestMessage = { id: number; method: Method; params: unknown };
export type ResponseMessage =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: ErrorInfo };
export type EventMessage = { event: EventName; data: unknown };
