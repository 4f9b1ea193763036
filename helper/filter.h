/* tcpdump capture-filter subset → struct xs_filter for the XDP program. */
#ifndef XS_FILTER_H
#define XS_FILTER_H

#include "../bpf/xdpscope.h"
#include <stddef.h>

/*
 * Parse expr into f. Returns 0, or -1 with a one-line reason in err.
 * An empty or NULL expression accepts everything.
 */
int xs_filter_parse(const char *expr, struct xs_filter *f, char *err, size_t errlen);

#endif
