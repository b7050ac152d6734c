// xmit on an 84-byte IPv4 ping: skb_change_tail grows the packet to 100 bytes (16 zero bytes, IP tot_len unchanged so the receiver trims them), then a shrink below the IP header (10 bytes) fails with -EINVAL; BPF_OK, mark = 100.
#include "lwt_common.h"

SEC("lwt_xmit")
int pad_tail(struct __sk_buff *skb)
{
	__u32 len = skb->len;

	if (bpf_skb_change_tail(skb, len + 16, 0) < 0)
		return BPF_DROP;
	if (bpf_skb_change_tail(skb, 10, 0) != -22)
		return BPF_DROP;
	skb->mark = skb->len;
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
