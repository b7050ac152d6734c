// xmit: pushes a 14-byte Ethernet header (02:00:00:00:00:01 -> 02:00:00:00:00:02, type 0x0800 or 0x86dd) with skb_change_head and returns bpf_redirect(DST_IFINDEX = 2, 0) = BPF_REDIRECT; the packet leaves on ifindex 2 with that header.
#include "lwt_common.h"

#ifndef DST_IFINDEX
#define DST_IFINDEX 2
#endif

SEC("lwt_xmit")
int push_ll_and_redirect(struct __sk_buff *skb)
{
	__be16 proto = skb->protocol;
	struct ethhdr *eth;
	void *data, *data_end;

	if (bpf_skb_change_head(skb, sizeof(*eth), 0) < 0)
		return BPF_DROP;
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	eth = data;
	if (data + sizeof(*eth) > data_end)
		return BPF_DROP;
	__builtin_memset(eth->h_dest, 0, 6);
	__builtin_memset(eth->h_source, 0, 6);
	eth->h_dest[0] = 2;
	eth->h_dest[5] = 2;
	eth->h_source[0] = 2;
	eth->h_source[5] = 1;
	eth->h_proto = proto;
	return bpf_redirect(DST_IFINDEX, 0);
}

char _license[] SEC("license") = "GPL";
