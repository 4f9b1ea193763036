// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * xdpscope's capture programs. Every one only copies frames (up to snaplen)
 * into ring buffer records for the capture helper and never changes what
 * happens to them:
 *  - xdpscope_capture (XDP): ingress; always XDP_PASS.
 *  - xdpscope_egress (tc: tcx link, or a clsact filter on older kernels):
 *    egress; always TCX_NEXT, so later programs still run.
 *  - xdpscope_fentry/xdpscope_fexit: ingress on an interface whose XDP hook
 *    belongs to someone else's program; they trace that program (as xdpdump
 *    does) and record the action it returned.
 * All share the counters, the filter, sampling and snaplen, and name each
 * frame's process from the socket maps bpf/proc.bpf.c fills (xs_attribute).
 *
 * The one exception to "never changes": a frame whose source is on the
 * block list (helper/block.c; empty unless the user blocks) is counted,
 * captured like any other with xdp.action XDP_DROP, and then dropped:
 * XDP_DROP at the XDP hook, TC_ACT_SHOT on tcx ingress behind a foreign
 * program. Egress is never dropped, and a traced foreign program's frames
 * cannot be (fentry/fexit only watch).
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
#include "maps.bpf.h"

/* tcx's "continue with the next program"; TC_ACT_UNSPEC (the same value)
 * under a clsact qdisc. */
#define XS_TC_NEXT (-1)
#define TC_ACT_SHOT 2

/* 8 MiB, resized by the helper before load */
XS_RINGBUF(records, 8 << 20);

XS_MAP(counters, BPF_MAP_TYPE_PERCPU_ARRAY, 1, __u32, struct xs_counters);

XS_MAP(config, BPF_MAP_TYPE_ARRAY, 1, __u32, struct xs_config);

XS_MAP(filters, BPF_MAP_TYPE_ARRAY, 2, __u32, struct xs_filter);

/* Blocked sources (bpf/xdpscope.h: struct xs_block_key). */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, XS_MAX_BLOCKS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct xs_block_key);
	__type(value, struct xs_block_val);
} blocklist SEC(".maps");

XS_MAP(block_counts, BPF_MAP_TYPE_PERCPU_ARRAY, XS_MAX_BLOCKS, __u32, struct xs_block_count);

/* Global (not per-CPU) so 1-in-N is exact across CPUs. */
XS_MAP(sample_ctr, BPF_MAP_TYPE_ARRAY, 1, __u32, __u64);

struct scratch {
	struct xs_rec_hdr hdr;
	__u8 data[XS_MAX_SNAP];
};

/* One scratch per CPU, indexed by CPU id: a per-CPU array value is limited
 * to 32 KiB, too small for a multi-buffer frame. Sized by the helper. */
XS_MAP(scratch, BPF_MAP_TYPE_ARRAY, 1, __u32, struct scratch);

/* Process attribution, shared with bpf/proc.bpf.c: the helper reuses that
 * object's maps here before load (without it these stay empty and
 * config.proc is 0). */
#include "sockmaps.bpf.h"

static __always_inline int port_known(__u16 port)
{
	__u32 w = port >> 6;
	__u64 *v = bpf_map_lookup_elem(&xs_ports, &w);
	return v && (*v >> (port & 63)) & 1;
}

/* What the filter looks at, extracted once per packet. */
struct pkt_meta {
	__u16 ethertype;
	__u8 l4proto;
	__u8 family; /* 0 (not IP), 4, 6 */
	__u8 has_ports;
	__u16 sport, dport;
	__u8 saddr[16], daddr[16];
};

/* The EtherType of the frame's network layer, and in *l3 where that layer
 * starts: from the version nibble on a raw-IP link, else from the Ethernet
 * header. 0 when the frame ends before it (or is raw and not IP). */
static __always_inline __u16 link_proto(void *data, void *end, int raw_ip, void **l3)
{
	if (raw_ip) {
		__u8 *v = data;
		if ((void *)(v + 1) > end)
			return 0;
		*l3 = data;
		return (*v >> 4) == 4 ? ETH_P_IP : (*v >> 4) == 6 ? ETH_P_IPV6 : 0;
	}
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end)
		return 0;
	*l3 = eth + 1;
	return bpf_ntohs(eth->h_proto);
}

