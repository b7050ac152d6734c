// Accepted: per-protocol packet counters in an array map, indexed by a bounded value.
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

SEC("lwt_out")
int count_proto(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct iphdr *ip = data;
	__u32 key;
	__u64 *val;

	if ((void *)(ip + 1) > data_end)
		return BPF_OK;
	key = ip->protocol;
	val = bpf_map_lookup_elem(&counters, &key);
	if (val)
		__sync_fetch_and_add(val, 1);
	skb->mark = skb->len;
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
