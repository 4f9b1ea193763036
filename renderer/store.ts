// The renderer's state (zustand, vanilla so node:test can drive it without
// a DOM): engine status, the filter being typed and applied, the selected
// packet and field, the follow-stream view. Rows are not here: the packet
// list fetches the window it shows straight from the engine.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  CaptureOptions, Completion, DetailNode, ErrorInfo, FilterCheck, InterfaceInfo, PacketDetails,
  RecentEntry, SpoolEntry, Status, StreamFollow, XdpscopeApi, SessionInfo, ExportParams, ViewState,
} from '../main/api/types';
import { captureFilterProblem } from '../main/api/capture-filter';
import { fieldAt } from './lib/format';
import { uploadFile } from './api';
import { applyColumns, currentColumns, revealRow } from './lib/grid-bridge';
import type { InsightsSnapshot } from '../main/api/insights';
import type { SaveParams } from '../main/api/session';

export const HISTORY_LIMIT = 30;

export interface Selection {
  /** path of indices into the tree ('0.3.1') */
  path: string;
  start: number;
  len: number;
}

export interface AppState {
  status: Status;
  view: 'welcome' | 'capture';
  interfaces: InterfaceInfo[];
  /** rxPackets deltas per interface, newest last (sparklines) */
  rates: Record<string, number[]>;
  recent: RecentEntry[];
  /** unsaved live captures left by an earlier session */
  spools: SpoolEntry[];
  captureOptions: Omit<CaptureOptions, 'iface'> & { iface: string };
  filterText: string;
  filterCheck: FilterCheck;
  appliedFilter: string;
  filterHistory: string[];
  completion: Completion | null;
  selected: number | null;
  details: PacketDetails | null;
  field: Selection | null;
  stream: StreamFollow | null;
  /** errors shown in the UI until dismissed */
  errors: ErrorInfo[];
  notice: string | null;
  busy: boolean;
  /** which panel is open: 'none' or a PanelDef id (renderer/panels) */
  panel: string;
  insights: InsightsSnapshot | null;
  selectedAlert: string | null;
  /** the open file's session metadata (restored view, notices) */
  session: SessionInfo | null;
  /** which file dialog is open */
  dialog: 'none' | 'saveAs' | 'export';
  /** the packet comment being written or edited */
  commentEditor: { number: number; index?: number; text: string } | null;
  /** Decode As… is open: from the menu, or from a packet (its frame number fills a new row) */
  decodeAsPacket: number | 'menu' | null;
}

/** What the save dialog chooses; `overwrite`: the user already agreed to replace the file (a native dialog asked). */
type SaveChoice = Pick<SaveParams, 'displayedOnly' | 'format' | 'overwrite'>;

export interface AppActions {
  init(): Promise<void>;
  refreshInterfaces(): Promise<void>;
  openFile(path: string): Promise<void>;
  /** send a file from the browser's computer in chunks (progress: bytes sent, total) and open it */
  openUpload(file: Blob & { name: string }, onProgress?: (sent: number, total: number) => void): Promise<void>;
  setCaptureOptions(o: Partial<AppState['captureOptions']>): void;
  startCapture(): Promise<void>;
  stopCapture(): Promise<void>;
  restartCapture(): Promise<void>;
  toggleCapture(): Promise<void>;
  grantPermission(): Promise<void>;
  setFilterText(text: string): Promise<void>;
  applyFilter(text?: string): Promise<boolean>;
  complete(text: string, cursor: number): Promise<void>;
  clearCompletion(): void;
  select(number: number | null): Promise<void>;
  selectField(path: string | null): void;
  selectByte(offset: number): void;
  follow(number: number, protocol?: 'tcp' | 'udp' | 'tls' | 'http2'): Promise<void>;
  closeFollow(): void;
  /** Save / Save As; asks before replacing an existing file. Resolves true when written. */
  save(path: string, opts?: SaveChoice): Promise<boolean>;
  exportPackets(p: ExportParams & { format?: 'pcapng' | 'pcap' }): Promise<boolean>;
  exportDissections(p: ExportParams & { format: 'csv' | 'json' }): Promise<boolean>;
  /** the view a save stores: the list's columns and the selected packet */
  currentView(): ViewState;
  cancelOpen(): Promise<void>;
  /** true when nothing unsaved would be lost, or the user agreed to lose it */
  confirmDiscard(action: string): Promise<boolean>;
  setDialog(d: AppState['dialog']): void;
  openCommentEditor(number: number, index?: number): void;
  setCommentText(text: string): void;
  closeCommentEditor(): void;
  openDecodeAs(from: number | 'menu'): void;
  closeDecodeAs(): void;
  /** the capture was dissected again: the selected packet's details too */
  decodeAsApplied(): void;
  /** add (index undefined) or edit the comment in the editor */
  submitComment(): Promise<void>;
  deleteComment(number: number, index?: number): Promise<void>;
  showWelcome(): void;
  dismissError(i: number): void;
  reportError(e: unknown, kind?: string): void;
  setPanel(p: AppState['panel']): void;
  loadSpools(): Promise<void>;
  recoverSpool(path: string): Promise<void>;
  discardSpool(path: string): Promise<void>;
  loadInsights(): Promise<void>;
  /** new insights settings: the capture is analysed again; resolves to the reason when refused */
  setInsightsSettings(settings: Record<string, unknown>): Promise<string | null>;
  /** apply an alert's (or statistics row's) filter and select the first packet it shows */
  applyAndSelectFirst(filter: string, alertId?: string | null): Promise<void>;
}

