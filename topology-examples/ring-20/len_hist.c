// lwtemu example after the kernel's samples/bpf lwt_len_hist: an LWT out program that counts packets by the
// log2 of their length in a per-CPU hash (key = bucket, value = packets) and lets every packet pass. On r6 of the
// ring it watches the route to hD's subnet.
#include "lwt_common.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, __u64);
} lwt_len_hist_map SEC(".maps");

static __always_inline __u64 log2l(__u64 v)
{
	__u64 r = 0;

	if (v >> 32) { v >>= 32; r += 32; }
	if (v >> 16) { v >>= 16; r += 16; }
	if (v >> 8) { v >>= 8; r += 8; }
	if (v >> 4) { v >>= 4; r += 4; }
	if (v >> 2) { v >>= 2; r += 2; }
	if (v >> 1) { r += 1; }
	return r;
}

SEC("lwt_out/len_hist")
int len_hist(struct __sk_buff *skb)
{
	__u64 key = log2l(skb->len), init = 1, *value;

	value = bpf_map_lookup_elem(&lwt_len_hist_map, &key);
	if (value)
		__sync_fetch_and_add(value, 1);
	else
		bpf_map_update_elem(&lwt_len_hist_map, &key, &init, BPF_ANY);
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
