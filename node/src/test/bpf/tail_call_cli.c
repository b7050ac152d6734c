// xmit: 'entry' tail-calls slot 0 of prog array 'jmp' (empty in the object: `lwtemu bpf run --tail-call
// jmp:0=stage2` fills it), stage2 sets mark 0x77 and returns BPF_OK; with the slot empty entry returns
// BPF_DROP. Build (here): clang-19 -O2 -g -mcpu=v3 -target bpf -I ../../../../ebpf/src/test/bpf/include
// -I ../../../../ebpf/src/test/bpf/lwt -c tail_call_cli.c
#include "lwt_common.h"

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} jmp SEC(".maps");

SEC("lwt_xmit")
int stage2(struct __sk_buff *skb)
{
	skb->mark = 0x77;
	return BPF_OK;
}

SEC("lwt_xmit")
int entry(struct __sk_buff *skb)
{
	bpf_tail_call(skb, &jmp, 0);
	return BPF_DROP;
}

char _license[] SEC("license") = "GPL";
