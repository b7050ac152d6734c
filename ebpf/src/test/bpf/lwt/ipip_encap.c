// xmit on an 84-byte IPv4 ping: pushes a 20-byte outer IPv4 header 172.16.1.1 -> 172.16.2.1 proto 4 ttl 64 (tot_len 104 filled by the program, checksum by the kernel); BPF_OK, 104-byte packet, protocol unchanged.
#include "lwt_common.h"

SEC("lwt_xmit")
int ipip_encap(struct __sk_buff *skb)
{
	struct iphdr iph = {};

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return BPF_OK;
	iph.version = 4;
	iph.ihl = 5;
	iph.ttl = 64;
	iph.protocol = IPPROTO_IPIP;
	iph.tot_len = bpf_htons(skb->len + sizeof(iph));
	iph.saddr = bpf_htonl(0xac100101);
	iph.daddr = bpf_htonl(0xac100201);
	if (bpf_lwt_push_encap(skb, BPF_LWT_ENCAP_IP, &iph, sizeof(iph)) < 0)
		return BPF_DROP;
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
