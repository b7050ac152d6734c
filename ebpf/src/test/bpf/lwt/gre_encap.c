// xmit and in: pushes outer IPv4 172.16.1.100 -> 172.16.2.100 proto GRE + a 4-byte GRE header (protocol = inner EtherType), 24 bytes; returns BPF_LWT_REROUTE so the outer destination is routed (as the kernel's lwt_ip_encap selftest).
#include "lwt_common.h"

struct encap_hdr {
	struct iphdr iph;
	struct grehdr greh;
} __attribute__((packed));

static __always_inline int gre_encap(struct __sk_buff *skb)
{
	struct encap_hdr hdr = {};

	hdr.iph.version = 4;
	hdr.iph.ihl = 5;
	hdr.iph.ttl = 64;
	hdr.iph.protocol = IPPROTO_GRE;
	hdr.iph.tot_len = bpf_htons(skb->len + sizeof(hdr));
	hdr.iph.saddr = bpf_htonl(0xac100164);
	hdr.iph.daddr = bpf_htonl(0xac100264);
	hdr.greh.protocol = skb->protocol;
	if (bpf_lwt_push_encap(skb, BPF_LWT_ENCAP_IP, &hdr, sizeof(hdr)) < 0)
		return BPF_DROP;
	return BPF_LWT_REROUTE;
}

SEC("lwt_xmit")
int gre_encap_xmit(struct __sk_buff *skb)
{
	return gre_encap(skb);
}

SEC("lwt_in")
int gre_encap_in(struct __sk_buff *skb)
{
	return gre_encap(skb);
}

char _license[] SEC("license") = "GPL";
