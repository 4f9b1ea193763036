/*
 * Process attribution, helper side (see proc.h and bpf/proc.bpf.c).
 *
 * The kernel names each socket's process (tgid, comm, uid, gid, cgroup id)
 * in the socket's creating context and sends one event per socket; the
 * capture records carry only the pid. Here each process is described once
 * per change: exe path, command line, user name, container id and cgroup
 * path, read from /proc the moment its event arrives (a short-lived client
 * is usually still there; when it is not, the kernel's fields remain and
 * the cgroup path is found by its id). Descriptions go out as PROC frames,
 * each before the first packet record naming its pid. Everything is bounded:
 * PROC_SLOTS processes, fixed-size strings, a cgroup walk of at most
 * CG_WALK_MAX directories, cached per cgroup id.
 */
#define _GNU_SOURCE
#include "proc.h"
#include "common.h"
#include "xdpscope.h"
#include "xdpscope.skel.h"
#include "proc.skel.h"

#include <bpf/bpf.h>
#include <dirent.h>
#include <pthread.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROC_SLOTS 4096
#define PROBE 8
#define EXE_MAX 256
#define CMD_MAX 1024
#define USER_MAX 33
#define CTR_MAX 72
#define CG_MAX 256
#define CG_CACHE 128
#define CG_WALK_MAX 20000
#define USER_CACHE 64

struct proc_desc {
	unsigned int pid; /* 0: free slot */
	unsigned int uid, gid;
	unsigned long long cgroup_id;
	char comm[16];
	char exe[EXE_MAX];
	char cmd[CMD_MAX]; /* arguments separated by NUL, as /proc has them */
	unsigned int cmd_len;
	char user[USER_MAX];
	char ctr[CTR_MAX];
	char cgroup[CG_MAX];
	int from_proc;
	int sent;
	unsigned long long used; /* for eviction: the least recently used goes */
};

static struct {
	struct proc_bpf *skel;
	struct bpf_link *links[10];
	int nlinks;
	int cgroup_fd;
	/* the maps shared with the capture programs, created first so both
	 * objects can load at the same time */
	int socks_fd, cookies_fd, ports_fd;
	pthread_t loader;
	int loading;
	int load_rc;
	char load_err[256];
	char cg_root[256]; /* the cgroup v2 mount point */
	struct proc_desc *slots;
	unsigned long long tick;
	struct { unsigned long long id; char path[CG_MAX]; } cg_cache[CG_CACHE];
	int cg_next;
	struct { unsigned int uid; char name[USER_MAX]; } users[USER_CACHE];
	int users_next;
} P = {.cgroup_fd = -1, .socks_fd = -1, .cookies_fd = -1, .ports_fd = -1};

int xs_proc_running(void) { return P.skel != NULL; }

int xs_proc_events_fd(void) { return P.skel ? bpf_map__fd(P.skel->maps.proc_events) : -1; }

/* The cgroup v2 mount: "/sys/fs/cgroup" on unified hosts, ".../unified" on hybrid ones. */
static int find_cgroup2_in(const char *mountinfo, const char *prefix, char *out, size_t outlen)
{
	FILE *f = fopen(mountinfo, "re");
	if (!f)
		return -1;
	char line[1024];
	int rc = -1;
	while (fgets(line, sizeof(line), f)) {
		/* ... mount_point ... - fstype source opts */
		char *dash = strstr(line, " - ");
		if (!dash || strncmp(dash + 3, "cgroup2 ", 8))
			continue;
		char *p = line;
		for (int i = 0; i < 4 && p; i++)
			p = strchr(p + 1, ' ');
		if (!p)
			continue;
		char *e = strchr(p + 1, ' ');
		if (!e)
			continue;
		*e = 0;
		if ((size_t)snprintf(out, outlen, "%s%s", prefix, p + 1) < outlen)
			rc = 0;
		break;
	}
	fclose(f);
	return rc;
}

