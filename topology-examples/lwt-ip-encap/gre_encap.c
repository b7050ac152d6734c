// lwtemu example after the kernel's lwt_ip_encap selftest (test_lwt_ip_encap.c): LWT programs that wrap IPv4 or
// IPv6 packets in an outer header + GRE to the GRE device on ns3 with bpf_lwt_push_encap, then return
// BPF_LWT_REROUTE so the outer packet is routed on its own destination: the bottom path.
//   encap_gre:  outer IPv4 172.16.1.100 -> 172.16.16.100 (ns3's gre_dev)
//   encap_gre6: outer IPv6 fb01::1 -> fb10::1 (ns3's gre6_dev)
//   encap_vxlan (xmit only): the selftest's VXLAN variant, outer IPv4 172.16.1.100 -> 172.16.16.100 + UDP to
//               port 4789 + VXLAN (VNI 1) + an inner Ethernet header, for a vxlan device on ns3
// Each comes as an LWT xmit program (egress, on ns1) and an LWT in program (ingress, on ns2); the kernel allows
// bpf_lwt_push_encap(BPF_LWT_ENCAP_IP) in both. The kernel does not fill the outer tot_len / payload_len, so the
// programs do; it computes the outer IPv4 checksum left 0.
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

struct ip6_gre {
	struct ipv6hdr ip6;
	struct gre_base gre;
};

static __always_inline int inner_ok(struct __sk_buff *skb)
{
	return skb->protocol == bpf_htons(ETH_P_IP) || skb->protocol == bpf_htons(ETH_P_IPV6);
}

static __always_inline int encap_gre(struct __sk_buff *skb)
{
	struct ip_gre hdr = {};

	if (!inner_ok(skb))
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

static __always_inline int encap_gre6(struct __sk_buff *skb)
{
	struct ip6_gre hdr = {};

	if (!inner_ok(skb))
		return BPF_DROP;
	hdr.ip6.version = 6;
	hdr.ip6.payload_len = bpf_htons(skb->len + sizeof(hdr.gre));
	hdr.ip6.nexthdr = IPPROTO_GRE;
	hdr.ip6.hop_limit = 0x40;
	hdr.ip6.saddr[0] = 0xfb; /* fb01::1 */
	hdr.ip6.saddr[1] = 0x01;
	hdr.ip6.saddr[15] = 1;
	hdr.ip6.daddr[0] = 0xfb; /* fb10::1 */
	hdr.ip6.daddr[1] = 0x10;
	hdr.ip6.daddr[15] = 1;
	hdr.gre.protocol = (__be16)skb->protocol;
	if (bpf_lwt_push_encap(skb, BPF_LWT_ENCAP_IP, &hdr, sizeof(hdr)) < 0)
		return BPF_DROP;
	return BPF_LWT_REROUTE;
}

struct ip_vxlan {
	struct iphdr ip;
	struct udphdr udp;
	__be32 vx_flags; /* I flag: the VNI is valid */
	__be32 vx_vni;   /* VNI << 8 */
	struct ethhdr eth;
} __attribute__((packed));

static __always_inline int encap_vxlan(struct __sk_buff *skb)
{
	struct ip_vxlan hdr = {};

	if (!inner_ok(skb))
		return BPF_DROP;
	hdr.ip.version = 4;
	hdr.ip.ihl = 5;
	hdr.ip.ttl = 64;
	hdr.ip.protocol = IPPROTO_UDP;
	hdr.ip.tot_len = bpf_htons(skb->len + sizeof(hdr));
	hdr.ip.saddr = bpf_htonl(GRE_SRC);
	hdr.ip.daddr = bpf_htonl(GRE_DST);
	hdr.udp.source = bpf_htons(49152);
	hdr.udp.dest = bpf_htons(4789);
	hdr.udp.len = bpf_htons(skb->len + sizeof(hdr) - sizeof(hdr.ip)); /* checksum 0: none, fine on IPv4 */
	hdr.vx_flags = bpf_htonl(0x08000000);
	hdr.vx_vni = bpf_htonl(1 << 8);
	hdr.eth.h_dest[0] = 0x02;
	hdr.eth.h_dest[5] = 0x02;
	hdr.eth.h_source[0] = 0x02;
	hdr.eth.h_source[5] = 0x01;
	hdr.eth.h_proto = (__be16)skb->protocol;
	if (bpf_lwt_push_encap(skb, BPF_LWT_ENCAP_IP, &hdr, sizeof(hdr)) < 0)
		return BPF_DROP;
	return BPF_LWT_REROUTE;
}

SEC("lwt_xmit/encap_vxlan")
int xmit_encap_vxlan(struct __sk_buff *skb)
{
	return encap_vxlan(skb);
}

SEC("lwt_xmit/encap_gre")
int xmit_encap_gre(struct __sk_buff *skb)
{
	return encap_gre(skb);
}

SEC("lwt_xmit/encap_gre6")
int xmit_encap_gre6(struct __sk_buff *skb)
{
	return encap_gre6(skb);
}

SEC("lwt_in/encap_gre")
int in_encap_gre(struct __sk_buff *skb)
{
	return encap_gre(skb);
}

SEC("lwt_in/encap_gre6")
int in_encap_gre6(struct __sk_buff *skb)
{
	return encap_gre6(skb);
}

char _license[] SEC("license") = "GPL";
