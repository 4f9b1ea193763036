/* libbpf's BTF-defined map declaration, written once: every map of both BPF
 * objects is a type, a size, a key and a value (a ring buffer only a size),
 * and the struct-in-".maps" form around them is the same each time. */
#ifndef XS_MAPS_BPF_H
#define XS_MAPS_BPF_H

#define XS_MAP(name, map_type, entries, key_type, value_type) \
	struct {                                              \
		__uint(type, map_type);                       \
		__uint(max_entries, entries);                 \
		__type(key, key_type);                        \
		__type(value, value_type);                    \
	} name SEC(".maps")

#define XS_RINGBUF(name, bytes)                        \
	struct {                                       \
		__uint(type, BPF_MAP_TYPE_RINGBUF);    \
		__uint(max_entries, bytes);            \
	} name SEC(".maps")

#endif