/*
 * Ours, else init's: `ip netns exec` gives its command a fresh /sys without
 * the cgroup mounts, yet the hierarchy (one per host) is the same, reachable
 * through init's root.
 */
static int find_cgroup2(char *out, size_t outlen)
{
	if (find_cgroup2_in("/proc/self/mountinfo", "", out, outlen) == 0)
		return 0;
	return find_cgroup2_in("/proc/1/mountinfo", "/proc/1/root", out, outlen);
}

static int prep_errno = ENOENT;

void xs_proc_prepare(void)
{
	if (find_cgroup2(P.cg_root, sizeof(P.cg_root)))
		return;
	P.cgroup_fd = open(P.cg_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	prep_errno = P.cgroup_fd < 0 ? errno : 0;
}

/* Load and attach (the loader thread): -errno and why in err on failure. */
static int load_and_attach(char *err, size_t errlen)
{
	/* The exec tracepoint and the seeding iterator are refinements:
	 * without them (a kernel that refuses tracing programs, no BTF for
	 * CO-RE) the hooks still run. Tried with both, then the tracepoint
	 * alone, then neither. */
	static const int extras[][2] = {{1, 1}, {1, 0}, {0, 0}};
	int seed = 0;
	for (size_t v = 0; v < 3 && !P.skel; v++) {
		P.skel = proc_bpf__open();
		if (!P.skel)
			break;
		if (bpf_map__reuse_fd(P.skel->maps.xs_socks, P.socks_fd) || bpf_map__reuse_fd(P.skel->maps.xs_cookies, P.cookies_fd) ||
		    bpf_map__reuse_fd(P.skel->maps.xs_ports, P.ports_fd)) {
			int e = errno;
			proc_bpf__destroy(P.skel);
			P.skel = NULL;
			errno = e;
			break;
		}
		bpf_program__set_autoload(P.skel->progs.xs_exec, extras[v][0]);
		bpf_program__set_autoload(P.skel->progs.xs_seed, extras[v][1]);
		if (proc_bpf__load(P.skel)) {
			int e = errno;
			proc_bpf__destroy(P.skel);
			P.skel = NULL;
			errno = e;
			continue;
		}
		if (extras[v][0]) {
			struct bpf_link *l = bpf_program__attach_raw_tracepoint(P.skel->progs.xs_exec, "sched_process_exec");
			if (l)
				P.links[P.nlinks++] = l;
		}
		seed = extras[v][1];
	}
	if (!P.skel) {
		int e = errno;
		snprintf(err, errlen, "loading the attribution programs: %s", strerror(e));
		return -e;
	}
	struct bpf_program *progs[] = {
		P.skel->progs.xs_sock_create, P.skel->progs.xs_post_bind4, P.skel->progs.xs_post_bind6,
		P.skel->progs.xs_sendmsg4,    P.skel->progs.xs_sendmsg6,   P.skel->progs.xs_sockops,
		P.skel->progs.xs_sock_release,
	};
	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		/* bpf_link (BPF_LINK_CREATE): detached when the helper ends, kill -9 included */
		struct bpf_link *l = bpf_program__attach_cgroup(progs[i], P.cgroup_fd);
		if (!l) {
			int e = errno;
			snprintf(err, errlen, "attaching %s to %.120s: %s", bpf_program__name(progs[i]), P.cg_root, strerror(e));
			return -e;
		}
		P.links[P.nlinks++] = l;
	}
	/* Sockets from before the capture, after the hooks are live (none is
	 * missed in between; the hooks' newer entries are never overwritten). */
	if (seed) {
		struct bpf_link *it = bpf_program__attach_iter(P.skel->progs.xs_seed, NULL);
		int fd = it ? bpf_iter_create(bpf_link__fd(it)) : -1;
		if (fd >= 0) {
			char buf[64];
			while (read(fd, buf, sizeof(buf)) > 0 || errno == EINTR)
				;
			close(fd);
		}
		bpf_link__destroy(it);
	}
	P.slots = calloc(PROC_SLOTS, sizeof(*P.slots));
	if (!P.slots) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

static void *loader_main(void *arg)
{
	(void)arg;
	P.load_rc = load_and_attach(P.load_err, sizeof(P.load_err));
	return NULL;
}

int xs_proc_start(char *err, size_t errlen)
{
	if (P.cgroup_fd < 0) {
		if (prep_errno == ENOENT)
			snprintf(err, errlen, "no cgroup v2 hierarchy mounted");
		else
			snprintf(err, errlen, "cannot open %s: %s", P.cg_root, strerror(prep_errno));
		return -prep_errno;
	}
	/* The shared maps first (as the skeletons declare them), then the
	 * attribution object loads in a thread while the caller loads the
	 * capture object: the verifier's time for the two overlaps. */
	P.socks_fd = bpf_map_create(BPF_MAP_TYPE_LRU_HASH, "xs_socks", sizeof(struct xs_sock_key), sizeof(struct xs_sock_owner),
				    XS_SOCK_ENTRIES, NULL);
	P.cookies_fd = bpf_map_create(BPF_MAP_TYPE_LRU_HASH, "xs_cookies", sizeof(__u64), sizeof(struct xs_sock_owner),
				      XS_SOCK_ENTRIES, NULL);
	P.ports_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "xs_ports", sizeof(__u32), sizeof(__u64), XS_PORT_WORDS, NULL);
	if (P.socks_fd < 0 || P.cookies_fd < 0 || P.ports_fd < 0) {
		int e = errno;
		snprintf(err, errlen, "creating the socket maps: %s", strerror(e));
		xs_proc_stop();
		return -e;
	}
	fcntl(P.socks_fd, F_SETFD, FD_CLOEXEC);
	fcntl(P.cookies_fd, F_SETFD, FD_CLOEXEC);
	fcntl(P.ports_fd, F_SETFD, FD_CLOEXEC);
	int e = pthread_create(&P.loader, NULL, loader_main, NULL);
	if (e) {
		snprintf(err, errlen, "starting the loader: %s", strerror(e));
		xs_proc_stop();
		return -e;
	}
	P.loading = 1;
	return 0;
}

