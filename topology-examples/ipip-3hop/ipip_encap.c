// lwtemu example: LWT xmit program on r1 that wraps IPv4 packets in an outer IPv4 header (IPIP, protocol 4)
// from r1's tunnel address 10.0.12.1 to r3's 10.0.23.3, with bpf_lwt_push_encap. The kernel does not fill
// tot_len of the pushed header, so the program does; the outer checksum is left 0 for the kernel to compute.
// A per-CPU array counts encapsulated packets and bytes (dump it with `lwtemu maps ... --router r1`).
#include "lwt_common.h"

#define TUNNEL_SRC 0x0a000c01 /* 10.0.12.1 */
#define TUNNEL_DST 0x0a001703 /* 10.0.23.3 */

struct encap_stats {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct encap_stats);
} encap_stats SEC(".maps");

SEC("lwt_xmit/ipip")
int ipip_encap(struct __sk_buff *skb)
{
	struct iphdr outer = {};
	struct encap_stats *st;
	__u32 zero = 0;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return BPF_OK; /* only IPv4 inner packets */
	outer.version = 4;
	outer.ihl = 5;
	outer.ttl = 64;
	outer.protocol = IPPROTO_IPIP;
	outer.tot_len = bpf_htons(skb->len + sizeof(outer));
	outer.saddr = bpf_htonl(TUNNEL_SRC);
	outer.daddr = bpf_htonl(TUNNEL_DST);
	if (bpf_lwt_push_encap(skb, BPF_LWT_ENCAP_IP, &outer, sizeof(outer)) < 0)
		return BPF_DROP;
	st = bpf_map_lookup_elem(&encap_stats, &zero);
	if (st) {
		st->packets++;
		st->bytes += skb->len;
	}
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
