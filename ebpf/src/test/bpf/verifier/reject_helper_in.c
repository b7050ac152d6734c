// Rejected: bpf_skb_store_bytes is an xmit-only helper; lwt_in may not call it.
#include "common.h"

SEC("lwt_in")
int store_in(struct __sk_buff *skb)
{
	__u8 tos = 0x10;

	bpf_skb_store_bytes(skb, 1, &tos, 1, 0);
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
