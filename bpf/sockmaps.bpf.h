/* Process attribution's socket maps, in both BPF objects: bpf/proc.bpf.c
 * fills them, bpf/xdpscope.bpf.c reads them to name each frame's process
 * (the helper makes the capture object reuse the attribution object's maps
 * before load). One definition, so the two can never disagree on a map's
 * type, size or layout. */
#ifndef XS_SOCKMAPS_BPF_H
#define XS_SOCKMAPS_BPF_H

#include "maps.bpf.h"

XS_MAP(xs_socks, BPF_MAP_TYPE_LRU_HASH, XS_SOCK_ENTRIES, struct xs_sock_key, struct xs_sock_owner);

XS_MAP(xs_cookies, BPF_MAP_TYPE_LRU_HASH, XS_SOCK_ENTRIES, __u64, struct xs_sock_owner);

/* Ports some known socket uses, a bit each: "no local socket" in one array read. */
XS_MAP(xs_ports, BPF_MAP_TYPE_ARRAY, XS_PORT_WORDS, __u32, __u64);

static __always_inline void port_mark(__u16 port)
{
	__u32 w = port >> 6;
	__u64 *v = bpf_map_lookup_elem(&xs_ports, &w);
	__u64 bit = 1ull << (port & 63);
	if (v && !(*v & bit))
		__sync_fetch_and_or(v, bit);
}

#endif