int xs_proc_finish(char *err, size_t errlen)
{
	if (!P.loading)
		return P.skel ? 0 : -ENOENT;
	pthread_join(P.loader, NULL);
	P.loading = 0;
	if (P.load_rc) {
		snprintf(err, errlen, "%s", P.load_err);
		int rc = P.load_rc;
		xs_proc_stop();
		return rc;
	}
	return 0;
}

int xs_proc_share_maps(struct xdpscope_bpf *skel)
{
	if (P.socks_fd < 0)
		return 0;
	if (bpf_map__reuse_fd(skel->maps.xs_socks, P.socks_fd) || bpf_map__reuse_fd(skel->maps.xs_cookies, P.cookies_fd) ||
	    bpf_map__reuse_fd(skel->maps.xs_ports, P.ports_fd))
		return -errno;
	return 0;
}

void xs_proc_stop(void)
{
	if (P.loading) {
		pthread_join(P.loader, NULL);
		P.loading = 0;
	}
	for (int i = 0; i < P.nlinks; i++)
		bpf_link__destroy(P.links[i]);
	P.nlinks = 0;
	proc_bpf__destroy(P.skel);
	P.skel = NULL;
	if (P.cgroup_fd >= 0)
		close(P.cgroup_fd);
	P.cgroup_fd = -1;
	free(P.slots);
	P.slots = NULL;
	if (P.socks_fd >= 0)
		close(P.socks_fd);
	if (P.cookies_fd >= 0)
		close(P.cookies_fd);
	if (P.ports_fd >= 0)
		close(P.ports_fd);
	P.socks_fd = P.cookies_fd = P.ports_fd = -1;
}

