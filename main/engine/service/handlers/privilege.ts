// "Grant capture permission" (see ../grant.ts).
import type { EngineService } from '../service';
import { grantCapturePermission } from '../grant';
import type { Handlers } from './types';

export function privilegeHandlers(svc: EngineService): Handlers<'privilege'> {
  return {
    grantPermission: async () => {
      const r = await grantCapturePermission();
      if (r.ok) { svc.cap.needsPermission = false; svc.pushStatus(true); }
      return r;
    },
  };
}
