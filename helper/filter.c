/*
 * The subset of tcpdump's capture-filter language that the XDP program can
 * evaluate: a conjunction of (optionally negated) primitives.
 *
 *   expr  := prim { ("and" | "&&") prim }
 *   prim  := { "not" | "!" } qual
 *   qual  := "ip" | "ip6" | "arp"
 *          | ("tcp" | "udp" | "sctp") [ [dir] ("port" N | "portrange" N-M) ]
 *          | "icmp" | "icmp6"
 *          | [dir] ("port" N | "portrange" N-M)
 *          | [dir] "host" ADDR            (IPv4 or IPv6)
 *          | [dir] "net" ADDR/LEN         (or "net" ADDR "mask" DOTTED)
 *   dir   := "src" | "dst"
 *
 * Like tcpdump: "port" means TCP, UDP or SCTP, either direction, IPv4 or
 * IPv6, first fragment only. Unlike tcpdump: "host"/"net" match IP headers
 * only (not ARP), and "or" and parentheses are refused (the kernel filter
 * is a fixed AND of at most XS_MAX_CONDS terms).
 */
#define _GNU_SOURCE
#include "filter.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TOKENS 64

struct parser {
	char *tok[MAX_TOKENS];
	int n, i;
	char *err;
	size_t errlen;
};

static int fail(struct parser *p, const char *fmt, const char *arg)
{
	snprintf(p->err, p->errlen, fmt, arg);
	return -1;
}

