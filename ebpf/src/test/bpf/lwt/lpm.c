// xmit on IPv4: longest-prefix match of daddr in LPM trie 'policy' (user space fills it, e.g. 10.0.0.0/24 -> 1); value 1 drops, any other value or no match passes (BPF_OK); mark = matched value + 1 (1 without a match).
#include "lwt_common.h"

struct lpm_key {
	__u32 prefixlen;
	__u32 addr;
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 256);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm_key);
	__type(value, __u32);
} policy SEC(".maps");

SEC("lwt_xmit")
int lpm_policy(struct __sk_buff *skb)
{
	struct lpm_key key = { .prefixlen = 32 };
	__u32 *action;

	if (bpf_skb_load_bytes(skb, 16, &key.addr, sizeof(key.addr)) < 0)
		return BPF_OK;
	action = bpf_map_lookup_elem(&policy, &key);
	skb->mark = action ? *action + 1 : 1;
	if (action && *action == 1)
		return BPF_DROP;
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
