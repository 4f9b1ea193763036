// Persistence calls: save, the exports, and the session's view and metadata.
import type { EngineService } from '../service';
import { setView } from '../persistence';
import type { Handlers } from './types';

export function sessionHandlers(svc: EngineService): Handlers<'session'> {
  return {
    save: async (p) => {
      const r = await svc.persistence.save(svc.cap, svc.list, p);
      svc.pushStatus(true);
      return r;
    },
    saveCopy: async (p) => svc.persistence.saveCopy(svc.cap, svc.list, p),
    exportPackets: async (p) => svc.persistence.exportPackets(svc.cap, svc.list, p),
    exportDissections: async (p) => svc.persistence.exportDissections(svc.cap, svc.list, p),
    exportBytes: async (p) => svc.persistence.exportBytes(svc.cap, svc.list, p),
    setView: async (p) => { setView(svc.cap, p); return { ok: true as const }; },
    getSession: async () => {
      const cap = svc.cap;
      const notices = [...cap.session.notices];
      return { ...cap.session, notices, commentedFrames: cap.comments.frames() };
    },
  };
}
