/*
 * Least-privilege hardening for xdpscope-helper.
 *
 * The helper runs with file capabilities (cap_bpf,cap_net_admin,cap_perfmon+ep),
 * not setuid: it keeps the caller's uid, so once its capabilities are gone it
 * can touch nothing the caller could not. Call order in main():
 *
 *   harden_startup(argc, argv)      first line: non-dumpable, fds 0-2 open, empty
 *                                   environment, umask 077, argv sanity, location
 *                                   check, capabilities narrowed to the three needed
 *   ... open the BPF object, load, create maps, attach the XDP program (use a
 *       bpf_link, so the program detaches when the fd closes without needing
 *       CAP_NET_ADMIN again), open ring/perf buffers ...
 *   harden_drop_privileges()        every capability gone, no_new_privs set
 *   ... relay records on stdout until stdin closes ...
 *
 * Every function prints one "xdpscope-helper: ..." line on stderr when it
 * refuses; the return value is 0 on success, -1 on refusal.
 */
#ifndef XDPSCOPE_HARDEN_H
#define XDPSCOPE_HARDEN_H

#include <stddef.h>
#include "../bpf/xdpscope.h"

/* Most accepted arguments (the app passes few), and the longest accepted
 * one: the longest argument the helper takes is a capture filter, so its
 * limit is the filter limit (one number for the helper, the app and the UI). */
#define HARDEN_MAX_ARGS 32
#define HARDEN_MAX_ARG_LEN XS_MAX_FILTER_LEN

/* harden_startup's refusals, for the caller to map to its exit codes. */
#define HARDEN_REFUSED (-1)  /* privileges, location or process state */
#define HARDEN_BAD_ARGS (-2) /* the arguments: too many, too long, not printable */

/*
 * All the start-up steps below, in order; returns HARDEN_BAD_ARGS or
 * HARDEN_REFUSED (after saying why) if any refuses. Safe to call as root
 * (dev runs) and with file capabilities.
 */
int harden_startup(int argc, char **argv);

/* Make the process non-dumpable (no ptrace/pidfd_getfd of map fds by the caller). */
int harden_no_dump(void);

/* Make sure fds 0, 1, 2 are open (on /dev/null if they were closed). */
int harden_std_fds(void);

/* Clear the environment: no environment-driven paths or log levels (libbpf reads some). */
int harden_clear_env(void);

/* At most HARDEN_MAX_ARGS arguments, each at most HARDEN_MAX_ARG_LEN printable ASCII bytes. */
int harden_check_args(int argc, char **argv);

/*
 * Refuse to run from a file an unprivileged user could have replaced: the
 * executable (/proc/self/exe) and every directory up to / must be owned by
 * root (or the caller's real uid) and not group- or world-writable; a
 * root-owned sticky directory (like /tmp) is accepted because nobody else can
 * rename or replace entries in it.
 */
int harden_check_self_location(void);

/* Keep only CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON (permitted and effective), no inheritable. */
int harden_limit_capabilities(void);

/*
 * After the program is attached and the maps/buffers are open: drop every
 * capability (effective, permitted, inheritable, ambient; the bounding set
 * too where CAP_SETPCAP allows), set PR_SET_NO_NEW_PRIVS, stay non-dumpable,
 * and verify that capget() reports nothing left.
 */
int harden_drop_privileges(void);

#endif
