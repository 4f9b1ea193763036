// "Block this source": the live capture's block list (main/engine/block).
// Allowing blocking is this run's choice (off at every start); the rules
// live in the insights settings (`response.rules`), saved with the session.
import type { BlockState } from '../../../api/index';
import { ApiError } from '../../../api/index';
import { ruleProblem } from '../../block/index';
import type { EngineService } from '../service';
import type { Handlers } from './types';

async function state(svc: EngineService): Promise<BlockState> {
  const b = svc.blocks;
  const sock = await svc.controlSocket();
  return {
    settings: { allowBlocking: b.allowBlocking, rules: structuredClone(svc.cap.insights.settings.response.rules) },
    ...(b.unavailable ? { unavailable: b.unavailable } : {}),
    ...(b.iface ? { iface: b.iface } : {}),
    entries: await b.list(),
    ...(sock ? { controlSocket: sock } : {}),
  };
}

export function blockHandlers(svc: EngineService): Handlers<'block'> {
  return {
    getBlocks: async () => state(svc),
    setBlockSettings: async (p) => {
      if (p.rules) {
        const bad = p.rules.map(ruleProblem).find((x) => x);
        if (bad) throw new ApiError(bad, 'refused');
        svc.cap.insights.settings.response.rules = structuredClone(p.rules);
      }
      if (p.allowBlocking !== undefined) {
        svc.blocks.allowBlocking = p.allowBlocking;
        // off is the way back: whatever was blocked is let through again
        if (!p.allowBlocking) await svc.blocks.clear();
      }
      return state(svc);
    },
    blockSource: async (p) => {
      const e = await svc.blocks.add({ address: p.address, ttlSec: p.ttlSec, reason: p.reason, alertId: p.alertId, origin: 'user' });
      return e;
    },
    unblockSource: async (p) => {
      await svc.blocks.remove(p.prefix);
      return state(svc);
    },
    checkBlockable: async (p) => p.addresses.map((address) => {
      const why = svc.blocks.check(address);
      return why ? { address, why } : { address };
    }),
  };
}