static const char *peek(struct parser *p) { return p->i < p->n ? p->tok[p->i] : NULL; }
static const char *next(struct parser *p) { return p->i < p->n ? p->tok[p->i++] : NULL; }

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	if (!s || !*s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_port(struct parser *p, struct xs_cond *c, int range)
{
	const char *a = next(p);
	if (!a)
		return fail(p, "filter: '%s' needs a number", range ? "portrange" : "port");
	unsigned long lo, hi;
	if (range) {
		char buf[32];
		snprintf(buf, sizeof(buf), "%s", a);
		char *dash = strchr(buf, '-');
		if (!dash)
			return fail(p, "filter: portrange wants N-M, got '%s'", a);
		*dash = 0;
		if (parse_uint(buf, 65535, &lo) || parse_uint(dash + 1, 65535, &hi) || lo > hi)
			return fail(p, "filter: bad port range '%s' (0-65535, low-high)", a);
	} else {
		if (parse_uint(a, 65535, &lo))
			return fail(p, "filter: bad port '%s' (a number 0-65535; service names are not supported)", a);
		hi = lo;
	}
	c->kind = range ? XS_C_PORTRANGE : XS_C_PORT;
	c->value = lo;
	c->value2 = hi;
	return 0;
}

static void prefix_mask(__u8 *mask, int bits, int bytes)
{
	memset(mask, 0, 16);
	for (int i = 0; i < bytes; i++) {
		int b = bits - i * 8;
		mask[i] = b >= 8 ? 0xff : b <= 0 ? 0 : (__u8)(0xff << (8 - b));
	}
}

static int parse_addr(struct parser *p, struct xs_cond *c, int is_net)
{
	const char *a = next(p);
	if (!a)
		return fail(p, "filter: '%s' needs an address", is_net ? "net" : "host");
	char buf[64];
	if (strlen(a) >= sizeof(buf))
		return fail(p, "filter: address too long: '%s'", a);
	snprintf(buf, sizeof(buf), "%s", a);
	int bits = -1;
	char *slash = strchr(buf, '/');
	if (slash) {
		if (!is_net)
			return fail(p, "filter: 'host' takes a single address, use 'net %s' for a prefix", a);
		unsigned long b;
		*slash = 0;
		if (parse_uint(slash + 1, 128, &b))
			return fail(p, "filter: bad prefix length in '%s'", a);
		bits = (int)b;
	}
	memset(c->addr, 0, 16);
	if (inet_pton(AF_INET, buf, c->addr) == 1) {
		c->family = 4;
		if (bits > 32)
			return fail(p, "filter: IPv4 prefix longer than 32 in '%s'", a);
	} else if (inet_pton(AF_INET6, buf, c->addr) == 1) {
		c->family = 6;
	} else {
		return fail(p, "filter: not an IP address: '%s' (host names are not supported)", a);
	}
	int width = c->family == 4 ? 32 : 128;
	if (is_net && bits < 0 && peek(p) && !strcmp(peek(p), "mask")) {
		next(p);
		const char *m = next(p);
		__u8 mb[4];
		if (c->family != 4 || !m || inet_pton(AF_INET, m, mb) != 1)
			return fail(p, "filter: 'mask' wants a dotted IPv4 mask after an IPv4 net, got '%s'", m ? m : "nothing");
		memset(c->mask, 0, 16);
		memcpy(c->mask, mb, 4);
	} else {
		if (bits < 0)
			bits = width;
		prefix_mask(c->mask, bits, width / 8);
	}
	for (int i = 0; i < 16; i++) {
		if (c->addr[i] & ~c->mask[i]) {
			if (is_net)
				return fail(p, "filter: non-network bits set in '%s' (tcpdump refuses this too)", a);
		}
		c->addr[i] &= c->mask[i];
	}
	c->kind = XS_C_NET;
	return 0;
}

static int parse_prim(struct parser *p, struct xs_cond *c)
{
	const char *t = next(p);
	while (t && (!strcmp(t, "not") || !strcmp(t, "!"))) {
		c->negate ^= 1;
		t = next(p);
	}
	if (!t)
		return fail(p, "filter: expression ends early%s", "");
	int dir = XS_DIR_ANY;
	if (!strcmp(t, "src") || !strcmp(t, "dst")) {
		dir = t[0] == 's' ? XS_DIR_SRC : XS_DIR_DST;
		const char *q = peek(p);
		if (q && (!strcmp(q, "or") || !strcmp(q, "and")))
			return fail(p, "filter: '%s or/and dst' is not supported by the kernel filter", t);
		t = next(p);
		if (!t)
			return fail(p, "filter: '%s' needs host, net or port after it", dir == XS_DIR_SRC ? "src" : "dst");
		if (strcmp(t, "host") && strcmp(t, "net") && strcmp(t, "port") && strcmp(t, "portrange"))
			return fail(p, "filter: '%s' is not valid after src/dst (host, net, port, portrange)", t);
	}
	c->dir = dir;
	static const struct { const char *name; int proto; } l4[] = {
		{"tcp", 6}, {"udp", 17}, {"sctp", 132},
	};
	for (size_t k = 0; k < sizeof(l4) / sizeof(l4[0]); k++) {
		if (strcmp(t, l4[k].name))
			continue;
		if (dir != XS_DIR_ANY)
			return fail(p, "filter: '%s' cannot follow src/dst", t);
		const char *q = peek(p);
		int qdir = XS_DIR_ANY;
		if (q && (!strcmp(q, "src") || !strcmp(q, "dst"))) {
			qdir = q[0] == 's' ? XS_DIR_SRC : XS_DIR_DST;
			next(p);
			q = peek(p);
			if (!q || (strcmp(q, "port") && strcmp(q, "portrange")))
				return fail(p, "filter: after '%s src/dst' only port or portrange is supported", t);
		}
		if (q && (!strcmp(q, "port") || !strcmp(q, "portrange"))) {
			next(p);
			c->dir = qdir;
			c->proto = l4[k].proto;
			return parse_port(p, c, q[4] == 'r');
		}
		c->kind = XS_C_L4PROTO;
		c->value = l4[k].proto;
		return 0;
	}
	if (!strcmp(t, "icmp") || !strcmp(t, "icmp6")) {
		c->kind = XS_C_L4PROTO;
		c->family = t[4] ? 6 : 4;
		c->value = t[4] ? 58 : 1;
		return 0;
	}
	if (!strcmp(t, "ip") || !strcmp(t, "ip6") || !strcmp(t, "arp")) {
		if (peek(p) && !strcmp(peek(p), "proto"))
			return fail(p, "filter: '%s proto' is not supported; use tcp, udp, icmp, sctp", t);
		c->kind = XS_C_ETHERTYPE;
		c->value = !strcmp(t, "ip") ? 0x0800 : !strcmp(t, "ip6") ? 0x86dd : 0x0806;
		return 0;
	}
	if (!strcmp(t, "port") || !strcmp(t, "portrange"))
		return parse_port(p, c, t[4] == 'r');
	if (!strcmp(t, "host"))
		return parse_addr(p, c, 0);
	if (!strcmp(t, "net"))
		return parse_addr(p, c, 1);
	if (!strcmp(t, "or") || !strcmp(t, "||"))
		return fail(p, "filter: 'or' is not supported by the kernel filter (only 'and' and 'not'); capture more and use a display filter%s", "");
	if (t[0] == '(' || t[0] == ')')
		return fail(p, "filter: parentheses are not supported by the kernel filter ('%s')", t);
	return fail(p, "filter: unsupported term '%s' (supported: ip ip6 arp tcp udp sctp icmp icmp6 [src|dst] host/net/port/portrange, not, and)", t);
}

int xs_filter_parse(const char *expr, struct xs_filter *f, char *err, size_t errlen)
{
	memset(f, 0, sizeof(*f));
	if (!expr)
		return 0;
	if (strlen(expr) > 1024) {
		snprintf(err, errlen, "filter: longer than 1024 characters");
		return -1;
	}
	char *copy = strdup(expr);
	if (!copy) {
		snprintf(err, errlen, "filter: out of memory");
		return -1;
	}
	struct parser p = {.err = err, .errlen = errlen};
	int rc = 0;
	/* "!tcp" and "&&" written without spaces are split apart first. */
	for (char *s = copy; *s;) {
		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		if (p.n == MAX_TOKENS) {
			rc = fail(&p, "filter: too many terms%s", "");
			goto out;
		}
		if (*s == '!' && s[1] != '=') {
			p.tok[p.n++] = "!";
			s++;
			continue;
		}
		if (!isprint((unsigned char)*s)) {
			rc = fail(&p, "filter: non-printable character%s", "");
			goto out;
		}
		p.tok[p.n++] = s;
		while (*s && !isspace((unsigned char)*s))
			s++;
		if (*s)
			*s++ = 0;
	}
	while (p.i < p.n) {
		if (f->n_conds == XS_MAX_CONDS) {
			snprintf(err, errlen, "filter: more than %d terms", XS_MAX_CONDS);
			rc = -1;
			goto out;
		}
		struct xs_cond *c = &f->conds[f->n_conds];
		if (parse_prim(&p, c)) {
			rc = -1;
			goto out;
		}
		f->n_conds++;
		const char *j = next(&p);
		if (!j)
			break;
		if (strcmp(j, "and") && strcmp(j, "&&")) {
			if (!strcmp(j, "or") || !strcmp(j, "||"))
				rc = fail(&p, "filter: 'or' is not supported by the kernel filter (only 'and' and 'not'); capture more and use a display filter%s", "");
			else
				rc = fail(&p, "filter: expected 'and' before '%s'", j);
			goto out;
		}
		if (p.i == p.n) {
			rc = fail(&p, "filter: expression ends after 'and'%s", "");
			goto out;
		}
	}
out:
	free(copy);
	return rc;
}