/* Read a small file whole (at most len-1 bytes, NUL-terminated); its length or -1. */
static ssize_t read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	size_t got = 0;
	while (got < len - 1) {
		ssize_t n = read(fd, buf + got, len - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = 0;
	return (ssize_t)got;
}

static void user_name(unsigned int uid, char *out, size_t outlen)
{
	for (int i = 0; i < USER_CACHE; i++) {
		if (P.users[i].name[0] && P.users[i].uid == uid) {
			snprintf(out, outlen, "%s", P.users[i].name);
			return;
		}
	}
	out[0] = 0;
	/* /etc/passwd directly: no NSS modules loaded into a privileged helper */
	FILE *f = fopen("/etc/passwd", "re");
	if (!f)
		return;
	char line[512];
	while (fgets(line, sizeof(line), f)) {
		char *name = line, *c1 = strchr(line, ':');
		if (!c1)
			continue;
		char *c2 = strchr(c1 + 1, ':');
		if (!c2)
			continue;
		char *end;
		unsigned long u = strtoul(c2 + 1, &end, 10);
		if (end == c2 + 1 || *end != ':' || u != uid)
			continue;
		*c1 = 0;
		snprintf(out, outlen, "%.32s", name);
		break;
	}
	fclose(f);
	if (out[0]) {
		P.users[P.users_next].uid = uid;
		snprintf(P.users[P.users_next].name, USER_MAX, "%s", out);
		P.users_next = (P.users_next + 1) % USER_CACHE;
	}
}

static int is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/*
 * The container a cgroup path names, from its leaf up: a component that is
 * a 64-hex id, alone (cgroupfs drivers: /docker/ID, /kubepods/.../ID) or
 * after a runtime prefix and before ".scope" (systemd drivers:
 * docker-ID.scope, cri-containerd-ID.scope, crio-ID.scope,
 * libpod-ID.scope); or a systemd-nspawn/libvirt machine
 * (machine.slice/machine-NAME.scope). "" when none: a host process.
 */
static void container_of(const char *path, char *out, size_t outlen)
{
	out[0] = 0;
	const char *end = path + strlen(path);
	while (end > path) {
		const char *start = end;
		while (start > path && start[-1] != '/')
			start--;
		size_t n = (size_t)(end - start);
		if (n >= 6 && !strncmp(end - 6, ".scope", 6))
			n -= 6;
		if (n >= 64 && is_hex(start + n - 64, 64) && (n == 64 || start[n - 65] == '-')) {
			snprintf(out, outlen, "%.64s", start + n - 64);
			return;
		}
		if (n > 8 && !strncmp(start, "machine-", 8) && n - 8 < outlen &&
		    start >= path + 14 && !strncmp(start - 14, "machine.slice/", 14)) {
			snprintf(out, outlen, "%.*s", (int)(n - 8), start + 8);
			return;
		}
		end = start > path ? start - 1 : path;
	}
}

/* Depth-first search of the cgroup v2 tree for the directory whose inode is id. */
static int cg_walk(int dfd, const char *rel, unsigned long long id, char *out, size_t outlen, int depth, int *budget)
{
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return 0;
	}
	struct dirent *e;
	int found = 0;
	while (!found && (e = readdir(d)) != NULL) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		if (--*budget < 0)
			break;
		char path[CG_MAX];
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", rel, e->d_name) >= sizeof(path))
			continue;
		if (e->d_ino == id) {
			snprintf(out, outlen, "%s", path);
			found = 1;
			break;
		}
		if (depth < 12) {
			int sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
			if (sub >= 0)
				found = cg_walk(sub, path, id, out, outlen, depth + 1, budget);
		}
	}
	closedir(d);
	return found;
}

