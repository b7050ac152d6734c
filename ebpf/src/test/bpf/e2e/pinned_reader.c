// out: shares the pinned per-CPU hash 'lwt_len_hist_map' with lwt/len_hist.o (same definition, pinned by
// name) and copies the count at key 6 (packets of 64..127 bytes) of this CPU into skb->mark; BPF_OK.
#include "../lwt/lwt_common.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 64);
	__type(key, __u64);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} lwt_len_hist_map SEC(".maps");

SEC("lwt_out")
int read_hist(struct __sk_buff *skb)
{
	__u64 key = 6, *v = bpf_map_lookup_elem(&lwt_len_hist_map, &key);

	skb->mark = v ? *v : 0;
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
