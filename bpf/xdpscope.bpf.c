// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * xdpscope's XDP program: copies each ingress frame (up to snaplen) into a
 * ring buffer record for the capture helper and always returns XDP_PASS,
 * so attaching it never changes traffic.
 */
#define __XS_BPF__
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "xdpscope.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20); /* resized by the helper before load */
} records SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xs_counters);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xs_config);
} config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct xs_filter);
} filters SEC(".maps");

/* Global (not per-CPU) so 1-in-N is exact across CPUs. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} sample_ctr SEC(".maps");

struct scratch {
	struct xs_rec_hdr hdr;
	__u8 data[XS_MAX_SNAP];
};

/* One scratch per CPU, indexed by CPU id: a per-CPU array value is limited
 * to 32 KiB, too small for a multi-buffer frame. Sized by the helper. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

/* What the filter looks at, extracted once per packet. */
struct pkt_meta {
	__u16 ethertype;
	__u8 l4proto;
	__u8 family; /* 0 (not IP), 4, 6 */
	__u8 has_ports;
	__u16 sport, dport;
	__u8 saddr[16], daddr[16];
};

static __always_inline void parse(void *data, void *end, struct pkt_meta *m, int raw_ip)
{
	void *l3;
	if (raw_ip) {
		__u8 *v = data;
		if ((void *)(v + 1) > end)
			return;
		m->ethertype = (*v >> 4) == 4 ? ETH_P_IP : (*v >> 4) == 6 ? ETH_P_IPV6 : 0;
		l3 = data;
	} else {
		struct ethhdr *eth = data;
		if ((void *)(eth + 1) > end)
			return;
		m->ethertype = bpf_ntohs(eth->h_proto);
		l3 = eth + 1;
	}
	void *l4 = 0;
	if (m->ethertype == ETH_P_IP) {
		struct iphdr *ip = l3;
		if ((void *)(ip + 1) > end)
			return;
		m->family = 4;
		m->l4proto = ip->protocol;
		__builtin_memcpy(m->saddr, &ip->saddr, 4);
		__builtin_memcpy(m->daddr, &ip->daddr, 4);
		/* Like tcpdump: ports only in the first fragment. */
		if (ip->frag_off & bpf_htons(0x1fff))
			return;
		__u32 ihl = ip->ihl * 4;
		if (ihl < 20)
			return;
		l4 = (void *)ip + ihl;
	} else if (m->ethertype == ETH_P_IPV6) {
		struct ipv6hdr *ip6 = l3;
		if ((void *)(ip6 + 1) > end)
			return;
		m->family = 6;
		m->l4proto = ip6->nexthdr;
		__builtin_memcpy(m->saddr, &ip6->saddr, 16);
		__builtin_memcpy(m->daddr, &ip6->daddr, 16);
		l4 = ip6 + 1;
	} else {
		return;
	}
	if (m->l4proto == IPPROTO_TCP || m->l4proto == IPPROTO_UDP || m->l4proto == IPPROTO_SCTP) {
		__u16 *ports = l4;
		if ((void *)(ports + 2) > end)
			return;
		m->sport = bpf_ntohs(ports[0]);
		m->dport = bpf_ntohs(ports[1]);
		m->has_ports = 1;
	}
}

static __always_inline int net_match(const __u8 *a, const struct xs_cond *c)
{
	int n = c->family == 6 ? 16 : 4;
#pragma unroll
	for (int i = 0; i < 16; i++) {
		if (i < n && (a[i] & c->mask[i]) != c->addr[i])
			return 0;
	}
	return 1;
}

static __always_inline int port_in(__u16 p, const struct xs_cond *c)
{
	return p >= c->value && p <= c->value2;
}

