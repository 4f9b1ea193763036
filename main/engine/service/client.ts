// The face's handle on the engine thread: call(method, params) → Promise,
// events to listeners, and an orderly shutdown (stops live capture, which
// detaches XDP, before the thread ends).
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import type { EngineEvent, Method, Params, Result, ResponseMessage } from '../../api/types';
import { ApiError, apiError } from '../../api/errors';

export class EngineClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: any): void; reject(e: Error): void }>();
  private readonly listeners = new Set<(ev: EngineEvent) => void>();
  private exited = false;

  constructor(opts: { uploadDir?: string } = {}) {
    this.worker = new Worker(join(__dirname, 'worker.js'), { workerData: { uploadDir: opts.uploadDir } });
    this.worker.on('message', (m: any) => {
      if (m && typeof m.id === 'number') {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        const r = m as ResponseMessage;
        if (r.ok) p.resolve(r.result); else p.reject(apiError(r.error));
      } else if (m && typeof m.event === 'string') {
        for (const l of this.listeners) l(m as EngineEvent);
      }
    });
    this.worker.on('error', (e) => this.failAll(`engine thread crashed: ${e.message}`));
    this.worker.on('exit', (code) => { this.exited = true; this.failAll(`engine thread exited (${code})`); });
  }

  private failAll(msg: string): void {
    for (const p of this.pending.values()) p.reject(new ApiError(msg, 'engine'));
    this.pending.clear();
    for (const l of this.listeners) l({ event: 'error', data: { message: msg, kind: 'engine' } });
  }

  call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
    return this.callRaw(method, params) as Promise<Result<M>>;
  }

  /** for faces that forward already-validated wire messages */
  callRaw(method: string, params: unknown): Promise<unknown> {
    if (this.exited) return Promise.reject(new ApiError('engine thread is not running', 'engine'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, method, params });
    });
  }

  onEvent(l: (ev: EngineEvent) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Stop capture (XDP detached by the helper), then end the thread. */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.exited) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, timeoutMs);
      this.worker.on('message', (m: any) => { if (m?.shutdownDone) { clearTimeout(t); resolve(); } });
      this.worker.postMessage({ shutdown: true });
    });
    await this.worker.terminate();
  }
}
