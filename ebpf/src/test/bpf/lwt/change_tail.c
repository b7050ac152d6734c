// xmit on an 84-byte IPv4 ping: skb_change_tail grows the packet to 100 bytes (16 zero bytes) then trims it to 92, so 8 zero bytes follow the IP packet (tot_len unchanged, the receiver trims them); BPF_OK, mark = 92.
#include "lwt_common.h"

SEC("lwt_xmit")
int pad_tail(struct __sk_buff *skb)
{
	__u32 len = skb->len;

	if (bpf_skb_change_tail(skb, len + 16, 0) < 0)
		return BPF_DROP;
	if (bpf_skb_change_tail(skb, len + 8, 0) < 0)
		return BPF_DROP;
	skb->mark = skb->len;
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