static __always_inline int cond_match(const struct pkt_meta *m, const struct xs_cond *c)
{
	switch (c->kind) {
	case XS_C_ETHERTYPE:
		return m->ethertype == c->value;
	case XS_C_L4PROTO:
		if (c->family && m->family != c->family)
			return 0;
		return m->family != 0 && m->l4proto == c->value;
	case XS_C_PORT:
	case XS_C_PORTRANGE:
		if (!m->has_ports)
			return 0;
		if (c->proto && m->l4proto != c->proto)
			return 0;
		if (c->dir == XS_DIR_SRC)
			return port_in(m->sport, c);
		if (c->dir == XS_DIR_DST)
			return port_in(m->dport, c);
		return port_in(m->sport, c) || port_in(m->dport, c);
	case XS_C_NET:
		if (m->family != c->family)
			return 0;
		if (c->dir == XS_DIR_SRC)
			return net_match(m->saddr, c);
		if (c->dir == XS_DIR_DST)
			return net_match(m->daddr, c);
		return net_match(m->saddr, c) || net_match(m->daddr, c);
	}
	return 1;
}

static __always_inline int filter_pass(struct xdp_md *ctx, const struct xs_filter *f, int raw_ip)
{
	__u32 n = f->n_conds;
	if (n == 0)
		return 1;
	struct pkt_meta m = {};
	parse((void *)(long)ctx->data, (void *)(long)ctx->data_end, &m, raw_ip);
	/* groups with at least one condition, and those with one that failed */
	__u32 present = 0, failed = 0;
	for (int i = 0; i < XS_MAX_CONDS; i++) {
		if (i >= n)
			break;
		const struct xs_cond *c = &f->conds[i];
		__u32 bit = 1u << (c->group & (XS_MAX_GROUPS - 1));
		present |= bit;
		/* a group that already failed needs no more tests */
		if (failed & bit)
			continue;
		if (cond_match(&m, c) == c->negate)
			failed |= bit;
	}
	return (present & ~failed) != 0;
}

SEC("xdp.frags")
int xdpscope_capture(struct xdp_md *ctx)
{
	__u32 zero = 0;
	struct xs_counters *cnt = bpf_map_lookup_elem(&counters, &zero);
	struct xs_config *cfg = bpf_map_lookup_elem(&config, &zero);
	if (!cnt || !cfg)
		return XDP_PASS;

	__u32 wire_len = bpf_xdp_get_buff_len(ctx);
	cnt->seen++;
	cnt->seen_bytes += wire_len;

	if (cfg->paused) {
		cnt->paused++;
		return XDP_PASS;
	}
	__u32 slot = cfg->active_filter & 1;
	struct xs_filter *f = bpf_map_lookup_elem(&filters, &slot);
	if (f && !filter_pass(ctx, f, cfg->raw_ip)) {
		cnt->filtered++;
		return XDP_PASS;
	}
	__u32 n = cfg->sample_n;
	if (n > 1) {
		__u64 *sc = bpf_map_lookup_elem(&sample_ctr, &zero);
		if (sc && __sync_fetch_and_add(sc, 1) % n != 0) {
			cnt->sampled_out++;
			return XDP_PASS;
		}
	}

	__u32 cpu = bpf_get_smp_processor_id();
	struct scratch *s = bpf_map_lookup_elem(&scratch, &cpu);
	if (!s)
		return XDP_PASS;
	/* 64-bit and masked right before use, so the verifier keeps the bound
	 * (the helper never sets snaplen above XS_MAX_SNAP - 1). */
	__u64 cap = wire_len < cfg->snaplen ? wire_len : cfg->snaplen;
	cap &= XS_SNAP_MASK;
	if (cap < 1 || bpf_xdp_load_bytes(ctx, 0, s->data, cap) != 0) {
		/* Cannot happen for a well-formed frame; count it so nothing is hidden. */
		cnt->ring_full++;
		return XDP_PASS;
	}
	s->hdr.ts_mono_ns = bpf_ktime_get_ns();
	s->hdr.wire_len = wire_len;
	s->hdr.cap_len = cap;
	s->hdr.ifindex = ctx->ingress_ifindex;
	s->hdr.rx_queue = ctx->rx_queue_index;
	if (bpf_ringbuf_output(&records, s, sizeof(s->hdr) + cap, 0) != 0)
		cnt->ring_full++;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
