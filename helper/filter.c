/*
 * The subset of tcpdump's capture-filter language that the XDP program can
 * evaluate: primitives combined with and, or, not and parentheses.
 *
 *   expr  := unary { ("and" | "&&" | "or" | "||") unary }
 *   unary := ("not" | "!") unary | "(" expr ")" | qual
 *   qual  := "ip" | "ip6" | "arp"
 *          | ("tcp" | "udp" | "sctp") [ [dir] ("port" N | "portrange" N-M) ]
 *          | "icmp" | "icmp6"
 *          | [dir] ("port" N | "portrange" N-M)
 *          | [dir] "host" ADDR            (IPv4 or IPv6)
 *          | [dir] "net" ADDR/LEN         (or "net" ADDR "mask" DOTTED)
 *   dir   := "src" | "dst"
 *
 * As in tcpdump (pcap-filter(7)), "and" and "or" have the same precedence
 * and group from the left: "tcp or udp and port 53" is "(tcp or udp) and
 * port 53". "port" means TCP, UDP or SCTP, either direction, IPv4 or IPv6,
 * first fragment only. Unlike tcpdump: "host"/"net" match IP headers only
 * (not ARP). The program evaluates a disjunctive normal form (at most
 * XS_MAX_GROUPS alternatives, XS_MAX_CONDS conditions in all), into which
 * the expression is expanded here; one that expands further is refused.
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
#define MAX_NODES 64

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
	/* (a leading "not" was taken by parse_unary: negation lives in the tree) */
	const char *t = next(p);
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
	if (!strcmp(t, "or") || !strcmp(t, "||") || !strcmp(t, "and") || !strcmp(t, "&&"))
		return fail(p, "filter: a term is missing before '%s'", t);
	if (!strcmp(t, ")"))
		return fail(p, "filter: ')' without a matching '('%s", "");
	return fail(p, "filter: unsupported term '%s' (supported: ip ip6 arp tcp udp sctp icmp icmp6 [src|dst] host/net/port/portrange, not, and, or, parentheses)", t);
}

/* ---- expression tree, then disjunctive normal form ---- */

enum { N_PRIM, N_AND, N_OR, N_NOT };

struct node {
	int kind;
	int a, b; /* children (node indexes) */
	struct xs_cond cond;
};

struct tree {
	struct parser *p;
	struct node n[MAX_NODES];
	int used;
};

static int new_node(struct tree *t, int kind, int a, int b)
{
	if (t->used == MAX_NODES)
		return fail(t->p, "filter: too many terms%s", "");
	struct node *x = &t->n[t->used];
	memset(x, 0, sizeof(*x));
	x->kind = kind;
	x->a = a;
	x->b = b;
	return t->used++;
}

static int is_tok(const char *s, const char *a, const char *b)
{
	return s && (!strcmp(s, a) || !strcmp(s, b));
}

static int parse_expr(struct tree *t, int depth);

static int parse_unary(struct tree *t, int depth)
{
	struct parser *p = t->p;
	if (depth > 32)
		return fail(p, "filter: nested too deeply%s", "");
	const char *s = peek(p);
	if (!s)
		return fail(p, "filter: expression ends early%s", "");
	if (is_tok(s, "not", "!")) {
		next(p);
		int a = parse_unary(t, depth + 1);
		return a < 0 ? -1 : new_node(t, N_NOT, a, -1);
	}
	if (!strcmp(s, "(")) {
		next(p);
		int a = parse_expr(t, depth + 1);
		if (a < 0)
			return -1;
		if (!peek(p) || strcmp(peek(p), ")"))
			return fail(p, "filter: '(' without a matching ')'%s", "");
		next(p);
		return a;
	}
	int x = new_node(t, N_PRIM, -1, -1);
	if (x < 0 || parse_prim(p, &t->n[x].cond))
		return -1;
	return x;
}

static int parse_expr(struct tree *t, int depth)
{
	struct parser *p = t->p;
	int left = parse_unary(t, depth);
	while (left >= 0) {
		const char *s = peek(p);
		if (!s || !strcmp(s, ")"))
			return left;
		int kind;
		if (is_tok(s, "and", "&&"))
			kind = N_AND;
		else if (is_tok(s, "or", "||"))
			kind = N_OR;
		else
			return fail(p, "filter: expected 'and' or 'or' before '%s'", s);
		next(p);
		if (!peek(p) || !strcmp(peek(p), ")"))
			return fail(p, "filter: expression ends after '%s'", s);
		int right = parse_unary(t, depth);
		if (right < 0)
			return -1;
		left = new_node(t, kind, left, right);
	}
	return -1;
}

/* An OR of groups, each an AND of conditions. */
struct dnf {
	int groups;
	int len[XS_MAX_GROUPS];
	struct xs_cond c[XS_MAX_GROUPS][XS_MAX_CONDS];
};

static int too_complex(struct parser *p)
{
	snprintf(p->err, p->errlen,
		 "filter: too complex for the kernel filter (expanded into and/or form it needs more than %d alternatives or %d terms); capture more and use a display filter",
		 XS_MAX_GROUPS, XS_MAX_CONDS);
	return -1;
}

