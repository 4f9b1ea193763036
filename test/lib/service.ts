// Opening a capture in the engine service, as most service tests begin.
import { EngineService } from '../../main/engine/service/service';
import type { EngineEvent } from '../../main/api/types';

/**
 * Until the service has finished loading what it opened. It polls the state
 * (the service emits no load-done event outside its worker); the bound only
 * turns a hang into a failure. Returns the state it ended in.
 */
export async function loaded(s: EngineService, timeoutMs = 60_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  while (s.status().state === 'loading') {
    if (Date.now() > end) throw new Error(`the service was still loading after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return s.status().state;
}

/** Opens `path` in `s` and waits for the load to end; returns the state it ended in. */
export async function openLoaded(s: EngineService, path: string, timeoutMs?: number): Promise<string> {
  await s.call('openFile', { path });
  return loaded(s, timeoutMs);
}

/** A new service with `path` opened and loaded, and the events it emitted. */
export async function openedService(path: string, timeoutMs?: number): Promise<{ s: EngineService; events: EngineEvent[] }> {
  const events: EngineEvent[] = [];
  const s = new EngineService({ emit: (e) => events.push(e) });
  await openLoaded(s, path, timeoutMs);
  return { s, events };
}
