// Rejected: reads past the end of an 8-byte map value.
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} table SEC(".maps");

SEC("lwt_out")
int oob_map(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u32 *val = bpf_map_lookup_elem(&table, &key);

	if (!val)
		return BPF_OK;
	return val[2] ? BPF_DROP : BPF_OK;
}

char _license[] SEC("license") = "GPL";
