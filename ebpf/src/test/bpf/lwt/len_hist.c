// out: pinned (by name) per-CPU hash 'lwt_len_hist_map' counts packets per log2(len), as the kernel's lwt_len_hist selftest; an 84-byte ping adds 1 at key 6; BPF_OK.
#include "lwt_common.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 64);
	__type(key, __u64);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
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

SEC("lwt_out")
int len_hist(struct __sk_buff *skb)
{
	__u64 key = log2l(skb->len), one = 1, *v;

	v = bpf_map_lookup_elem(&lwt_len_hist_map, &key);
	if (v)
		*v += 1;
	else
		bpf_map_update_elem(&lwt_len_hist_map, &key, &one, BPF_ANY);
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
