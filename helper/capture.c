/*
 * `xdpscope-helper capture`: load the capture programs, attach them with
 * bpf_links (closing the fds — exit, crash or kill -9 — detaches them): XDP
 * for ingress, tcx for egress (a clsact filter on kernels before 6.6), and
 * relay ring buffer records to stdout in the framed protocol of
 * helper/PROTOCOL.md until stop / stdin EOF / SIGINT / SIGTERM.
 *
 * Backpressure: stdout is non-blocking and fed from one bounded buffer.
 * When the reader (Node) falls behind, the buffer fills, the helper stops
 * taking records from the ring, the ring fills and the kernel counts
 * ring_full drops. The helper itself never drops, blocks or hides a loss.
 */
#define _GNU_SOURCE
#include "common.h"
#include "filter.h"
#include "xdpscope.skel.h"
#include "harden.h"
#include "block.h"
#include "proc.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/pkt_cls.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/capability.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef CAP_BPF
#define CAP_BPF 39
#endif
/* enum bpf_attach_type values of kernel 6.6's uapi, newer than some build hosts' headers */
#define XS_BPF_TCX_INGRESS 46
#define XS_BPF_TCX_EGRESS 47
/* Our clsact filter's handle and priority: fixed, so a capture replaces a
 * filter a killed helper left behind instead of stacking a second one. */
#define XS_TC_HANDLE 0x5853
#define XS_TC_PRIO 0xc5

#ifndef F_SETPIPE_SZ
#define F_SETPIPE_SZ 1031
#endif

#define PACKETS_FRAME_MAX (256u << 10)
#define STATS_INTERVAL_NS 1000000000ull
#define COALESCE_BELOW 1024
#define COALESCE_NS 2000000
/* Longest control line: "filter " and the longest filter, with room to spare. */
#define CMD_LINE_MAX (XS_MAX_FILTER_LEN + 64)
/* A REPLY frame's largest payload: status + text. */
#define REPLY_MAX 600
/* Kept free of packets in the output buffer: one reply and one stats frame
 * always fit, so a control command waits for its reply's room (the reader
 * draining stdout), never loses its reply. */
#define CONTROL_RESERVE (2 * sizeof(struct xs_frame_hdr) + REPLY_MAX + sizeof(struct xs_stats))

/*
 * Beside a foreign XDP program, ingress is captured by tracing it
 * (fentry/fexit, as xdpdump does). Opening a program by id and reading its
 * BTF need CAP_SYS_ADMIN, which harden_startup() drops even for root; so
 * for a root caller xs_capture_prepare() does both first, and opens our
 * object with the attach targets set. Nothing here runs for a
 * capability-granted helper: tracing then is refused with a message.
 */
static struct {
	int fd;                    /* the foreign program, or -1 */
	unsigned int id;
	char name[BPF_OBJ_NAME_LEN];
	char func[128];            /* its entry function, from its BTF */
	struct xdpscope_bpf *skel; /* opened, fentry/fexit aimed at it */
	char err[200];             /* why not, when it could not be prepared */
} foreign = {.fd = -1};

/* Name of a program's main function (its first func_info), from its BTF. */
static int prog_func_name(int fd, char *out, size_t outlen)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len) || !info.btf_id || !info.nr_func_info)
		return -1;
	__u32 n = info.nr_func_info, btf_id = info.btf_id;
	struct bpf_func_info *fi = calloc(n, sizeof(*fi));
	if (!fi)
		return -1;
	memset(&info, 0, sizeof(info));
	info.nr_func_info = n;
	info.func_info_rec_size = sizeof(*fi);
	info.func_info = (__u64)(unsigned long)fi;
	len = sizeof(info);
	int rc = -1;
	struct btf *btf = NULL;
	if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0 && (btf = btf__load_from_kernel_by_id(btf_id)) != NULL) {
		const struct btf_type *t = btf__type_by_id(btf, fi[0].type_id);
		const char *name = t ? btf__name_by_offset(btf, t->name_off) : NULL;
		if (name && *name) {
			snprintf(out, outlen, "%s", name);
			rc = 0;
		}
	}
	btf__free(btf);
	free(fi);
	return rc;
}

static const char *arg_value(int argc, char **argv, const char *lng, const char *shrt)
{
	size_t n = strlen(lng);
	for (int i = 1; i < argc; i++) {
		if ((!strcmp(argv[i], lng) || (shrt && !strcmp(argv[i], shrt))) && i + 1 < argc)
			return argv[i + 1];
		if (!strncmp(argv[i], lng, n) && argv[i][n] == '=')
			return argv[i] + n + 1;
	}
	return NULL;
}

void xs_capture_prepare(int argc, char **argv)
{
	const char *iface = arg_value(argc, argv, "--iface", "-i");
	const char *dir = arg_value(argc, argv, "--direction", "-d");
	if (!iface || strlen(iface) >= IFNAMSIZ || (dir && !strcmp(dir, "out")))
		return;
	int ifindex = (int)if_nametoindex(iface);
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	if (!ifindex || bpf_xdp_query(ifindex, 0, &q) != 0)
		return;
	unsigned int id = q.drv_prog_id ? q.drv_prog_id : q.skb_prog_id ? q.skb_prog_id : q.hw_prog_id ? q.hw_prog_id : q.prog_id;
	if (!id || q.hw_prog_id == id)
		return; /* offloaded programs run on the NIC: nothing to trace */
	foreign.id = id;
	foreign.fd = bpf_prog_get_fd_by_id(id);
	if (foreign.fd < 0) {
		snprintf(foreign.err, sizeof(foreign.err), "cannot open it: %s", strerror(errno));
		return;
	}
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(foreign.fd, &info, &len) == 0)
		snprintf(foreign.name, sizeof(foreign.name), "%s", info.name);
	if (!strcmp(foreign.name, "xdpscope_captur"))
		return; /* another xdpscope: refused later */
	if (prog_func_name(foreign.fd, foreign.func, sizeof(foreign.func))) {
		snprintf(foreign.err, sizeof(foreign.err), "it has no BTF to trace it by");
		return;
	}
	foreign.skel = xdpscope_bpf__open();
	if (!foreign.skel ||
	    bpf_program__set_attach_target(foreign.skel->progs.xdpscope_fentry, foreign.fd, foreign.func) ||
	    bpf_program__set_attach_target(foreign.skel->progs.xdpscope_fexit, foreign.fd, foreign.func)) {
		snprintf(foreign.err, sizeof(foreign.err), "cannot aim fentry/fexit at %s(): %s", foreign.func, strerror(errno));
		xdpscope_bpf__destroy(foreign.skel);
		foreign.skel = NULL;
	}
}