export type AppStore = StoreApi<AppState & AppActions>;

const idleStatus: Status = {
  mode: 'idle', state: 'idle', source: '', captured: 0, displayed: 0, dropped: 0, indexed: 0, elapsed: 0, filter: '', generation: 0,
};

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Node at a '0.3.1' path. */
export function nodeAt(tree: DetailNode[], path: string): DetailNode | null {
  let nodes: DetailNode[] | undefined = tree;
  let node: DetailNode | null = null;
  for (const p of path.split('.')) {
    node = nodes?.[Number(p)] ?? null;
    if (!node) return null;
    nodes = node.children;
  }
  return node;
}

export interface StoreOptions {
  /** yes/no question (window.confirm in the renderer; tests answer themselves) */
  confirm?(message: string): boolean | Promise<boolean>;
}

const defaultConfirm = (m: string): boolean => (typeof (globalThis as any).confirm === 'function' ? Boolean((globalThis as any).confirm(m)) : true);

export function createAppStore(api: XdpscopeApi, opts: StoreOptions = {}): AppStore {
  const confirm = opts.confirm ?? defaultConfirm;
  let checkSeq = 0;
  let selectSeq = 0;
  let completeSeq = 0;
  const store = createStore<AppState & AppActions>()((set, get) => ({
    status: idleStatus,
    view: 'welcome',
    interfaces: [],
    rates: {},
    recent: [],
    spools: [],
    captureOptions: { iface: '', captureFilter: '', snaplen: 262144, mode: 'auto', direction: 'inout' },
    filterText: '',
    filterCheck: { ok: true, empty: true },
    appliedFilter: '',
    filterHistory: [],
    completion: null,
    selected: null,
    details: null,
    field: null,
    stream: null,
    errors: [],
    notice: null,
    busy: false,
    panel: 'none',
    insights: null,
    selectedAlert: null,
    session: null,
    dialog: 'none',
    commentEditor: null,
    decodeAsPacket: null,

    async init() {
      api.onEvent((ev) => {
        if (ev.event === 'status') {
          const prev = get().status;
          set({ status: ev.data });
          if (ev.data.mode !== 'idle' && prev.mode === 'idle') set({ view: 'capture' });
        } else if (ev.event === 'error') {
          get().reportError(ev.data.message, ev.data.kind);
        }
      });
      try {
        const status = await api.call('getStatus', {});
        set({ status, view: status.mode === 'idle' ? 'welcome' : 'capture', appliedFilter: status.filter, filterText: status.filter });
        // a file the server opened at start may be one of our sessions
        if (status.mode === 'file') void restoreSession(status);
      } catch (e) { get().reportError(e, 'engine'); }
      void api.call('recentSessions', {}).then((recent) => set({ recent }), () => undefined);
      void get().refreshInterfaces();
      void get().loadSpools();
    },

    async loadSpools() {
      try { set({ spools: await api.call('recoverableSpools', {}) }); } catch { set({ spools: [] }); }
    },

    async recoverSpool(path) {
      if (!(await get().confirmDiscard('recover another capture'))) return;
      set({ busy: true, selected: null, details: null, field: null, stream: null });
      try {
        set({ status: await api.call('recoverSpool', { path }), view: 'capture' });
      } catch (e) { get().reportError(e, 'recover'); } finally { set({ busy: false }); void get().loadSpools(); }
    },

    async discardSpool(path) {
      try { await api.call('discardSpool', { path }); } catch (e) { get().reportError(e, 'recover'); }
      void get().loadSpools();
    },

    async refreshInterfaces() {
      try {
        const list = await api.call('listInterfaces', {});
        const prev = new Map(get().interfaces.map((i) => [i.name, i.rxPackets]));
        const rates = { ...get().rates };
        for (const i of list) {
          const before = prev.get(i.name);
          const r = (rates[i.name] ?? []).concat(before === undefined ? [] : [Math.max(0, i.rxPackets - before)]);
          rates[i.name] = r.slice(-30);
        }
        const opts = get().captureOptions;
        set({ interfaces: list, rates, captureOptions: opts.iface ? opts : { ...opts, iface: list.find((i) => i.up && i.name !== 'lo')?.name ?? list[0]?.name ?? '' } });
      } catch (e) {
        set({ interfaces: [] });
        // Listing needs the capture engine; say why instead of showing an empty list silently.
        set({ notice: `Live capture unavailable: cannot list interfaces (${message(e).split('\n')[0]})` });
      }
    },

    async openFile(path) {
      if (!(await get().confirmDiscard(`open ${path}`))) return;
      set({ busy: true, selected: null, details: null, field: null, stream: null, session: null, errors: get().errors.filter((e) => e.kind !== 'file') });
      try {
        const status = await api.call('openFile', { path });
        set({ status, view: 'capture' });
        await restoreSession(status);
        void api.call('recentSessions', {}).then((recent) => set({ recent }), () => undefined);
      } catch (e) { get().reportError(e, 'file'); } finally { set({ busy: false }); }
    },

    async cancelOpen() {
      try { set({ status: await api.call('cancelOpen', {}) }); } catch (e) { get().reportError(e, 'file'); }
    },

    async confirmDiscard(action) {
      const st = get().status;
      if (!st.unsaved) return true;
      const what = st.mode === 'live' ? `The live capture on ${st.source} (${st.captured} packets) has not been saved` : `Comments on ${st.source} have not been saved`;
      return await confirm(`${what}. Discard it and ${action}?`);
    },

    async openUpload(file, onProgress) {
      if (!(await get().confirmDiscard(`open ${file.name}`))) return;
      set({ busy: true, selected: null, details: null, field: null, stream: null });
      try {
        const status = await uploadFile(api, file, onProgress);
        set({ status, view: 'capture' });
      } catch (e) { get().reportError(e, 'file'); } finally { set({ busy: false }); }
    },

    setCaptureOptions(o) { set({ captureOptions: { ...get().captureOptions, ...o } }); },

    async startCapture() {
      const o = get().captureOptions;
      if (!o.iface) { get().reportError('pick an interface first', 'capture'); return; }
      const filterProblem = captureFilterProblem(o.captureFilter ?? '');
      if (filterProblem) { get().reportError(filterProblem, 'filter'); return; }
      if (!(await get().confirmDiscard(`start a new capture on ${o.iface}`))) return;
      set({ busy: true, selected: null, details: null, field: null, stream: null });
      try {
        const status = await api.call('startCapture', {
          iface: o.iface, mode: o.mode, snaplen: o.snaplen, direction: o.direction ?? 'inout',
          ...(o.captureFilter ? { captureFilter: o.captureFilter } : {}),
          ...(o.ringBuffer?.path ? { ringBuffer: o.ringBuffer } : {}),
          ...(o.viewCap ? { viewCap: o.viewCap } : {}),
        });
        set({ status, view: 'capture' });
      } catch (e) { get().reportError(e, 'capture'); } finally { set({ busy: false }); }
    },

    async stopCapture() {
      try { set({ status: await api.call('stopCapture', {}) }); } catch (e) { get().reportError(e, 'capture'); }
    },

    async restartCapture() {
      if (!(await get().confirmDiscard('restart the capture'))) return;
      try { set({ status: await api.call('restartCapture', {}), selected: null, details: null, field: null }); } catch (e) { get().reportError(e, 'capture'); }
    },

    async toggleCapture() {
      const s = get().status;
      if (s.mode === 'live' && (s.state === 'loading' || s.state === 'capturing' || s.state === 'stopping')) await get().stopCapture();
      else await get().startCapture();
    },

    async grantPermission() {
      try {
        const r = await api.call('grantPermission', {});
        if (r.ok) set({ notice: r.message }); else get().reportError(r.message, 'permission');
      } catch (e) { get().reportError(e, 'permission'); }
    },

    async setFilterText(text) {
      const seq = ++checkSeq;
      set({ filterText: text });
      try {
        // field references (${ip.src}) read the selected packet, as in Wireshark
        const sel = get().selected;
        const r = await api.call('checkFilter', { text, ...(sel !== null ? { selected: sel } : {}) });
        if (seq === checkSeq) set({ filterCheck: r });
      } catch (e) { get().reportError(e, 'filter'); }
    },

    async applyFilter(text) {
      const t = (text ?? get().filterText).trim();
      get().clearCompletion();
      set({ filterText: t, busy: true });
      try {
        const sel = get().selected;
        const r = await api.call('setFilter', { text: t, ...(sel !== null ? { selected: sel } : {}) });
        if (!r.ok) { set({ filterCheck: r }); return false; }
        // A newer filter or a cancel replaced this one before it finished: the list still shows the old one.
        if (r.superseded) return false;
        const hist = t ? [t, ...get().filterHistory.filter((h) => h !== t)].slice(0, HISTORY_LIMIT) : get().filterHistory;
        set({ appliedFilter: t, filterCheck: r, filterHistory: hist });
        return true;
      } catch (e) { get().reportError(e, 'filter'); return false; } finally { set({ busy: false }); }
    },

    // A reply that arrives after the list was closed (Apply, Enter, Escape, blur) or after a newer
    // request is stale: shown, it would reopen the list over the packets the filter just selected.
    async complete(text, cursor) {
      const seq = ++completeSeq;
      try {
        const completion = await api.call('completeFilter', { text, cursor });
        if (seq === completeSeq) set({ completion });
      } catch { if (seq === completeSeq) set({ completion: null }); }
    },
    clearCompletion() { ++completeSeq; set({ completion: null }); },

    async select(number) {
      const seq = ++selectSeq;
      if (number === null) { set({ selected: null, details: null, field: null }); return; }
      set({ selected: number });
      try {
        const details = await api.call('getDetails', { number });
        if (seq === selectSeq) set({ details, field: null });
      } catch (e) { if (seq === selectSeq) get().reportError(e, 'details'); }
    },

    selectField(path) {
      const d = get().details;
      if (!d || path === null) { set({ field: null }); return; }
      const n = nodeAt(d.tree, path);
      set({ field: n ? { path, start: n.start, len: n.len } : null });
    },

    selectByte(offset) {
      const d = get().details;
      if (!d) return;
      const hit = fieldAt(d.tree, offset);
      set({ field: hit ? { path: hit.path.join('.'), start: hit.node.start, len: hit.node.len } : null });
    },

    async follow(number, protocol) {
      try { set({ stream: await api.call('followStream', protocol === 'udp' || protocol === 'tls' || protocol === 'http2' ? { number, protocol } : { number }) }); } catch (e) { get().reportError(e, 'follow'); }
    },
    closeFollow() { set({ stream: null }); },

    currentView() {
      const v: ViewState = { selectedPacket: get().selected };
      const cols = currentColumns();
      if (cols) v.columns = cols;
      return v;
    },

    async save(path, o = {}) {
      const params = { path, displayedOnly: o.displayedOnly ?? false, overwrite: o.overwrite ?? false, view: get().currentView(), ...(o.format ? { format: o.format } : {}) };
      return writeAsking(path, async (overwrite) => {
        const r = await api.call('save', { ...params, overwrite });
        set({ notice: `saved ${r.packets} packets to ${r.path}${r.format === 'pcap' ? ' (classic pcap: no comments or view settings)' : ''}` });
      }, params.overwrite);
    },

    async exportPackets(p) {
      return writeAsking(p.path, async (overwrite) => {
        const r = await api.call('exportPackets', { ...p, overwrite });
        set({ notice: `exported ${r.packets} packets to ${r.path} (${r.format})` });
      }, p.overwrite ?? false);
    },

    async exportDissections(p) {
      return writeAsking(p.path, async (overwrite) => {
        const r = await api.call('exportDissections', { ...p, overwrite });
        set({ notice: `exported the dissections of ${r.packets} packets to ${r.path} (${r.format.toUpperCase()})` });
      }, p.overwrite ?? false);
    },

    setDialog(d) { set({ dialog: d }); },

    openCommentEditor(number, index) {
      const text = index === undefined ? '' : (get().details?.number === number ? get().details?.comments?.[index] ?? '' : '');
      set({ commentEditor: { number, index, text } });
    },
    setCommentText(text) { const c = get().commentEditor; if (c) set({ commentEditor: { ...c, text } }); },
    closeCommentEditor() { set({ commentEditor: null }); },
    openDecodeAs(from) { set({ decodeAsPacket: from }); },
    closeDecodeAs() { set({ decodeAsPacket: null }); },
    decodeAsApplied() {
      const sel = get().selected;
      if (sel !== null) void get().select(sel);
    },

    async submitComment() {
      const c = get().commentEditor;
      if (!c) return;
      const text = c.text.trim();
      try {
        if (!text) { if (c.index !== undefined) await api.call('deleteComment', { number: c.number, index: c.index }); }
        else if (c.index === undefined) await api.call('addComment', { number: c.number, text });
        else await api.call('editComment', { number: c.number, index: c.index, text });
        set({ commentEditor: null });
        await refreshDetails(c.number);
      } catch (e) { get().reportError(e, 'comment'); }
    },

    async deleteComment(number, index) {
      try {
        await api.call('deleteComment', index === undefined ? { number } : { number, index });
        await refreshDetails(number);
      } catch (e) { get().reportError(e, 'comment'); }
    },

    showWelcome() { set({ view: 'welcome' }); void get().refreshInterfaces(); },

    dismissError(i) { set({ errors: get().errors.filter((_, k) => k !== i) }); },

    setPanel(p) {
      set({ panel: get().panel === p ? 'none' : p });
    },

    async loadInsights() {
      try { set({ insights: await api.call('getInsights', {}) }); } catch (e) { get().reportError(e, 'insights'); }
    },

    async setInsightsSettings(settings) {
      try { set({ insights: await api.call('setInsightsSettings', { settings }) }); return null; } catch (e) { return e instanceof Error ? e.message : String(e); }
    },

    async applyAndSelectFirst(filter, alertId = null) {
      set({ selectedAlert: alertId });
      if (!(await get().applyFilter(filter))) return;
      try {
        const first = await api.call('getRows', { start: 0, count: 1 });
        if (first.number.length) await get().select(first.number[0]);
      } catch (e) { get().reportError(e, 'rows'); }
    },

    reportError(e, kind = 'error') {
      const info: ErrorInfo = typeof e === 'object' && e && 'kind' in e && 'message' in e
        ? { message: String((e as any).message), kind: String((e as any).kind) }
        : { message: message(e), kind };
      const errs = get().errors.filter((x) => x.message !== info.message);
      set({ errors: [...errs, info].slice(-5) });
    },
  }));

  /** Run a write; when the file exists, ask and run it again with overwrite. */
  async function writeAsking(path: string, write: (overwrite: boolean) => Promise<void>, overwrite: boolean): Promise<boolean> {
    try {
      await write(overwrite);
      return true;
    } catch (e) {
      if ((e as { kind?: string }).kind === 'exists' && !overwrite) {
        if (!(await confirm(`${path} already exists. Replace it?`))) return false;
        return writeAsking(path, write, true);
      }
      store.getState().reportError(e, 'save');
      return false;
    }
  }

  async function refreshDetails(number: number): Promise<void> {
    if (store.getState().selected !== number) return;
    try { store.setState({ details: await api.call('getDetails', { number }) }); } catch (e) { store.getState().reportError(e, 'details'); }
  }

  /** After opening: the filter the file's session applied, its columns and its selected packet. */
  async function restoreSession(status: Status): Promise<void> {
    store.setState({ filterText: status.filter, appliedFilter: status.filter, filterCheck: { ok: true, empty: !status.filter } });
    let info: SessionInfo;
    try { info = await api.call('getSession', {}); } catch { return; }
    store.setState({ session: info });
    if (!info.ours) return;
    applyColumns(info.columns);
    const sel = info.selectedPacket;
    if (sel !== null) {
      // the row may still be loading: wait (bounded) until the service has it
      for (let i = 0; i < 50; i++) {
        const { index } = await api.call('findRow', { number: sel });
        if (index >= 0) {
          await store.getState().select(sel);
          revealRow(index, sel);
          return;
        }
        if (store.getState().status.state !== 'loading') return;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  return store;
}
