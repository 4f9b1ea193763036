// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * Process attribution: which process owns each socket, learned in the
 * kernel when sockets are created, bound, connected, accepted and send, so
 * a process that lives 20 ms is still named (polling /proc would miss it).
 *
 * All hooks are cgroup-attached programs on the cgroup v2 root, each through
 * a bpf_link (gone with the helper, kill -9 included). They see every
 * socket of every network namespace: cgroup hooks are not per namespace.
 *  - sock_create (process context): socket cookie -> owner, and one event
 *    naming the process for the helper (it reads /proc/PID right then).
 *  - post_bind4/6: the bound local address and port -> owner (servers,
 *    explicitly bound clients).
 *  - sendmsg4/6 (unconnected UDP, after autobind): local address and port.
 *  - sock_ops TCP_CONNECT (active open, local port just chosen) and
 *    PASSIVE_ESTABLISHED (an accepted connection: its child socket, which no
 *    sock_create saw, inherits the listener's owner): the 5-tuple and the
 *    child's cookie.
 *  - sock_release: forget the socket's bound address, so a closed port is
 *    not named after its last owner.
 *  - raw_tracepoint sched_process_exec (optional): the path each process
 *    executed, by tgid. The helper, without capabilities once attached,
 *    may not read /proc/PID/exe of a process holding more capabilities
 *    than it (any root process): this names those too.
 * The capture programs (xdpscope.bpf.c) read the two maps; the definitions
 * must stay identical to theirs.
 */
#define __XS_BPF__
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/socket.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_core_read.h>
#include "xdpscope.h"
#include "maps.bpf.h"

#ifndef AF_INET
#define AF_INET 2
#endif
#ifndef AF_INET6
#define AF_INET6 10
#endif

#include "sockmaps.bpf.h"

XS_RINGBUF(proc_events, 256 << 10);

/* Events lost because the helper fell behind: the packets still carry the
 * pid, uid is in the socket maps; only the name is missing then. */
XS_MAP(proc_lost, BPF_MAP_TYPE_ARRAY, 1, __u32, __u64);

static __always_inline void addr4(__u8 *dst, __u32 a /* network order */)
{
	__builtin_memset(dst, 0, 16);
	if (a) {
		dst[10] = 0xff;
		dst[11] = 0xff;
		__builtin_memcpy(dst + 12, &a, 4);
	}
}

static __always_inline void addr6(__u8 *dst, const __u32 *a)
{
	__u32 w[4] = {a[0], a[1], a[2], a[3]};
	__builtin_memcpy(dst, w, 16);
}

/* The socket being created belongs to the calling process. */
SEC("cgroup/sock_create")
int xs_sock_create(struct bpf_sock *sk)
{
	if (sk->family != AF_INET && sk->family != AF_INET6)
		return 1;
	if (sk->protocol != IPPROTO_TCP && sk->protocol != IPPROTO_UDP)
		return 1;
	__u64 pt = bpf_get_current_pid_tgid(), ug = bpf_get_current_uid_gid();
	struct xs_sock_owner o = {.tgid = pt >> 32, .uid = (__u32)ug, .cookie = bpf_get_socket_cookie(sk)};
	bpf_map_update_elem(&xs_cookies, &o.cookie, &o, BPF_ANY);
	struct xs_proc_event *e = bpf_ringbuf_reserve(&proc_events, sizeof(*e), 0);
	if (!e) {
		__u32 zero = 0;
		__u64 *lost = bpf_map_lookup_elem(&proc_lost, &zero);
		if (lost)
			__sync_fetch_and_add(lost, 1);
		return 1;
	}
	e->tgid = o.tgid;
	e->tid = (__u32)pt;
	e->uid = (__u32)ug;
	e->gid = ug >> 32;
	e->cgroup_id = bpf_get_current_cgroup_id();
	e->netns_cookie = bpf_get_netns_cookie(sk);
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
	return 1;
}

/* The keys each socket was learned under, so its release removes them
 * (sock_release cannot read the socket's addresses). */
struct sock_keys {
	struct xs_sock_key bound;
	struct xs_sock_key flow;
};

XS_MAP(sock_keys, BPF_MAP_TYPE_LRU_HASH, XS_SOCK_ENTRIES, __u64, struct sock_keys);

/* Per CPU, too big for the stack beside a key. */
XS_MAP(keys_scratch, BPF_MAP_TYPE_PERCPU_ARRAY, 1, __u32, struct sock_keys);

/* Record k -> the owner of cookie (bound: the local address/port entry,
 * else the 5-tuple one), remembering the bound key for the release. */
static __always_inline void learn(const struct xs_sock_key *k, __u64 cookie, const struct xs_sock_owner *o, int bound)
{
	bpf_map_update_elem(&xs_socks, k, o, BPF_ANY);
	port_mark(k->lport);
	struct sock_keys *ks = bpf_map_lookup_elem(&sock_keys, &cookie);
	if (!ks) {
		__u32 zero = 0;
		ks = bpf_map_lookup_elem(&keys_scratch, &zero);
		if (!ks)
			return;
		__builtin_memset(ks, 0, sizeof(*ks));
		if (bound)
			ks->bound = *k;
		else
			ks->flow = *k;
		bpf_map_update_elem(&sock_keys, &cookie, ks, BPF_ANY);
		return;
	}
	if (bound)
		ks->bound = *k;
	else
		ks->flow = *k;
}

/* A bound socket's local address and port -> its owner (found by cookie). */
static __always_inline void learn_bound(__u32 proto, __u32 port, const __u8 *laddr, __u64 cookie)
{
	struct xs_sock_owner *o = bpf_map_lookup_elem(&xs_cookies, &cookie);
	if (!o)
		return;
	struct xs_sock_key k = {};
	k.proto = proto;
	k.lport = port;
	__builtin_memcpy(k.laddr, laddr, 16);
	struct xs_sock_owner v = *o;
	learn(&k, cookie, &v, 1);
}

/* Each hook reads only the fields its attach type may: an IPv4 hook never
 * touches src_ip6 and the other way round. */
static __always_inline void bound4(struct bpf_sock *sk, __u64 cookie)
{
	__u8 a[16];
	addr4(a, sk->src_ip4);
	learn_bound(sk->protocol, sk->src_port, a, cookie);
}

static __always_inline void bound6(struct bpf_sock *sk, __u64 cookie)
{
	__u8 a[16];
	__u32 w[4];
#pragma unroll
	for (int i = 0; i < 4; i++)
		w[i] = *(volatile __u32 *)&sk->src_ip6[i];
	addr6(a, w);
	learn_bound(sk->protocol, sk->src_port, a, cookie);
}

SEC("cgroup/post_bind4")
int xs_post_bind4(struct bpf_sock *sk)
{
	bound4(sk, bpf_get_socket_cookie(sk));
	return 1;
}

SEC("cgroup/post_bind6")
int xs_post_bind6(struct bpf_sock *sk)
{
	bound6(sk, bpf_get_socket_cookie(sk));
	return 1;
}

/* Unconnected UDP: the port was bound (autobind) just before this hook. */
SEC("cgroup/sendmsg4")
int xs_sendmsg4(struct bpf_sock_addr *ctx)
{
	struct bpf_sock *sk = ctx->sk;
	if (sk)
		bound4(sk, bpf_get_socket_cookie(ctx));
	return 1;
}

SEC("cgroup/sendmsg6")
int xs_sendmsg6(struct bpf_sock_addr *ctx)
{
	struct bpf_sock *sk = ctx->sk;
	if (sk)
		bound6(sk, bpf_get_socket_cookie(ctx));
	return 1;
}

static __always_inline void ops_key(struct bpf_sock_ops *ops, struct xs_sock_key *k)
{
	k->proto = IPPROTO_TCP;
	k->lport = (__u16)ops->local_port;
	/* network order in the upper half on little-endian kernels, the lower
	 * half on others: whichever half is not zero */
	__u32 rp = ops->remote_port;
	k->rport = rp >> 16 ? (__u16)bpf_ntohl(rp) : bpf_ntohs((__u16)rp);
	if (ops->family == AF_INET) {
		addr4(k->laddr, ops->local_ip4);
		addr4(k->raddr, ops->remote_ip4);
	} else {
		/* one 4-byte load each: the verifier refuses wider context reads */
		__u32 l[4], r[4];
#pragma unroll
		for (int i = 0; i < 4; i++) {
			l[i] = *(volatile __u32 *)&ops->local_ip6[i];
			r[i] = *(volatile __u32 *)&ops->remote_ip6[i];
		}
		addr6(k->laddr, l);
		addr6(k->raddr, r);
	}
}

SEC("sockops")
int xs_sockops(struct bpf_sock_ops *ops)
{
	if (ops->family != AF_INET && ops->family != AF_INET6)
		return 1;
	__u32 op = ops->op;
	if (op != BPF_SOCK_OPS_TCP_CONNECT_CB && op != BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB)
		return 1;
	__u64 cookie = bpf_get_socket_cookie(ops);
	struct xs_sock_key k = {};
	ops_key(ops, &k);
	struct xs_sock_owner v;
	if (op == BPF_SOCK_OPS_TCP_CONNECT_CB) {
		/* in connect(), after the local port was chosen */
		struct xs_sock_owner *o = bpf_map_lookup_elem(&xs_cookies, &cookie);
		if (!o)
			return 1;
		v = *o;
	} else {
		/* a new child of a listener (softirq: no process here): the
		 * listener's owner, by its bound address, then the port alone */
		struct xs_sock_key b = k;
		b.rport = 0;
		__builtin_memset(b.raddr, 0, 16);
		struct xs_sock_owner *o = bpf_map_lookup_elem(&xs_socks, &b);
		if (!o) {
			__builtin_memset(b.laddr, 0, 16);
			o = bpf_map_lookup_elem(&xs_socks, &b);
		}
		if (!o)
			return 1;
		v = *o;
		v.cookie = cookie;
		bpf_map_update_elem(&xs_cookies, &cookie, &v, BPF_ANY);
	}
	learn(&k, cookie, &v, 0);
	return 1;
}

/* A closed socket's bound address is no longer its own: a packet to that
 * port now finds no local socket. Its cookie (never reused) and 5-tuple
 * stay until evicted or overwritten: after close() the kernel still sends
 * the connection's last FIN and ACKs for it. */
static __always_inline void forget(const struct xs_sock_key *k, __u64 cookie)
{
	if (!k->proto)
		return;
	struct xs_sock_owner *o = bpf_map_lookup_elem(&xs_socks, k);
	if (o && o->cookie == cookie)
		bpf_map_delete_elem(&xs_socks, k);
}

SEC("cgroup/sock_release")
int xs_sock_release(struct bpf_sock *sk)
{
	__u64 cookie = bpf_get_socket_cookie(sk);
	struct sock_keys *ks = bpf_map_lookup_elem(&sock_keys, &cookie);
	if (!ks)
		return 1;
	forget(&ks->bound, cookie);
	bpf_map_delete_elem(&sock_keys, &cookie);
	return 1;
}

/* The executed path and the start of the arguments, for a process gone
 * before the helper reads /proc (struct xs_exec_info, bpf/xdpscope.h). */
XS_MAP(exe_paths, BPF_MAP_TYPE_LRU_HASH, 8192, __u32, struct xs_exec_info);

XS_MAP(exe_scratch, BPF_MAP_TYPE_PERCPU_ARRAY, 1, __u32, struct xs_exec_info);

/* Kernel types by CO-RE: the fields are found in the running kernel's BTF. */
struct linux_binprm {
	const char *filename;
} __attribute__((preserve_access_index));

struct mm_struct {
	unsigned long arg_start;
	unsigned long arg_end;
} __attribute__((preserve_access_index));

typedef struct {
	__u32 val;
} xs_kuid_t;

struct cred {
	xs_kuid_t uid;
} __attribute__((preserve_access_index));

struct task_struct {
	struct mm_struct *mm;
	int tgid;
	const struct cred *cred;
} __attribute__((preserve_access_index));

/* sched_process_exec(struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm),
 * in the new program's context: its arguments are in place on its stack. */
SEC("raw_tracepoint/sched_process_exec")
int xs_exec(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *task = (struct task_struct *)ctx->args[0];
	struct linux_binprm *bprm = (struct linux_binprm *)ctx->args[2];
	const char *fn = BPF_CORE_READ(bprm, filename);
	__u32 zero = 0;
	struct xs_exec_info *p = bpf_map_lookup_elem(&exe_scratch, &zero);
	if (!p || !fn)
		return 0;
	if (bpf_probe_read_kernel_str(p->path, sizeof(p->path), fn) <= 0)
		return 0;
	p->args_len = 0;
	unsigned long start = BPF_CORE_READ(task, mm, arg_start), end = BPF_CORE_READ(task, mm, arg_end);
	if (end > start) {
		__u32 n = end - start < XS_ARGS_MAX ? end - start : XS_ARGS_MAX;
		if (bpf_probe_read_user(p->args, n & (XS_ARGS_MAX - 1 + XS_ARGS_MAX), (void *)start) == 0)
			p->args_len = n;
	}
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	bpf_map_update_elem(&exe_paths, &tgid, p, BPF_ANY);
	return 0;
}

/*
 * Sockets that existed before the capture started: one pass over every
 * task's open files at start (a kernel iterator, not /proc polling),
 * recording each TCP/UDP socket's owner by cookie and its bound address or
 * 5-tuple, without overwriting what the hooks learned meanwhile. Optional:
 * a kernel that refuses iterators leaves those sockets unnamed.
 */
struct sock_common {
	__be32 skc_daddr;
	__be32 skc_rcv_saddr;
	__be16 skc_dport;
	__u16 skc_num;
	unsigned short skc_family;
	volatile unsigned char skc_state;
	struct {
		__s64 counter;
	} skc_cookie; /* atomic64_t: 0 until someone asked for the cookie */
	struct in6_addr skc_v6_daddr;
	struct in6_addr skc_v6_rcv_saddr;
} __attribute__((preserve_access_index));

struct sock {
	struct sock_common __sk_common;
	__u16 sk_protocol;
} __attribute__((preserve_access_index));

struct socket {
	struct sock *sk;
} __attribute__((preserve_access_index));

struct file;
struct bpf_iter_meta;

struct bpf_iter__task_file {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
	__u32 fd;
	struct file *file;
} __attribute__((preserve_access_index));

#define XS_TCP_LISTEN 10

SEC("iter/task_file")
int xs_seed(struct bpf_iter__task_file *ctx)
{
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	if (!task || !file)
		return 0;
	struct socket *sock = bpf_sock_from_file(file);
	if (!sock)
		return 0;
	struct sock *sk = BPF_CORE_READ(sock, sk);
	if (!sk)
		return 0;
	unsigned short family = BPF_CORE_READ(sk, __sk_common.skc_family);
	__u16 proto = BPF_CORE_READ(sk, sk_protocol);
	if ((family != AF_INET && family != AF_INET6) || (proto != IPPROTO_TCP && proto != IPPROTO_UDP))
		return 0;
	/* The socket's cookie if one was ever made (the helper that makes one
	 * refuses a pointer read from here); without it, egress finds the
	 * socket by its addresses like ingress does. */
	__u64 cookie = BPF_CORE_READ(sk, __sk_common.skc_cookie.counter);
	struct xs_sock_owner o = {.tgid = BPF_CORE_READ(task, tgid), .uid = BPF_CORE_READ(task, cred, uid.val), .cookie = cookie};
	if (cookie)
		bpf_map_update_elem(&xs_cookies, &cookie, &o, BPF_NOEXIST);
	struct xs_sock_key k = {};
	k.proto = proto;
	k.lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	__u16 dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (family == AF_INET) {
		addr4(k.laddr, BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr));
	} else {
		struct in6_addr a = BPF_CORE_READ(sk, __sk_common.skc_v6_rcv_saddr);
		__builtin_memcpy(k.laddr, &a, 16);
	}
	if (!k.lport)
		return 0;
	/* a listener or an unconnected UDP socket: its bound address; else its connection */
	if (!(proto == IPPROTO_TCP && BPF_CORE_READ(sk, __sk_common.skc_state) == XS_TCP_LISTEN) && dport) {
		k.rport = dport;
		if (family == AF_INET) {
			addr4(k.raddr, BPF_CORE_READ(sk, __sk_common.skc_daddr));
		} else {
			struct in6_addr a = BPF_CORE_READ(sk, __sk_common.skc_v6_daddr);
			__builtin_memcpy(k.raddr, &a, 16);
		}
	}
	bpf_map_update_elem(&xs_socks, &k, &o, BPF_NOEXIST);
	port_mark(k.lport);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
