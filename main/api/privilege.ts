// The capture permission (main/engine/service/handlers/privilege.ts).
import { z } from 'zod';
import { call, empty } from './common';

export const privilegeApi = {
  /** run `xdpscope grant` through the desktop's authentication prompt */
  grantPermission: call(empty, z.object({ ok: z.boolean(), message: z.string() })),
};
