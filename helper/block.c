/*
 * The block list: sources whose ingress frames the capture program drops
 * (bpf/xdpscope.bpf.c, blocked_src). Commands on the capture's stdin
 * (helper/PROTOCOL.md): `block ADDR[/LEN] TTL`, `unblock ADDR[/LEN]`,
 * `blocks [FROM]`.
 *
 * Why it lives here and not in the engine: the map belongs to the loaded
 * object, which the kernel frees when the helper ends however it ends (its
 * links and map fds close), so kill -9 of the app (stdin closes, the helper
 * stops) or of the helper itself leaves no block behind. The TTL is
 * enforced here too, so a block expires even when the engine hangs.
 *
 * The helper refuses to block what must never be blocked, whatever the
 * engine asked: its own network namespace's addresses, loopback, link-local,
 * unspecified, multicast and broadcast addresses and the default gateways,
 * or any network containing one. It runs in the capture's namespace, so
 * "own" and "gateway" are those of the captured interface's host.
 */
#define _GNU_SOURCE
#include "block.h"
#include "common.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

/* Longest TTL accepted: a week. A block is a response to an incident, not a
 * firewall rule. */
#define XS_BLOCK_MAX_TTL 604800u

struct entry {
	struct xs_block_key key; /* prefixlen as the trie wants it: 8 + address bits */
	__u32 slot;              /* its per-CPU counters in block_counts */
	__u64 expires_ns;        /* CLOCK_MONOTONIC */
	__u32 ttl;
};

static struct {
	int map_fd, config_fd, counts_fd;
	const char *refusal; /* why this capture cannot block, or NULL */
	struct entry ents[XS_MAX_BLOCKS];
	unsigned int n;
	__u64 next; /* earliest expiry, 0 when none (may be early: then nothing expires yet) */
} B = {.map_fd = -1, .config_fd = -1, .counts_fd = -1};

void xs_block_setup(int map_fd, int counts_fd, int config_fd, const char *refusal)
{
	B.map_fd = map_fd;
	B.counts_fd = counts_fd;
	B.config_fd = config_fd;
	B.refusal = refusal;
	B.n = 0;
}

/* Parse "ADDR[/LEN]" into a key (host bits cleared). 0, or -1 with a message. */
static int parse_prefix(const char *s, struct xs_block_key *k, char *err, size_t errlen)
{
	char buf[INET6_ADDRSTRLEN + 8];
	if (!s || !*s || strlen(s) >= sizeof(buf)) {
		snprintf(err, errlen, "wants an address, ADDR or ADDR/LEN");
		return -1;
	}
	strcpy(buf, s);
	char *slash = strchr(buf, '/');
	long len = -1;
	if (slash) {
		*slash = 0;
		char *end;
		errno = 0;
		len = strtol(slash + 1, &end, 10);
		if (errno || !slash[1] || *end || len < 0 || len > 128) {
			snprintf(err, errlen, "'%.60s': bad prefix length", s);
			return -1;
		}
	}
	memset(k, 0, sizeof(*k));
	if (inet_pton(AF_INET, buf, k->addr) == 1) {
		k->family = 4;
	} else if (inet_pton(AF_INET6, buf, k->addr) == 1) {
		static const __u8 mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		k->family = 6;
		/* frames carry IPv4 sources as IPv4: an IPv4-mapped address means that */
		if (!memcmp(k->addr, mapped, 12)) {
			memmove(k->addr, k->addr + 12, 4);
			memset(k->addr + 4, 0, 12);
			k->family = 4;
			if (len >= 0) {
				if (len < 96) {
					snprintf(err, errlen, "'%.60s': an IPv4-mapped network needs a prefix of at least 96", s);
					return -1;
				}
				len -= 96;
			}
		}
	} else {
		snprintf(err, errlen, "'%.60s' is not an IPv4 or IPv6 address", buf);
		return -1;
	}
	int bits = k->family == 4 ? 32 : 128;
	if (len < 0)
		len = bits;
	if (len > bits) {
		snprintf(err, errlen, "'%.60s': an IPv%d prefix is at most /%d", s, k->family, bits);
		return -1;
	}
	for (int i = 0; i < 16; i++) {
		int keep = (int)len - i * 8;
		k->addr[i] &= keep >= 8 ? 0xff : keep <= 0 ? 0 : (__u8)(0xff << (8 - keep));
	}
	k->prefixlen = 8 + (__u32)len;
	return 0;
}

