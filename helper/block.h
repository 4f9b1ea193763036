/* The block list (helper/block.c): sources the capture program drops. */
#ifndef XS_BLOCK_H
#define XS_BLOCK_H

#include <stddef.h>
#include <linux/types.h>
#include "xdpscope.h"

/* The loaded object's blocklist, block_counts and config maps; refusal: why
 * this capture cannot drop anything (egress only, a traced foreign program),
 * or NULL. */
void xs_block_setup(int map_fd, int counts_fd, int config_fd, const char *refusal);
/* Runs `block`, `unblock` or `blocks` (now: CLOCK_MONOTONIC ns): 1 with the
 * reply text and *status (0 ok, 1 error), or 0 when cmd is none of them. */
int xs_block_command(const char *cmd, char *arg, __u64 now, char *reply, size_t n, int *status);
/* Removes the entries whose TTL ran out; returns the next expiry, 0 if none. */
__u64 xs_block_expire(__u64 now);
/* The earliest expiry (0 if none): when the relay must wake up for it. */
__u64 xs_block_next(void);

#endif