/* A cgroup v2 id's path (cgroup ids are their directory's inode number). */
static void cgroup_path(unsigned long long id, char *out, size_t outlen)
{
	out[0] = 0;
	if (!id)
		return;
	for (int i = 0; i < CG_CACHE; i++) {
		if (P.cg_cache[i].id == id) {
			snprintf(out, outlen, "%s", P.cg_cache[i].path);
			return;
		}
	}
	struct stat st;
	if (fstat(P.cgroup_fd, &st) == 0 && st.st_ino == id) {
		snprintf(out, outlen, "/");
	} else {
		int budget = CG_WALK_MAX;
		/* a new open file description: the walk's reads move its offset */
		int dfd = openat(P.cgroup_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0 || !cg_walk(dfd, "", id, out, outlen, 0, &budget))
			return;
	}
	P.cg_cache[P.cg_next].id = id;
	snprintf(P.cg_cache[P.cg_next].path, CG_MAX, "%s", out);
	P.cg_next = (P.cg_next + 1) % CG_CACHE;
}

/* Fill what /proc says, then what the ids say. */
static void describe(struct proc_desc *d)
{
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "/proc/%u/exe", d->pid);
	ssize_t n = readlink(path, d->exe, sizeof(d->exe) - 1);
	d->exe[n > 0 ? n : 0] = 0;
	snprintf(path, sizeof(path), "/proc/%u/cmdline", d->pid);
	n = read_small(path, d->cmd, sizeof(d->cmd));
	d->cmd_len = n > 0 ? (unsigned int)n : 0;
	/* no trailing NUL on the wire */
	while (d->cmd_len && d->cmd[d->cmd_len - 1] == 0)
		d->cmd_len--;
	d->from_proc = d->exe[0] || d->cmd_len;
	/* Refused (a process with capabilities we dropped) or gone: what the
	 * kernel saw it execute. */
	if ((!d->exe[0] || !d->cmd_len) && P.skel) {
		struct xs_exec_info x;
		__u32 key = d->pid;
		if (bpf_map__lookup_elem(P.skel->maps.exe_paths, &key, sizeof(key), &x, sizeof(x), 0) == 0) {
			x.path[sizeof(x.path) - 1] = 0;
			if (!d->exe[0])
				snprintf(d->exe, sizeof(d->exe), "%s", x.path);
			if (!d->cmd_len && x.args_len <= sizeof(x.args)) {
				memcpy(d->cmd, x.args, x.args_len);
				d->cmd_len = x.args_len;
				while (d->cmd_len && d->cmd[d->cmd_len - 1] == 0)
					d->cmd_len--;
			}
		}
	}
	/* Last resort (started before the capture, /proc/PID/exe refused):
	 * an absolute argv[0]. */
	if (!d->exe[0] && d->cmd_len && d->cmd[0] == '/')
		snprintf(d->exe, sizeof(d->exe), "%.*s", (int)strnlen(d->cmd, d->cmd_len), d->cmd);
	if (!d->comm[0]) {
		snprintf(path, sizeof(path), "/proc/%u/comm", d->pid);
		if (read_small(path, d->comm, sizeof(d->comm)) > 0)
			d->comm[strcspn(d->comm, "\n")] = 0;
	}
	/* Every hierarchy's path: on hybrid hosts a runtime may name the
	 * container only in the v1 ones. */
	d->ctr[0] = d->cgroup[0] = 0;
	snprintf(path, sizeof(path), "/proc/%u/cgroup", d->pid);
	if (read_small(path, buf, sizeof(buf)) > 0) {
		for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
			char *p = strchr(line, ':');
			p = p ? strchr(p + 1, ':') : NULL;
			if (!p)
				continue;
			if (!strncmp(line, "0::", 3))
				snprintf(d->cgroup, sizeof(d->cgroup), "%s", p + 1);
			if (!d->ctr[0])
				container_of(p + 1, d->ctr, sizeof(d->ctr));
		}
	}
	if (!d->cgroup[0])
		cgroup_path(d->cgroup_id, d->cgroup, sizeof(d->cgroup));
	if (!d->ctr[0])
		container_of(d->cgroup, d->ctr, sizeof(d->ctr));
	user_name(d->uid, d->user, sizeof(d->user));
}

