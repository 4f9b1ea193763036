/*
 * `xdpscope-helper list`: every network interface as one JSON array on
 * stdout. Uses only calls an unprivileged user may make (getifaddrs,
 * SIOCGIFMTU, ETHTOOL_GDRVINFO, the netlink XDP query); only the name of an
 * attached XDP program needs CAP_SYS_ADMIN and is null without it.
 */
#define _GNU_SOURCE
#include "common.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* id → name of loaded XDP programs, read by xs_prog_names_snapshot() while
 * the helper still has the caller's privileges: naming a program by id needs
 * CAP_SYS_ADMIN, which harden_startup() drops even for root. */
#define NAME_CACHE 256
static struct { unsigned int id; char name[BPF_OBJ_NAME_LEN]; } name_cache[NAME_CACHE];
static int name_cache_len;

static int read_name(unsigned int id, char *out, size_t outlen, __u32 *type)
{
	int fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return -1;
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	memset(&info, 0, sizeof(info));
	int rc = bpf_obj_get_info_by_fd(fd, &info, &len);
	close(fd);
	if (rc)
		return -1;
	snprintf(out, outlen, "%s", info.name);
	if (type)
		*type = info.type;
	return 0;
}

void xs_prog_names_snapshot(void)
{
	__u32 id = 0;
	while (name_cache_len < NAME_CACHE && bpf_prog_get_next_id(id, &id) == 0) {
		__u32 type = 0;
		char name[BPF_OBJ_NAME_LEN];
		if (read_name(id, name, sizeof(name), &type) == 0 &&
		    (type == BPF_PROG_TYPE_XDP || type == BPF_PROG_TYPE_SCHED_CLS)) {
			name_cache[name_cache_len].id = id;
			snprintf(name_cache[name_cache_len].name, sizeof(name_cache[0].name), "%s", name);
			name_cache_len++;
		}
	}
}

