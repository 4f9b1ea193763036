/*
 * xdpscope-helper: the small privileged part of xdpscope, like dumpcap.
 * It lists interfaces and captures (load + attach the XDP program, relay
 * records on stdout); it never dissects. Protocol: helper/PROTOCOL.md.
 */
#define _GNU_SOURCE
#include "common.h"
#include "filter.h"
#include "harden.h"
#include "proc.h"

#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: xdpscope-helper list\n"
		   "       xdpscope-helper capture --iface NAME [--mode auto|native|generic] [--snaplen N]\n"
		   "                               [--sample N] [--filter EXPR] [--ring-bytes N]\n"
		   "       xdpscope-helper check-filter EXPR   (validate a capture filter; no privileges needed)\n"
		   "exit codes: 0 ok, 1 runtime error, 2 bad arguments, 3 missing privileges,\n"
		   "            4 no such interface, 5 foreign XDP program attached, 6 load/attach failed,\n"
		   "            7 bad capture filter\n");
}

int main(int argc, char **argv)
{
	/* Read-only, before the capabilities are narrowed: lets a root caller
	 * see the names of XDP programs (a capability-granted helper lacks
	 * CAP_SYS_ADMIN, gets nothing here, and reports ids only). */
	if (argc >= 2 && (!strcmp(argv[1], "list") || !strcmp(argv[1], "capture")) && geteuid() == 0)
		xs_prog_names_snapshot();
	if (argc >= 2 && !strcmp(argv[1], "capture") && geteuid() == 0)
		xs_capture_prepare(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "capture"))
		xs_proc_prepare();
	int hr = harden_startup(argc, argv);
	if (hr != 0)
		return hr == HARDEN_BAD_ARGS ? XS_EXIT_USAGE : XS_EXIT_PRIV;
	if (argc < 2) {
		usage(stderr);
		return XS_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return XS_EXIT_OK;
	}
	if (!strcmp(argv[1], "list")) {
		if (argc != 2) {
			xs_err("list: takes no arguments");
			return XS_EXIT_USAGE;
		}
		return xs_list();
	}
	if (!strcmp(argv[1], "check-filter")) {
		struct xs_filter f;
		char err[256];
		if (argc != 3) {
			xs_err("check-filter: takes one argument, the filter expression");
			return XS_EXIT_USAGE;
		}
		if (xs_filter_parse(argv[2], &f, err, sizeof(err))) {
			xs_err("%s", err);
			return XS_EXIT_FILTER;
		}
		printf("ok: %u term%s\n", f.n_conds, f.n_conds == 1 ? "" : "s");
		return XS_EXIT_OK;
	}
	if (!strcmp(argv[1], "capture"))
		return xs_capture(argc - 1, argv + 1);
	xs_err("unknown command '%s' (list, capture)", argv[1]);
	return XS_EXIT_USAGE;
}
