// Live capture: interfaces, start/stop/restart, and the spools (crash-safe
// copies) a capture leaves until it is saved.
import type { CaptureOptions, SpoolEntry } from '../../../api/index';
import { ApiError } from '../../../api/index';
import type { EngineService } from '../service';
import { LiveCapture } from '../live';
import { discardSpool, findRecoverableSpools, recoverSpool } from '../../session/spool';
import { openFile } from './file';
import type { Handlers } from './types';

export function captureHandlers(svc: EngineService): Handlers<'capture'> {
  let lastOptions: CaptureOptions | null = null;

  const startCapture = async (opts: CaptureOptions) => {
    lastOptions = opts;
    const cap = await svc.replace('live', opts.iface);
    await cap.startLive(opts);
    svc.pushStatus(true);
    return svc.status();
  };

  return {
    listInterfaces: async () => LiveCapture.listInterfaces(),
    startCapture,
    stopCapture: async () => {
      await svc.cap.stopLive();
      svc.pushStatus(true);
      return svc.status();
    },
    restartCapture: async () => {
      if (!lastOptions) throw new ApiError('no capture to restart', 'capture');
      return startCapture(lastOptions);
    },
    recoverableSpools: async () => spools(),
    recoverSpool: async (p) => {
      spoolOrThrow(p.path);
      const r = await recoverSpool(p.path);
      return openFile(svc, r.path);
    },
    discardSpool: async (p) => { spoolOrThrow(p.path); discardSpool(p.path); return { ok: true as const }; },
    captureFiles: async () => {
      const cap = svc.cap;
      const files = cap.mode === 'live' ? cap.files.list(cap.ring?.current ?? (cap.live ? cap.spool?.path ?? null : null)) : [];
      return { evicted: cap.viewCap?.evicted ?? 0, firstInView: cap.store.count ? cap.store.number.get(0) : 0, files };
    },
  };
}

function spools(): SpoolEntry[] {
  return findRecoverableSpools().map((x) => ({ path: x.path, size: x.size, modifiedAt: x.modifiedAt.toISOString(), closedCleanly: x.closedCleanly }));
}

/** only spools the spool directory offers may be recovered or discarded */
function spoolOrThrow(path: string): void {
  if (!spools().some((x) => x.path === path)) throw new ApiError(`${path} is not a recoverable capture spool`, 'refused');
}
