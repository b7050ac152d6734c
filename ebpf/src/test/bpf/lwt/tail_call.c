// xmit: 'entry' tail-calls slot 0 of prog array 'jmp' (initialised to 'stage2' by the object; the kernel empties it when the last user reference goes, e.g. after bpftool loadall exits), stage2 sets mark 0x77 and returns BPF_OK; if the tail call fails entry returns BPF_DROP.
#include "lwt_common.h"

SEC("lwt_xmit")
int stage2(struct __sk_buff *skb)
{
	skb->mark = 0x77;
	return BPF_OK;
}

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__uint(key_size, sizeof(__u32));
	__array(values, int (void *));
} jmp SEC(".maps") = {
	.values = { [0] = (void *)&stage2 },
};

SEC("lwt_xmit")
int entry(struct __sk_buff *skb)
{
	bpf_tail_call(skb, &jmp, 0);
	return BPF_DROP;
}

char _license[] SEC("license") = "GPL";
