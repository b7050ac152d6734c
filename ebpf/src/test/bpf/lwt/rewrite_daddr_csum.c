// xmit on IPv4 to x.y.z.2: daddr becomes x.y.z.3 with the IP checksum (and the TCP/UDP checksum) fixed by l3/l4_csum_replace; BPF_OK. A ping to .2 is answered by .3.
#include "lwt_common.h"

#define IP_CSUM_OFF 10
#define IP_DADDR_OFF 16

SEC("lwt_xmit")
int rewrite_daddr(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct iphdr *iph = data;
	__be32 old_ip, new_ip;
	__u32 l4_csum_off;
	__u64 l4_flags = BPF_F_PSEUDO_HDR | sizeof(new_ip);

	if (data + sizeof(*iph) > data_end || iph->version != 4 || iph->ihl != 5)
		return BPF_OK;
	old_ip = iph->daddr;
	if ((bpf_ntohl(old_ip) & 0xff) != 2)
		return BPF_OK;
	new_ip = bpf_htonl((bpf_ntohl(old_ip) & ~0xffU) | 3);

	if (iph->protocol == IPPROTO_TCP) {
		l4_csum_off = sizeof(*iph) + 16;
	} else if (iph->protocol == IPPROTO_UDP) {
		l4_csum_off = sizeof(*iph) + 6;
		l4_flags |= BPF_F_MARK_MANGLED_0;
	} else {
		l4_csum_off = 0;
	}
	if (l4_csum_off && bpf_l4_csum_replace(skb, l4_csum_off, old_ip, new_ip, l4_flags) < 0)
		return BPF_DROP;
	if (bpf_l3_csum_replace(skb, IP_CSUM_OFF, old_ip, new_ip, sizeof(new_ip)) < 0)
		return BPF_DROP;
	if (bpf_skb_store_bytes(skb, IP_DADDR_OFF, &new_ip, sizeof(new_ip), 0) < 0)
		return BPF_DROP;
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
