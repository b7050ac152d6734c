// Load error: a prog array slot initialised beyond max_entries.
#include "../lwt/lwt_common.h"

SEC("lwt_xmit")
int target(struct __sk_buff *skb)
{
	return BPF_OK;
}

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__uint(key_size, sizeof(__u32));
	__array(values, int (void *));
} jmp SEC(".maps") = {
	.values = { [3] = (void *)&target },
};

SEC("lwt_xmit")
int entry(struct __sk_buff *skb)
{
	bpf_tail_call(skb, &jmp, 3);
	return BPF_DROP;
}

char _license[] SEC("license") = "GPL";
