/* Process attribution's socket maps, in both BPF objects: bpf/proc.bpf.c
 * fills them, bpf/xdpscope.bpf.c reads them to name each frame's process
 * (the helper makes the capture object reuse the attribution object's maps
 * before load). One definition, so the two can never disagree on a map's
 * type, size or layout. */
#ifndef XS_SOCKMAPS_BPF_H
#define XS_SOCKMAPS_BPF_H

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, XS_SOCK_ENTRIES);
	__type(key, struct xs_sock_key);
	__type(value, struct xs_sock_owner);
} xs_socks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, XS_SOCK_ENTRIES);
	__type(key, __u64);
	__type(value, struct xs_sock_owner);
} xs_cookies SEC(".maps");

/* Ports some known socket uses, a bit each: "no local socket" in one array read. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XS_PORT_WORDS);
	__type(key, __u32);
	__type(value, __u64);
} xs_ports SEC(".maps");

static __always_inline void port_mark(__u16 port)
{
	__u32 w = port >> 6;
	__u64 *v = bpf_map_lookup_elem(&xs_ports, &w);
	__u64 bit = 1ull << (port & 63);
	if (v && !(*v & bit))
		__sync_fetch_and_or(v, bit);
}

#endif
