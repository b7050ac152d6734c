// xmit: 'loop' adds 1 to skb->mark and tail-calls itself through slot 0 of prog array 'jmp' (set by
// .values); the kernel allows 33 tail calls per run (MAX_TAIL_CALL_CNT), so a run from mark 0 ends with
// mark 34 and BPF_OK. 'bounce' tail-calls slot 1, which is empty: the call falls through, BPF_DROP.
#include "../lwt/lwt_common.h"

SEC("lwt_xmit")
int loop(struct __sk_buff *skb);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__uint(key_size, sizeof(__u32));
	__array(values, int (void *));
} jmp SEC(".maps") = {
	.values = { [0] = (void *)&loop },
};

SEC("lwt_xmit")
int loop(struct __sk_buff *skb)
{
	skb->mark += 1;
	bpf_tail_call(skb, &jmp, 0);
	return BPF_OK;
}

SEC("lwt_xmit")
int bounce(struct __sk_buff *skb)
{
	bpf_tail_call(skb, &jmp, 1);
	return BPF_DROP;
}

char _license[] SEC("license") = "GPL";
