// xdpgen: a packet generator for the capture benchmarks, as xdp-trafficgen
// makes traffic (its xdp-tools 1.3.1 build does not load on this kernel).
// One 64-byte-on-the-wire UDP frame is handed to BPF_PROG_TEST_RUN with
// BPF_F_TEST_XDP_LIVE_FRAMES: the kernel runs an XDP program that returns
// XDP_TX `repeat` times per call, in batches, and transmits every frame out
// of IFACE through its driver's ndo_xdp_xmit, no socket and no copy per
// packet. On a veth, the frames arrive at the peer (where the capturer
// under test runs its XDP program) like frames from a wire.
//
//   xdpgen -i IFACE -m DSTMAC -s SRCIP -d DSTIP [-t SECS] [-n PACKETS] [-T THREADS] [-b BATCH] [-l LEN]
//
// Runs THREADS threads (default 1), each pinned to its own CPU, until SECS
// seconds (default 5) or PACKETS packets (whichever comes first), and prints
// one line: `xdpgen: sent N packets in S s: R Mpps, CPU C s (T threads)`.
// "Sent" counts the frames the kernel ran through the program; a frame the
// peer had no room for is dropped by the veth and counted there, not here.
// Addresses must be in 198.18.0.0/15 (benchmark space, RFC 2544).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define MAX_THREADS 16

struct job {
	int prog_fd;
	int ifindex;
	int cpu;
	uint8_t *frame;
	uint32_t len;
	uint32_t batch;
	uint64_t limit;     /* packets for this thread */
	double deadline;    /* monotonic seconds */
	uint64_t sent;
	int err;
};

static double now_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void *run(void *arg)
{
	struct job *j = arg;
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(j->cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	struct xdp_md ctx = { .data_end = j->len, .ingress_ifindex = j->ifindex };
	while (j->sent < j->limit && now_mono() < j->deadline) {
		/* calls of ~64k frames: the deadline is checked often, and no
		 * signal ever interrupts a call, so every count is exact */
		uint64_t left = j->limit - j->sent;
		uint32_t repeat = left < 65536 ? (uint32_t)left : 65536;
		LIBBPF_OPTS(bpf_test_run_opts, o,
			.data_in = j->frame, .data_size_in = j->len,
			.ctx_in = &ctx, .ctx_size_in = sizeof(ctx),
			.repeat = repeat, .batch_size = j->batch,
			.flags = BPF_F_TEST_XDP_LIVE_FRAMES);
		if (bpf_prog_test_run_opts(j->prog_fd, &o)) {
			j->err = errno;
			break;
		}
		j->sent += repeat;
	}
	return NULL;
}

static uint16_t csum(const uint8_t *p, int n)
{
	uint32_t s = 0;
	for (int i = 0; i < n; i += 2) s += (p[i] << 8) | p[i + 1];
	while (s >> 16) s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static int parse_mac(const char *s, uint8_t *m)
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) == 6 ? 0 : -1;
}

static int own_mac(const char *ifname, uint8_t *m)
{
	char path[128];
	snprintf(path, sizeof(path), "/sys/class/net/%s/address", ifname);
	FILE *f = fopen(path, "r");
	if (!f) return -1;
	char buf[32] = "";
	int ok = fgets(buf, sizeof(buf), f) != NULL;
	fclose(f);
	return ok ? parse_mac(buf, m) : -1;
}

/* 198.18.0.0/15 only: benchmark traffic never looks like anyone's */
static int bench_addr(const char *s, struct in_addr *a)
{
	if (inet_pton(AF_INET, s, a) != 1) return -1;
	return (ntohl(a->s_addr) & 0xfffe0000) == 0xc6120000 ? 0 : -1;
}