struct relay {
	struct xdpscope_bpf *skel;
	struct bpf_link *trace_in, *trace_out; /* fentry/fexit on the foreign program */
	struct ring_buffer *rb;
	int link_fd;
	int egress_link_fd;   /* tcx link, or -1 */
	int egress_mode;      /* XS_EGRESS_* */
	int clsact_watch_fd;  /* clsact: closing it (exit, crash, kill -9) makes the watcher detach */
	pid_t clsact_watcher;
	int ifindex;
	unsigned int snaplen;
	int frags;
	/* output queue: bytes [head, tail) pending; an open PACKETS frame starts at frame_off */
	unsigned char *out;
	size_t out_cap, head, tail;
	long frame_off; /* -1 when no PACKETS frame is open */
	int stdout_blocked;
	__s64 rt_offset; /* CLOCK_REALTIME - CLOCK_MONOTONIC, ns */
	__u64 delivered;
	/* control input: bytes read from stdin, complete lines run in order */
	char in[4096];
	size_t in_len;
	int in_discard; /* dropping the rest of an over-long line */
	int stop;
	int out_broken;
};

static __u64 clock_ns(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

/* realtime - monotonic, from the tightest of a few bracketed samples. */
static __s64 realtime_offset(void)
{
	__s64 best = 0;
	__u64 best_gap = ~0ull;
	for (int i = 0; i < 5; i++) {
		__u64 m1 = clock_ns(CLOCK_MONOTONIC);
		__u64 r = clock_ns(CLOCK_REALTIME);
		__u64 m2 = clock_ns(CLOCK_MONOTONIC);
		if (m2 - m1 < best_gap) {
			best_gap = m2 - m1;
			best = (__s64)(r - (m1 + (m2 - m1) / 2));
		}
	}
	return best;
}

static size_t out_free(const struct relay *r) { return r->out_cap - r->tail; }

static void out_compact(struct relay *r)
{
	if (r->head == 0)
		return;
	memmove(r->out, r->out + r->head, r->tail - r->head);
	if (r->frame_off >= 0)
		r->frame_off -= (long)r->head;
	r->tail -= r->head;
	r->head = 0;
}

static void close_packets_frame(struct relay *r)
{
	if (r->frame_off < 0)
		return;
	struct xs_frame_hdr *h = (struct xs_frame_hdr *)(r->out + r->frame_off);
	h->len = (__u32)(r->tail - (size_t)r->frame_off - sizeof(*h));
	r->frame_off = -1;
}

/* Append a complete non-packet frame (closes any open packets frame first). */
static int put_frame(struct relay *r, __u32 type, const void *payload, __u32 len)
{
	close_packets_frame(r);
	if (out_free(r) < sizeof(struct xs_frame_hdr) + len)
		out_compact(r);
	if (out_free(r) < sizeof(struct xs_frame_hdr) + len)
		return -1;
	struct xs_frame_hdr h = {.type = type, .len = len};
	memcpy(r->out + r->tail, &h, sizeof(h));
	memcpy(r->out + r->tail + sizeof(h), payload, len);
	r->tail += sizeof(h) + len;
	return 0;
}

/* Room for one more record of the largest size, plus a frame header,
 * beyond the control reserve. */
static int has_room(struct relay *r)
{
	size_t need = sizeof(struct xs_frame_hdr) + sizeof(struct xs_wire_rec) + r->snaplen + 64 + CONTROL_RESERVE +
		      sizeof(struct xs_frame_hdr) + XS_PROC_FRAME_MAX;
	if (out_free(r) >= need)
		return 1;
	out_compact(r);
	return out_free(r) >= need;
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct relay *r = ctx;
	const struct xs_rec_hdr *k = data;
	if (size < sizeof(*k) || k->cap_len > size - sizeof(*k))
		return 0; /* cannot happen: the program writes header + cap_len */
	if (k->pid) {
		/* the process's description first, once per change (has_room kept space) */
		unsigned char desc[XS_PROC_FRAME_MAX];
		size_t n = xs_proc_frame(k->pid, desc);
		if (n)
			put_frame(r, XS_F_PROC, desc, (__u32)n);
	}
	if (r->frame_off < 0 || r->tail - (size_t)r->frame_off > PACKETS_FRAME_MAX) {
		close_packets_frame(r);
		r->frame_off = (long)r->tail;
		struct xs_frame_hdr h = {.type = XS_F_PACKETS, .len = 0};
		memcpy(r->out + r->tail, &h, sizeof(h));
		r->tail += sizeof(h);
	}
	struct xs_wire_rec w = {
		.ts_ns = (__u64)((__s64)k->ts_mono_ns + r->rt_offset),
		.wire_len = k->wire_len,
		.cap_len = k->cap_len,
		.ifindex = k->ifindex,
		.rx_queue = k->rx_queue,
		.direction = k->direction,
		.xdp_action = k->xdp_action,
		.pid = k->pid,
		.attr = k->attr,
	};
	memcpy(r->out + r->tail, &w, sizeof(w));
	memcpy(r->out + r->tail + sizeof(w), k + 1, k->cap_len);
	r->tail += sizeof(w) + k->cap_len;
	r->delivered++;
	/* Stop consuming (the record just copied is already accounted) when
	 * the next one might not fit: the ring keeps the rest. */
	return has_room(r) ? 0 : -EAGAIN;
}

/* Write what is pending. Returns -1 when stdout is gone. */
static int flush_out(struct relay *r, int blocking)
{
	close_packets_frame(r);
	while (r->head < r->tail) {
		ssize_t n = write(STDOUT_FILENO, r->out + r->head, r->tail - r->head);
		if (n > 0) {
			r->head += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			if (!blocking) {
				r->stdout_blocked = 1;
				return 0;
			}
			struct timespec ts = {0, 1000000};
			nanosleep(&ts, NULL);
			continue;
		}
		r->out_broken = 1;
		return -1;
	}
	r->head = r->tail = 0;
	r->stdout_blocked = 0;
	return 0;
}

static void read_counters(struct relay *r, struct xs_stats *s)
{
	int ncpu = libbpf_num_possible_cpus();
	struct xs_counters *per = calloc((size_t)ncpu, sizeof(*per));
	memset(s, 0, sizeof(*s));
	__u32 zero = 0;
	if (per && bpf_map__lookup_elem(r->skel->maps.counters, &zero, sizeof(zero), per,
					sizeof(*per) * (size_t)ncpu, 0) == 0) {
		for (int i = 0; i < ncpu; i++) {
			s->seen += per[i].seen;
			s->seen_bytes += per[i].seen_bytes;
			s->ring_full += per[i].ring_full;
			s->filtered += per[i].filtered + per[i].sampled_out;
			s->sampled_out += per[i].sampled_out;
			s->paused += per[i].paused;
			s->blocked += per[i].blocked;
		}
	}
	free(per);
	s->ts_ns = clock_ns(CLOCK_REALTIME);
	s->delivered = r->delivered;
	s->helper_drops = 0;
}

static int send_stats(struct relay *r, int final)
{
	struct xs_stats s;
	read_counters(r, &s);
	s.final = (__u32)final;
	return put_frame(r, XS_F_STATS, &s, sizeof(s));
}

/* Room for a reply and a stats frame (packets never take it: has_room). */
static int has_reply_room(struct relay *r)
{
	if (out_free(r) >= CONTROL_RESERVE)
		return 1;
	out_compact(r);
	return out_free(r) >= CONTROL_RESERVE;
}

/* Callers make room first (has_reply_room), so a reply is never dropped. */
static void reply(struct relay *r, __u32 status, const char *msg)
{
	unsigned char buf[REPLY_MAX];
	size_t n = strlen(msg);
	if (n > sizeof(buf) - 4)
		n = sizeof(buf) - 4;
	memcpy(buf, &status, 4);
	memcpy(buf + 4, msg, n);
	put_frame(r, XS_F_REPLY, buf, (__u32)(4 + n));
}

static struct xs_config get_config(struct relay *r)
{
	struct xs_config c = {0};
	__u32 zero = 0;
	bpf_map__lookup_elem(r->skel->maps.config, &zero, sizeof(zero), &c, sizeof(c), 0);
	return c;
}

static int set_config(struct relay *r, const struct xs_config *c)
{
	__u32 zero = 0;
	return bpf_map__update_elem(r->skel->maps.config, &zero, sizeof(zero), c, sizeof(*c), BPF_ANY);
}

/* Double-buffered: write the inactive slot, then flip. */
static int install_filter(struct relay *r, const struct xs_filter *f)
{
	struct xs_config c = get_config(r);
	__u32 slot = (c.active_filter ^ 1) & 1;
	if (bpf_map__update_elem(r->skel->maps.filters, &slot, sizeof(slot), f, sizeof(*f), BPF_ANY))
		return -1;
	c.active_filter = slot;
	return set_config(r, &c);
}

static void handle_command(struct relay *r, char *line)
{
	char *arg = strchr(line, ' ');
	if (arg)
		*arg++ = 0;
	char bmsg[REPLY_MAX - 4];
	int bst;
	if (xs_block_command(line, arg, clock_ns(CLOCK_MONOTONIC), bmsg, sizeof(bmsg), &bst)) {
		reply(r, (__u32)bst, bmsg);
		return;
	}
	if (!strcmp(line, "stop")) {
		r->stop = 1;
		reply(r, 0, "stop");
	} else if (!strcmp(line, "pause") || !strcmp(line, "resume")) {
		struct xs_config c = get_config(r);
		c.paused = line[0] == 'p';
		if (set_config(r, &c))
			reply(r, 1, "pause/resume: map update failed");
		else
			reply(r, 0, line);
	} else if (!strcmp(line, "filter")) {
		struct xs_filter f;
		char err[256];
		if (xs_filter_parse(arg, &f, err, sizeof(err)))
			reply(r, 1, err);
		else if (install_filter(r, &f))
			reply(r, 1, "filter: map update failed");
		else
			reply(r, 0, "filter");
	} else if (!strcmp(line, "sample")) {
		char *end = NULL;
		unsigned long n = arg ? strtoul(arg, &end, 10) : 0;
		if (!arg || !*arg || *end || n < 1 || n > 1000000000ul) {
			reply(r, 1, "sample: wants a number 1..1000000000");
			return;
		}
		struct xs_config c = get_config(r);
		c.sample_n = (__u32)n;
		if (set_config(r, &c))
			reply(r, 1, "sample: map update failed");
		else
			reply(r, 0, "sample");
	} else {
		char msg[REPLY_MAX];
		snprintf(msg, sizeof(msg), "unknown command '%.200s' (filter EXPR, sample N, pause, resume, stop, block ADDR[/LEN] TTL, unblock ADDR[/LEN], blocks)", line);
		reply(r, 1, msg);
	}
}

/*
 * Run the complete command lines read so far, in order, each only when its
 * reply has room; the rest wait for the reader to drain stdout (blocking:
 * wait for it here, as when stopping). A line longer than CMD_LINE_MAX is
 * answered with an error and skipped, never cut short and run.
 */
static void run_commands(struct relay *r, int blocking)
{
	size_t start = 0;
	for (;;) {
		char *line = r->in + start;
		char *nl = memchr(line, '\n', r->in_len - start);
		size_t len = nl ? (size_t)(nl - line) : r->in_len - start;
		int complete = nl != NULL, overlong = !r->in_discard && len > CMD_LINE_MAX;
		if (!complete && !overlong) {
			if (r->in_discard)
				start = r->in_len; /* more of the line being skipped */
			break;
		}
		if (!r->in_discard && (complete || overlong)) {
			while (!has_reply_room(r)) {
				if (!blocking || flush_out(r, 1))
					goto done;
			}
		}
		if (r->in_discard) {
			r->in_discard = 0; /* its end: the next line is a command again */
		} else if (overlong) {
			char msg[96];
			snprintf(msg, sizeof(msg), "command longer than %d bytes: ignored", CMD_LINE_MAX);
			reply(r, 1, msg);
			r->in_discard = !complete;
		} else if (len) {
			*nl = 0;
			handle_command(r, line);
		}
		start = complete ? (size_t)(nl - r->in) + 1 : r->in_len;
	}
done:
	memmove(r->in, r->in + start, r->in_len - start);
	r->in_len -= start;
}

/* True while a complete line waits for reply room, or the buffer is full:
 * then stdin is not read (the writer waits, nothing is lost). */
static int input_waiting(const struct relay *r)
{
	return r->in_len == sizeof(r->in) || memchr(r->in, '\n', r->in_len) != NULL;
}

/* Returns 0 normally, 1 on EOF. */
static int read_stdin(struct relay *r)
{
	if (r->in_len == sizeof(r->in))
		return 0;
	ssize_t n = read(STDIN_FILENO, r->in + r->in_len, sizeof(r->in) - r->in_len);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : 1;
	if (n == 0)
		return 1;
	r->in_len += (size_t)n;
	run_commands(r, 0);
	return 0;
}

static int has_caps(void)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) != 0)
		return 0;
	__u64 eff = (__u64)d[0].effective | ((__u64)d[1].effective << 32);
	int bpf = (eff >> CAP_BPF) & 1 || (eff >> CAP_SYS_ADMIN) & 1;
	int net = (eff >> CAP_NET_ADMIN) & 1;
	return bpf && net;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: xdpscope-helper capture --iface NAME [--mode auto|native|generic] [--snaplen N]\n"
		   "                               [--sample N] [--filter EXPR] [--ring-bytes N]\n"
		   "                               [--direction in|out|inout] [--egress-attach auto|tcx|clsact]\n"
		   "                               [--no-proc]\n");
}

