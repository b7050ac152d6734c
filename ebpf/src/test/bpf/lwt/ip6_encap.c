// xmit: pushes a 40-byte outer IPv6 header fd00::1 -> fd00::2 (next header 4 for IPv4 inner, 41 for IPv6) and returns BPF_LWT_REROUTE; skb->protocol becomes IPv6 (returning BPF_OK instead would drop an IPv4 packet with -EINVAL).
#include "lwt_common.h"

SEC("lwt_xmit")
int ip6_encap(struct __sk_buff *skb)
{
	struct ipv6hdr ip6 = {};

	ip6.version = 6;
	ip6.payload_len = bpf_htons(skb->len);
	ip6.nexthdr = skb->protocol == bpf_htons(ETH_P_IP) ? IPPROTO_IPIP : IPPROTO_IPV6;
	ip6.hop_limit = 64;
	ip6.saddr[0] = 0xfd;
	ip6.saddr[15] = 1;
	ip6.daddr[0] = 0xfd;
	ip6.daddr[15] = 2;
	if (bpf_lwt_push_encap(skb, BPF_LWT_ENCAP_IP, &ip6, sizeof(ip6)) < 0)
		return BPF_DROP;
	return BPF_LWT_REROUTE;
}

char _license[] SEC("license") = "GPL";
