/* SPDX-License-Identifier: MIT */
/*
 * Shared between the XDP program (bpf/xdpscope.bpf.c), the capture helper
 * (helper/) and, by documentation, the Node decoder
 * (main/engine/capture/protocol.ts). Change all three together and bump
 * XS_PROTO_VERSION when the stream layout changes.
 *
 * Kernel → helper: one BPF ring buffer record per packet:
 *     struct xs_rec_hdr, then cap_len bytes of the frame.
 * Records are variable-length (the program copies the frame into a per-CPU
 * scratch buffer and emits header+cap_len with bpf_ringbuf_output), so a
 * 60-byte frame costs 60 + 24 + 8 bytes of ring, not a full snaplen.
 *
 * Helper → Node (stdout): a stream of frames, all integers little-endian:
 *     u32 type, u32 payload_len, payload[payload_len]
 * Frame types and payloads are described in helper/PROTOCOL.md.
 */
#ifndef XDPSCOPE_H
#define XDPSCOPE_H

#ifndef __XS_BPF__
#include <linux/types.h>
#endif

#define XS_PROTO_VERSION 3

/* Largest frame the program copies. Multi-buffer (xdp.frags) frames up to
 * 64 KiB + headers fit; anything longer is truncated and keeps its wire
 * length. A power of two so the verifier sees the mask as the bound. */
#define XS_MAX_SNAP 131072u
#define XS_SNAP_MASK (XS_MAX_SNAP - 1)

/* Which way a frame went: the values of pcapng's epb_flags bits 0-1, so the
 * engine writes them into saved files unchanged. */
#define XS_PKT_IN 1
#define XS_PKT_OUT 2
/* xdp_action when no foreign XDP program decided anything (our own program
 * always passes; egress frames never met XDP). */
#define XS_NO_ACTION 0xffffffffu

/* Kernel record header (ring buffer). */
struct xs_rec_hdr {
	__u64 ts_mono_ns; /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u32 wire_len;   /* whole frame, all fragments */
	__u32 cap_len;    /* bytes that follow */
	__u32 ifindex;
	__u32 rx_queue;   /* ingress: the receive queue; egress: 0 */
	__u32 direction;  /* XS_PKT_IN or XS_PKT_OUT */
	__u32 xdp_action; /* the foreign program's verdict (XDP_ABORTED..XDP_REDIRECT), or XS_NO_ACTION */
	__u32 pid;        /* the owning process (tgid), 0 = none: see attr */
	__u32 attr;       /* XS_ATTR_*: how the owner was found, or why there is none */
};

/* ---- process attribution (bpf/proc.bpf.c learns, the capture programs join) ----
 *
 * proc.bpf.c's cgroup hooks record, in process context, which process owns
 * each socket: by socket cookie (sock_create) and by local address/port and
 * 5-tuple (post_bind, sendmsg, sock_ops connect/established). The capture
 * programs share those maps (the helper hands the fds over before load):
 * egress finds the owner by the skb's socket cookie, ingress (XDP, no skb)
 * by the 5-tuple, then by the bound local address and port. */
#define XS_ATTR_OFF 0          /* attribution not running */
#define XS_ATTR_SOCKET 1       /* egress: the skb's socket, by cookie */
#define XS_ATTR_FLOW 2         /* the connection's 5-tuple */
#define XS_ATTR_BOUND 3        /* a socket bound/listening on the local address and port */
#define XS_ATTR_NONE_PROTO 16  /* not TCP/UDP (ARP, ICMP, other IP protocols, later fragments): no socket to look for */
#define XS_ATTR_NONE_PORT 17   /* TCP/UDP, no local socket: forwarded, a closed port, or opened before the capture */
#define XS_ATTR_NONE_SKB 18    /* egress without a socket: forwarded, or sent by the kernel itself (RST, ICMP) */
#define XS_ATTR_NONE_OLD 19    /* egress from a socket opened before the capture started */

/* Socket maps' keys: IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d), so a
 * dual-stack socket and a v4 packet meet; an unspecified local address
 * (0.0.0.0 or ::) is all zeros. Ports in host order. Bound entries have no
 * remote (zeros). Not keyed by network namespace: the XDP hook cannot name
 * one, so the same 5-tuple in two namespaces is the latest one learned. */
struct xs_sock_key {
	__u8 proto; /* IPPROTO_TCP, IPPROTO_UDP */
	__u8 pad;
	__u16 lport;
	__u16 rport;
	__u16 pad2;
	__u8 laddr[16];
	__u8 raddr[16];
};

struct xs_sock_owner {
	__u32 tgid;
	__u32 uid;
	__u64 cookie; /* the socket's: a release removes only its own entries */
};

#define XS_SOCK_ENTRIES 65536
/* xs_ports: one bit per local port any learned socket used (never cleared:
 * a stale bit only costs the lookups it would have saved). A frame whose
 * local port has no bit has no local socket: one array read instead of
 * three failed hash lookups (floods, forwarded traffic, closed ports). */