static struct proc_desc *slot_for(unsigned int pid, int create)
{
	unsigned int h = (pid * 2654435761u) % PROC_SLOTS;
	struct proc_desc *victim = NULL;
	for (int i = 0; i < PROBE; i++) {
		struct proc_desc *d = &P.slots[(h + (unsigned int)i) % PROC_SLOTS];
		if (d->pid == pid)
			return d;
		if (!victim || (victim->pid && (!d->pid || d->used < victim->used)))
			victim = d;
	}
	if (!create)
		return NULL;
	memset(victim, 0, sizeof(*victim));
	victim->pid = pid;
	return victim;
}

int xs_proc_on_event(void *ctx, void *data, size_t size)
{
	const struct xs_proc_event *e = data;
	if (size < sizeof(*e) || !P.slots || !e->tgid)
		return 0;
	struct proc_desc *d = slot_for(e->tgid, 0);
	char comm[16];
	memcpy(comm, e->comm, sizeof(comm));
	comm[15] = 0;
	/* Unchanged (another socket of the same process): nothing to read.
	 * A new comm, uid or cgroup is an exec or a new process with the pid. */
	if (d && d->uid == e->uid && d->gid == e->gid && d->cgroup_id == e->cgroup_id && !strcmp(d->comm, comm))
		return 0;
	d = slot_for(e->tgid, 1);
	d->sent = 0;
	d->uid = e->uid;
	d->gid = e->gid;
	d->cgroup_id = e->cgroup_id;
	memcpy(d->comm, comm, sizeof(comm));
	d->used = ++P.tick;
	describe(d);
	return 0;
}

static unsigned char *put_str(unsigned char *p, const unsigned char *end, const char *s, size_t n)
{
	if (n > 0xffff)
		n = 0xffff;
	if ((size_t)(end - p) < 2 + n)
		n = (size_t)(end - p) >= 2 ? (size_t)(end - p) - 2 : 0;
	if ((size_t)(end - p) < 2)
		return p;
	p[0] = (unsigned char)(n & 0xff);
	p[1] = (unsigned char)(n >> 8);
	memcpy(p + 2, s, n);
	return p + 2 + n;
}

size_t xs_proc_frame(unsigned int pid, unsigned char *out)
{
	if (!P.slots || !pid)
		return 0;
	struct proc_desc *d = slot_for(pid, 0);
	if (d && d->sent) {
		d->used = ++P.tick;
		return 0;
	}
	if (!d) {
		/* no event (lost, or evicted): what /proc and the socket maps say now */
		d = slot_for(pid, 1);
		char path[64], buf[512];
		snprintf(path, sizeof(path), "/proc/%u/status", pid);
		if (read_small(path, buf, sizeof(buf)) > 0) {
			char *u = strstr(buf, "\nUid:");
			char *g = strstr(buf, "\nGid:");
			if (u)
				d->uid = (unsigned int)strtoul(u + 5, NULL, 10);
			if (g)
				d->gid = (unsigned int)strtoul(g + 5, NULL, 10);
		}
		describe(d);
	}
	d->used = ++P.tick;
	d->sent = 1;
	struct xs_wire_proc w = {.pid = d->pid, .uid = d->uid, .gid = d->gid, .flags = d->from_proc ? 1u : 0u,
				 .cgroup_id = d->cgroup_id};
	memcpy(w.comm, d->comm, sizeof(w.comm));
	memcpy(out, &w, sizeof(w));
	unsigned char *p = out + sizeof(w), *end = out + XS_PROC_FRAME_MAX;
	p = put_str(p, end, d->exe, strlen(d->exe));
	p = put_str(p, end, d->cmd, d->cmd_len);
	p = put_str(p, end, d->user, strlen(d->user));
	p = put_str(p, end, d->ctr, strlen(d->ctr));
	p = put_str(p, end, d->cgroup, strlen(d->cgroup));
	return (size_t)(p - out);
}