static int parse_num(const char *opt, const char *s, unsigned long long min, unsigned long long max,
		     unsigned long long *out)
{
	char *end;
	errno = 0;
	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ') {
		xs_err("%s: '%s' is not a number (%llu..%llu)", opt, s ? s : "", min, max);
		return -1;
	}
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max) {
		xs_err("%s: '%s' is not a number in %llu..%llu", opt, s, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

/* trace: fentry/fexit on the foreign program; after: tcx ingress behind it */
static int load_program(struct relay *r, unsigned long long ring_bytes, int frags, int dirs, int trace, int after)
{
	if (trace) {
		/* opened before the capabilities were narrowed, targets set */
		r->skel = foreign.skel;
		foreign.skel = NULL;
	} else {
		r->skel = xdpscope_bpf__open();
	}
	if (!r->skel)
		return trace ? -EINVAL : -errno;
	int serr = xs_proc_share_maps(r->skel);
	if (serr) {
		xdpscope_bpf__destroy(r->skel);
		r->skel = NULL;
		return serr;
	}
	/* Only the programs this capture attaches: nothing else is verified or loaded. */
	bpf_program__set_autoload(r->skel->progs.xdpscope_capture, (dirs & XS_CAP_IN) && !trace && !after);
	bpf_program__set_autoload(r->skel->progs.xdpscope_ingress, after);
	bpf_program__set_autoload(r->skel->progs.xdpscope_egress, (dirs & XS_CAP_OUT) != 0);
	bpf_program__set_autoload(r->skel->progs.xdpscope_fentry, trace);
	bpf_program__set_autoload(r->skel->progs.xdpscope_fexit, trace);
	bpf_map__set_max_entries(r->skel->maps.records, (__u32)ring_bytes);
	int ncpu = libbpf_num_possible_cpus();
	bpf_map__set_max_entries(r->skel->maps.scratch, (__u32)(ncpu > 0 ? ncpu : 1));
	if (!frags) {
		struct bpf_program *p = r->skel->progs.xdpscope_capture;
		bpf_program__set_flags(p, bpf_program__flags(p) & ~BPF_F_XDP_HAS_FRAGS);
	}
	int err = xdpscope_bpf__load(r->skel);
	if (err) {
		xdpscope_bpf__destroy(r->skel);
		r->skel = NULL;
		return err;
	}
	r->frags = frags;
	return 0;
}

/* Our filter only. The clsact qdisc stays, even one we created: deleting it
 * would also delete any filter someone added to it meanwhile, and an empty
 * one costs next to nothing. */
static void clsact_remove(int ifindex)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, to, .handle = XS_TC_HANDLE, .priority = XS_TC_PRIO);
	bpf_tc_detach(&hook, &to);
}

