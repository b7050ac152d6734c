// tc ingress on r3's eth0: strips the outer IPv4 header of IPIP packets for 10.0.23.3 (the kernel's ipip
// module is not available on this machine), so the inner packet is routed on to h2 as after ipip_rcv.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

SEC("tc")
int ipip_decap(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	if (ip->protocol != IPPROTO_IPIP || ip->daddr != bpf_htonl(0x0a001703) || ip->ihl != 5)
		return TC_ACT_OK;
	if (bpf_skb_adjust_room(skb, -20, BPF_ADJ_ROOM_MAC, 0))
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}
char _license[] SEC("license") = "GPL";
