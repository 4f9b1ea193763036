// How the renderer reaches the engine: Electron's preload exposes
// window.xdpscope; in a browser the same API runs over the server's
// WebSocket (binary frames, see main/api/codec.ts). The browser proves
// itself with the HttpOnly cookie the server set when it exchanged the
// one-time code: no secret is in the page, its URL or its scripts.
import type { EngineEvent, Method, Params, Result, Status, XdpscopeApi } from '../main/api/types';
import { decodeMessage, encodeMessage } from '../main/api/codec';
import { apiError } from '../main/api/errors';

declare global {
  interface Window { xdpscope?: XdpscopeApi }
}

export function connectBrowserApi(loc: Location = window.location): Promise<XdpscopeApi> {
  const ws = new WebSocket(`ws://${loc.host}/ws`);
  ws.binaryType = 'arraybuffer';
  const pending = new Map<number, { resolve(v: any): void; reject(e: Error): void }>();
  const listeners = new Set<(ev: EngineEvent) => void>();
  let nextId = 1;
  let closed: string | null = null;
  const api: XdpscopeApi = {
    face: 'browser',
    call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
      if (closed) return Promise.reject(Object.assign(new Error(closed), { kind: 'connection' }));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        ws.send(encodeMessage({ id, method, params }) as Uint8Array<ArrayBuffer>);
      });
    },
    onEvent(l) { listeners.add(l); return () => listeners.delete(l); },
  };
  ws.onmessage = (e) => {
    const msg = decodeMessage(new Uint8Array(e.data as ArrayBuffer)) as any;
    if (typeof msg?.id === 'number') {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(apiError(msg.error));
    } else if (typeof msg?.event === 'string') {
      for (const l of listeners) l(msg as EngineEvent);
    }
  };
  return new Promise((resolve, reject) => {
    ws.onopen = () => resolve(api);
    ws.onerror = () => reject(new Error('cannot connect to the xdpscope server (open the link xdpscope serve printed; each link works once)'));
    ws.onclose = (e) => {
      const why = e.reason || CLOSE_REASONS[e.code] || '';
      closed = `connection to the xdpscope server closed${why ? `: ${why}` : ''}`;
      for (const p of pending.values()) p.reject(new Error(closed));
      pending.clear();
      for (const l of listeners) l({ event: 'error', data: { message: closed, kind: 'connection' } });
    };
  });
}

/** what the server's WebSocket close codes mean when it sent no reason */
const CLOSE_REASONS: Record<number, string> = {
  1009: 'a message was larger than the server accepts (4 MiB)',
  1002: 'the server received a malformed WebSocket frame',
};

/**
 * Upload a file in chunks of the size the engine asks for (slices read one at
 * a time, so the page never holds the whole file), then open it. On any
 * failure the partial upload is aborted on the server.
 */
export async function uploadFile(api: XdpscopeApi, file: Blob & { name: string }, onProgress?: (sent: number, total: number) => void): Promise<Status> {
  const { id, chunkSize } = await api.call('uploadBegin', { name: file.name, size: file.size });
  try {
    for (let offset = 0; offset < file.size; offset += chunkSize) {
      const bytes = new Uint8Array(await file.slice(offset, Math.min(file.size, offset + chunkSize)).arrayBuffer());
      await api.call('uploadChunk', { id, offset, bytes });
      onProgress?.(offset + bytes.length, file.size);
    }
  } catch (e) {
    await api.call('uploadAbort', { id }).catch(() => undefined);
    throw e;
  }
  return api.call('uploadEnd', { id });
}