/*
 * A clsact filter is not a link, and removing it needs CAP_NET_ADMIN, which
 * the helper drops once attached. So a watcher process keeps that one
 * capability, holds nothing else, and waits for the read end of a pipe whose
 * write end only the helper has: when the helper ends, however (kill -9
 * included), the pipe closes and the watcher removes the filter. Only a
 * kill -9 of the watcher too leaves the filter, until the next capture
 * there replaces it (same handle and priority).
 */
static int clsact_watch(struct relay *r)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
		dup2(devnull, STDIN_FILENO);
		dup2(devnull, STDOUT_FILENO); /* the reader waits for the helper's stdout to close, not ours */
		dup2(p[0], 3);
		syscall(SYS_close_range, 4u, ~0u, 0u); /* the links, maps and ring: the helper's alone */
		struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
		struct __user_cap_data_struct d[2];
		memset(d, 0, sizeof(d));
		d[CAP_NET_ADMIN / 32].effective = d[CAP_NET_ADMIN / 32].permitted = 1u << (CAP_NET_ADMIN % 32);
		syscall(SYS_capset, &h, d);
		char b;
		while (read(3, &b, 1) < 0 && errno == EINTR)
			;
		clsact_remove(r->ifindex);
		_exit(0);
	}
	close(p[0]);
	r->clsact_watch_fd = p[1];
	r->clsact_watcher = pid;
	return 0;
}

/*
 * Egress: a tcx link (kernel >= 6.6) goes with the helper however it ends.
 * Older kernels have only the clsact qdisc, whose filters are not links: a
 * watcher removes ours when the helper ends (clsact_watch).
 */
