// lwtemu cluster tests: an LWT xmit program that counts the packets its route carries in a map pinned by name
// (LIBBPF_PIN_BY_NAME), the state a router re-homed to another member gets back from its last snapshot.
// Rebuild: clang-19 -O2 -g -target bpf -mcpu=v3 -I ../../../../../ebpf/src/test/bpf/include \
//   -I ../../../../../topology-examples/include -c count_pinned.c -o count_pinned.o
#include "lwt_common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} route_packets SEC(".maps");

SEC("lwt_xmit/count")
int count_pinned(struct __sk_buff *skb)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&route_packets, &zero);

	if (n)
		__sync_fetch_and_add(n, 1);
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