static void format_key(const struct xs_block_key *k, char *out, size_t outlen)
{
	char a[INET6_ADDRSTRLEN];
	inet_ntop(k->family == 4 ? AF_INET : AF_INET6, k->addr, a, sizeof(a));
	snprintf(out, outlen, "%s/%u", a, k->prefixlen - 8);
}

/* Two prefixes of one family overlap when one contains the other. */
static int overlaps(const struct xs_block_key *a, int fam, const __u8 *addr, int plen)
{
	if (a->family != fam)
		return 0;
	int alen = (int)a->prefixlen - 8, n = alen < plen ? alen : plen;
	for (int i = 0; i < 16 && n > 0; i++, n -= 8) {
		__u8 m = n >= 8 ? 0xff : (__u8)(0xff << (8 - n));
		if ((a->addr[i] & m) != (addr[i] & m))
			return 0;
	}
	return 1;
}

static int hex_to_bytes(const char *hex, __u8 *out, int n, int reversed)
{
	for (int i = 0; i < n; i++) {
		unsigned int v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		out[reversed ? n - 1 - i : i] = (__u8)v;
	}
	return 0;
}

/* Reads one route-table line: 0 with the gateway (16 bytes, zeroed past the
 * family's) and interface of a default route through a gateway, else nonzero. */
typedef int (*default_gw_fn)(const char *line, __u8 gw[16], char ifn[32]);

static int ipv4_default_gw(const char *line, __u8 g[16], char ifn[32])
{
	char dst[16], gw[16];
	unsigned int flags;
	if (sscanf(line, "%31s %15s %15s %x", ifn, dst, gw, &flags) != 4 || strcmp(dst, "00000000"))
		return -1;
	return hex_to_bytes(gw, g, 4, 1) || !(g[0] | g[1] | g[2] | g[3]);
}

static int ipv6_default_gw(const char *line, __u8 g[16], char ifn[32])
{
	char dst[40], dlen[4], src[40], slen[4], gw[40];
	if (sscanf(line, "%39s %3s %39s %3s %39s %*s %*s %*s %*s %31s", dst, dlen, src, slen, gw, ifn) != 6 ||
	    strcmp(dlen, "00") || strspn(dst, "0") != 32)
		return -1;
	return hex_to_bytes(gw, g, 16, 0) || strspn(gw, "0") == 32;
}

/* The default gateway of route table `path` (family 4 or 6) that k covers,
 * described in buf, or NULL (also when the table cannot be read). */
static const char *gateway_reason(const struct xs_block_key *k, const char *path, int fam, default_gw_fn parse, char *buf,
				  size_t buflen)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	char line[512];
	const char *why = NULL;
	while (!why && fgets(line, sizeof(line), f)) {
		__u8 g[16] = {0};
		char ifn[32];
		if (parse(line, g, ifn) || !overlaps(k, fam, g, fam == 4 ? 32 : 128))
			continue;
		char s[INET6_ADDRSTRLEN];
		inet_ntop(fam == 4 ? AF_INET : AF_INET6, g, s, sizeof(s));
		snprintf(buf, buflen, "the default gateway %s (%s)", s, ifn);
		why = buf;
	}
	fclose(f);
	return why;
}

/* Why the prefix must not be blocked, or NULL. */
static const char *protected_reason(const struct xs_block_key *k, char *buf, size_t buflen)
{
	static const struct {
		int fam;
		__u8 addr[16];
		int len;
		const char *why;
	} fixed[] = {
		{4, {127}, 8, "loopback"},
		{4, {0}, 8, "'this network' (unspecified)"},
		{4, {169, 254}, 16, "link-local"},
		{4, {224}, 4, "multicast"},
		{4, {255, 255, 255, 255}, 32, "broadcast"},
		{6, {0}, 128, "unspecified"},
		{6, {[15] = 1}, 128, "loopback"},
		{6, {0xfe, 0x80}, 10, "link-local (neighbour discovery, routers)"},
		{6, {0xff}, 8, "multicast"},
	};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (overlaps(k, fixed[i].fam, fixed[i].addr, fixed[i].len))
			return fixed[i].why;

	struct ifaddrs *ifs = NULL;
	if (getifaddrs(&ifs) == 0) {
		for (struct ifaddrs *a = ifs; a; a = a->ifa_next) {
			if (!a->ifa_addr)
				continue;
			int fam = a->ifa_addr->sa_family;
			const __u8 *p = fam == AF_INET ? (const __u8 *)&((struct sockaddr_in *)a->ifa_addr)->sin_addr
				      : fam == AF_INET6 ? (const __u8 *)&((struct sockaddr_in6 *)a->ifa_addr)->sin6_addr : NULL;
			if (!p)
				continue;
			__u8 full[16] = {0};
			memcpy(full, p, fam == AF_INET ? 4 : 16);
			if (overlaps(k, fam == AF_INET ? 4 : 6, full, fam == AF_INET ? 32 : 128)) {
				char s[INET6_ADDRSTRLEN];
				inet_ntop(fam, p, s, sizeof(s));
				snprintf(buf, buflen, "this host's address %s (%s)", s, a->ifa_name);
				freeifaddrs(ifs);
				return buf;
			}
		}
		freeifaddrs(ifs);
	}

	/* Default gateways: /proc/net/route (hex, host order) and ipv6_route. */
	const char *gw = gateway_reason(k, "/proc/net/route", 4, ipv4_default_gw, buf, buflen);
	return gw ? gw : gateway_reason(k, "/proc/net/ipv6_route", 6, ipv6_default_gw, buf, buflen);
}