static int attach_egress(struct relay *r, const char *how, char *err, size_t errlen)
{
	int prog_fd = bpf_program__fd(r->skel->progs.xdpscope_egress);
	if (strcmp(how, "clsact")) {
		r->egress_link_fd = bpf_link_create(prog_fd, r->ifindex, XS_BPF_TCX_EGRESS, NULL);
		if (r->egress_link_fd >= 0) {
			fcntl(r->egress_link_fd, F_SETFD, FD_CLOEXEC);
			r->egress_mode = XS_EGRESS_TCX;
			return 0;
		}
		int e = errno;
		snprintf(err, errlen, "tcx: %s", strerror(e));
		/* EINVAL: a kernel without tcx; anything else is a real refusal */
		if (!strcmp(how, "tcx") || e != EINVAL)
			return -1;
	}
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = r->ifindex, .attach_point = BPF_TC_EGRESS);
	int rc = bpf_tc_hook_create(&hook);
	if (rc && rc != -EEXIST) {
		snprintf(err + strlen(err), errlen - strlen(err), "%sclsact qdisc: %s", err[0] ? "; " : "", strerror(-rc));
		return -1;
	}
	LIBBPF_OPTS(bpf_tc_opts, to, .prog_fd = prog_fd, .handle = XS_TC_HANDLE, .priority = XS_TC_PRIO,
		    .flags = BPF_TC_F_REPLACE);
	rc = bpf_tc_attach(&hook, &to);
	if (rc) {
		snprintf(err + strlen(err), errlen - strlen(err), "%sclsact filter: %s", err[0] ? "; " : "", strerror(-rc));
		return -1;
	}
	if (clsact_watch(r)) {
		snprintf(err + strlen(err), errlen - strlen(err), "%sclsact watcher: %s", err[0] ? "; " : "", strerror(errno));
		clsact_remove(r->ifindex);
		return -1;
	}
	r->egress_mode = XS_EGRESS_CLSACT;
	return 0;
}

/* Detach the egress program; for clsact, wake the watcher and wait for it,
 * so the filter is gone when the final stats are sent. */
static void detach_egress(struct relay *r)
{
	if (r->egress_link_fd >= 0) {
		close(r->egress_link_fd);
		r->egress_link_fd = -1;
	}
	if (r->clsact_watch_fd >= 0) {
		close(r->clsact_watch_fd);
		r->clsact_watch_fd = -1;
		while (waitpid(r->clsact_watcher, NULL, 0) < 0 && errno == EINTR)
			;
	}
}

static int xs_debug;
/* A step of starting process attribution (xs_proc_start, xs_proc_finish):
 * its failure only turns attribution off, and hello says why. Returns the
 * step's errno (positive), 0 when it went well. */
static int proc_step(int (*step)(char *err, size_t errlen))
{
	char perr[256] = "";
	int e = step(perr, sizeof(perr));
	if (e && xs_debug)
		xs_err("process attribution off: %s", perr);
	return -e;
}

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN && xs_debug)
		return vfprintf(stderr, fmt, ap);
	if (level == LIBBPF_DEBUG)
		return 0;
	return 0;
}

