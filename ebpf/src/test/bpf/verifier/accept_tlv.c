// Accepted: walks IPv6 extension headers with skb_load_bytes at a growing, data-dependent offset (a
// bounded loop the verifier explores per iteration), then counts the final next-header in a per-CPU hash;
// also a bpf_loop callback and a spilled packet pointer reused after a helper that does not move data.
// variants: v1 v4
#include "common.h"
#include <linux/ipv6.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 256);
	__type(key, __u8);
	__type(value, __u64);
} nexthdr_count SEC(".maps");

struct opt_hdr {
	__u8 nexthdr;
	__u8 hdrlen;
};

static __always_inline int is_ext(__u8 nh)
{
	return nh == 0 || nh == 43 || nh == 60;
}

struct loop_ctx {
	__u32 acc;
	__u32 step;
};

static int add_step(__u32 index, void *data)
{
	struct loop_ctx *c = data;

	c->acc += c->step + index;
	return c->acc > 1000 ? 1 : 0;
}

SEC("lwt_in")
int walk_ext(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ipv6hdr *ip6 = data;
	struct opt_hdr opt;
	struct loop_ctx lc = { .acc = 0, .step = 3 };
	__u32 off = sizeof(struct ipv6hdr);
	__u8 nh;
	__u64 one = 1, *cnt;
	int i;

	if ((void *)(ip6 + 1) > data_end)
		return BPF_OK;
	nh = ip6->nexthdr;
#pragma clang loop unroll(disable)
	for (i = 0; i < 8; i++) {
		if (!is_ext(nh))
			break;
		if (bpf_skb_load_bytes(skb, off, &opt, sizeof(opt)))
			return BPF_DROP;
		nh = opt.nexthdr;
		off += (opt.hdrlen + 1) * 8;
	}
	cnt = bpf_map_lookup_elem(&nexthdr_count, &nh);
	if (cnt)
		*cnt += 1;
	else
		bpf_map_update_elem(&nexthdr_count, &nh, &one, BPF_ANY);
	bpf_loop(ip6->hop_limit & 15, add_step, &lc, 0);
	skb->cb[1] = lc.acc;
	skb->mark = ip6->flow_lbl[0];
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
