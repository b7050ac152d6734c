// lwtemu example: LWT xmit program on r1 of the 20-router ring. It wraps IPv4 packets for hB's subnet in an outer
// IPv4 header (IPIP, protocol 4) from r1's 10.100.1.1 to r11's 10.100.10.2 with bpf_lwt_push_encap and returns
// BPF_OK, so the outer packet leaves by the route's next hop; only r11 knows hB's subnet, and its ipip device
// decapsulates. The kernel does not fill tot_len of the pushed header, so the program does; the outer checksum is
// left 0 for the kernel to compute. encap_packets counts what it wrapped.
#include "lwt_common.h"

#define TUNNEL_SRC 0x0a640101 /* 10.100.1.1 */
#define TUNNEL_DST 0x0a640a02 /* 10.100.10.2 */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} encap_packets SEC(".maps");

SEC("lwt_xmit/ipip")
int ring_ipip(struct __sk_buff *skb)
{
	struct iphdr outer = {};
	__u32 zero = 0;
	__u64 *n;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return BPF_DROP;
	outer.version = 4;
	outer.ihl = 5;
	outer.ttl = 64;
	outer.protocol = IPPROTO_IPIP;
	outer.tot_len = bpf_htons(skb->len + sizeof(outer));
	outer.saddr = bpf_htonl(TUNNEL_SRC);
	outer.daddr = bpf_htonl(TUNNEL_DST);
	if (bpf_lwt_push_encap(skb, BPF_LWT_ENCAP_IP, &outer, sizeof(outer)) < 0)
		return BPF_DROP;
	n = bpf_map_lookup_elem(&encap_packets, &zero);
	if (n)
		__sync_fetch_and_add(n, 1);
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
