// variants: v1 v4
// Accepted: variable-length IPv4 header (ihl) then TCP/UDP ports, reading bytes with skb_load_bytes too.
#include "common.h"

struct ports {
	__be16 src;
	__be16 dst;
};

SEC("lwt_in")
int parse_ports(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct iphdr *ip = data;
	struct ports *pt;
	__u32 hlen;
	char buf[8];

	if ((void *)(ip + 1) > data_end)
		return BPF_OK;
	if (ip->protocol != IPPROTO_TCP && ip->protocol != IPPROTO_UDP)
		return BPF_OK;
	hlen = ip->ihl * 4;
	if (hlen < sizeof(*ip))
		return BPF_DROP;
	pt = data + hlen;
	if ((void *)(pt + 1) > data_end)
		return BPF_OK;
	if (pt->dst == bpf_htons(9))
		return BPF_DROP;
	if (bpf_skb_load_bytes(skb, 0, buf, sizeof(buf)))
		return BPF_OK;
	skb->priority = buf[1];
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
