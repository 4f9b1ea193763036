// The block list ("Block this source", main/engine/block): sources whose
// received frames the capture's XDP program drops. Off until the user
// allows it; every entry has its reason, time and time-to-live; protected
// addresses (this host's, loopback, link-local, the default gateways) are
// refused. Answered by main/engine/service/handlers/block.ts.
import { z } from 'zod';
import { call, empty } from './common';

import { BLOCK_MAX_TTL_SEC } from './block-limits';

export { BLOCK_MAX_TTL_SEC, BLOCK_DEFAULT_TTL_SEC, BLOCK_MAX_ENTRIES } from './block-limits';

const ttl = z.number().int().min(1).max(BLOCK_MAX_TTL_SEC);

/** Block the sources of every alert of `kind` for ttlSec (only while enabled, and blocking is allowed). */
export const blockRule = z.object({
  /** an AlertKind, e.g. 'amplification' */
  kind: z.string().min(1).max(64),
  ttlSec: ttl,
  enabled: z.boolean(),
}).strict();
export type BlockRule = z.infer<typeof blockRule>;

export const responseSettings = z.object({
  /** nothing is ever blocked unless this is on */
  allowBlocking: z.boolean(),
  rules: z.array(blockRule).max(32),
}).strict();
export type ResponseSettings = z.infer<typeof responseSettings>;

export const blockEntry = z.object({
  /** canonical ADDR/LEN */
  prefix: z.string(),
  /** shown as the user usually writes it: a host without /32 or /128 */
  display: z.string(),
  reason: z.string(),
  /** the alert it answers, when it came from one */
  alertId: z.string().optional(),
  /** who made it: the user (UI), a rule, or the CLI */
  origin: z.enum(['user', 'rule', 'cli']),
  /** ms since the epoch */
  createdAt: z.number(),
  ttlSec: z.number(),
  expiresAt: z.number(),
  remainingSec: z.number(),
  /** received frames and bytes it dropped (the XDP program's counters) */
  packets: z.number(),
  bytes: z.number(),
});
export type BlockEntry = z.infer<typeof blockEntry>;

export const blockState = z.object({
  settings: responseSettings,
  /** why nothing can be blocked right now (no live capture, egress only...), absent when blocking works */
  unavailable: z.string().optional(),
  /** the live capture's interface */
  iface: z.string().optional(),
  entries: z.array(blockEntry),
  /** the user-facing control socket `xdpscope block` reaches this capture through */
  controlSocket: z.string().optional(),
});
export type BlockState = z.infer<typeof blockState>;

export const blockCheck = z.object({
  address: z.string(),
  /** why it cannot be blocked now, absent when it can */
  why: z.string().optional(),
});
export type BlockCheck = z.infer<typeof blockCheck>;

export const blockApi = {
  /** the block list, its settings and whether blocking is possible now */
  getBlocks: call(empty, blockState),
  /** turn blocking on/off, set the rules (kept with the session's insights settings) */
  setBlockSettings: call(responseSettings.partial().strict(), blockState),
  /** block a source: refused when blocking is off, the address is protected, or no live capture can drop */
  blockSource: call(z.object({
    address: z.string().min(1).max(64),
    ttlSec: ttl.optional(),
    reason: z.string().min(1).max(300),
    alertId: z.string().max(200).optional(),
  }).strict(), blockEntry),
  unblockSource: call(z.object({ prefix: z.string().min(1).max(64) }).strict(), blockState),
  /** for each address, whether "Block this source" can work, and why not */
  checkBlockable: call(z.object({ addresses: z.array(z.string().max(64)).max(200) }).strict(), z.array(blockCheck)),
};
