// Rejected: reads the IPv4 header without comparing against data_end.
#include "common.h"

SEC("lwt_in")
int no_bounds(struct __sk_buff *skb)
{
	struct iphdr *ip = (void *)(long)skb->data;

	return ip->ttl == 1 ? BPF_DROP : BPF_OK;
}

char _license[] SEC("license") = "GPL";