void xs_prog_name(unsigned int id, char *out, size_t outlen)
{
	out[0] = 0;
	for (int i = 0; i < name_cache_len; i++) {
		if (name_cache[i].id == id) {
			snprintf(out, outlen, "%s", name_cache[i].name);
			return;
		}
	}
	read_name(id, out, outlen, NULL);
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static int prefix_len(const struct sockaddr *mask)
{
	if (!mask)
		return -1;
	const unsigned char *b;
	int n;
	if (mask->sa_family == AF_INET) {
		b = (const unsigned char *)&((const struct sockaddr_in *)mask)->sin_addr;
		n = 4;
	} else if (mask->sa_family == AF_INET6) {
		b = (const unsigned char *)&((const struct sockaddr_in6 *)mask)->sin6_addr;
		n = 16;
	} else {
		return -1;
	}
	int bits = 0;
	for (int i = 0; i < n; i++)
		bits += __builtin_popcount(b[i]);
	return bits;
}

static void print_xdp(unsigned int ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	if (bpf_xdp_query(ifindex, 0, &q) != 0 || (!q.prog_id && !q.drv_prog_id && !q.skb_prog_id && !q.hw_prog_id)) {
		printf("null");
		return;
	}
	unsigned int id = q.drv_prog_id ? q.drv_prog_id : q.skb_prog_id ? q.skb_prog_id : q.hw_prog_id ? q.hw_prog_id : q.prog_id;
	const char *mode = q.drv_prog_id ? "native" : q.skb_prog_id ? "generic" : q.hw_prog_id ? "offload" : "unknown";
	char name[64];
	xs_prog_name(id, name, sizeof(name));
	printf("{\"id\":%u,\"mode\":\"%s\",\"name\":", id, mode);
	if (name[0])
		json_str(name);
	else
		printf("null");
	putchar('}');
}

/* The tcx egress chain (kernel >= 6.6), in run order: [] when empty, null
 * when it cannot be read (older kernel, or no CAP_NET_ADMIN). clsact
 * filters are not listed. */
static void print_tcx_egress(unsigned int ifindex)
{
	__u32 ids[64], cnt = 64, flags = 0;
	if (bpf_prog_query((int)ifindex, 47 /* BPF_TCX_EGRESS */, 0, &flags, ids, &cnt) != 0) {
		printf("null");
		return;
	}
	putchar('[');
	for (__u32 i = 0; i < cnt && i < 64; i++) {
		char name[64];
		xs_prog_name(ids[i], name, sizeof(name));
		printf("%s{\"id\":%u,\"name\":", i ? "," : "", ids[i]);
		if (name[0])
			json_str(name);
		else
			printf("null");
		putchar('}');
	}
	putchar(']');
}

static void print_driver(int sock, const char *ifname)
{
	struct ethtool_drvinfo drv = {.cmd = ETHTOOL_GDRVINFO};
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&drv;
	if (sock >= 0 && ioctl(sock, SIOCETHTOOL, &ifr) == 0 && drv.driver[0])
		json_str(drv.driver);
	else
		printf("null");
}

static int get_mtu(int sock, const char *ifname)
{
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (sock >= 0 && ioctl(sock, SIOCGIFMTU, &ifr) == 0)
		return ifr.ifr_mtu;
	return -1;
}

int xs_list(void)
{
	struct ifaddrs *all;
	if (getifaddrs(&all) != 0) {
		xs_err("list: getifaddrs: %s", strerror(errno));
		return XS_EXIT_RUNTIME;
	}
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	printf("[");
	int first = 1;
	/* AF_PACKET entries name each link once; addresses are gathered per name. */
	for (struct ifaddrs *l = all; l; l = l->ifa_next) {
		if (!l->ifa_addr || l->ifa_addr->sa_family != AF_PACKET)
			continue;
		const struct sockaddr_ll *ll = (const struct sockaddr_ll *)l->ifa_addr;
		printf("%s\n{\"name\":", first ? "" : ",");
		first = 0;
		json_str(l->ifa_name);
		printf(",\"index\":%d,\"mac\":", ll->sll_ifindex);
		if (ll->sll_halen == 6) {
			const unsigned char *m = ll->sll_addr;
			printf("\"%02x:%02x:%02x:%02x:%02x:%02x\"", m[0], m[1], m[2], m[3], m[4], m[5]);
		} else {
			printf("null");
		}
		printf(",\"arphrd\":%u,\"up\":%s,\"running\":%s,\"loopback\":%s,\"mtu\":%d,\"driver\":",
		       ll->sll_hatype, (l->ifa_flags & IFF_UP) ? "true" : "false",
		       (l->ifa_flags & IFF_RUNNING) ? "true" : "false",
		       (l->ifa_flags & IFF_LOOPBACK) ? "true" : "false", get_mtu(sock, l->ifa_name));
		print_driver(sock, l->ifa_name);
		printf(",\"addresses\":[");
		int afirst = 1;
		for (struct ifaddrs *a = all; a; a = a->ifa_next) {
			if (!a->ifa_addr || strcmp(a->ifa_name, l->ifa_name))
				continue;
			int fam = a->ifa_addr->sa_family;
			if (fam != AF_INET && fam != AF_INET6)
				continue;
			char buf[INET6_ADDRSTRLEN];
			const void *src = fam == AF_INET ? (const void *)&((struct sockaddr_in *)a->ifa_addr)->sin_addr
							 : (const void *)&((struct sockaddr_in6 *)a->ifa_addr)->sin6_addr;
			inet_ntop(fam, src, buf, sizeof(buf));
			printf("%s{\"family\":%d,\"address\":\"%s\",\"prefixlen\":%d}", afirst ? "" : ",",
			       fam == AF_INET ? 4 : 6, buf, prefix_len(a->ifa_netmask));
			afirst = 0;
		}
		printf("],\"xdp\":");
		print_xdp(ll->sll_ifindex);
		printf(",\"egress\":");
		print_tcx_egress(ll->sll_ifindex);
		printf("}");
	}
	printf("\n]\n");
	if (sock >= 0)
		close(sock);
	freeifaddrs(all);
	return fflush(stdout) == 0 ? XS_EXIT_OK : XS_EXIT_RUNTIME;
}
