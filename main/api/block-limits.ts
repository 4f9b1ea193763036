// The block list's limits without its schemas: the engine's threads that
// never validate a call (a parallel open's insights thread) import these and
// so load no zod (~20% of that thread's start-up).

/** Longest time-to-live: a week (a block answers an incident; it is not a firewall rule). */
export const BLOCK_MAX_TTL_SEC = 604_800;
export const BLOCK_DEFAULT_TTL_SEC = 600;
/** Entries at most: the XDP program's map (bpf/xdpscope.h XS_MAX_BLOCKS). */
export const BLOCK_MAX_ENTRIES = 1024;
