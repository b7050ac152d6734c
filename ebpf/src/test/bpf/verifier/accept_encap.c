// variants: v1 v4
// Accepted: IPIP (xmit) and GRE (in) encapsulation with bpf_lwt_push_encap, like lwt_ip_encap.
#include "common.h"

struct gre_hdr {
	__be16 flags;
	__be16 protocol;
};

struct encap_gre {
	struct iphdr ip;
	struct gre_hdr gre;
};

static __always_inline void fill_outer(struct iphdr *ip, __u8 proto, __u16 len)
{
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = proto;
	ip->tot_len = bpf_htons(len);
	ip->saddr = bpf_htonl(0xac100001);
	ip->daddr = bpf_htonl(0xac100002);
}

SEC("lwt_xmit")
int encap_ipip(struct __sk_buff *skb)
{
	struct iphdr hdr = {};

	fill_outer(&hdr, IPPROTO_IPIP, skb->len + sizeof(hdr));
	if (bpf_lwt_push_encap(skb, BPF_LWT_ENCAP_IP, &hdr, sizeof(hdr)))
		return BPF_DROP;
	return BPF_LWT_REROUTE;
}

SEC("lwt_in")
int encap_gre(struct __sk_buff *skb)
{
	struct encap_gre hdr;
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct iphdr *inner = data;

	if ((void *)(inner + 1) > data_end)
		return BPF_DROP;
	__builtin_memset(&hdr, 0, sizeof(hdr));
	fill_outer(&hdr.ip, IPPROTO_GRE, skb->len + sizeof(hdr));
	hdr.gre.protocol = inner->version == 4 ? bpf_htons(ETH_P_IP) : bpf_htons(ETH_P_IPV6);
	if (bpf_lwt_push_encap(skb, BPF_LWT_ENCAP_IP, &hdr, sizeof(hdr)))
		return BPF_DROP;
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