#define XS_PORT_WORDS 1024 /* 65536 bits in u64 words */
/* What proc.bpf.c keeps of each exec (longer ones are cut), by tgid: for a
 * process gone before the helper could read /proc/PID. */
#define XS_EXE_MAX 256
#define XS_ARGS_MAX 256 /* a power of two: the verifier's bound */
struct xs_exec_info {
	char path[XS_EXE_MAX];
	__u32 args_len;
	char args[XS_ARGS_MAX]; /* argv, each NUL-terminated, as /proc/PID/cmdline */
};

/* proc.bpf.c → helper, one per socket created: who, read in the creating
 * process's context, so a process that exits 20 ms later is still named. */
struct xs_proc_event {
	__u32 tgid;
	__u32 tid;
	__u32 uid;
	__u32 gid;
	__u64 cgroup_id;   /* cgroup v2 id (the inode of its directory) */
	__u64 netns_cookie;
	char comm[16];
};

/* Per-CPU counters, summed by the helper.
 * Invariant once the program is detached and the ring drained:
 *   seen == delivered(helper) + ring_full + filtered + sampled_out + paused
 * `blocked` is not a term of it: a blocked frame is counted there like any
 * other (captured, filtered, ...) and, besides, in `blocked`, so
 * blocked <= seen, and the stack received seen - blocked. */
struct xs_counters {
	__u64 seen;
	__u64 seen_bytes;
	__u64 ring_full;   /* bpf_ringbuf_output failed: the reader fell behind */
	__u64 filtered;    /* rejected by the filter expression */
	__u64 sampled_out; /* matched the filter, skipped by 1-in-N sampling */
	__u64 paused;      /* arrived while capture was paused */
	__u64 blocked;     /* ingress frames dropped for their source (the block list) */
};

/* ---- block list (helper/block.c keeps it, the program drops by it) ----
 * An LPM trie keyed by family and source address: one entry is a host
 * (/32, /128) or a network. prefixlen counts the family byte too: 8 + the
 * address prefix. Ingress only: the sources we block are remote hosts, and
 * egress (what this host sends) is never dropped. */
#define XS_MAX_BLOCKS 1024

struct xs_block_key {
	__u32 prefixlen; /* 8 + address prefix length */
	__u8 family;     /* 4 or 6 */
	__u8 addr[16];   /* network order; IPv4 in the first 4 bytes */
	__u8 pad[3];
};

/* The trie's value: the entry's slot in the per-CPU counters
 * (block_counts), so a flood of blocked frames never writes one shared
 * cache line from every CPU. */
struct xs_block_val {
	__u32 slot; /* < XS_MAX_BLOCKS */
};

struct xs_block_count {
	__u64 packets; /* frames dropped by this entry, on this CPU */
	__u64 bytes;
};

/* ---- kernel-side pre-filter (set by the helper, read by the program) ---- */

#define XS_MAX_CONDS 16

/* Longest capture filter, in bytes of printable ASCII: the one limit of the
 * helper's parser and argument check and of the app's API, CLI and UI
 * (main/engine/capture/filter-limit.ts; a test checks the two agree).
 * 1024 holds every filter the program can evaluate — 16 conditions of at
 * most ~50 bytes ("src net <full IPv6>/128") with their "and"/"or",
 * parentheses and spacing — while a control command stays one short line. */
#define XS_MAX_FILTER_LEN 1024
/* alternatives ("or") of a filter: a bit each in the program's group masks */
#define XS_MAX_GROUPS 8

enum xs_cond_kind {
	XS_C_NONE = 0,
	XS_C_ETHERTYPE = 1, /* value: ethertype (host order): ip, ip6, arp */
	XS_C_L4PROTO = 2,   /* value: IP protocol number; ip or ip6 */
	XS_C_PORT = 3,      /* value: port; proto: 0 = tcp|udp|sctp, else that protocol */
	XS_C_NET = 4,       /* addr/mask, family 4 or 6 */
	XS_C_PORTRANGE = 5, /* value..value2 */
};

enum xs_dir { XS_DIR_ANY = 0, XS_DIR_SRC = 1, XS_DIR_DST = 2 };

struct xs_cond {
	__u8 kind;
	__u8 negate;
	__u8 dir;
	__u8 proto;   /* XS_C_PORT*: restrict to this IP protocol (0 = tcp/udp/sctp) */
	__u8 family;  /* XS_C_NET: 4 or 6; XS_C_L4PROTO: 0 = either, 4 or 6 */
	__u8 group;   /* which alternative (AND group) this condition belongs to, < XS_MAX_GROUPS */
	__u8 pad[2];
	__u32 value;
	__u32 value2;
	__u8 addr[16]; /* network order; IPv4 in the first 4 bytes */
	__u8 mask[16];
};

