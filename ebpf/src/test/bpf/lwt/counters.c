// out: per destination address a packet count in hash map 'pkts' (10.0.0.2 -> 1 after one ping), bytes per CPU in percpu array 'bytes'[0] (+84), the flow hash of the last packet in 'last_hash'[0]; BPF_OK.
#include "lwt_common.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} pkts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} bytes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} last_hash SEC(".maps");

SEC("lwt_out")
int count(struct __sk_buff *skb)
{
	__u32 zero = 0, daddr;
	__u64 one = 1, *v;
	__u32 *h;

	if (bpf_skb_load_bytes(skb, 16, &daddr, sizeof(daddr)) < 0)
		return BPF_OK;
	v = bpf_map_lookup_elem(&pkts, &daddr);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&pkts, &daddr, &one, BPF_ANY);
	v = bpf_map_lookup_elem(&bytes, &zero);
	if (v)
		*v += skb->len;
	h = bpf_map_lookup_elem(&last_hash, &zero);
	if (h)
		*h = bpf_get_hash_recalc(skb);
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