static void usage(void)
{
	fprintf(stderr, "usage: xdpgen -i IFACE -m DSTMAC -s SRCIP -d DSTIP [-t SECS] [-n PACKETS] [-T THREADS] [-b BATCH] [-l LEN]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *ifname = NULL, *dmac = NULL, *sip = NULL, *dip = NULL;
	double secs = 5;
	uint64_t packets = UINT64_MAX;
	int threads = 1, batch = 64, len = 60, c;
	while ((c = getopt(argc, argv, "i:m:s:d:t:n:T:b:l:")) != -1) {
		switch (c) {
		case 'i': ifname = optarg; break;
		case 'm': dmac = optarg; break;
		case 's': sip = optarg; break;
		case 'd': dip = optarg; break;
		case 't': secs = atof(optarg); break;
		case 'n': packets = strtoull(optarg, NULL, 10); break;
		case 'T': threads = atoi(optarg); break;
		case 'b': batch = atoi(optarg); break;
		case 'l': len = atoi(optarg); break;
		default: usage();
		}
	}
	if (!ifname || !dmac || !sip || !dip) usage();
	/* bounded: at most a minute, at most 16 threads, frames of 60..1514 bytes */
	if (secs <= 0 || secs > 60 || threads < 1 || threads > MAX_THREADS || batch < 1 || batch > 256 || len < 60 || len > 1514 || packets == 0) usage();
	int ifindex = if_nametoindex(ifname);
	if (!ifindex) { fprintf(stderr, "xdpgen: no interface %s\n", ifname); return 1; }

	uint8_t frame[1514] = { 0 };
	struct in_addr s, d;
	if (parse_mac(dmac, frame) || own_mac(ifname, frame + 6)) { fprintf(stderr, "xdpgen: bad MAC\n"); return 2; }
	if (bench_addr(sip, &s) || bench_addr(dip, &d)) { fprintf(stderr, "xdpgen: addresses must be in 198.18.0.0/15\n"); return 2; }
	frame[12] = 0x08; frame[13] = 0x00;
	uint8_t *ip = frame + 14;
	int iplen = len - 14;
	ip[0] = 0x45; ip[2] = iplen >> 8; ip[3] = iplen & 0xff; ip[8] = 64; ip[9] = 17;
	memcpy(ip + 12, &s, 4); memcpy(ip + 16, &d, 4);
	uint16_t ck = csum(ip, 20);
	ip[10] = ck >> 8; ip[11] = ck & 0xff;
	uint8_t *udp = ip + 20;
	int ulen = iplen - 20;
	udp[0] = 0x04; udp[1] = 0x00; /* 1024 */
	udp[2] = 0x23; udp[3] = 0x28; /* 9000 */
	udp[4] = ulen >> 8; udp[5] = ulen & 0xff;

	/* r0 = XDP_TX; exit: live-frames mode turns XDP_TX into a transmit on IFACE */
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_TX },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int prog_fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "xdpgen_tx", "GPL", insns, 2, NULL);
	if (prog_fd < 0) { fprintf(stderr, "xdpgen: loading the program: %s\n", strerror(errno)); return 1; }

	int ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	struct job jobs[MAX_THREADS];
	pthread_t tid[MAX_THREADS];
	double t0 = now_mono(), c0 = cpu_seconds();
	for (int i = 0; i < threads; i++) {
		uint64_t share = packets == UINT64_MAX ? UINT64_MAX : packets / threads + (i < (int)(packets % threads));
		jobs[i] = (struct job){ .prog_fd = prog_fd, .ifindex = ifindex, .cpu = i % ncpu, .frame = frame, .len = len,
			.batch = batch, .limit = share, .deadline = t0 + secs };
		pthread_create(&tid[i], NULL, run, &jobs[i]);
	}
	uint64_t sent = 0;
	int err = 0;
	for (int i = 0; i < threads; i++) {
		pthread_join(tid[i], NULL);
		sent += jobs[i].sent;
		if (jobs[i].err) err = jobs[i].err;
	}
	double wall = now_mono() - t0, cpu = cpu_seconds() - c0;
	printf("xdpgen: sent %llu packets in %.3f s: %.3f Mpps, CPU %.3f s (%d threads, batch %d, %d-byte frames)\n",
		(unsigned long long)sent, wall, sent / wall / 1e6, cpu, threads, batch, len);
	if (err) { fprintf(stderr, "xdpgen: BPF_PROG_TEST_RUN: %s\n", strerror(err)); return 1; }
	return 0;
}
