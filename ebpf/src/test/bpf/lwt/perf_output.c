// xmit: bpf_perf_event_output to this CPU's slot with an 8-byte meta {len, ifindex} plus the first min(len, 64) packet bytes (84-byte ping: 72-byte sample, padded to 76); BPF_OK.
#include "lwt_common.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

struct meta {
	__u32 len;
	__u32 ifindex;
};

SEC("lwt_xmit")
int perf_out(struct __sk_buff *skb)
{
	struct meta m = { .len = skb->len, .ifindex = skb->ifindex };
	__u64 sample = m.len < 64 ? m.len : 64;

	bpf_perf_event_output(skb, &events, BPF_F_CURRENT_CPU | (sample << 32), &m, sizeof(m));
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