/* A filter is in disjunctive normal form: it passes a packet when, for some
 * group, every condition of that group (each possibly negated) holds. The
 * helper turns "or", "not" and parentheses into this form. No conditions:
 * everything passes. */
struct xs_filter {
	__u32 n_conds;
	__u32 pad;
	struct xs_cond conds[XS_MAX_CONDS];
};

/* Single-entry config map. Filters are double-buffered: the helper writes
 * the inactive slot of the filter map, then flips active_filter, so the
 * program never sees a half-written filter. */
struct xs_config {
	__u32 snaplen;       /* 1..XS_MAX_SNAP */
	__u32 sample_n;      /* 0 or 1 = every packet */
	__u32 active_filter; /* 0 or 1 */
	__u32 paused;
	__u32 raw_ip;        /* 1: frames start at the IP header (tun, wireguard: LINKTYPE_RAW) */
	__u32 ifindex;       /* the captured interface: a traced foreign program may serve others too */
	__u32 blocks;        /* entries in the block list: 0 = no lookup at all */
	__u32 proc;          /* 1: join each record to its process (attribution maps are live) */
};

/* ---- helper → Node stream ---- */

enum xs_frame_type {
	XS_F_HELLO = 1,
	XS_F_PACKETS = 2,
	XS_F_STATS = 3,
	XS_F_REPLY = 4, /* answer to a control command */
	XS_F_PROC = 5,  /* a process's description, before the first record naming its pid */
};

struct xs_frame_hdr {
	__u32 type;
	__u32 len; /* payload bytes after this header */
};

#define XS_MODE_NATIVE 1
#define XS_MODE_GENERIC 2
/* ingress through fentry/fexit on the interface's foreign XDP program */
#define XS_MODE_TRACE 3
/* ingress through tcx after the foreign XDP program: only what it passed */
#define XS_MODE_AFTER 4

/* hello.directions: what is captured */
#define XS_CAP_IN 1
#define XS_CAP_OUT 2
/* hello.egress_mode */
#define XS_EGRESS_NONE 0
#define XS_EGRESS_TCX 1    /* tcx bpf_link (kernel >= 6.6): gone with the helper, even after kill -9 */
#define XS_EGRESS_CLSACT 2 /* clsact qdisc filter (older kernels): removed on exit, survives kill -9 */

struct xs_hello {
	__u32 version;
	__u32 ifindex;
	__u32 link_type; /* LINKTYPE_* (1 = Ethernet) */
	__u32 mode;      /* XS_MODE_* actually used */
	__u32 snaplen;
	__u32 flags;     /* bit 0: multi-buffer (xdp.frags) program; bit 1: process attribution */
	__u32 prog_id;
	__u32 ring_bytes;
	char ifname[16];
	__u32 directions;    /* XS_CAP_IN | XS_CAP_OUT */
	__u32 egress_mode;   /* XS_EGRESS_* */
	__u32 foreign_id;    /* XS_MODE_TRACE: the traced program's id, else 0 */
	char foreign_name[16]; /* ... and its name */
	__u32 proc_errno;    /* flags bit 1 clear: why process attribution is off (errno), 0 = not asked */
};

/* Packet record inside an XS_F_PACKETS payload (packed, no padding):
 * struct xs_wire_rec then cap_len bytes. */
struct xs_wire_rec {
	__u64 ts_ns; /* wall clock, ns since the Unix epoch */
	__u32 wire_len;
	__u32 cap_len;
	__u32 ifindex;
	__u32 rx_queue;
	__u32 direction;  /* XS_PKT_IN or XS_PKT_OUT */
	__u32 xdp_action; /* or XS_NO_ACTION */
	__u32 pid;        /* owning process (tgid), 0 = none */
	__u32 attr;       /* XS_ATTR_* */
} __attribute__((packed));

/* XS_F_PROC payload: this fixed part, then five strings, each u16 length +
 * bytes (no NUL): exe path, command line (arguments joined by spaces), user
 * name, container id, cgroup path. Empty when unknown (the process exited
 * before /proc could be read: the kernel's fields remain). */
struct xs_wire_proc {
	__u32 pid;
	__u32 uid;
	__u32 gid;
	__u32 flags;       /* bit 0: /proc was read */
	__u64 cgroup_id;
	char comm[16];
} __attribute__((packed));

struct xs_stats {
	__u64 ts_ns;        /* wall clock when sampled */
	__u64 seen;
	__u64 seen_bytes;
	__u64 delivered;    /* records the helper took from the ring */
	__u64 ring_full;
	__u64 filtered;     /* filter rejects + sampling skips */
	__u64 sampled_out;  /* part of filtered */
	__u64 paused;
	__u64 helper_drops; /* records the helper could not forward (always 0: it stops reading instead) */
	__u32 final;        /* 1 on the last frame, after detach and drain */
	__u32 pad;
	__u64 blocked;      /* ingress frames dropped by the block list (not a term of the identity: see xs_counters) */
};

#endif