/* Expands node x (negated when neg) into out (De Morgan for negations). */
static int to_dnf(struct tree *t, int x, int neg, struct dnf *out)
{
	struct node *n = &t->n[x];
	memset(out, 0, sizeof(*out));
	if (n->kind == N_PRIM) {
		out->groups = 1;
		out->len[0] = 1;
		out->c[0][0] = n->cond;
		out->c[0][0].negate ^= (__u8)neg;
		return 0;
	}
	if (n->kind == N_NOT)
		return to_dnf(t, n->a, !neg, out);
	struct dnf *l = malloc(sizeof(*l)), *r = malloc(sizeof(*r));
	int rc = -1;
	if (!l || !r) {
		snprintf(t->p->err, t->p->errlen, "filter: out of memory");
		goto done;
	}
	if (to_dnf(t, n->a, neg, l) || to_dnf(t, n->b, neg, r))
		goto done;
	/* "or", or a negated "and": the alternatives of both sides */
	if ((n->kind == N_OR) != (neg != 0)) {
		if (l->groups + r->groups > XS_MAX_GROUPS) {
			rc = too_complex(t->p);
			goto done;
		}
		*out = *l;
		for (int g = 0; g < r->groups; g++) {
			out->len[out->groups] = r->len[g];
			memcpy(out->c[out->groups], r->c[g], sizeof(r->c[g]));
			out->groups++;
		}
		rc = 0;
		goto done;
	}
	/* "and", or a negated "or": every pairing of an alternative from each side */
	if (l->groups * r->groups > XS_MAX_GROUPS) {
		rc = too_complex(t->p);
		goto done;
	}
	for (int i = 0; i < l->groups; i++) {
		for (int j = 0; j < r->groups; j++) {
			int g = out->groups++;
			if (l->len[i] + r->len[j] > XS_MAX_CONDS) {
				rc = too_complex(t->p);
				goto done;
			}
			memcpy(out->c[g], l->c[i], l->len[i] * sizeof(struct xs_cond));
			memcpy(out->c[g] + l->len[i], r->c[j], r->len[j] * sizeof(struct xs_cond));
			out->len[g] = l->len[i] + r->len[j];
		}
	}
	rc = 0;
done:
	free(l);
	free(r);
	return rc;
}

int xs_filter_parse(const char *expr, struct xs_filter *f, char *err, size_t errlen)
{
	memset(f, 0, sizeof(*f));
	if (!expr)
		return 0;
	size_t n = strlen(expr);
	if (n > XS_MAX_FILTER_LEN) {
		snprintf(err, errlen, "filter: too long: %zu bytes (at most %u)", n, (unsigned)XS_MAX_FILTER_LEN);
		return -1;
	}
	/* Operators may touch their operands ("!tcp", "(tcp", "udp||arp"): a
	 * spaced copy of the text makes every operator a word of its own (an
	 * operator of n bytes takes at most n + 2). */
	size_t len = strlen(expr);
	char *copy = malloc(len * 3 + 1);
	if (!copy) {
		snprintf(err, errlen, "filter: out of memory");
		return -1;
	}
	struct parser p = {.err = err, .errlen = errlen};
	struct tree *t = NULL;
	struct dnf *d = NULL;
	int rc = 0;
	{
		size_t o = 0;
		for (size_t k = 0; k < len; k++) {
			char ch = expr[k];
			int two = (ch == '&' || ch == '|') && expr[k + 1] == ch;
			if (ch == '(' || ch == ')' || (ch == '!' && expr[k + 1] != '=') || two) {
				copy[o++] = ' ';
				copy[o++] = ch;
				if (two)
					copy[o++] = expr[++k];
				copy[o++] = ' ';
			} else {
				copy[o++] = ch;
			}
		}
		copy[o] = 0;
	}
	for (char *s = copy; *s;) {
		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		if (p.n == MAX_TOKENS) {
			rc = fail(&p, "filter: too many terms%s", "");
			goto out;
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
	if (p.n == 0)
		goto out;
	t = calloc(1, sizeof(*t));
	d = malloc(sizeof(*d));
	if (!t || !d) {
		rc = fail(&p, "filter: out of memory%s", "");
		goto out;
	}
	t->p = &p;
	int root = parse_expr(t, 0);
	if (root < 0) {
		rc = -1;
		goto out;
	}
	if (p.i < p.n) {
		rc = fail(&p, "filter: ')' without a matching '('%s", "");
		goto out;
	}
	if (to_dnf(t, root, 0, d)) {
		rc = -1;
		goto out;
	}
	int total = 0;
	for (int g = 0; g < d->groups; g++)
		total += d->len[g];
	if (total > XS_MAX_CONDS) {
		rc = too_complex(&p);
		goto out;
	}
	for (int g = 0; g < d->groups; g++) {
		for (int k = 0; k < d->len[g]; k++) {
			struct xs_cond *c = &f->conds[f->n_conds++];
			*c = d->c[g][k];
			c->group = (__u8)g;
		}
	}
out:
	free(t);
	free(d);
	free(copy);
	return rc;
}
