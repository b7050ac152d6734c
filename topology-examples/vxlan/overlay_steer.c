// lwtemu example: steer a site's traffic into its VXLAN overlay from an LWT xmit program, with per-destination
// accounting. leafA's route to site B points at the underlay (dev eth1), where the core router has no route to
// 10.2.0.0/24; the program counts the packet and its bytes under the inner destination address in
// overlay_stats (`lwtemu maps ... --router leafA` shows them) and bpf_redirect()s it into vx0, which wraps it
// in UDP 4789 + VXLAN (VNI 100) + Ethernet towards leafB. On leafA lo is ifindex 1, eth0 2, eth1 3, and vx0,
// created by the first config line after the interfaces, 4.
#include "lwt_common.h"

#define VX0_IFINDEX 4

struct overlay_count {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, struct overlay_count);
} overlay_stats SEC(".maps");

SEC("lwt_xmit/steer")
int steer(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct iphdr *ip = data;
	struct overlay_count zero = {}, *c;
	__u32 dst;

	if (skb->protocol != bpf_htons(ETH_P_IP) || (void *)(ip + 1) > data_end)
		return BPF_OK; /* not IPv4: leave it to the route */
	dst = ip->daddr;
	c = bpf_map_lookup_elem(&overlay_stats, &dst);
	if (!c) {
		bpf_map_update_elem(&overlay_stats, &dst, &zero, BPF_ANY);
		c = bpf_map_lookup_elem(&overlay_stats, &dst);
		if (!c)
			return BPF_DROP;
	}
	__sync_fetch_and_add(&c->packets, 1);
	__sync_fetch_and_add(&c->bytes, skb->len);
	return bpf_redirect(VX0_IFINDEX, 0);
}

char _license[] SEC("license") = "GPL";