static int find(const struct xs_block_key *k)
{
	for (unsigned int i = 0; i < B.n; i++)
		if (B.ents[i].key.prefixlen == k->prefixlen && B.ents[i].key.family == k->family &&
		    !memcmp(B.ents[i].key.addr, k->addr, 16))
			return (int)i;
	return -1;
}

/* A counters slot no entry uses (there are as many slots as entries). */
static __u32 free_slot(void)
{
	static unsigned char used[XS_MAX_BLOCKS];
	memset(used, 0, sizeof(used));
	for (unsigned int i = 0; i < B.n; i++)
		used[B.ents[i].slot] = 1;
	__u32 s = 0;
	while (s < XS_MAX_BLOCKS - 1 && used[s])
		s++;
	return s;
}

/* Per-CPU values are read and written for every possible CPU at once. */
static struct xs_block_count *percpu_buf(void)
{
	static struct xs_block_count *buf;
	if (!buf) {
		int ncpu = libbpf_num_possible_cpus();
		buf = calloc(ncpu > 0 ? (size_t)ncpu : 1, sizeof(*buf));
	}
	return buf;
}

static int zero_counts(__u32 slot)
{
	struct xs_block_count *c = percpu_buf();
	int ncpu = libbpf_num_possible_cpus();
	if (!c || ncpu < 1)
		return -1;
	memset(c, 0, sizeof(*c) * (size_t)ncpu);
	return bpf_map_update_elem(B.counts_fd, &slot, c, BPF_ANY);
}

static void read_counts(__u32 slot, struct xs_block_count *sum)
{
	struct xs_block_count *c = percpu_buf();
	int ncpu = libbpf_num_possible_cpus();
	memset(sum, 0, sizeof(*sum));
	if (!c || ncpu < 1 || bpf_map_lookup_elem(B.counts_fd, &slot, c))
		return;
	for (int i = 0; i < ncpu; i++) {
		sum->packets += c[i].packets;
		sum->bytes += c[i].bytes;
	}
}

/* The program looks the list up only while config.blocks > 0. */
static int set_count(unsigned int n)
{
	__u32 zero = 0;
	struct xs_config c;
	if (bpf_map_lookup_elem(B.config_fd, &zero, &c))
		return -1;
	c.blocks = n;
	return bpf_map_update_elem(B.config_fd, &zero, &c, BPF_ANY);
}

static void remove_at(unsigned int i)
{
	bpf_map_delete_elem(B.map_fd, &B.ents[i].key);
	B.ents[i] = B.ents[--B.n];
	set_count(B.n);
}

