/*
 * Process attribution (bpf/proc.bpf.c): load and attach its cgroup hooks,
 * read its socket events and describe each process once, the moment its
 * first socket appears (/proc/PID read right then; the kernel's pid, comm,
 * uid, gid and cgroup remain when the process is already gone).
 */
#ifndef XS_PROC_H
#define XS_PROC_H

#include <bpf/libbpf.h>
#include <stddef.h>

struct xdpscope_bpf;

/* Before the capabilities are narrowed: find and open the cgroup v2 root
 * (through init's root when this mount namespace lacks it). */
void xs_proc_prepare(void);
/* Create the shared maps and start loading and attaching in a thread
 * (needs CAP_BPF + CAP_NET_ADMIN: before the drop). 0 when under way;
 * otherwise -errno and why in err (capture goes on without it). */
int xs_proc_start(char *err, size_t errlen);
/* Wait for the loader: 0 when attribution runs, else -errno and why. */
int xs_proc_finish(char *err, size_t errlen);
/* Before the capture object is loaded: make it share the socket maps.
 * No-op when attribution is not running. */
int xs_proc_share_maps(struct xdpscope_bpf *skel);
int xs_proc_running(void);
/* The event ring's fd, to add to the caller's ring_buffer (-1 when off). */
int xs_proc_events_fd(void);
/* ring_buffer callback for that ring. */
int xs_proc_on_event(void *ctx, void *data, size_t size);
/*
 * The PROC frame payload describing pid, when it has not been sent since
 * its description last changed: returns its length (0: nothing to send).
 * out must hold XS_PROC_FRAME_MAX bytes. Marks it sent.
 */
#define XS_PROC_FRAME_MAX 2048
size_t xs_proc_frame(unsigned int pid, unsigned char *out);
/* Detach everything (links closed) and free. */
void xs_proc_stop(void);

#endif
