// Rejected: dereferences a map lookup result without checking it for NULL.
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} table SEC(".maps");

SEC("lwt_out")
int null_deref(struct __sk_buff *skb)
{
	__u32 key = skb->mark;
	__u64 *val = bpf_map_lookup_elem(&table, &key);

	*val += 1;
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
