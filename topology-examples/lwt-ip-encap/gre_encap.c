// lwtemu example after the kernel's lwt_ip_encap selftest: an LWT xmit program on ns1 wraps IPv4 packets in
// an outer IPv4 + GRE header (172.16.1.100 -> 172.16.16.100, the GRE device on ns3) with bpf_lwt_push_encap,
// then returns BPF_LWT_REROUTE so the outer packet is routed on its own destination: the bottom path.
// The kernel does not fill the outer tot_len, so the program does; it computes the outer checksum left 0.
#include "lwt_common.h"

#define GRE_SRC 0xac100164 /* 172.16.1.100, ns1's top address: ns3's gre_dev remote */
#define GRE_DST 0xac101064 /* 172.16.16.100, ns3's gre_dev local */

struct gre_base {
	__be16 flags;    /* no checksum, no key, no sequence, version 0 */
	__be16 protocol; /* EtherType of the inner packet */
};

struct ip_gre {
	struct iphdr ip;
	struct gre_base gre;
};

SEC("lwt_xmit/encap_gre")
int encap_gre(struct __sk_buff *skb)
{
	struct ip_gre hdr = {};

	if (skb->protocol != bpf_htons(ETH_P_IP) && skb->protocol != bpf_htons(ETH_P_IPV6))
		return BPF_DROP;
	hdr.ip.version = 4;
	hdr.ip.ihl = 5;
	hdr.ip.ttl = 64;
	hdr.ip.protocol = IPPROTO_GRE;
	hdr.ip.tot_len = bpf_htons(skb->len + sizeof(hdr));
	hdr.ip.saddr = bpf_htonl(GRE_SRC);
	hdr.ip.daddr = bpf_htonl(GRE_DST);
	hdr.gre.protocol = (__be16)skb->protocol;
	if (bpf_lwt_push_encap(skb, BPF_LWT_ENCAP_IP, &hdr, sizeof(hdr)) < 0)
		return BPF_DROP;
	return BPF_LWT_REROUTE;
}

char _license[] SEC("license") = "GPL";
