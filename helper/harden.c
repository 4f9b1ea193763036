/*
 * Least-privilege hardening for xdpscope-helper (see harden.h for the order
 * of calls). Raw prctl/capset syscalls: no libcap dependency.
 */
#define _GNU_SOURCE
#include "harden.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif
#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

static void refuse(const char *fmt, ...)
{
	va_list ap;
	fputs("xdpscope-helper: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* capget/capset through the raw syscall: glibc has no wrapper. */
static int caps_get(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	memset(data, 0, 2 * sizeof(*data));
	return (int)syscall(SYS_capget, &hdr, data);
}

static int caps_set(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	return (int)syscall(SYS_capset, &hdr, data);
}

static void cap_add(struct __user_cap_data_struct data[2], int cap)
{
	data[cap / 32].permitted |= 1u << (cap % 32);
	data[cap / 32].effective |= 1u << (cap % 32);
}

int harden_no_dump(void)
{
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
		refuse("cannot make the process non-dumpable: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int harden_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		/* A closed 0-2 would make a later open() land on "stdout". */
		int nfd = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
		if (nfd != fd) {
			if (nfd >= 0)
				close(nfd);
			return -1; /* stderr may be the closed one: stay silent */
		}
	}
	return 0;
}

int harden_clear_env(void)
{
	if (clearenv() != 0) {
		refuse("cannot clear the environment");
		return -1;
	}
	return 0;
}

int harden_check_args(int argc, char **argv)
{
	if (argc < 1 || argc > HARDEN_MAX_ARGS) {
		refuse("refusing %d arguments (at most %d)", argc - 1, HARDEN_MAX_ARGS - 1);
		return -1;
	}
	for (int i = 1; i < argc; i++) {
		size_t n = strnlen(argv[i], HARDEN_MAX_ARG_LEN + 1);
		if (n > HARDEN_MAX_ARG_LEN) {
			refuse("argument %d is longer than %d bytes (the limit of every argument, capture filters included)",
			       i, HARDEN_MAX_ARG_LEN);
			return -1;
		}
		for (size_t j = 0; j < n; j++) {
			unsigned char c = (unsigned char)argv[i][j];
			if (c < 0x20 || c > 0x7e) {
				refuse("argument %d contains a non-printable byte (0x%02x)", i, c);
				return -1;
			}
		}
	}
	return 0;
}

/* One component of the chain: owner root or the caller, not group/world-writable. */
static int check_component(const char *path, const struct stat *st, int is_exe)
{
	uid_t caller = getuid();
	if (st->st_uid != 0 && st->st_uid != caller) {
		refuse("refusing to run: %s is owned by uid %u (must be root)", path, (unsigned)st->st_uid);
		return -1;
	}
	if (!(st->st_mode & (S_IWGRP | S_IWOTH)))
		return 0;
	/* A root-owned sticky directory (/tmp): nobody else can rename or replace our entry. */
	if (!is_exe && S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX) && st->st_uid == 0)
		return 0;
	refuse("refusing to run: %s is %s-writable (mode %04o)", path,
	       (st->st_mode & S_IWOTH) ? "world" : "group", (unsigned)(st->st_mode & 07777));
	return -1;
}

static int check_chain(const char *file, int is_exe)
{
	char path[PATH_MAX];
	struct stat st;

	if (strlen(file) >= sizeof(path) || file[0] != '/') {
		refuse("refusing to use %s: not an absolute path", file);
		return -1;
	}
	strcpy(path, file);
	if (lstat(path, &st) != 0) {
		refuse("cannot stat %s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		refuse("refusing to use %s: not a regular file", path);
		return -1;
	}
	if (check_component(path, &st, is_exe) != 0)
		return -1;
	for (;;) {
		char *slash = strrchr(path, '/');
		if (slash == path) {
			path[1] = '\0';
		} else {
			*slash = '\0';
		}
		if (lstat(path, &st) != 0) {
			refuse("cannot stat %s: %s", path, strerror(errno));
			return -1;
		}
		if (check_component(path, &st, 0) != 0)
			return -1;
		if (path[1] == '\0')
			return 0;
	}
}

/* The executable's canonical path, checked to be the very inode we run from. */
static int self_path(char *out, size_t outlen)
{
	char link[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", link, sizeof(link) - 1);
	if (n <= 0) {
		refuse("cannot read /proc/self/exe: %s", strerror(errno));
		return -1;
	}
	link[n] = '\0';
	if (!realpath(link, out) || strlen(out) >= outlen) {
		refuse("cannot resolve the executable's path %s (deleted or replaced?)", link);
		return -1;
	}
	struct stat running, named;
	if (stat("/proc/self/exe", &running) != 0 || stat(out, &named) != 0 ||
	    running.st_dev != named.st_dev || running.st_ino != named.st_ino) {
		refuse("refusing to run: %s is not the file being executed (replaced?)", out);
		return -1;
	}
	return 0;
}

int harden_check_self_location(void)
{
	char exe[PATH_MAX];
	if (self_path(exe, sizeof(exe)) != 0)
		return -1;
	return check_chain(exe, 1);
}

int harden_limit_capabilities(void)
{
	struct __user_cap_data_struct have[2], want[2];
	if (caps_get(have) != 0) {
		refuse("capget: %s", strerror(errno));
		return -1;
	}
	/* Root dev runs hold CAP_SETPCAP: shrink the bounding set while we can. */
	if (have[CAP_SETPCAP / 32].effective & (1u << (CAP_SETPCAP % 32))) {
		for (int c = 0; c <= 63; c++) {
			if (c != CAP_BPF && c != CAP_NET_ADMIN && c != CAP_PERFMON &&
			    prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1)
				(void)prctl(PR_CAPBSET_DROP, c, 0, 0, 0);
		}
	}
	memset(want, 0, sizeof(want));
	const int needed[] = { CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON };
	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		int c = needed[i];
		/* Keep what we were given of the three; the load will say what is missing. */
		if (have[c / 32].permitted & (1u << (c % 32)))
			cap_add(want, c);
	}
	if (caps_set(want) != 0) {
		refuse("capset (limit to bpf, net_admin, perfmon): %s", strerror(errno));
		return -1;
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) {
		refuse("cannot clear ambient capabilities: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int harden_drop_privileges(void)
{
	/* Bounding set first (needs CAP_SETPCAP, which only a root dev run has). */
	for (int c = 0; c <= 63; c++) {
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1)
			(void)prctl(PR_CAPBSET_DROP, c, 0, 0, 0);
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) {
		refuse("cannot clear ambient capabilities: %s", strerror(errno));
		return -1;
	}
	struct __user_cap_data_struct none[2];
	memset(none, 0, sizeof(none));
	if (caps_set(none) != 0) {
		refuse("capset (drop all): %s", strerror(errno));
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		refuse("PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
		return -1;
	}
	if (harden_no_dump() != 0)
		return -1;
	struct __user_cap_data_struct left[2];
	if (caps_get(left) != 0 || left[0].permitted || left[1].permitted || left[0].effective ||
	    left[1].effective || left[0].inheritable || left[1].inheritable) {
		refuse("capabilities still held after dropping them");
		return -1;
	}
	return 0;
}

int harden_startup(int argc, char **argv)
{
	if (harden_std_fds() != 0)
		return HARDEN_REFUSED;
	if (harden_no_dump() != 0 || harden_clear_env() != 0)
		return HARDEN_REFUSED;
	umask(077);
	if (harden_check_args(argc, argv) != 0)
		return HARDEN_BAD_ARGS;
	if (harden_check_self_location() != 0)
		return HARDEN_REFUSED;
	return harden_limit_capabilities() != 0 ? HARDEN_REFUSED : 0;
}
