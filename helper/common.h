/* Shared by the helper's modules: exit codes and one-line error reporting. */
#ifndef XS_COMMON_H
#define XS_COMMON_H

#include <stdio.h>

/* Documented exit codes (helper/PROTOCOL.md). */
enum {
	XS_EXIT_OK = 0,
	XS_EXIT_RUNTIME = 1,  /* failure after start (load, I/O, kernel error) */
	XS_EXIT_USAGE = 2,    /* bad command line: unknown option, bad number, refused argument */
	XS_EXIT_PRIV = 3,     /* missing CAP_BPF / CAP_NET_ADMIN, or refusing to use them from an unsafe location */
	XS_EXIT_NOIFACE = 4,  /* no such interface */
	XS_EXIT_BUSY = 5,     /* interface already has a foreign XDP program */
	XS_EXIT_ATTACH = 6,   /* could not load or attach the program in the requested mode */
	XS_EXIT_FILTER = 7,   /* the capture filter is invalid, too complex or too long */
};

#define xs_err(...) do { fprintf(stderr, "xdpscope-helper: " __VA_ARGS__); fputc('\n', stderr); } while (0)

int xs_list(void);
int xs_capture(int argc, char **argv);
/* Root only, before harden_startup(): open a foreign XDP program on the
 * capture's interface and aim our fentry/fexit at it (needs CAP_SYS_ADMIN). */
void xs_capture_prepare(int argc, char **argv);

/* Name of an XDP program by id; "" when it cannot be read (needs CAP_SYS_ADMIN). */
void xs_prog_name(unsigned int id, char *out, size_t outlen);
/* Remember the names of loaded XDP programs (only works with CAP_SYS_ADMIN, i.e. as root). */
void xs_prog_names_snapshot(void);

#endif
