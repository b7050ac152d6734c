// Rejected: direct packet write from an lwt_in program (only xmit may write).
#include "common.h"

SEC("lwt_in")
int write_in(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct iphdr *ip = data;

	if ((void *)(ip + 1) > data_end)
		return BPF_OK;
	ip->tos = 0x10;
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
