// Persistence calls: save, the exports, and the session's view and metadata.
import type { Methods } from '../../../api/index';
import type { EngineService } from '../service';
import { setView } from '../persistence';
import { brokenDissection } from '../open-capture';
import { Colouring, recolourSteps } from '../../colour/colouring';
import { runSliced } from '../../filter/steps';
import type { Handlers } from './types';
import { type TlsKeyLog, setTlsKeylogPreference, tlsKeylogPreference } from '../../dissect/keylog';

const keylogInfo = (k: TlsKeyLog | null): Methods['getTlsKeylog']['result'] =>
  ({ path: k?.path ?? null, connections: k?.size ?? 0, error: k?.fileError ?? null });

export function sessionHandlers(svc: EngineService): Handlers<'session'> {
  /** bumps to drop a running recolouring pass */
  let colourToken = 0;

  /** A new colouring table for this capture and the next ones; the stored packets are coloured again. */
  const setColouring = async (rules: Methods['setColouring']['params']['rules']): Promise<Methods['setColouring']['result']> => {
    const colouring = new Colouring(rules);
    const cap = svc.cap;
    svc.userColouring = cap.colouring = colouring;
    const token = ++colourToken;
    const store = cap.store;
    const dissector = cap.newDissector();
    const ran = await runSliced(recolourSteps(colouring, {
      count: store.count,
      frames: store.number.toArray(store.count),
      index: !cap.commentsSinceIndex && cap.index.size >= store.count ? cap.index : null,
      dissect: (i) => { const pkt = cap.packetAt(i); try { return dissector.dissect(pkt); } catch (e) { return brokenDissection(pkt, e); } },
    }), () => token === colourToken && !cap.closed);
    if (ran.done) {
      store.colour.arr.set(ran.value);
      svc.generation.next();
      svc.pushStatus(true);
    }
    return { rules: colouring.table() };
  };

  return {
    getColouring: async () => ({ rules: svc.cap.colouring.table() }),
    setColouring: async (p) => setColouring(p.rules),
    save: async (p) => {
      const r = await svc.persistence.save(svc.cap, svc.list, p);
      svc.pushStatus(true);
      return r;
    },
    saveCopy: async (p) => svc.persistence.saveCopy(svc.cap, svc.list, p),
    setTlsKeylog: async (p) => keylogInfo(setTlsKeylogPreference(p.path)),
    getTlsKeylog: async () => keylogInfo(tlsKeylogPreference()),
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
