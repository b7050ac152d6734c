// The programs of the kernel's samples/bpf/test_lwt_bpf.c (driven by test_lwt_bpf.sh), written for lwtemu's
// sim-tests (LwtBpfSamplesTest): one object, one section per test; the route's hook gives the program type.
//   test_ctx:   prints len/mark/protocol and cb/ingress_ifindex/ifindex, BPF_OK
//   test_data:  prints the IPv4 source and destination read by direct packet access, BPF_OK
//   test_cb:    prints cb[0..4] (the kernel clears them before the run), BPF_OK
//   drop_all:   BPF_DROP
//   push_ll_and_redirect: skb_change_head(14), an Ethernet header in front, bpf_redirect(DST_IFINDEX, 0)
//   redirect:   bpf_redirect(DST_IFINDEX, 0) without touching the packet (the L3 interfaces need no L2 header)
//   test_rewrite: destination x.y.z.2 -> x.y.z.3 with the IPv4 and ICMP/UDP/TCP checksums fixed, BPF_OK
//   fill_garbage: overwrites the first 48 bytes of the packet with 0xff, BPF_OK
#include "lwt_common.h"

#define DST_IFINDEX 4 /* r1's eth2 in LwtBpfSamplesTest: lo 1, eth0 2, eth1 3, eth2 4 */
#define IP_CSUM_OFF 10
#define IP_DST_OFF 16

SEC("test_ctx")
int do_test_ctx(struct __sk_buff *skb)
{
	bpf_printk("len %d mark %d protocol %d", skb->len, skb->mark, skb->protocol);
	bpf_printk("cb %d ingress_ifindex %d ifindex %d", skb->cb[0], skb->ingress_ifindex, skb->ifindex);
	return BPF_OK;
}

SEC("test_data")
int do_test_data(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct iphdr *iph = data;

	if ((void *)(iph + 1) > data_end) {
		bpf_printk("data too short");
		return BPF_DROP;
	}
	bpf_printk("src: %x dst: %x", bpf_ntohl(iph->saddr), bpf_ntohl(iph->daddr));
	return BPF_OK;
}

SEC("test_cb")
int do_test_cb(struct __sk_buff *skb)
{
	bpf_printk("cb0: %x cb1: %x cb2: %x", skb->cb[0], skb->cb[1], skb->cb[2]);
	bpf_printk("cb3: %x cb4: %x", skb->cb[3], skb->cb[4]);
	return BPF_OK;
}

SEC("drop_all")
int do_drop_all(struct __sk_buff *skb)
{
	return BPF_DROP;
}

SEC("push_ll_and_redirect")
int do_push_ll_and_redirect(struct __sk_buff *skb)
{
	__be16 proto = skb->protocol;
	struct ethhdr ehdr = {
		.h_dest = {0x02, 0, 0, 0, 0, 0x02},
		.h_source = {0x02, 0, 0, 0, 0, 0x01},
	};

	if (bpf_skb_change_head(skb, 14, 0) < 0)
		return BPF_DROP;
	ehdr.h_proto = proto;
	if (bpf_skb_store_bytes(skb, 0, &ehdr, sizeof(ehdr), 0) < 0)
		return BPF_DROP;
	return bpf_redirect(DST_IFINDEX, 0);
}

SEC("redirect")
int do_redirect(struct __sk_buff *skb)
{
	return bpf_redirect(DST_IFINDEX, 0);
}

SEC("test_rewrite")
int do_test_rewrite(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct iphdr *iph = data;
	__u32 old_ip, new_ip;
	int l4_off, proto;

	if ((void *)(iph + 1) > data_end || iph->version != 4)
		return BPF_OK;
	/* read before the first helper call: csum_replace invalidates packet pointers */
	old_ip = iph->daddr;
	proto = iph->protocol;
	if ((bpf_ntohl(old_ip) & 0xff) != 2)
		return BPF_OK;
	new_ip = bpf_htonl(bpf_ntohl(old_ip) + 1);
	l4_off = iph->ihl * 4;
	if (proto == IPPROTO_TCP &&
	    bpf_l4_csum_replace(skb, l4_off + 16, old_ip, new_ip, BPF_F_PSEUDO_HDR | sizeof(new_ip)) < 0)
		return BPF_DROP;
	if (proto == IPPROTO_UDP &&
	    bpf_l4_csum_replace(skb, l4_off + 6, old_ip, new_ip, BPF_F_PSEUDO_HDR | sizeof(new_ip)) < 0)
		return BPF_DROP;
	if (bpf_l3_csum_replace(skb, IP_CSUM_OFF, old_ip, new_ip, sizeof(new_ip)) < 0)
		return BPF_DROP;
	if (bpf_skb_store_bytes(skb, IP_DST_OFF, &new_ip, sizeof(new_ip), 0) < 0)
		return BPF_DROP;
	return BPF_OK;
}

SEC("fill_garbage")
int do_fill_garbage(struct __sk_buff *skb)
{
	__u64 f = 0xffffffffffffffffULL;
	int i;

	for (i = 0; i < 48; i += 8)
		if (bpf_skb_store_bytes(skb, i, &f, sizeof(f), 0) < 0)
			return BPF_DROP;
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