static __always_inline void parse(void *data, void *end, struct pkt_meta *m, int raw_ip)
{
	void *l3 = data;
	m->ethertype = link_proto(data, end, raw_ip, &l3);
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

/* m: parsed from the packet (XDP) or a copy of its first bytes (tc, tracing). */
static __always_inline int filter_pass(const struct pkt_meta *mp, const struct xs_filter *f)
{
	__u32 n = f->n_conds;
	if (n == 0)
		return 1;
	const struct pkt_meta m = *mp;
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

/* The IP source of a frame for the block list: 4 or 6 with the address, 0
 * when not IP. Unlike the filter (tcpdump's semantics: no look past a VLAN
 * tag unless asked), up to two VLAN tags (802.1Q, 802.1ad) are skipped: a
 * blocked source must not get through by tagging its frames. */
static __always_inline int block_src(void *data, void *end, int raw_ip, __u8 *saddr)
{
	void *l3 = data;
	__u16 proto = link_proto(data, end, raw_ip, &l3);
	if (!raw_ip) {
#pragma unroll
		for (int i = 0; i < 2; i++) {
			if (proto != ETH_P_8021Q && proto != ETH_P_8021AD)
				break;
			__be16 *tag = l3; /* TCI, then the inner EtherType */
			if ((void *)(tag + 2) > end)
				return 0;
			proto = bpf_ntohs(tag[1]);
			l3 = tag + 2;
		}
	}
	if (proto == ETH_P_IP) {
		struct iphdr *ip = l3;
		if ((void *)(ip + 1) > end)
			return 0;
		__builtin_memcpy(saddr, &ip->saddr, 4);
		return 4;
	}
	if (proto == ETH_P_IPV6) {
		struct ipv6hdr *ip6 = l3;
		if ((void *)(ip6 + 1) > end)
			return 0;
		__builtin_memcpy(saddr, &ip6->saddr, 16);
		return 6;
	}
	return 0;
}

/* 1 when the frame's IP source is on the block list (counted there and in
 * cnt->blocked). Looked up only while the list has entries. */
static __always_inline int blocked_src(void *data, void *end, const struct xs_config *cfg,
				       struct xs_counters *cnt, __u32 wire_len)
{
	if (!cfg->blocks)
		return 0;
	struct xs_block_key k = {};
	int fam = block_src(data, end, cfg->raw_ip, k.addr);
	if (!fam)
		return 0;
	k.family = (__u8)fam;
	k.prefixlen = 8 + (fam == 6 ? 128 : 32);
	struct xs_block_val *v = bpf_map_lookup_elem(&blocklist, &k);
	if (!v)
		return 0;
	__u32 slot = v->slot;
	struct xs_block_count *c = bpf_map_lookup_elem(&block_counts, &slot);
	if (c) {
		c->packets++;
		c->bytes += wire_len;
	}
	cnt->blocked++;
	return 1;
}

static __always_inline void put_addr(__u8 *dst, const __u8 *src, __u8 family)
{
	if (family == 6) {
		__builtin_memcpy(dst, src, 16);
		return;
	}
	/* IPv4-mapped; 0.0.0.0 stays all zeros (the unspecified address) */
	__u32 v4;
	__builtin_memcpy(&v4, src, 4);
	__builtin_memset(dst, 0, 16);
	if (v4) {
		dst[10] = 0xff;
		dst[11] = 0xff;
		__builtin_memcpy(dst + 12, &v4, 4);
	}
}

struct attribution {
	__u32 pid;
	__u32 attr;
};

/*
 * The frame's local socket by its addresses: the connection's 5-tuple
 * first, then a socket bound to the local address and port, then one bound
 * to the port on every address. local_is_dst: ingress (we receive).
 */
static __always_inline int by_tuple(const struct pkt_meta *m, int local_is_dst, struct attribution *a)
{
	if (!port_known(local_is_dst ? m->dport : m->sport))
		return 0;
	struct xs_sock_key k = {};
	k.proto = m->l4proto;
	if (local_is_dst) {
		k.lport = m->dport;
		k.rport = m->sport;
		put_addr(k.laddr, m->daddr, m->family);
		put_addr(k.raddr, m->saddr, m->family);
	} else {
		k.lport = m->sport;
		k.rport = m->dport;
		put_addr(k.laddr, m->saddr, m->family);
		put_addr(k.raddr, m->daddr, m->family);
	}
	struct xs_sock_owner *o = bpf_map_lookup_elem(&xs_socks, &k);
	if (o) {
		a->pid = o->tgid;
		a->attr = XS_ATTR_FLOW;
		return 1;
	}
	k.rport = 0;
	__builtin_memset(k.raddr, 0, 16);
	o = bpf_map_lookup_elem(&xs_socks, &k);
	if (!o) {
		__builtin_memset(k.laddr, 0, 16);
		o = bpf_map_lookup_elem(&xs_socks, &k);
	}
	if (o) {
		a->pid = o->tgid;
		a->attr = XS_ATTR_BOUND;
		return 1;
	}
	return 0;
}

/* Egress (cookie: the skb's socket, 0 when it has none) or ingress. */
static __always_inline void xs_attribute(const struct xs_config *cfg, const struct pkt_meta *m, int egress, __u64 cookie,
					  struct attribution *a)
{
	a->pid = 0;
	a->attr = XS_ATTR_OFF;
	if (!cfg->proc)
		return;
	if (cookie) {
		struct xs_sock_owner *o = bpf_map_lookup_elem(&xs_cookies, &cookie);
		if (o) {
			a->pid = o->tgid;
			a->attr = XS_ATTR_SOCKET;
			/* A connected UDP socket's port is bound at connect(), where
			 * no hook sees it: learn its 5-tuple from what it sends, so
			 * the answers are named too. */
			if (m->has_ports && m->l4proto == IPPROTO_UDP) {
				struct xs_sock_key k = {};
				k.proto = IPPROTO_UDP;
				k.lport = m->sport;
				k.rport = m->dport;
				put_addr(k.laddr, m->saddr, m->family);
				put_addr(k.raddr, m->daddr, m->family);
				bpf_map_update_elem(&xs_socks, &k, o, BPF_NOEXIST);
				port_mark(k.lport);
			}
			return;
		}
	}
	if (!m->has_ports || (m->l4proto != IPPROTO_TCP && m->l4proto != IPPROTO_UDP)) {
		a->attr = XS_ATTR_NONE_PROTO;
		return;
	}
	if (by_tuple(m, !egress, a))
		return;
	a->attr = !egress ? XS_ATTR_NONE_PORT : cookie ? XS_ATTR_NONE_OLD : XS_ATTR_NONE_SKB;
}

/* Counts the frame; 0 when it arrived while paused (counted as such). */
static __always_inline int admit(struct xs_counters *cnt, const struct xs_config *cfg, __u32 wire_len)
{
	cnt->seen++;
	cnt->seen_bytes += wire_len;
	if (cfg->paused) {
		cnt->paused++;
		return 0;
	}
	return 1;
}

/* The active filter, or NULL when everything passes. */
static __always_inline const struct xs_filter *active_filter(const struct xs_config *cfg)
{
	__u32 slot = cfg->active_filter & 1;
	const struct xs_filter *f = bpf_map_lookup_elem(&filters, &slot);
	return f && f->n_conds ? f : 0;
}

/* 1-in-N sampling of what passed the filter; 0 = skipped (counted). */
static __always_inline int sampled_in(struct xs_counters *cnt, const struct xs_config *cfg)
{
	__u32 n = cfg->sample_n;
	if (n > 1) {
		__u32 zero = 0;
		__u64 *sc = bpf_map_lookup_elem(&sample_ctr, &zero);
		if (sc && __sync_fetch_and_add(sc, 1) % n != 0) {
			cnt->sampled_out++;
			return 0;
		}
	}
	return 1;
}

/* Bytes to copy: 64-bit and masked right before use, so the verifier keeps
 * the bound (the helper never sets snaplen above XS_MAX_SNAP - 1). */
static __always_inline __u64 cap_of(const struct xs_config *cfg, __u32 wire_len)
{
	__u64 cap = wire_len < cfg->snaplen ? wire_len : cfg->snaplen;
	return cap & XS_SNAP_MASK;
}

static __always_inline struct scratch *cpu_scratch(void)
{
	__u32 cpu = bpf_get_smp_processor_id();
	return bpf_map_lookup_elem(&scratch, &cpu);
}

static __always_inline void emit(struct xs_counters *cnt, struct scratch *s, __u64 cap, __u32 wire_len,
				 __u32 ifindex, __u32 queue, __u32 direction, __u32 action, const struct attribution *a)
{
	s->hdr.pid = a->pid;
	s->hdr.attr = a->attr;
	s->hdr.ts_mono_ns = bpf_ktime_get_ns();
	s->hdr.wire_len = wire_len;
	s->hdr.cap_len = cap;
	s->hdr.ifindex = ifindex;
	s->hdr.rx_queue = queue;
	s->hdr.direction = direction;
	s->hdr.xdp_action = action;
	if (bpf_ringbuf_output(&records, s, sizeof(s->hdr) + (cap & XS_SNAP_MASK), 0) != 0)
		cnt->ring_full++;
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
	/* A blocked frame is still counted and captured (marked XDP_DROP), then dropped. */
	int verdict = blocked_src((void *)(long)ctx->data, (void *)(long)ctx->data_end, cfg, cnt, wire_len)
		      ? XDP_DROP : XDP_PASS;
	if (!admit(cnt, cfg, wire_len))
		return verdict;
	const struct xs_filter *f = active_filter(cfg);
	struct pkt_meta m = {};
	if (f || cfg->proc)
		parse((void *)(long)ctx->data, (void *)(long)ctx->data_end, &m, cfg->raw_ip);
	if (f && !filter_pass(&m, f)) {
		cnt->filtered++;
		return verdict;
	}
	if (!sampled_in(cnt, cfg))
		return verdict;
	struct attribution a;
	xs_attribute(cfg, &m, 0, 0, &a);
	struct scratch *s = cpu_scratch();
	if (!s)
		return verdict;
	__u64 cap = cap_of(cfg, wire_len);
	if (cap < 1 || bpf_xdp_load_bytes(ctx, 0, s->data, cap) != 0) {
		/* Cannot happen for a well-formed frame; count it so nothing is hidden. */
		cnt->ring_full++;
		return verdict;
	}
	emit(cnt, s, cap, wire_len, ctx->ingress_ifindex, ctx->rx_queue_index, XS_PKT_IN,
	     verdict == XDP_DROP ? XDP_DROP : XS_NO_ACTION, &a);
	return verdict;
}

/* Enough for the headers the filter reads (Ethernet, IPv6 or IPv4 with
 * options, ports): copied first, so a frame the filter rejects costs no
 * full copy (an egress GSO frame can be 64 KiB). */
#define XS_PEEK 128u

/*
 * Egress. The skb is seen before segmentation: a GSO/TSO super-frame is one
 * record with its full length, as tcpdump (which taps at the same point)
 * shows it. bpf_skb_load_bytes reads paged data too.
 */
/* The tc verdict tc_capture's block check left in the scratch. */
static __always_inline int tc_verdict(const struct scratch *s)
{
	return s->hdr.xdp_action == XDP_DROP ? TC_ACT_SHOT : XS_TC_NEXT;
}

static __always_inline int tc_capture(struct __sk_buff *skb, __u32 direction, __u32 action)
{
	__u32 zero = 0;
	struct xs_counters *cnt = bpf_map_lookup_elem(&counters, &zero);
	struct xs_config *cfg = bpf_map_lookup_elem(&config, &zero);
	if (!cnt || !cfg)
		return XS_TC_NEXT;

	__u32 wire_len = skb->len;
	struct scratch *s = cpu_scratch();
	if (!s)
		return admit(cnt, cfg, wire_len), XS_TC_NEXT;
	/* Ingress only: behind a foreign XDP program, a blocked source is
	 * dropped here (TC_ACT_SHOT), marked as XDP_DROP like at the XDP hook.
	 * The action is kept in the scratch (a map value the verifier does not
	 * track), not in a register: two register states (blocked or not)
	 * carried through the filter and the attribution would double what the
	 * verifier walks, past its limit. */
	s->hdr.xdp_action = action;
	if (direction == XS_PKT_IN && cfg->blocks) {
		__u32 peek = wire_len < XS_PEEK ? wire_len : XS_PEEK;
		if (peek < 1 || bpf_skb_load_bytes(skb, 0, s->data, peek & (XS_PEEK * 2 - 1)) != 0)
			peek = 0;
		if (blocked_src(s->data, s->data + (peek & (XS_PEEK * 2 - 1)), cfg, cnt, wire_len))
			s->hdr.xdp_action = XDP_DROP;
	}
	if (!admit(cnt, cfg, wire_len))
		return tc_verdict(s);
	const struct xs_filter *f = active_filter(cfg);
	struct pkt_meta m = {};
	if (f || cfg->proc) {
		__u32 peek = wire_len < XS_PEEK ? wire_len : XS_PEEK;
		if (peek < 1 || bpf_skb_load_bytes(skb, 0, s->data, peek & (XS_PEEK * 2 - 1)) != 0)
			peek = 0;
		parse(s->data, s->data + (peek & (XS_PEEK * 2 - 1)), &m, cfg->raw_ip);
	}
	if (f && !filter_pass(&m, f)) {
		cnt->filtered++;
		return tc_verdict(s);
	}
	if (!sampled_in(cnt, cfg))
		return tc_verdict(s);
	struct attribution a;
	int egress = direction == XS_PKT_OUT;
	xs_attribute(cfg, &m, egress, egress ? bpf_get_socket_cookie(skb) : 0, &a);
	__u64 cap = cap_of(cfg, wire_len);
	if (cap < 1 || bpf_skb_load_bytes(skb, 0, s->data, cap) != 0) {
		cnt->ring_full++;
		return tc_verdict(s);
	}
	emit(cnt, s, cap, wire_len, skb->ifindex, direction == XS_PKT_IN ? skb->queue_mapping : 0, direction, s->hdr.xdp_action, &a);
	return tc_verdict(s);
}

SEC("tc")
int xdpscope_egress(struct __sk_buff *skb)
{
	return tc_capture(skb, XS_PKT_OUT, XS_NO_ACTION);
}

/*
 * Ingress behind a foreign XDP program when it cannot be traced (a kernel
 * that refuses fentry/fexit): tcx ingress runs after XDP, so it sees only
 * what that program passed — each frame here had XDP_PASS; drops, TX and
 * redirects never reach it.
 */
SEC("tc")
int xdpscope_ingress(struct __sk_buff *skb)
{
	return tc_capture(skb, XS_PKT_IN, XDP_PASS);
}

/*
 * Beside a foreign XDP program: fentry copies the frame as it arrives (before
 * that program may rewrite it), fexit adds the action it returned and emits
 * the record. Both run on the same CPU for one frame (XDP runs with
 * migration disabled, and a program run is never nested within itself), so
 * the per-CPU scratch carries the frame from one to the other. Kernel types
 * by CO-RE: the fields are found in the running kernel's BTF, whatever its
 * layout.
 */
struct net_device {
	int ifindex;
} __attribute__((preserve_access_index));

struct xdp_rxq_info {
	struct net_device *dev;
	__u32 queue_index;
} __attribute__((preserve_access_index));

struct xdp_buff {
	void *data;
	void *data_end;
	struct xdp_rxq_info *rxq;
} __attribute__((preserve_access_index));

/* Per CPU: the wire length of the frame fentry copied, 0 when none waits. */
XS_MAP(pending, BPF_MAP_TYPE_PERCPU_ARRAY, 1, __u32, __u32);

SEC("fentry/xdp")
int xdpscope_fentry(__u64 *ctx)
{
	struct xdp_buff *xdp = (struct xdp_buff *)ctx[0];
	__u32 zero = 0;
	__u32 *wait = bpf_map_lookup_elem(&pending, &zero);
	struct xs_counters *cnt = bpf_map_lookup_elem(&counters, &zero);
	struct xs_config *cfg = bpf_map_lookup_elem(&config, &zero);
	if (!wait || !cnt || !cfg)
		return 0;
	*wait = 0;
	/* The same program may serve other interfaces: only ours counts. */
	if (xdp->rxq->dev->ifindex != (int)cfg->ifindex)
		return 0;
	void *data = xdp->data, *data_end = xdp->data_end;
	/* The first buffer only: fragments of a multi-buffer frame are not
	 * reachable from here. */
	__u32 wire_len = (__u32)(data_end - data);
	if (!admit(cnt, cfg, wire_len))
		return 0;
	struct scratch *s = cpu_scratch();
	if (!s)
		return 0;
	__u64 cap = cap_of(cfg, wire_len);
	if (cap < 1 || bpf_probe_read_kernel(s->data, cap, data) != 0) {
		cnt->ring_full++;
		return 0;
	}
	const struct xs_filter *f = active_filter(cfg);
	struct pkt_meta m = {};
	if (f || cfg->proc)
		parse(s->data, s->data + cap, &m, cfg->raw_ip);
	if (f && !filter_pass(&m, f)) {
		cnt->filtered++;
		return 0;
	}
	if (!sampled_in(cnt, cfg))
		return 0;
	struct attribution a;
	xs_attribute(cfg, &m, 0, 0, &a);
	s->hdr.pid = a.pid;
	s->hdr.attr = a.attr;
	s->hdr.wire_len = wire_len;
	s->hdr.cap_len = cap;
	s->hdr.rx_queue = xdp->rxq->queue_index;
	*wait = wire_len ? wire_len : 1;
	return 0;
}

SEC("fexit/xdp")
int xdpscope_fexit(__u64 *ctx)
{
	__u32 zero = 0;
	__u32 *wait = bpf_map_lookup_elem(&pending, &zero);
	struct xs_counters *cnt = bpf_map_lookup_elem(&counters, &zero);
	struct xs_config *cfg = bpf_map_lookup_elem(&config, &zero);
	if (!wait || !*wait || !cnt || !cfg)
		return 0;
	*wait = 0;
	struct scratch *s = cpu_scratch();
	if (!s)
		return 0;
	/* ctx[1]: the traced program's return value, its XDP action */
	struct attribution a = {.pid = s->hdr.pid, .attr = s->hdr.attr};
	emit(cnt, s, s->hdr.cap_len, s->hdr.wire_len, cfg->ifindex, s->hdr.rx_queue, XS_PKT_IN, (__u32)ctx[1], &a);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