static int cmd_block(char *arg, __u64 now, char *reply, size_t n)
{
	char *ttl_s = arg ? strchr(arg, ' ') : NULL;
	if (ttl_s)
		*ttl_s++ = 0;
	struct xs_block_key k;
	char err[160];
	if (!arg || !ttl_s) {
		snprintf(reply, n, "block: wants ADDR[/LEN] TTL (seconds, 1..%u)", XS_BLOCK_MAX_TTL);
		return 1;
	}
	if (parse_prefix(arg, &k, err, sizeof(err))) {
		snprintf(reply, n, "block: %s", err);
		return 1;
	}
	char *end;
	errno = 0;
	unsigned long ttl = strtoul(ttl_s, &end, 10);
	if (errno || !*ttl_s || *end || *ttl_s == '-' || ttl < 1 || ttl > XS_BLOCK_MAX_TTL) {
		snprintf(reply, n, "block: TTL '%.20s' is not a number of seconds in 1..%u", ttl_s, XS_BLOCK_MAX_TTL);
		return 1;
	}
	char text[INET6_ADDRSTRLEN + 8], why_buf[160];
	format_key(&k, text, sizeof(text));
	if (B.refusal) {
		snprintf(reply, n, "block: %s", B.refusal);
		return 1;
	}
	const char *why = protected_reason(&k, why_buf, sizeof(why_buf));
	if (why) {
		snprintf(reply, n, "block: %s covers %s, which is never blocked", text, why);
		return 1;
	}
	int i = find(&k);
	if (i < 0 && B.n >= XS_MAX_BLOCKS) {
		snprintf(reply, n, "block: the list is full (%u entries)", XS_MAX_BLOCKS);
		return 1;
	}
	if (i < 0) {
		/* a new entry starts its counters at zero; a renewed one keeps them */
		__u32 slot = free_slot();
		if (zero_counts(slot) || bpf_map_update_elem(B.map_fd, &k, &(struct xs_block_val){.slot = slot}, BPF_NOEXIST)) {
			snprintf(reply, n, "block: map update failed: %s", strerror(errno));
			return 1;
		}
		i = (int)B.n++;
		B.ents[i].key = k;
		B.ents[i].slot = slot;
		if (set_count(B.n)) {
			remove_at((unsigned int)i);
			snprintf(reply, n, "block: config update failed: %s", strerror(errno));
			return 1;
		}
	}
	B.ents[i].ttl = (__u32)ttl;
	B.ents[i].expires_ns = now + (__u64)ttl * 1000000000ull;
	if (!B.next || B.ents[i].expires_ns < B.next)
		B.next = B.ents[i].expires_ns;
	snprintf(reply, n, "block %s %lu", text, ttl);
	return 0;
}

static int cmd_unblock(char *arg, char *reply, size_t n)
{
	struct xs_block_key k;
	char err[160], text[INET6_ADDRSTRLEN + 8];
	if (parse_prefix(arg, &k, err, sizeof(err))) {
		snprintf(reply, n, "unblock: %s", err);
		return 1;
	}
	format_key(&k, text, sizeof(text));
	int i = find(&k);
	if (i < 0) {
		snprintf(reply, n, "unblock: %s is not blocked", text);
		return 1;
	}
	remove_at((unsigned int)i);
	snprintf(reply, n, "unblock %s", text);
	return 0;
}

/* "N" then, from entry FROM on, as many "ADDR/LEN remaining_s packets bytes"
 * as fit, space-separated; "more=NEXT" when some did not. */
static int cmd_blocks(char *arg, __u64 now, char *reply, size_t n)
{
	unsigned long from = 0;
	if (arg && *arg) {
		char *end;
		from = strtoul(arg, &end, 10);
		if (*end) {
			snprintf(reply, n, "blocks: FROM '%.20s' is not a number", arg);
			return 1;
		}
	}
	size_t used = (size_t)snprintf(reply, n, "%u", B.n);
	for (unsigned long i = from; i < B.n; i++) {
		struct xs_block_count v;
		read_counts(B.ents[i].slot, &v);
		char text[INET6_ADDRSTRLEN + 8], item[128];
		format_key(&B.ents[i].key, text, sizeof(text));
		__u64 left = B.ents[i].expires_ns > now ? (B.ents[i].expires_ns - now + 999999999ull) / 1000000000ull : 0;
		int len = snprintf(item, sizeof(item), " %s %llu %llu %llu", text, (unsigned long long)left,
				   (unsigned long long)v.packets, (unsigned long long)v.bytes);
		/* room for this item and a final " more=NNNN" */
		if (used + (size_t)len + 12 >= n) {
			snprintf(reply + used, n - used, " more=%lu", i);
			return 0;
		}
		memcpy(reply + used, item, (size_t)len + 1);
		used += (size_t)len;
	}
	return 0;
}

int xs_block_command(const char *cmd, char *arg, __u64 now, char *reply, size_t n, int *status)
{
	if (!strcmp(cmd, "block"))
		*status = cmd_block(arg, now, reply, n);
	else if (!strcmp(cmd, "unblock"))
		*status = cmd_unblock(arg, reply, n);
	else if (!strcmp(cmd, "blocks"))
		*status = cmd_blocks(arg, now, reply, n);
	else
		return 0;
	return 1;
}

__u64 xs_block_expire(__u64 now)
{
	__u64 next = 0;
	for (unsigned int i = 0; i < B.n;) {
		if (B.ents[i].expires_ns <= now) {
			remove_at(i);
			continue;
		}
		if (!next || B.ents[i].expires_ns < next)
			next = B.ents[i].expires_ns;
		i++;
	}
	B.next = next;
	return next;
}

__u64 xs_block_next(void)
{
	return B.next;
}