int xs_capture(int argc, char **argv)
{
	static const struct option opts[] = {
		{"iface", required_argument, 0, 'i'}, {"mode", required_argument, 0, 'm'},
		{"snaplen", required_argument, 0, 's'}, {"sample", required_argument, 0, 'n'},
		{"filter", required_argument, 0, 'f'}, {"ring-bytes", required_argument, 0, 'r'},
		{"direction", required_argument, 0, 'd'}, {"egress-attach", required_argument, 0, 'e'},
		{"help", no_argument, 0, 'h'}, {"verbose", no_argument, 0, 'v'}, {"no-proc", no_argument, 0, 'P'},
		{0, 0, 0, 0},
	};
	const char *iface = NULL, *mode = "auto", *filter = NULL, *direction = "inout", *egress_how = "auto";
	unsigned long long snaplen = 262144, sample = 1, ring_bytes = 8u << 20;
	int want_proc = 1;
	opterr = 0;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "+i:m:s:n:f:r:d:e:hv", opts, NULL)) != -1) {
		switch (c) {
		case 'i': iface = optarg; break;
		case 'm': mode = optarg; break;
		case 's': if (parse_num("--snaplen", optarg, 1, 262144, &snaplen)) return XS_EXIT_USAGE; break;
		case 'n': if (parse_num("--sample", optarg, 1, 1000000000, &sample)) return XS_EXIT_USAGE; break;
		case 'f': filter = optarg; break;
		case 'r': if (parse_num("--ring-bytes", optarg, 4096, 1ull << 30, &ring_bytes)) return XS_EXIT_USAGE; break;
		case 'd': direction = optarg; break;
		case 'e': egress_how = optarg; break;
		case 'h': usage(stdout); return XS_EXIT_OK;
		case 'v': xs_debug = 1; break;
		case 'P': want_proc = 0; break;
		default:
			xs_err("capture: unknown or incomplete option '%s'", argv[optind - 1]);
			return XS_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		xs_err("capture: unexpected argument '%s'", argv[optind]);
		return XS_EXIT_USAGE;
	}
	if (!iface) {
		xs_err("capture: --iface NAME is required");
		return XS_EXIT_USAGE;
	}
	if (strcmp(mode, "auto") && strcmp(mode, "native") && strcmp(mode, "generic")) {
		xs_err("--mode: '%s' is not auto, native or generic", mode);
		return XS_EXIT_USAGE;
	}
	/* tcpdump's -Q words */
	int dirs = !strcmp(direction, "in") ? XS_CAP_IN : !strcmp(direction, "out") ? XS_CAP_OUT
		 : !strcmp(direction, "inout") ? XS_CAP_IN | XS_CAP_OUT : 0;
	if (!dirs) {
		xs_err("--direction: '%s' is not in, out or inout", direction);
		return XS_EXIT_USAGE;
	}
	if (strcmp(egress_how, "auto") && strcmp(egress_how, "tcx") && strcmp(egress_how, "clsact")) {
		xs_err("--egress-attach: '%s' is not auto, tcx or clsact", egress_how);
		return XS_EXIT_USAGE;
	}
	if (ring_bytes & (ring_bytes - 1) || ring_bytes % (unsigned long long)sysconf(_SC_PAGESIZE)) {
		xs_err("--ring-bytes: %llu is not a power of two multiple of the page size", ring_bytes);
		return XS_EXIT_USAGE;
	}
	struct xs_filter flt;
	char ferr[256];
	if (xs_filter_parse(filter, &flt, ferr, sizeof(ferr))) {
		xs_err("%s", ferr);
		return XS_EXIT_FILTER;
	}
	size_t ilen = strlen(iface);
	if (ilen == 0 || ilen >= IFNAMSIZ || strchr(iface, '/') || strspn(iface, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-@") != ilen) {
		xs_err("--iface: '%s' is not a valid interface name", iface);
		return XS_EXIT_USAGE;
	}
	int ifindex = (int)if_nametoindex(iface);
	if (!ifindex) {
		xs_err("no such interface: '%s' (see 'xdpscope interfaces')", iface);
		return XS_EXIT_NOIFACE;
	}
	int link_type = 1, raw_ip = 0;
	{
		/* The link type follows the device's hardware type; the program's
		 * filter needs to know whether frames start with Ethernet or IP. */
		struct ifreq ifr;
		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", iface);
		int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		int hw = sock >= 0 && ioctl(sock, SIOCGIFHWADDR, &ifr) == 0 ? ifr.ifr_hwaddr.sa_family : -1;
		if (sock >= 0)
			close(sock);
		if (hw == ARPHRD_NONE) {
			link_type = 101; /* LINKTYPE_RAW */
			raw_ip = 1;
		} else if (hw != ARPHRD_ETHER && hw != ARPHRD_LOOPBACK) {
			xs_err("interface '%s' has hardware type %d; xdpscope captures Ethernet, loopback and raw-IP (tun, wireguard) devices", iface, hw);
			return XS_EXIT_ATTACH;
		}
	}
	if (!has_caps()) {
		xs_err("capture needs CAP_BPF and CAP_NET_ADMIN (or root); grant them once with "
		       "'sudo xdpscope grant' or 'sudo setcap cap_bpf,cap_net_admin,cap_perfmon+ep <path to xdpscope-helper>'");
		return XS_EXIT_PRIV;
	}
	/* Never touch a program we did not attach: trace it (fentry/fexit), or
	 * refuse. Egress alone never meets it. */
	int trace = 0, after = 0;
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	if ((dirs & XS_CAP_IN) && bpf_xdp_query(ifindex, 0, &q) == 0 && (q.prog_id || q.drv_prog_id || q.skb_prog_id || q.hw_prog_id)) {
		unsigned int id = q.drv_prog_id ? q.drv_prog_id : q.skb_prog_id ? q.skb_prog_id : q.hw_prog_id ? q.hw_prog_id : q.prog_id;
		char name[64];
		xs_prog_name(id, name, sizeof(name));
		if (!strcmp(name, "xdpscope_captur")) {
			xs_err("interface '%s' is already being captured by another xdpscope (XDP program id %u); "
			       "stop that capture first", iface, id);
			return XS_EXIT_BUSY;
		}
		/* Never replaced: traced when possible (root, a kernel that allows
		 * fentry/fexit), else captured behind it (what it passes). */
		if (foreign.skel && foreign.id == id)
			trace = 1;
		else
			after = 1;
		if (!foreign.id) {
			foreign.id = id;
			snprintf(foreign.name, sizeof(foreign.name), "%.15s", name);
		}
	}

	libbpf_set_print(quiet_print);
	/* Process attribution first: the capture programs share its maps,
	 * created here; its programs load in a thread meanwhile (joined after
	 * the capture object's load). Its failure only turns it off (hello
	 * says why). */
	int proc_errno = 0;
	if (want_proc)
		proc_errno = proc_step(xs_proc_start);
	struct relay r = {.link_fd = -1, .egress_link_fd = -1, .clsact_watch_fd = -1, .ifindex = ifindex, .frame_off = -1};
	r.snaplen = snaplen < XS_MAX_SNAP - 1 ? (unsigned int)snaplen : XS_MAX_SNAP - 1;
	int err = load_program(&r, ring_bytes, 1, dirs, trace, after);
	if (err && trace) {
		/* Some kernels refuse tracing programs outright (EPERM even for
		 * root): then capture behind the foreign program instead. */
		if (xs_debug)
			xs_err("tracing XDP program %u refused (%s): capturing behind it", foreign.id, strerror(-err));
		trace = 0;
		after = 1;
		err = load_program(&r, ring_bytes, 1, dirs, 0, 1);
	}
	if (err && !trace && !after)
		err = load_program(&r, ring_bytes, 0, dirs, 0, 0);
	if (err) {
		xs_err("could not load the XDP program: %s", strerror(-err));
		return XS_EXIT_ATTACH;
	}
	if (want_proc && !proc_errno)
		proc_errno = proc_step(xs_proc_finish);
	struct xs_config cfg = {.snaplen = r.snaplen, .sample_n = (__u32)sample, .active_filter = 0, .paused = 0, .raw_ip = (__u32)raw_ip,
				 .ifindex = (__u32)ifindex, .proc = (__u32)xs_proc_running()};
	__u32 zero = 0;
	if (bpf_map__update_elem(r.skel->maps.filters, &zero, sizeof(zero), &flt, sizeof(flt), BPF_ANY) ||
	    set_config(&r, &cfg)) {
		xs_err("could not configure the XDP program: %s", strerror(errno));
		xdpscope_bpf__destroy(r.skel);
		return XS_EXIT_RUNTIME;
	}

	int prog_fd = bpf_program__fd(r.skel->progs.xdpscope_capture);
	int used_mode = 0;
	const int try_native = (dirs & XS_CAP_IN) && !trace && !after && strcmp(mode, "generic") != 0;
	const int try_generic = (dirs & XS_CAP_IN) && !trace && !after && strcmp(mode, "native") != 0;
	char attach_err[256] = "";
	if (try_native) {
		LIBBPF_OPTS(bpf_link_create_opts, lo, .flags = XDP_FLAGS_DRV_MODE);
		r.link_fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &lo);
		if (r.link_fd >= 0)
			used_mode = XS_MODE_NATIVE;
		else
			snprintf(attach_err, sizeof(attach_err), "native: %s", strerror(errno));
	}
	if (r.link_fd < 0 && try_generic) {
		LIBBPF_OPTS(bpf_link_create_opts, lo, .flags = XDP_FLAGS_SKB_MODE);
		r.link_fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &lo);
		if (r.link_fd >= 0)
			used_mode = XS_MODE_GENERIC;
		else
			snprintf(attach_err + strlen(attach_err), sizeof(attach_err) - strlen(attach_err),
				 "%sgeneric: %s", attach_err[0] ? "; " : "", strerror(errno));
	}
	if (trace) {
		r.trace_in = bpf_program__attach_trace(r.skel->progs.xdpscope_fentry);
		r.trace_out = r.trace_in ? bpf_program__attach_trace(r.skel->progs.xdpscope_fexit) : NULL;
		if (!r.trace_out) {
			xs_err("could not trace XDP program %u '%s' (%s()) on '%s': %s", foreign.id, foreign.name, foreign.func, iface, strerror(errno));
			bpf_link__destroy(r.trace_in);
			xdpscope_bpf__destroy(r.skel);
			return XS_EXIT_ATTACH;
		}
		used_mode = XS_MODE_TRACE;
	}
	if (after) {
		r.link_fd = bpf_link_create(bpf_program__fd(r.skel->progs.xdpscope_ingress), ifindex, XS_BPF_TCX_INGRESS, NULL);
		if (r.link_fd < 0) {
			xs_err("interface '%s' has an XDP program that is not ours (id %u, '%s'), never replaced; "
			       "capturing beside it needs tracing it (refused: %s) or tcx ingress (kernel >= 6.6: %s); "
			       "'--direction out' captures egress only",
			       iface, foreign.id, foreign.name, foreign.err[0] ? foreign.err : "needs root", strerror(errno));
			xdpscope_bpf__destroy(r.skel);
			return XS_EXIT_BUSY;
		}
		used_mode = XS_MODE_AFTER;
	}
	if ((dirs & XS_CAP_IN) && !trace && !after && r.link_fd < 0) {
		xs_err("could not attach to '%s' (%s)", iface, attach_err);
		xdpscope_bpf__destroy(r.skel);
		return XS_EXIT_ATTACH;
	}
	if (r.link_fd >= 0)
		fcntl(r.link_fd, F_SETFD, FD_CLOEXEC);
	if (dirs & XS_CAP_OUT) {
		char eerr[256] = "";
		if (attach_egress(&r, egress_how, eerr, sizeof(eerr))) {
			xs_err("could not attach to the egress of '%s' (%s)", iface, eerr);
			if (r.link_fd >= 0)
				close(r.link_fd);
			bpf_link__destroy(r.trace_out);
			bpf_link__destroy(r.trace_in);
			xdpscope_bpf__destroy(r.skel);
			return XS_EXIT_ATTACH;
		}
	}

	xs_block_setup(bpf_map__fd(r.skel->maps.blocklist), bpf_map__fd(r.skel->maps.block_counts), bpf_map__fd(r.skel->maps.config),
		       !(dirs & XS_CAP_IN) ? "this capture is egress only; blocking drops received frames and needs ingress"
		       : trace ? "beside a traced foreign XDP program frames can only be watched, not dropped (its verdict stands)"
		       : NULL);
	/* Process events first: ring_buffer__consume() drains rings in the order
	 * added, so a socket's owner is known before its packets are relayed. */
	if (xs_proc_running()) {
		r.rb = ring_buffer__new(xs_proc_events_fd(), xs_proc_on_event, &r, NULL);
		if (r.rb && ring_buffer__add(r.rb, bpf_map__fd(r.skel->maps.records), on_record, &r)) {
			ring_buffer__free(r.rb);
			r.rb = NULL;
		}
	} else {
		r.rb = ring_buffer__new(bpf_map__fd(r.skel->maps.records), on_record, &r, NULL);
	}
	/* As large as the ring (1..8 MiB): enough to batch writes, never a
	 * hidden second ring much larger than the one the user sized. */
	r.out_cap = ring_bytes < (1u << 20) ? (1u << 20) : ring_bytes > (8u << 20) ? (8u << 20) : (size_t)ring_bytes;
	r.out = malloc(r.out_cap);
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	int sfd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	int rc = XS_EXIT_OK;
	if (!r.rb || !r.out || sfd < 0 || ep < 0) {
		xs_err("could not set up the relay: %s", strerror(errno));
		rc = XS_EXIT_RUNTIME;
		goto out;
	}

	/* Attached, maps and ring mapped: nothing below needs a capability. */
	if (harden_drop_privileges() != 0) {
		rc = XS_EXIT_RUNTIME;
		goto out;
	}

	int out_flags = fcntl(STDOUT_FILENO, F_GETFL);
	fcntl(STDOUT_FILENO, F_SETFL, out_flags | O_NONBLOCK);
	fcntl(STDOUT_FILENO, F_SETPIPE_SZ, 1 << 20); /* fewer wakeups; fine if refused */

	struct xs_hello hello = {
		.version = XS_PROTO_VERSION, .ifindex = (__u32)ifindex, .link_type = (__u32)link_type,
		.mode = (__u32)used_mode, .snaplen = r.snaplen, .flags = (r.frags ? 1u : 0u) | (xs_proc_running() ? 2u : 0u),
		.proc_errno = (__u32)proc_errno,
		.ring_bytes = (__u32)ring_bytes, .directions = (__u32)dirs, .egress_mode = (__u32)r.egress_mode,
	};
	struct bpf_prog_info pinfo;
	__u32 plen = sizeof(pinfo);
	memset(&pinfo, 0, sizeof(pinfo));
	int id_fd = after ? bpf_program__fd(r.skel->progs.xdpscope_ingress) : r.link_fd >= 0 ? prog_fd
		    : trace ? bpf_program__fd(r.skel->progs.xdpscope_fentry) : bpf_program__fd(r.skel->progs.xdpscope_egress);
	if (trace || after) {
		hello.foreign_id = foreign.id;
		snprintf(hello.foreign_name, sizeof(hello.foreign_name), "%s", foreign.name);
	}
	if (bpf_obj_get_info_by_fd(id_fd, &pinfo, &plen) == 0)
		hello.prog_id = pinfo.id;
	snprintf(hello.ifname, sizeof(hello.ifname), "%s", iface);
	r.rt_offset = realtime_offset();
	put_frame(&r, XS_F_HELLO, &hello, sizeof(hello));
	send_stats(&r, 0);

	enum { EV_RING = 1, EV_STDIN, EV_STDOUT, EV_SIG };
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = EV_RING};
	epoll_ctl(ep, EPOLL_CTL_ADD, ring_buffer__epoll_fd(r.rb), &ev);
	int ring_watched = 1, out_watched = 0, in_watched = 1;
	ev = (struct epoll_event){.events = EPOLLIN, .data.u32 = EV_STDIN};
	int stdin_open = epoll_ctl(ep, EPOLL_CTL_ADD, STDIN_FILENO, &ev) == 0;
	if (!stdin_open && errno == EPERM) {
		/* A regular file or /dev/null: not pollable, and it never blocks.
		 * Run its commands now (waiting for the reader where a reply needs
		 * room); its end is EOF, which means stop. */
		while (!r.out_broken && !read_stdin(&r))
			run_commands(&r, 1);
		r.stop = 1;
	}
	ev = (struct epoll_event){.events = 0, .data.u32 = EV_STDOUT};
	epoll_ctl(ep, EPOLL_CTL_ADD, STDOUT_FILENO, &ev);
	ev = (struct epoll_event){.events = EPOLLIN, .data.u32 = EV_SIG};
	epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev);

	__u64 next_stats = clock_ns(CLOCK_MONOTONIC) + STATS_INTERVAL_NS;
	while (!r.stop && !r.out_broken) {
		/* Watch the ring only while there is room; stdout only while blocked. */
		int want_ring = has_room(&r);
		if (want_ring != ring_watched) {
			ev = (struct epoll_event){.events = want_ring ? EPOLLIN : 0, .data.u32 = EV_RING};
			epoll_ctl(ep, EPOLL_CTL_MOD, ring_buffer__epoll_fd(r.rb), &ev);
			ring_watched = want_ring;
		}
		if (r.stdout_blocked != out_watched) {
			ev = (struct epoll_event){.events = r.stdout_blocked ? EPOLLOUT : 0, .data.u32 = EV_STDOUT};
			epoll_ctl(ep, EPOLL_CTL_MOD, STDOUT_FILENO, &ev);
			out_watched = r.stdout_blocked;
		}
		/* Stdin only while no command waits for its reply's room (removed,
		 * not masked: a hang-up is reported whatever the mask). */
		int want_in = stdin_open && !input_waiting(&r);
		if (stdin_open && want_in != in_watched) {
			ev = (struct epoll_event){.events = EPOLLIN, .data.u32 = EV_STDIN};
			epoll_ctl(ep, want_in ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, STDIN_FILENO, &ev);
			in_watched = want_in;
		}

		__u64 now = clock_ns(CLOCK_MONOTONIC);
		__u64 wake = next_stats, expiry = xs_block_next();
		if (expiry && expiry < wake)
			wake = expiry;
		int timeout = now >= wake ? 0 : (int)((wake - now) / 1000000) + 1;
		struct epoll_event evs[4];
		int n = epoll_wait(ep, evs, 4, timeout);
		if (n < 0 && errno != EINTR) {
			xs_err("epoll_wait: %s", strerror(errno));
			rc = XS_EXIT_RUNTIME;
			break;
		}
		for (int i = 0; i < n; i++) {
			switch (evs[i].data.u32) {
			case EV_SIG: {
				struct signalfd_siginfo si;
				while (read(sfd, &si, sizeof(si)) == sizeof(si))
					r.stop = 1;
				break;
			}
			case EV_STDIN:
				if (read_stdin(&r)) {
					/* EOF: our parent is gone or done. Answer what it
					 * sent before (stop's drain waits for the reader too). */
					run_commands(&r, 1);
					r.stop = 1;
					epoll_ctl(ep, EPOLL_CTL_DEL, STDIN_FILENO, NULL);
					stdin_open = 0;
				}
				break;
			default:
				break;
			}
		}
		__u64 before = r.delivered;
		if (has_room(&r)) {
			int got = ring_buffer__consume(r.rb);
			if (got < 0 && got != -EAGAIN) {
				xs_err("ring buffer: %s", strerror(-got));
				rc = XS_EXIT_RUNTIME;
				break;
			}
		}
		__u64 batch = r.delivered - before;
		now = clock_ns(CLOCK_MONOTONIC);
		if (xs_block_next() && now >= xs_block_next())
			xs_block_expire(now);
		if (now >= next_stats) {
			r.rt_offset = realtime_offset();
			send_stats(&r, 0);
			next_stats = now + STATS_INTERVAL_NS;
		}
		flush_out(&r, 0);
		if (input_waiting(&r))
			run_commands(&r, 0);
		/* Coalesce: a trickle of records would otherwise cost a wakeup, a
		 * ring poll and a pipe write each. Waiting a moment lets them
		 * gather (the ring holds far more than a few ms of traffic); an
		 * idle ring still wakes us on its first record. */
		if (batch > 0 && batch < COALESCE_BELOW && !r.stop) {
			struct timespec ts = {0, COALESCE_NS};
			nanosleep(&ts, NULL);
		}
	}

out:
	/* Detach first, let in-flight program runs finish, then drain so the
	 * final counters balance: seen == delivered + ring_full + filtered + paused. */
	if (r.link_fd >= 0) {
		close(r.link_fd);
		r.link_fd = -1;
	}
	bpf_link__destroy(r.trace_out);
	bpf_link__destroy(r.trace_in);
	r.trace_in = r.trace_out = NULL;
	detach_egress(&r);
	if (rc == XS_EXIT_OK && !r.out_broken && r.rb) {
		struct timespec ts = {0, 50 * 1000000};
		nanosleep(&ts, NULL);
		for (;;) {
			if (!has_room(&r) && flush_out(&r, 1))
				break;
			int got = ring_buffer__consume(r.rb);
			if (got == 0 || (got < 0 && got != -EAGAIN))
				break;
		}
		send_stats(&r, 1);
		flush_out(&r, 1);
	}
	if (r.rb)
		ring_buffer__free(r.rb);
	xdpscope_bpf__destroy(r.skel);
	xs_proc_stop();
	free(r.out);
	if (sfd >= 0)
		close(sfd);
	if (ep >= 0)
		close(ep);
	return rc;
}
